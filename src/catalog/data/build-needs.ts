import type { Table } from '../types.js';

/**
 * PyPI packages that ship only an sdist whose build needs more than its own build-system says:
 * torch, pip... imported by setup.py. An isolated build (what uv does, at lock time to learn the
 * metadata and at sync time to install) fails without them. For each: what the build needs
 * (`[tool.uv.extra-build-dependencies]`), and, where uv would otherwise have to build the sdist
 * only to read its metadata (installing torch for that, at lock time), that metadata
 * (`[[tool.uv.dependency-metadata]]`), read from the sdist itself.
 */
export interface BuildNeed {
  /** PEP 503 normalized name. */
  name: string;
  /** Requirements the build environment needs; `torch` = the environment's torch (match-runtime). */
  build: readonly string[];
  /** The sdist's own metadata, per version: what uv would otherwise build the sdist to learn. */
  metadata?: readonly { version: string; requiresDist: readonly string[] }[];
  why: string;
  source: string;
}

export const BUILD_NEEDS: Table<BuildNeed> = {
  source: 'the sdists on PyPI, read 2026-12-02 (setup.py and requirements.txt inside each), and the issue threads named per row',
  asOf: '2026-12-02',
  confidence: 'V',
  rows: [
    {
      name: 'basicsr',
      build: ['torch', 'numpy', 'cython'],
      metadata: [
        {
          version: '1.4.2',
          requiresDist: [
            'addict',
            'future',
            'lmdb',
            'numpy>=1.17',
            'opencv-python',
            'Pillow',
            'pyyaml',
            'requests',
            'scikit-image',
            'scipy',
            'tb-nightly',
            'torch>=1.7',
            'torchvision',
            'tqdm',
            'yapf',
          ],
        },
      ],
      why: "basicsr's setup.py asks for torch, numpy and cython in setup_requires (an isolated build has none of them: \"No module named 'torch'\")",
      source: 'basicsr-1.4.2.tar.gz setup.py (setup_requires) and requirements.txt (install_requires); XPixelGroup/BasicSR#457',
    },
    {
      name: 'chumpy',
      build: ['pip', 'setuptools'],
      why: "chumpy's setup.py imports pip to read its requirements, and distutils (gone from Python 3.12 without setuptools)",
      source: 'chumpy-0.70.tar.gz setup.py (from pip._internal.req import parse_requirements)',
    },
  ],
};

/** setuptools with pkg_resources, which setuptools 82 removed (legacy setup.py builds import it). */
export const PKG_RESOURCES_SETUPTOOLS = 'setuptools<81';

/**
 * What an isolated build lacks when its setup.py imports a module it never declared (uv's build
 * output: "ModuleNotFoundError: No module named 'pkg_resources'"), and the requirement that
 * provides it. `torch` is the environment's torch (its planned version: an sdist has no static
 * metadata for match-runtime).
 */
export const MISSING_BUILD_MODULES: Table<{ module: string; requirement: string }> = {
  source: "setuptools 82 changelog (pkg_resources removed); Python 3.12 What's New (distutils removed); each module's PyPI distribution",
  asOf: '2026-12-07',
  confidence: 'V',
  rows: [
    { module: 'pkg_resources', requirement: PKG_RESOURCES_SETUPTOOLS },
    { module: 'distutils', requirement: 'setuptools' },
    { module: 'setuptools', requirement: 'setuptools' },
    { module: 'torch', requirement: 'torch' },
    { module: 'numpy', requirement: 'numpy' },
    { module: 'Cython', requirement: 'cython' },
    { module: 'pybind11', requirement: 'pybind11' },
    { module: 'packaging', requirement: 'packaging' },
    { module: 'pip', requirement: 'pip' },
    { module: 'wheel', requirement: 'wheel' },
  ],
};

/**
 * Standard-library modules Python removed, and the release that removed them: a build that
 * imports one needs an older Python (a PyPI package does not bring it back). Source: What's New
 * in Python 3.12 (imp, asynchat, asyncore, smtpd) and 3.13 (PEP 594's dead batteries).
 */
export const REMOVED_STDLIB: Table<{ module: string; removedIn: string }> = {
  source: "docs.python.org What's New in Python 3.9 to 3.13 (PEP 594)",
  asOf: '2026-12-07',
  confidence: 'V',
  rows: [
    ...['_dummy_thread', 'dummy_threading'].map((module) => ({ module, removedIn: '3.9' })),
    ...['parser', 'symbol', 'formatter'].map((module) => ({ module, removedIn: '3.10' })),
    { module: 'binhex', removedIn: '3.11' },
    // (distutils too, but setuptools brings it back: MISSING_BUILD_MODULES gives the build setuptools.)
    ...['imp', 'asynchat', 'asyncore', 'smtpd'].map((module) => ({ module, removedIn: '3.12' })),
    ...['lib2to3'].map((module) => ({ module, removedIn: '3.13' })),
    ...[
      'aifc',
      'audioop',
      'cgi',
      'cgitb',
      'chunk',
      'crypt',
      'imghdr',
      'mailcap',
      'msilib',
      'nis',
      'nntplib',
      'ossaudiodev',
      'pipes',
      'sndhdr',
      'spwd',
      'sunau',
      'telnetlib',
      'uu',
      'xdrlib',
    ].map((module) => ({ module, removedIn: '3.13' })),
  ],
};

/**
 * Names standard-library modules dropped (deprecated aliases and functions), and the release that
 * dropped them: a build that takes one (`inspect.getargspec` in a 2017 setup.py) needs an older
 * Python. Source: What's New in Python 3.8 to 3.13, "Removed" sections.
 */
export const REMOVED_STDLIB_NAMES: Table<{ module: string; names: readonly string[]; removedIn: string }> = {
  source: "docs.python.org What's New in Python 3.8, 3.9, 3.10, 3.11, 3.12, 3.13 (Removed)",
  asOf: '2026-12-07',
  confidence: 'V',
  rows: [
    { module: 'time', names: ['clock'], removedIn: '3.8' },
    { module: 'platform', names: ['linux_distribution', 'dist'], removedIn: '3.8' },
    { module: 'cgi', names: ['escape', 'parse_qs', 'parse_qsl'], removedIn: '3.8' },
    { module: 'base64', names: ['encodestring', 'decodestring'], removedIn: '3.9' },
    { module: 'fractions', names: ['gcd'], removedIn: '3.9' },
    { module: 'plistlib', names: ['readPlist', 'writePlist', 'readPlistFromBytes', 'writePlistToBytes'], removedIn: '3.9' },
    {
      module: 'collections',
      names: [
        'Awaitable',
        'Coroutine',
        'AsyncIterable',
        'AsyncIterator',
        'AsyncGenerator',
        'Hashable',
        'Iterable',
        'Iterator',
        'Generator',
        'Reversible',
        'Sized',
        'Container',
        'Callable',
        'Collection',
        'Set',
        'MutableSet',
        'Mapping',
        'MutableMapping',
        'MappingView',
        'KeysView',
        'ItemsView',
        'ValuesView',
        'Sequence',
        'MutableSequence',
        'ByteString',
      ],
      removedIn: '3.10',
    },
    { module: 'inspect', names: ['getargspec', 'formatargspec'], removedIn: '3.11' },
    { module: 'asyncio', names: ['coroutine'], removedIn: '3.11' },
    { module: 'binascii', names: ['a2b_hqx', 'b2a_hqx', 'rlecode_hqx', 'rledecode_hqx'], removedIn: '3.11' },
    { module: 'configparser', names: ['SafeConfigParser'], removedIn: '3.12' },
    { module: 'locale', names: ['format'], removedIn: '3.12' },
    { module: 'ssl', names: ['wrap_socket', 'match_hostname', 'RAND_pseudo_bytes'], removedIn: '3.12' },
    { module: 'unittest', names: ['findTestCases', 'makeSuite', 'getTestCaseNames'], removedIn: '3.13' },
    { module: 'locale', names: ['resetlocale'], removedIn: '3.13' },
  ],
};

export function buildNeedOf(name: string): BuildNeed | undefined {
  return BUILD_NEEDS.rows.find((r) => r.name === name);
}

/**
 * Packages that refuse, at import, versions of another that their metadata admits: the plan
 * narrows the other package to what works (and the lock holds it there).
 */
export interface ImportCap {
  /** The package whose presence narrows the other. */
  when: string;
  package: string;
  specifier: string;
  why: string;
  source: string;
}

export const IMPORT_CAPS: Table<ImportCap> = {
  source: "the packages' own import-time version checks (per row)",
  asOf: '2026-12-02',
  confidence: 'V',
  rows: [
    {
      when: 'mmdet',
      package: 'mmcv',
      specifier: '<2.2.0',
      why: 'mmdet 3.x asserts mmcv>=2.0.0rc4,<2.2.0 when imported ("MMCV==2.2.0 is used but incompatible"), though its metadata does not say so',
      source: 'open-mmlab/mmdetection v3.3.0 mmdet/__init__.py (mmcv_maximum_version = "2.2.0"); open-mmlab/mmdetection#11492',
    },
  ],
};
