import type { Confidence, Provenance } from '../types.js';

/**
 * Prebuilt linux_x86_64 wheels of mamba-ssm (state-spaces/mamba) and causal-conv1d
 * (Dao-AILab/causal-conv1d), one entry per release tag, as the wheel build matrix of the tag's
 * `.github/workflows/publish.yaml` (jobs.build_wheels.strategy.matrix) says.
 *
 * Asset name: the job builds `{dist}-{version}-cp{XY}-cp{XY}-linux_x86_64.whl` with setup.py
 * and renames it with `sed "s/-/+$tmpname-/2"`, where
 *   tmpname = cu{CUDA field}torch{torch major.minor}cxx11abi{TRUE|FALSE}
 * (publish.yaml up to mamba v2.2.5 / causal-conv1d v1.5.2, then .github/scripts/build.sh), so
 *   {dist}-{version}+cu{field}torch{X.Y}cxx11abi{TRUE|FALSE}-cp{XY}-cp{XY}-linux_x86_64.whl
 * and `{version}` is `__version__` of the package's __init__.py at the tag (setup.py
 * get_package_version), which is not always the tag: causal-conv1d v1.6.1.post4 builds 1.6.1.
 * Each (python, torch, cuda) cell is built twice, cxx11abi FALSE and TRUE, minus `exclude`.
 */
export interface DaoWheelTag {
  tag: string;
  /** Date of the tag commit. */
  date: string;
  /** The version in the wheel file names (`__version__` at the tag). */
  version: string;
  python: readonly string[];
  /** torch major.minor of the release builds; nightly (`.dev`) and torch 1.x builds left out. */
  torch: readonly string[];
  /**
   * The CUDA field of the file name -> the nvcc of the matrix (`cuda-version`). The field is
   * major+minor ("118", "122": `cu${MATRIX_CUDA_VERSION}`) at mamba <= v2.2.2 and causal-conv1d
   * v1.4.0, the major ("11", "12", "13": `cu${WHEEL_CUDA_VERSION}`) from mamba v2.2.3 and
   * causal-conv1d v1.5.0.post5. setup.py looks for the wheel of torch.version.cuda's major.
   */
  cuda: Readonly<Record<string, string>>;
  /** Matrix cells the workflow excludes (x86_64 rows only; `abi` = the cxx11_abi value). */
  exclude: readonly { torch?: string; python?: string; cuda?: string; abi?: 'TRUE' | 'FALSE' }[];
  /**
   * Cells listed by the matrix whose job cannot produce a wheel (inferred from the workflow;
   * see `note`): a torch minor missing from the torch-CUDA lookup table of the "Install
   * PyTorch" step, or a torch CUDA variant whose major differs from nvcc's (torch's
   * cpp_extension raises on a CUDA major mismatch).
   */
  notBuilt?: readonly { torch: string; cuda?: string }[];
  /**
   * Cells whose `cxx11abiFALSE` wheel is really ABI=1: setup.py forces the C++11 ABI only for
   * TRUE; for FALSE it compiles with the ABI of the torch the job installed, and that torch is
   * cxx11 for 2.7+ and for 2.6 +cu126 (the job picks cu126 for nvcc 12.9 with torch 2.6).
   * Such a FALSE wheel fails to import on a pre-cxx11 torch (undefined symbol _ZN3c105Error...).
   */
  abiTrueOnly?: readonly { torch: string; cuda: string }[];
  /** SASS compiled per CUDA field (setup.py `-gencode arch=compute_XY,code=sm_XY` for that nvcc); no PTX. */
  archs: Readonly<Record<string, readonly string[]>>;
  /** Confidence of this tag's wheel set, when lower than the table's. */
  confidence?: Confidence;
  note?: string;
}

export interface DaoExtensionWheels extends Provenance {
  /** Distribution name in the file names: "mamba_ssm", "causal_conv1d". */
  dist: string;
  /** `{tag}` and `{file}` are replaced; the `+` of the file name is written as is (as setup.py writes it). */
  urlPattern: string;
  /** Tags that were read and left out, with why. */
  skipped: readonly { tag: string; why: string }[];
  /** Oldest first (tag date); the resolver sorts candidates by version. */
  tags: readonly DaoWheelTag[];
}

// SASS lists of setup.py's gencode flags, by the nvcc of the job.
/** mamba <= v2.2.4, causal-conv1d <= v1.5.0.post8 (nvcc >= 11.8 adds sm_90); also nvcc 11.8 at mamba v2.2.5 / causal-conv1d v1.5.1-v1.5.2. */
const SM_53_90 = ['5.3', '6.2', '7.0', '7.2', '8.0', '8.7', '9.0'] as const;
/** Same, with sm_100 for nvcc >= 12.8 (mamba v2.2.5, causal-conv1d v1.5.1-v1.5.2). */
const SM_53_100 = [...SM_53_90, '10.0'] as const;
/** mamba v2.2.6.post2-v2.3.1: sm_75 added; sm_53-72 only for nvcc <= 12.9; sm_100/120 from nvcc 12.8; sm_103/110/121 from 13.0. */
const SM_MAMBA_226 = {
  nvcc11: ['5.3', '6.2', '7.0', '7.2', '7.5', '8.0', '8.7', '9.0'],
  nvcc129: ['5.3', '6.2', '7.0', '7.2', '7.5', '8.0', '8.7', '9.0', '10.0', '12.0'],
  nvcc13: ['7.5', '8.0', '8.7', '9.0', '10.0', '12.0', '10.3', '11.0', '12.1'],
} as const;
/** causal-conv1d v1.5.3+: as mamba v2.2.6.post2 without sm_53. */
const SM_CONV_153 = {
  nvcc11: ['6.2', '7.0', '7.2', '7.5', '8.0', '8.7', '9.0'],
  nvcc129: ['6.2', '7.0', '7.2', '7.5', '8.0', '8.7', '9.0', '10.0', '12.0'],
  nvcc13: ['7.5', '8.0', '8.7', '9.0', '10.0', '12.0', '10.3', '11.0', '12.1'],
} as const;
/** mamba v2.3.2+: Pascal and Volta dropped, sm_75 and newer only. */
const SM_MAMBA_232 = {
  nvcc11: ['7.5', '8.0', '8.7', '9.0'],
  nvcc129: ['7.5', '8.0', '8.7', '9.0', '10.0', '12.0'],
  nvcc13: ['7.5', '8.0', '8.7', '9.0', '10.0', '12.0', '10.3', '11.0', '12.1'],
} as const;

const PY_37_312 = ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12'] as const;
const PY_38_312 = ['3.8', '3.9', '3.10', '3.11', '3.12'] as const;
const PY_39_313 = ['3.9', '3.10', '3.11', '3.12', '3.13'] as const;
const PY_310_313 = ['3.10', '3.11', '3.12', '3.13'] as const;

/** mamba v2.0.0-v2.1.0: torch 1.12/1.13 and the 2.4 nightly rows are left out. */
const MAMBA_20_EXCLUDE = [
  { torch: '2.0', python: '3.12' },
  { torch: '2.1', python: '3.12' },
  { torch: '2.0', python: '3.7' },
  { torch: '2.1', python: '3.7' },
  { torch: '2.2', python: '3.7' },
  { torch: '2.3', python: '3.7' },
  { torch: '2.0', cuda: '122' },
] as const;
const TORCH_20_EXCLUDE = [
  { torch: '2.0', python: '3.12' },
  { torch: '2.1', python: '3.12' },
  { torch: '2.0', cuda: '122' },
] as const;
const TORCH_21_25_EXCLUDE = [
  { torch: '2.1', python: '3.12' },
  { torch: '2.1', python: '3.13' },
  { torch: '2.2', python: '3.13' },
  { torch: '2.3', python: '3.13' },
  { torch: '2.4', python: '3.13' },
] as const;
/** mamba v2.3.1+, causal-conv1d v1.6.1.post1+: no cu11 for torch 2.8+, no cu13 before torch 2.9, and no cxx11abiFALSE build for torch 2.7+. */
const TORCH_26_210_EXCLUDE = [
  { torch: '2.8', cuda: '11' },
  { torch: '2.9', cuda: '11' },
  { torch: '2.10', cuda: '11' },
  { torch: '2.6', cuda: '13' },
  { torch: '2.7', cuda: '13' },
  { torch: '2.8', cuda: '13' },
  { torch: '2.7', abi: 'FALSE' },
  { torch: '2.8', abi: 'FALSE' },
  { torch: '2.9', abi: 'FALSE' },
  { torch: '2.10', abi: 'FALSE' },
] as const;
/** nvcc 12.9.1 with torch 2.6 installs torch 2.6 +cu126 (ABI=1); with 2.7 every variant is ABI=1. */
const ABI1_26_27 = [
  { torch: '2.6', cuda: '12' },
  { torch: '2.7', cuda: '11' },
  { torch: '2.7', cuda: '12' },
] as const;

/**
 * Read from the mirror of state-spaces/mamba @e9594ce (2026-07-23) with, for each tag,
 * `git show TAG:.github/workflows/publish.yaml` (matrix, the torch-CUDA table of the
 * "Install PyTorch" step, and up to v2.2.5 the `tmpname=` line), `_build.yml` and
 * `.github/scripts/build.sh` from v2.2.6 (table; `tmpname=`), `setup.py` (get_wheel_url,
 * gencode list, MAMBA_FORCE_CXX11_ABI) and `mamba_ssm/__init__.py` (`__version__`);
 * `node scripts/extract-dao-wheels.mjs` does the reading. Whether every job of a tag succeeded
 * is not in the workflow.
 */
export const MAMBA_SSM_WHEELS: DaoExtensionWheels = {
  source:
    'github.com/state-spaces/mamba .github/workflows/publish.yaml, _build.yml, .github/scripts/build.sh, setup.py and ' +
    'mamba_ssm/__init__.py at each tag (mirror @e9594ce); ABI of torch 2.6 +cu126: download.pytorch.org wheel tags',
  asOf: '2026-11-22',
  confidence: 'V',
  dist: 'mamba_ssm',
  urlPattern: 'https://github.com/state-spaces/mamba/releases/download/{tag}/{file}',
  skipped: [
    {
      tag: 'v2.2.6',
      why: 'matrix runs on ubuntu-20.04, a runner image GitHub retired on 2025-04-15 (v2.2.6.post2 moved the matrix to ubuntu-22.04): no wheel job ran',
    },
    { tag: 'v2.2.6.post1', why: 'same ubuntu-20.04 matrix as v2.2.6' },
    { tag: 'v2.3.2', why: 'mamba_ssm/__init__.py still says 2.3.1, so its wheels are named 2.3.1 (v2.3.2.post1 fixes the version)' },
  ],
  tags: [
    {
      tag: 'v2.0.0',
      date: '2024-06-02',
      version: '2.0.0',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.0.1',
      date: '2024-06-03',
      version: '2.0.1',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.0.2',
      date: '2024-06-03',
      version: '2.0.2',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.0.3',
      date: '2024-06-03',
      version: '2.0.3',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.0.4',
      date: '2024-06-11',
      version: '2.0.4',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.1.0',
      date: '2024-06-18',
      version: '2.1.0',
      python: PY_37_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: MAMBA_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.2.0',
      date: '2024-06-30',
      version: '2.2.0',
      python: PY_38_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: TORCH_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.2.1',
      date: '2024-06-30',
      version: '2.2.1',
      python: PY_38_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: TORCH_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.2.2',
      date: '2024-07-03',
      version: '2.2.2',
      python: PY_38_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: TORCH_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v2.2.3',
      date: '2024-12-05',
      version: '2.2.3',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      archs: { '11': SM_53_90, '12': SM_53_90 },
    },
    {
      tag: 'v2.2.3.post1',
      date: '2024-12-06',
      version: '2.2.3.post1',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      archs: { '11': SM_53_90, '12': SM_53_90 },
    },
    {
      tag: 'v2.2.3.post2',
      date: '2024-12-06',
      version: '2.2.3.post2',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      archs: { '11': SM_53_90, '12': SM_53_90 },
    },
    {
      tag: 'v2.2.4',
      date: '2024-12-06',
      version: '2.2.4',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      archs: { '11': SM_53_90, '12': SM_53_90 },
    },
    {
      tag: 'v2.2.5',
      date: '2025-07-18',
      version: '2.2.5',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_53_90, '12': SM_53_100 },
    },
    {
      tag: 'v2.2.6.post2',
      date: '2025-10-02',
      version: '2.2.6.post2',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      notBuilt: [{ torch: '2.1' }, { torch: '2.2' }, { torch: '2.3' }],
      archs: { '11': SM_MAMBA_226.nvcc11, '12': SM_MAMBA_226.nvcc11 },
      confidence: 'S',
      note: 'the matrix still lists torch 2.1-2.3, but the minv/maxv table of _build.yml starts at 2.4 (KeyError, so no torch is installed)',
    },
    {
      tag: 'v2.2.6.post3',
      date: '2025-10-10',
      version: '2.2.6.post3',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_MAMBA_226.nvcc11, '12': SM_MAMBA_226.nvcc129 },
    },
    {
      tag: 'v2.3.0',
      date: '2026-01-12',
      version: '2.3.0',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_MAMBA_226.nvcc11, '12': SM_MAMBA_226.nvcc129 },
    },
    {
      tag: 'v2.3.1',
      date: '2026-03-10',
      version: '2.3.1',
      python: PY_310_313,
      torch: ['2.6', '2.7', '2.8', '2.9', '2.10'],
      cuda: { '11': '11.8.0', '12': '12.9.1', '13': '13.0.1' },
      exclude: TORCH_26_210_EXCLUDE,
      abiTrueOnly: [{ torch: '2.6', cuda: '12' }],
      archs: { '11': SM_MAMBA_226.nvcc11, '12': SM_MAMBA_226.nvcc129, '13': SM_MAMBA_226.nvcc13 },
    },
    {
      tag: 'v2.3.2.post1',
      date: '2026-05-09',
      version: '2.3.2.post1',
      python: PY_310_313,
      torch: ['2.6', '2.7', '2.8', '2.9', '2.10'],
      cuda: { '11': '11.8.0', '12': '12.9.1', '13': '13.0.1' },
      exclude: TORCH_26_210_EXCLUDE,
      abiTrueOnly: [{ torch: '2.6', cuda: '12' }],
      archs: { '11': SM_MAMBA_232.nvcc11, '12': SM_MAMBA_232.nvcc129, '13': SM_MAMBA_232.nvcc13 },
    },
  ],
};

/**
 * Read from the mirror of Dao-AILab/causal-conv1d @0d2252d (2026-03-10) the same way
 * (publish.yaml; _build.yml and .github/scripts/build.sh from v1.5.3; setup.py;
 * causal_conv1d/__init__.py).
 */
export const CAUSAL_CONV1D_WHEELS: DaoExtensionWheels = {
  source:
    'github.com/Dao-AILab/causal-conv1d .github/workflows/publish.yaml, _build.yml, .github/scripts/build.sh, setup.py and ' +
    'causal_conv1d/__init__.py at each tag (mirror @0d2252d); ABI of torch 2.6 +cu126: download.pytorch.org wheel tags',
  asOf: '2026-11-22',
  confidence: 'V',
  dist: 'causal_conv1d',
  urlPattern: 'https://github.com/Dao-AILab/causal-conv1d/releases/download/{tag}/{file}',
  skipped: [
    {
      tag: 'v1.5.0 .. v1.5.0.post7',
      why: 'same-day CI re-tags while the wheel build was being fixed (v1.5.0: Python 3.13 jobs failed; post2/post3: nvcc-only toolkit without cusparse.h; post4: cu124 file names); which jobs succeeded is unknown, v1.5.0.post8 is the first complete one',
    },
    {
      tag: 'v1.5.3',
      why: '_build.yml runs build-scripts/.github/scripts/build.sh without checking build-scripts/ out (added in v1.5.3.post1): no wheel job could succeed',
    },
    { tag: 'v1.5.3.post2', why: '__init__.py still says 1.5.3.post1 (only the NGC job changed): the same wheels as v1.5.3.post1' },
    {
      tag: 'v1.6.1 .. v1.6.1.post3',
      why: 'all build version 1.6.1 (__init__.py); v1.6.1 and post1 cannot build torch 2.9/2.10 +cu12 (torch +cu130 with nvcc 12.9), post2/post3 have the matrix of post4, which supersedes them',
    },
  ],
  tags: [
    {
      tag: 'v1.4.0',
      date: '2024-06-28',
      version: '1.4.0',
      python: PY_38_312,
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: { '118': '11.8.0', '122': '12.2.2' },
      exclude: TORCH_20_EXCLUDE,
      archs: { '118': SM_53_90, '122': SM_53_90 },
    },
    {
      tag: 'v1.5.0.post8',
      date: '2024-12-06',
      version: '1.5.0.post8',
      python: PY_39_313,
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: { '11': '11.8.0', '12': '12.3.2' },
      exclude: TORCH_21_25_EXCLUDE,
      archs: { '11': SM_53_90, '12': SM_53_90 },
    },
    {
      tag: 'v1.5.1',
      date: '2025-07-18',
      version: '1.5.1',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_53_90, '12': SM_53_100 },
    },
    {
      tag: 'v1.5.2',
      date: '2025-07-18',
      version: '1.5.2',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_53_90, '12': SM_53_100 },
    },
    {
      tag: 'v1.5.3.post1',
      date: '2025-10-10',
      version: '1.5.3.post1',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ABI1_26_27,
      archs: { '11': SM_CONV_153.nvcc11, '12': SM_CONV_153.nvcc129 },
    },
    {
      tag: 'v1.5.4',
      date: '2025-10-20',
      version: '1.5.4',
      python: PY_39_313,
      torch: ['2.4', '2.5', '2.6', '2.7', '2.8', '2.9'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [{ torch: '2.4', python: '3.13' }],
      notBuilt: [
        { torch: '2.8', cuda: '11' },
        { torch: '2.9', cuda: '11' },
        { torch: '2.9', cuda: '12' },
      ],
      abiTrueOnly: [...ABI1_26_27, { torch: '2.8', cuda: '12' }],
      archs: { '11': SM_CONV_153.nvcc11, '12': SM_CONV_153.nvcc129 },
      confidence: 'S',
      note: 'the minv/maxv table installs torch 2.8/2.9 +cu126 for nvcc 11.8 and torch 2.9 +cu130 for nvcc 12.9.1: CUDA major mismatch',
    },
    {
      tag: 'v1.6.0',
      date: '2026-01-12',
      version: '1.6.0',
      python: PY_310_313,
      torch: ['2.5', '2.6', '2.7', '2.8', '2.9'],
      cuda: { '11': '11.8.0', '12': '12.9.1' },
      exclude: [],
      notBuilt: [
        { torch: '2.8', cuda: '11' },
        { torch: '2.9', cuda: '11' },
        { torch: '2.9', cuda: '12' },
      ],
      abiTrueOnly: [...ABI1_26_27, { torch: '2.8', cuda: '12' }],
      archs: { '11': SM_CONV_153.nvcc11, '12': SM_CONV_153.nvcc129 },
      confidence: 'S',
      note: 'same minv/maxv table as v1.5.4: no torch 2.8/2.9 +cu11 and no torch 2.9 +cu12 wheels',
    },
    {
      tag: 'v1.6.1.post4',
      date: '2026-03-10',
      version: '1.6.1',
      python: PY_310_313,
      torch: ['2.6', '2.7', '2.8', '2.9', '2.10'],
      cuda: { '11': '11.8.0', '12': '12.9.1', '13': '13.0.1' },
      exclude: TORCH_26_210_EXCLUDE,
      abiTrueOnly: [{ torch: '2.6', cuda: '12' }],
      archs: { '11': SM_CONV_153.nvcc11, '12': SM_CONV_153.nvcc129, '13': SM_CONV_153.nvcc13 },
    },
  ],
};
