import type { Confidence, Provenance, Table } from '../types.js';

/*
 * Tables the special-package resolvers (src/wheels) read: which prebuilt builds exist for
 * packages that carry compiled CUDA code, and what each pins. Every table says where it comes
 * from; rows with their own confidence override the table's.
 */

/** xformers release -> the torch it was built for, and its CUDA variants on download.pytorch.org. */
export interface XformersRow {
  xformers: string;
  /** Exact torch ("2.8.0"), or a lower bound (">=2.10") for stable-ABI builds. */
  torch: string;
  variants: readonly string[];
  /**
   * The oldest GPU architecture its wheels carry kernels for (TORCH_CUDA_ARCH_LIST of the
   * release's wheels_build.yml); absent where the workflow was not read.
   */
  minArch?: string;
  confidence?: Confidence;
  /** Published on PyPI only (before the PyTorch index carried xformers): `variants` is empty. */
  pypi?: boolean;
}

export const XFORMERS_BUILDS: Table<XformersRow> = {
  source:
    'facebookresearch/xformers @ca6d2aa: tags v0.0.20–v0.0.35, .github/workflows/wheels*.yml, CHANGELOG.md ' +
    '; up to 0.0.33.post2 every wheel pins torch == exact; GPU architectures from .github/workflows/wheels_build.yml at each tag: ' +
    "v0.0.30 '6.0+PTX 7.0 7.5 8.0+PTX', v0.0.31 to v0.0.35 '7.5 8.0+PTX' (+ 8.0 9.0a for cu12x, 10.0a and up for cu13x): no Volta or Pascal kernels" +
    '; 0.0.16 to 0.0.21: PyPI only (manylinux wheels, cp38 to cp310), each requiring one torch (Requires-Dist read with uv pip compile, 2026-12-06)',
  asOf: '2026-12-02',
  confidence: 'V',
  rows: [
    { xformers: '0.0.16', torch: '1.13.1', variants: [], pypi: true },
    { xformers: '0.0.17', torch: '2.0.0', variants: [], pypi: true },
    { xformers: '0.0.18', torch: '2.0.0', variants: [], pypi: true },
    { xformers: '0.0.19', torch: '2.0.0', variants: [], pypi: true },
    { xformers: '0.0.20', torch: '2.0.1', variants: [], pypi: true },
    { xformers: '0.0.21', torch: '2.0.1', variants: [], pypi: true },
    { xformers: '0.0.22', torch: '2.0.1', variants: ['cu118'] },
    { xformers: '0.0.22.post7', torch: '2.1.0', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.23', torch: '2.1.1', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.23.post1', torch: '2.1.2', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.24', torch: '2.2.0', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.25', torch: '2.2.1', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.25.post1', torch: '2.2.2', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.26.post1', torch: '2.3.0', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.27', torch: '2.3.1', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.27.post2', torch: '2.4.0', variants: ['cu118', 'cu121'] },
    { xformers: '0.0.28.post1', torch: '2.4.1', variants: ['cu118', 'cu121', 'cu124'] },
    // wheels.yml at v0.0.28.post2 builds for torch 2.5.0, at v0.0.28.post3 for 2.5.1.
    { xformers: '0.0.28.post2', torch: '2.5.0', variants: ['cu118', 'cu121', 'cu124'] },
    { xformers: '0.0.28.post3', torch: '2.5.1', variants: ['cu118', 'cu121', 'cu124'] },
    { xformers: '0.0.29.post3', torch: '2.6.0', variants: ['cu118', 'cu124', 'cu126'] },
    { xformers: '0.0.30', torch: '2.7.0', variants: ['cu118', 'cu126', 'cu128'], minArch: '6.0' },
    { xformers: '0.0.31.post1', torch: '2.7.1', variants: ['cu118', 'cu126', 'cu128'], minArch: '7.5' },
    { xformers: '0.0.32.post2', torch: '2.8.0', variants: ['cu126', 'cu128', 'cu129'], minArch: '7.5' },
    { xformers: '0.0.33.post1', torch: '2.9.0', variants: ['cu126', 'cu128', 'cu130'], minArch: '7.5' },
    { xformers: '0.0.33.post2', torch: '2.9.1', variants: ['cu126', 'cu128', 'cu130'], minArch: '7.5' },
    { xformers: '0.0.35', torch: '>=2.10', variants: ['cu126', 'cu128', 'cu130'], minArch: '7.5' },
  ],
};

/** vLLM release -> the torch its requirements pin exactly. Only versions with evidence. */
export interface VllmTorchRow {
  vllm: string;
  torch: string;
  confidence: Confidence;
  source: string;
}

export const VLLM_TORCH: Table<VllmTorchRow> = {
  source: 'vLLM requirements/cuda.txt pins and the projects that moved with each release (per row)',
  asOf: '2026-11-22',
  confidence: 'S',
  rows: [
    { vllm: '0.8.5.post1', torch: '2.6.0', confidence: 'S', source: 'LMCache PR #583' },
    { vllm: '0.10.0', torch: '2.7.1', confidence: 'S', source: 'nvidia-cosmos/cosmos-rl PR #183' },
    { vllm: '0.11.1', torch: '2.9.0', confidence: 'S', source: 'vLLM 0.11.1 release notes, quoted on discuss.vllm.ai #2213' },
    { vllm: '0.14.0', torch: '2.9.1', confidence: 'S', source: 'tenstorrent/tt-xla #3402; PrimeIntellect-ai/prime-rl PR #1625' },
    { vllm: '0.16.0', torch: '2.9.1', confidence: 'S', source: 'vllm-project/vllm #35462 (requirements/build.txt of v0.16.0)' },
    { vllm: '0.19.0', torch: '2.10.0', confidence: 'S', source: 'axolotl-ai-cloud/axolotl PR #3582' },
    { vllm: '0.19.1', torch: '2.10.0', confidence: 'S', source: 'tenstorrent/tt-xla #5559' },
    { vllm: '0.20.2', torch: '2.11.0', confidence: 'S', source: 'tenstorrent/tt-xla #5559; vllm-project/vllm #45075 (hard pin on 2.11)' },
    { vllm: '0.27.1', torch: '2.13.0', confidence: 'S', source: 'vLLM requirements/cuda.txt' },
  ],
};

/** A data.pyg.org find-links page `torch-{torch}+{variant}.html`. */
export interface PygPageRow {
  /** The torch the wheels were built with ("2.8.0"). */
  torch: string;
  /** Patch releases the index script also publishes a page for (same wheels). */
  aliases: readonly string[];
  variants: readonly string[];
}

export const PYG_PAGES: Table<PygPageRow> & { packageMaxTorch: Record<string, string> } = {
  source:
    'pyg-team/pyg-lib @764e3a4 .github/workflows/utils/full_matrix_linux.json (all revisions) and ' +
    '.github/workflows/aws/upload_final_index.py (patch aliases); pages up to torch-2.13.0+cu130, ' +
    'torch-2.12.0+cu132; rusty1s/pytorch_scatter #506, #513 (torch-scatter & co. up to torch 2.12)',
  asOf: '2026-11-22',
  confidence: 'S',
  /** Newest torch minor each package has wheels on those pages for. */
  packageMaxTorch: {
    'pyg-lib': '2.13',
    'torch-scatter': '2.12',
    'torch-sparse': '2.12',
    'torch-cluster': '2.12',
    'torch-spline-conv': '2.12',
  },
  rows: [
    { torch: '2.0.0', aliases: ['2.0.1'], variants: ['cpu', 'cu117', 'cu118'] },
    { torch: '2.1.0', aliases: ['2.1.1', '2.1.2'], variants: ['cpu', 'cu118', 'cu121'] },
    { torch: '2.2.0', aliases: ['2.2.1', '2.2.2'], variants: ['cpu', 'cu118', 'cu121'] },
    { torch: '2.3.0', aliases: ['2.3.1'], variants: ['cpu', 'cu118', 'cu121'] },
    { torch: '2.4.0', aliases: ['2.4.1'], variants: ['cpu', 'cu118', 'cu121', 'cu124'] },
    { torch: '2.5.0', aliases: ['2.5.1'], variants: ['cpu', 'cu118', 'cu121', 'cu124'] },
    { torch: '2.6.0', aliases: [], variants: ['cpu', 'cu118', 'cu124', 'cu126'] },
    { torch: '2.7.0', aliases: ['2.7.1'], variants: ['cpu', 'cu118', 'cu126', 'cu128'] },
    { torch: '2.8.0', aliases: [], variants: ['cpu', 'cu126', 'cu128', 'cu129'] },
    { torch: '2.9.0', aliases: ['2.9.1'], variants: ['cpu', 'cu126', 'cu128', 'cu130'] },
    { torch: '2.10.0', aliases: [], variants: ['cpu', 'cu126', 'cu128', 'cu130'] },
    { torch: '2.11.0', aliases: [], variants: ['cpu', 'cu126', 'cu128', 'cu130'] },
    { torch: '2.12.0', aliases: ['2.12.1'], variants: ['cpu', 'cu126', 'cu130', 'cu132'] },
    // pyg-lib's matrix also lists cu132 for 2.13.0; no evidence yet that the page exists.
    { torch: '2.13.0', aliases: [], variants: ['cpu', 'cu126', 'cu130'] },
  ],
};

/** An OpenMMLab find-links page `https://download.openmmlab.com/mmcv/dist/{variant}/torch{X.Y}/index.html`. */
export interface MmcvPageRow {
  torch: string;
  variant: string;
  /** mmcv versions with Linux wheels on that page, newest first. */
  mmcv: readonly string[];
}

export const MMCV_PAGES: Table<MmcvPageRow> = {
  source: 'open-mmlab/mmcv @a8073c7 docs/en/_static/version.json ("Linux", torch 2.x) and docs/en/get_started/installation.md',
  asOf: '2026-11-22',
  confidence: 'V',
  rows: [
    { torch: '2.4', variant: 'cu121', mmcv: ['2.2.0'] },
    { torch: '2.4', variant: 'cu118', mmcv: ['2.2.0'] },
    { torch: '2.4', variant: 'cpu', mmcv: ['2.2.0'] },
    { torch: '2.3', variant: 'cu121', mmcv: ['2.2.0'] },
    { torch: '2.3', variant: 'cu118', mmcv: ['2.2.0'] },
    { torch: '2.3', variant: 'cpu', mmcv: ['2.2.0'] },
    { torch: '2.2', variant: 'cu121', mmcv: ['2.2.0'] },
    { torch: '2.2', variant: 'cu118', mmcv: ['2.2.0'] },
    { torch: '2.2', variant: 'cpu', mmcv: ['2.2.0'] },
    { torch: '2.1', variant: 'cu121', mmcv: ['2.2.0', '2.1.0'] },
    { torch: '2.1', variant: 'cu118', mmcv: ['2.2.0', '2.1.0'] },
    { torch: '2.1', variant: 'cpu', mmcv: ['2.2.0', '2.1.0'] },
    { torch: '2.0', variant: 'cu118', mmcv: ['2.2.0', '2.1.0', '2.0.1', '2.0.0'] },
    { torch: '2.0', variant: 'cu117', mmcv: ['2.2.0', '2.1.0', '2.0.1', '2.0.0'] },
    { torch: '2.0', variant: 'cpu', mmcv: ['2.2.0', '2.1.0', '2.0.1', '2.0.0'] },
  ],
};

/** A nunchaku GitHub release and the torch builds it carries (release workflow at the tag). */
export interface NunchakuRow {
  version: string;
  /** torch major.minor -> CUDA versions the wheel was built with ("12.8"). */
  torch: Record<string, readonly string[]>;
  python: readonly string[];
  /** `+torch{X.Y}` (v1.0.x–1.2.0) or `+cu{12.8}torch{X.Y}` (v1.2.1). */
  naming: 'torch' | 'cuda-torch';
  exclude?: readonly { torch: string; python: string }[];
}

export const NUNCHAKU_RELEASES: Table<NunchakuRow> & { repo: string; archs: readonly string[] } = {
  source:
    'nunchaku-ai/nunchaku @92e4695: .github/workflows/release-build.yaml, scripts/build_linux_wheel.sh and setup.py ' +
    'at each tag (builds against torch nightlies left out); asset names pinned by others',
  asOf: '2026-11-22',
  confidence: 'S',
  repo: 'nunchaku-ai/nunchaku',
  /** setup.py asserts the GPU is one of these (SM 75, 80, 86, 89, 120a, 121a): no Hopper or sm_100. */
  archs: ['7.5', '8.0', '8.6', '8.9', '12.0', '12.1'],
  rows: [
    {
      version: '1.0.0',
      torch: { '2.5': ['12.4'], '2.6': ['12.4'], '2.7': ['12.8'], '2.8': ['12.8'] },
      python: ['3.10', '3.11', '3.12', '3.13'],
      naming: 'torch',
      exclude: [{ torch: '2.5', python: '3.13' }],
    },
    {
      version: '1.0.1',
      torch: { '2.5': ['12.4'], '2.6': ['12.4'], '2.7': ['12.8'], '2.8': ['12.8'] },
      python: ['3.10', '3.11', '3.12', '3.13'],
      naming: 'torch',
      exclude: [{ torch: '2.5', python: '3.13' }],
    },
    { version: '1.0.2', torch: { '2.7': ['12.8'], '2.8': ['12.8'], '2.9': ['12.8'] }, python: ['3.10', '3.11', '3.12', '3.13'], naming: 'torch' },
    { version: '1.1.0', torch: { '2.7': ['12.8'], '2.8': ['12.8'], '2.9': ['13.0'] }, python: ['3.10', '3.11', '3.12', '3.13'], naming: 'torch' },
    { version: '1.2.0', torch: { '2.7': ['12.8'], '2.8': ['12.8'], '2.9': ['13.0'] }, python: ['3.10', '3.11', '3.12', '3.13'], naming: 'torch' },
    {
      version: '1.2.1',
      torch: { '2.8': ['12.8'], '2.9': ['12.8', '13.0'], '2.10': ['12.8', '13.0'] },
      python: ['3.10', '3.11', '3.12', '3.13'],
      naming: 'cuda-torch',
    },
  ],
};

/**
 * Naming facts the community flash-attn list (flash-attn-community.json) does not carry:
 * every FA3 asset of mjun0812/flash-attention-prebuild-wheels is
 * `flash_attn_3-3.0.0+cu{XYZ}torch{X.Y}gite2743ab-cp39-abi3-{platform}.whl`.
 */
export const FA_COMMUNITY_NAMING: Provenance & { fa3LocalSuffix: string; fa3PythonTag: string } = {
  source: 'mjun0812/flash-attention-prebuild-wheels doc/packages.md @2614dc8 (all flash_attn_3 links)',
  asOf: '2026-11-22',
  confidence: 'V',
  fa3LocalSuffix: 'gite2743ab',
  fa3PythonTag: 'cp39-abi3',
};
