/** What a conda package becomes in a uv project (a PyPI package, a hint, an apt package, or nothing). */

export type CondaAction =
  /** Installed from PyPI under this name. */
  | { kind: 'pypi'; pypi: string; note?: string }
  /** The CUDA toolkit: its version is a CUDA hint. */
  | { kind: 'cuda' }
  /** A PyTorch variant selector (`cpuonly`). */
  | { kind: 'backend'; backend: string }
  /** The interpreter: its version is a Python hint. */
  | { kind: 'python' }
  /** Not needed at all in the container; why. */
  | { kind: 'ignore'; reason: string }
  /** Only on conda: left out, with what to use instead when there is something. */
  | { kind: 'conda-only'; apt?: string; pypi?: string; reason: string };

export interface CondaMapping {
  /** Conda package names (normalized: lower case, `_` and `.` as `-`). */
  names: string[] | RegExp;
  action: CondaAction;
}

const SYSTEM = 'part of the base system conda ships with Python; the CUDA image and the uv-managed Python provide it';
const BUNDLED = 'PyPI wheels bundle it (conda installs it as a separate package)';
const COMPILER = 'the CUDA devel image has gcc/g++; for a specific version use apt gcc-N g++-N';

/**
 * Packages that need more than a PyPI name: the CUDA toolkit, the interpreter, conda's own
 * packaging, programs and C libraries with their apt names. Source: package pages on anaconda.org
 * (channels defaults, conda-forge, pytorch, nvidia) and pypi.org, and packages.ubuntu.com for apt
 * names (Ubuntu 22.04 / 24.04), read 2025. Every other name: native libraries by their names
 * and build strings are left out, renamed ones mapped (pypiNameOf below).
 */
export const CONDA_MAP: { source: string; entries: CondaMapping[] } = {
  source: 'anaconda.org / pypi.org / packages.ubuntu.com package pages, 2025',
  entries: [
    { names: ['pytorch', 'pytorch-gpu', 'pytorch-cpu'], action: { kind: 'pypi', pypi: 'torch' } },
    { names: ['pytorch-cuda', 'cudatoolkit', 'cudatoolkit-dev', 'cuda', 'cuda-toolkit', 'cuda-version'], action: { kind: 'cuda' } },
    { names: ['cuda-python'], action: { kind: 'pypi', pypi: 'cuda-python' } },
    { names: /^cuda-[a-z0-9-]+$/, action: { kind: 'cuda' } },
    { names: ['cpuonly'], action: { kind: 'backend', backend: 'cpu' } },
    { names: ['python'], action: { kind: 'python' } },
    { names: ['pip', 'setuptools', 'wheel'], action: { kind: 'ignore', reason: 'uv manages the packaging tools of the environment' } },
    {
      names: ['conda', 'conda-build', 'conda-package-handling', 'conda-libmamba-solver', 'menuinst', 'mamba', 'libmamba', 'libmambapy'],
      action: { kind: 'ignore', reason: "conda's own tools; a uv project does not need them" },
    },
    {
      // The pytorch channel's Triton build: torch's wheels pull Triton themselves (`triton` /
      // `pytorch-triton`); `torchtriton` on PyPI is the name of the 2022 dependency-confusion package.
      names: ['torchtriton', 'pytorch-triton', 'triton-nightly'],
      action: { kind: 'ignore', reason: "the pytorch channel's Triton: torch's wheels bring Triton themselves (never the PyPI name torchtriton)" },
    },
    {
      names: ['pytorch-mutex', '-pytorch-select', 'blas', 'libblas', 'libcblas', 'liblapack', 'liblapacke'],
      action: { kind: 'ignore', reason: 'conda variant selector / BLAS binding; PyTorch and NumPy wheels bundle their BLAS' },
    },
    {
      names: ['cudnn', 'nccl', 'cutensor', 'cusparselt', 'libcublas', 'libcufft', 'libcurand', 'libcusolver', 'libcusparse', 'libnvjitlink'],
      action: { kind: 'ignore', reason: 'PyTorch wheels bring their own CUDA libraries (cuDNN, NCCL, cuBLAS...)' },
    },
    {
      names: ['mkl', 'mkl-service', 'mkl-fft', 'mkl-random', 'mkl-static', 'mkl-include', 'mkl-devel', 'intel-openmp', 'openblas', 'libopenblas'],
      action: { kind: 'conda-only', reason: 'PyTorch and NumPy wheels bundle MKL / OpenBLAS; a separate MKL is only needed to build PyTorch from source' },
    },
    { names: /^magma(-cuda\d+)?$/, action: { kind: 'conda-only', reason: 'PyTorch wheels bundle MAGMA; only needed to build PyTorch from source' } },
    {
      names: ['libstdcxx-ng', 'libstdcxx', 'libgcc-ng', 'libgcc', 'libgomp', 'libgfortran-ng', 'libgfortran5', 'libgfortran'],
      action: { kind: 'ignore', reason: "C/C++ runtime; the image's Ubuntu provides libstdc++ (pick a newer Ubuntu if a package needs a newer GLIBCXX)" },
    },
    {
      names: ['sysroot-linux-64', 'kernel-headers-linux-64'],
      action: { kind: 'ignore', reason: "conda's glibc sysroot for its compilers; the image's Ubuntu provides glibc headers" },
    },
    {
      names: [
        '-libgcc-mutex',
        '-openmp-mutex',
        'ld-impl-linux-64',
        'ca-certificates',
        'openssl',
        'libffi',
        'ncurses',
        'readline',
        'sqlite',
        'tk',
        'xz',
        'zlib',
        'bzip2',
        'libuuid',
        'libnsl',
        'libzlib',
        'libsqlite',
        'libxcrypt',
        'tzdata',
        'expat',
        'libexpat',
        'libedit',
        'libmpdec',
        'liblzma',
        'libiconv',
        'icu',
        'krb5',
        'libcurl',
        'libssh2',
        'c-ares',
        'libev',
        'libnghttp2',
        'lz4-c',
        'zstd',
        'yaml',
        'llvm-openmp',
        'libllvm14',
        'numpy-base',
        'python-abi',
        'libprotobuf',
        'libabseil',
      ],
      action: { kind: 'ignore', reason: SYSTEM },
    },
    {
      names: [
        'libpng',
        'jpeg',
        'libjpeg-turbo',
        'libtiff',
        'libwebp',
        'libwebp-base',
        'lcms2',
        'giflib',
        'libdeflate',
        'lerc',
        'openjpeg',
        'freetype',
        'libopencv',
        'py-opencv-headless',
        'libsentencepiece',
        'libtorch',
      ],
      action: { kind: 'ignore', reason: BUNDLED },
    },
    { names: ['opencv', 'py-opencv'], action: { kind: 'pypi', pypi: 'opencv-python' } },
    { names: ['tensorflow-gpu'], action: { kind: 'pypi', pypi: 'tensorflow', note: 'tensorflow on PyPI includes GPU support on Linux' } },
    { names: ['matplotlib-base'], action: { kind: 'pypi', pypi: 'matplotlib' } },
    { names: ['pyg', 'pytorch-geometric'], action: { kind: 'pypi', pypi: 'torch-geometric' } },
    {
      names: ['pytorch-scatter'],
      action: { kind: 'pypi', pypi: 'torch-scatter', note: 'needs wheels built for the torch/CUDA pair (find-links data.pyg.org)' },
    },
    { names: ['pytorch-sparse'], action: { kind: 'pypi', pypi: 'torch-sparse', note: 'needs wheels built for the torch/CUDA pair (find-links data.pyg.org)' } },
    {
      names: ['pytorch-cluster'],
      action: { kind: 'pypi', pypi: 'torch-cluster', note: 'needs wheels built for the torch/CUDA pair (find-links data.pyg.org)' },
    },
    { names: ['cupy'], action: { kind: 'pypi', pypi: 'cupy-cuda12x', note: 'PyPI names cupy per CUDA major (cupy-cuda11x, cupy-cuda12x)' } },
    { names: ['pyqt'], action: { kind: 'pypi', pypi: 'pyqt5' } },
    { names: ['cmake', 'ninja', 'cython', 'pybind11', 'mpi4py', 'certifi'], action: { kind: 'pypi', pypi: '' } },
    { names: ['ffmpeg'], action: { kind: 'conda-only', apt: 'ffmpeg', reason: 'a program, not a Python package' } },
    { names: ['libaio'], action: { kind: 'conda-only', apt: 'libaio-dev', reason: 'a C library' } },
    { names: ['libuv'], action: { kind: 'conda-only', apt: 'libuv1-dev', reason: 'a C library' } },
    {
      names: ['gcc', 'gxx', 'gcc-linux-64', 'gxx-linux-64', 'compilers', 'c-compiler', 'cxx-compiler', 'gfortran', 'make'],
      action: { kind: 'conda-only', apt: 'build-essential', reason: COMPILER },
    },
    { names: ['git'], action: { kind: 'conda-only', apt: 'git', reason: 'a program' } },
    { names: ['git-lfs'], action: { kind: 'conda-only', apt: 'git-lfs', reason: 'a program' } },
    { names: ['nodejs'], action: { kind: 'conda-only', apt: 'nodejs', reason: 'a program' } },
    { names: ['openmpi', 'mpich'], action: { kind: 'conda-only', apt: 'libopenmpi-dev', reason: 'an MPI implementation (C library)' } },
    { names: ['hdf5'], action: { kind: 'conda-only', apt: 'libhdf5-dev', reason: 'a C library (h5py wheels bundle it)' } },
    { names: ['libsndfile'], action: { kind: 'conda-only', apt: 'libsndfile1', reason: 'a C library (soundfile wheels bundle it)' } },
    { names: ['sox'], action: { kind: 'conda-only', apt: 'sox', reason: 'a program' } },
    { names: ['espeak-ng'], action: { kind: 'conda-only', apt: 'espeak-ng', reason: 'a program' } },
    { names: ['graphviz'], action: { kind: 'conda-only', apt: 'graphviz', reason: 'a program (the PyPI graphviz package is only its Python binding)' } },
    { names: ['cairo'], action: { kind: 'conda-only', apt: 'libcairo2-dev', reason: 'a C library' } },
    { names: ['mesalib', 'libglu', 'mesa-libgl-cos7-x86-64'], action: { kind: 'conda-only', apt: 'libgl1', reason: 'OpenGL libraries' } },
    {
      names: ['pytorch3d'],
      action: { kind: 'conda-only', reason: 'no PyPI wheels: build it from git (github.com/facebookresearch/pytorch3d) without build isolation' },
    },
    { names: ['faiss-gpu'], action: { kind: 'conda-only', pypi: 'faiss-gpu-cu12', reason: 'official GPU builds are on conda; PyPI has community wheels' } },
    {
      names: ['nvidia-apex', 'apex'],
      action: { kind: 'conda-only', reason: 'NVIDIA apex is built from git (github.com/NVIDIA/apex) without build isolation' },
    },
  ],
};

/** Conda's name normalization for lookups. */
export function condaKey(name: string): string {
  return name.trim().toLowerCase().replace(/[_.]+/g, '-');
}

/**
 * conda packages that are native libraries or programs, by name, for files without build strings
 * (a hand-written environment.yml): conda-forge feedstock names of the C/C++ libraries and tools
 * that machine-learning environments pull in. Several have an unrelated project of the same name
 * on PyPI (s2n, gmp...): such a name is never taken as a PyPI package.
 * Source: conda-forge feedstock names (conda-forge.org/feedstock-outputs), as of 2026-12.
 */
const NATIVE_NAMES =
  /^(s2n|gmp|mpfr|mpc|isl|nettle|gnutls|openssl|zlib|zstd|xz|bzip2|lz4-c|lzo|snappy|brotli|ncurses|readline|sqlite|tk|tzdata|ca-certificates|certifi-system|ld-impl-.+|libgcc|libstdcxx|libgomp|libgfortran.*|ffmpeg|x264|x265|lame|openh264|libvpx|dav1d|aom|svt-av1|gstreamer|gst-plugins-.+|qt|qt-main|qt5|qt6-main|icu|jpeg|libjpeg-turbo|openjpeg|giflib|expat|krb5|c-ares|re2|abseil-cpp|grpc-cpp|libgrpc|libprotobuf|protobuf-cpp|tbb|tbb-devel|eigen|boost|boost-cpp|hdf5|libnetcdf|nccl|gflags|glog|yaml-cpp|fmt|spdlog|nlohmann-json|pybind11-abi|freetype|fontconfig|harfbuzz|cairo|pango|pixman|glib|gettext|dbus|xorg-.+|libx.+|mesalib|libglu|glew|glfw|vtk|assimp|pcre2?|oniguruma|libiconv|libxml2|libxslt|curl|libcurl|libssh2|openmpi|mpich|ucx|rdma-core|numactl|libuv|libevent|zeromq|cppzmq|arrow-cpp|libarrow.*|orc|thrift-cpp|graphviz|cmake|make|ninja|pkg-config|gcc|gxx|gcc_linux-64|gxx_linux-64|binutils|sysroot_linux-64|kernel-headers_linux-64|cxx-compiler|c-compiler|compilers|git|git-lfs|wget|unzip|sox|aws-.+)$/;

/** conda names whose PyPI project has another name (conda-forge recipes' PyPI names). */
const RENAMED: Record<string, string> = {
  'py-opencv': 'opencv-python',
  'opencv-python-headless': 'opencv-python-headless',
  'matplotlib-base': 'matplotlib',
  'pytorch-lightning': 'pytorch-lightning',
  'tensorflow-base': 'tensorflow',
  'py-xgboost': 'xgboost',
  'py-lightgbm': 'lightgbm',
  'py-boost-histogram': 'boost-histogram',
  pyqt: 'pyqt5',
  pyyaml: 'pyyaml',
  'ruamel.yaml': 'ruamel-yaml',
  'ruamel-yaml': 'ruamel-yaml',
  'scikit-image': 'scikit-image',
  'faiss-cpu': 'faiss-cpu',
  'graphviz-python': 'graphviz',
  'python-graphviz': 'graphviz',
  'python-dateutil': 'python-dateutil',
  libopencv: '',
  'pytorch-nightly': '',
};

/** How a conda name is taken for PyPI. */
export const CONDA_PYPI = {
  source: 'conda-forge recipes (their PyPI names), conda-forge feedstock names of native libraries',
  asOf: '2026-12',
};

/**
 * The PyPI name of a conda package that holds a Python distribution; null for a native one.
 * A name no list knows is assumed to be the same on PyPI only where nothing says otherwise: a
 * file with build strings says it (one without "py" is native), a hand-written file does not.
 */
export function pypiNameOf(name: string): string | null {
  const key = condaKey(name);
  if (key in RENAMED) return RENAMED[key] || null;
  if (NATIVE_NAMES.test(key)) return null;
  return key;
}

/** Packages only Windows installs (an environment exported on Windows lists them). */
export const WINDOWS_ONLY =
  /^(vc|vc14-runtime|vs2015-runtime|vs20\d\d-(runtime|win-64)|ucrt|m2w64-.+|msys2-.+|pywin32|pywin32-ctypes|pypiwin32|pywinpty|winpty|wincertstore|win-inet-pton|windows-curses|comtypes|wmi|winkerberos|win-unicode-console)$/;

const NATIVE = 'a native library or program conda installs (its build string names no Python); PyPI wheels bundle what they need';

/**
 * The mapping for a conda package name (and its build string, when the file gives one). `known`
 * is false when neither the list above nor conda-forge's mapping names it: it is left out then,
 * never assumed to have the same name on PyPI.
 */
export function mapCondaName(name: string, build?: string): { action: CondaAction; known: boolean } {
  const key = condaKey(name);
  // `_libgcc_mutex`, `_openmp_mutex`, `_py-xgboost-mutex`: conda's own variant selectors.
  if (name.trim().startsWith('_')) return { action: { kind: 'ignore', reason: "conda's internal variant selector" }, known: true };
  for (const entry of CONDA_MAP.entries) {
    const hit = Array.isArray(entry.names) ? entry.names.includes(key) : entry.names.test(key);
    if (!hit) continue;
    if (entry.action.kind === 'pypi' && entry.action.pypi === '') return { action: { kind: 'pypi', pypi: key }, known: true };
    return { action: entry.action, known: true };
  }
  if (WINDOWS_ONLY.test(key)) return { action: { kind: 'conda-only', reason: 'Windows only: the container is Linux' }, known: true };
  // A build string without "py" (hd590300_0, h06160fa_0) is a package built without Python.
  if (build && !/py/i.test(build)) return { action: { kind: 'conda-only', reason: NATIVE }, known: true };
  if (key === 'pytorch-nightly')
    return { action: { kind: 'conda-only', reason: 'a nightly build of torch from conda; the plan chooses a released torch for this machine' }, known: false };
  const pypi = pypiNameOf(key);
  // A build string with "py" says the package holds Python code; a hand-written name is assumed to keep it on PyPI.
  if (pypi)
    return { action: { kind: 'pypi', pypi, ...(build ? {} : { note: `assumed to have the same name on PyPI (a hand-written conda name)` }) }, known: true };
  if (/^lib[a-z0-9-]+$/.test(key)) {
    return {
      action: { kind: 'conda-only', reason: 'a C library conda installs; PyPI wheels bundle what they need (apt lib...-dev if a build needs it)' },
      known: false,
    };
  }
  return {
    action: {
      kind: 'conda-only',
      reason: `a native library or program conda installs (${CONDA_PYPI.source}); if it is a Python package, add its PyPI name to the project yourself`,
    },
    known: false,
  };
}
