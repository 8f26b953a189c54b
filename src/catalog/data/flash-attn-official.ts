import type { Provenance } from '../types.js';

/**
 * One release tag of Dao-AILab/flash-attention and the wheels its publish workflow built
 * (linux_x86_64 only), as the build matrix of `.github/workflows/publish.yml` at that tag says.
 *
 * Asset name (the workflow renames the built wheel with `sed "s/-/+$tmpname-/2"`):
 *   flash_attn-{version}+cu{cuda}torch{torch}cxx11abi{TRUE|FALSE}-cp{XY}-cp{XY}-linux_x86_64.whl
 * Each (python, torch, cuda) cell is built twice, cxx11abi FALSE and TRUE, minus `exclude`.
 */
export interface OfficialFlashAttnTag {
  tag: string;
  /** Date of the tag commit. */
  date: string;
  /** nvcc the wheels were compiled with (`cuda-version` of the matrix). */
  nvcc: string;
  python: readonly string[];
  /** torch major.minor of the release builds; nightly (`.dev`) and torch 1.x builds left out. */
  torch: readonly string[];
  /**
   * The CUDA field of the file name: "118"/"122"/"123" up to v2.6.3 (`cu${MATRIX_CUDA_VERSION}`),
   * the major only ("11", "12") from v2.7.0 (`cu${WHEEL_CUDA_VERSION}`). setup.py picks the wheel
   * whose CUDA major equals torch.version.cuda's.
   */
  cuda: readonly string[];
  /** Compute capabilities compiled as SASS (setup.py `-gencode` lines; 10.0/12.0 need nvcc >= 12.8). No PTX. */
  archs: readonly string[];
  /** Matrix cells the workflow excludes. */
  exclude: readonly { torch?: string; python?: string; cuda?: string }[];
  /**
   * torch versions whose `cxx11abiFALSE` wheel is really ABI=1: from v2.8.0.post2 the workflow
   * installs torch 2.6 +cu126, 2.7 +cu128 and 2.8 +cu129 (ABI=1) and only forces the ABI for TRUE,
   * so FALSE wheels fail on pre-cxx11 torch (undefined symbol ..._ZN3c105ErrorC2...; issue #1783).
   */
  abiTrueOnly?: readonly string[];
}

export interface OfficialFlashAttn extends Provenance {
  urlPattern: string;
  tags: readonly OfficialFlashAttnTag[];
}

/**
 * Generated from a clone of Dao-AILab/flash-attention @0251105 with, for each tag,
 * `git show TAG:.github/workflows/publish.yml` (jobs.build_wheels.strategy.matrix, the
 * `tmpname=` line and the TORCH_CUDA_VERSION minv/maxv table) and `git show TAG:setup.py`
 * (gencode list). Tags superseded by a post release of the same series are left out
 * (v2.7.1.x, v2.7.2.x, v2.8.0, v2.8.0.post1). Whether every job of a tag succeeded is not
 * in the workflow; a refreshed catalog (GitHub release assets) replaces this table.
 */
export const OFFICIAL_FLASH_ATTN: OfficialFlashAttn = {
  source:
    'github.com/Dao-AILab/flash-attention .github/workflows/publish.yml and setup.py at each tag (clone @0251105); ' +
    'ABI of v2.8.x torch 2.6/2.7 FALSE wheels: publish.yml minv/maxv table and issue #1783',
  asOf: '2026-11-22',
  confidence: 'V',
  urlPattern: 'https://github.com/Dao-AILab/flash-attention/releases/download/{tag}/{file}',
  tags: [
    {
      tag: 'v2.5.9.post1',
      date: '2024-05-26',
      nvcc: '11.8.0, 12.2.2',
      python: ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12'],
      torch: ['2.0', '2.1', '2.2', '2.3'],
      cuda: ['118', '122'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.0', python: '3.12' },
        { torch: '2.1', python: '3.12' },
        { torch: '2.0', python: '3.7' },
        { torch: '2.1', python: '3.7' },
        { torch: '2.2', python: '3.7' },
        { torch: '2.3', python: '3.7' },
        { torch: '2.0', cuda: '122' },
      ],
    },
    {
      tag: 'v2.6.3',
      date: '2024-07-25',
      nvcc: '11.8.0, 12.3.2',
      python: ['3.8', '3.9', '3.10', '3.11', '3.12'],
      torch: ['2.0', '2.1', '2.2', '2.3', '2.4'],
      cuda: ['118', '123'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.0', python: '3.12' },
        { torch: '2.1', python: '3.12' },
        { torch: '2.0', cuda: '123' },
      ],
    },
    {
      tag: 'v2.7.0.post2',
      date: '2024-11-12',
      nvcc: '11.8.0, 12.4.1',
      python: ['3.8', '3.9', '3.10', '3.11', '3.12'],
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: ['11', '12'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.1', python: '3.12' },
        { torch: '2.5', python: '3.8' },
      ],
    },
    {
      tag: 'v2.7.3',
      date: '2025-01-10',
      nvcc: '11.8.0, 12.3.2',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5'],
      cuda: ['11', '12'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.1', python: '3.12' },
        { torch: '2.1', python: '3.13' },
        { torch: '2.2', python: '3.13' },
        { torch: '2.3', python: '3.13' },
        { torch: '2.4', python: '3.13' },
      ],
    },
    {
      tag: 'v2.7.4',
      date: '2025-01-29',
      nvcc: '12.4.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.1', '2.2', '2.3', '2.4', '2.5', '2.6'],
      cuda: ['12'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.1', python: '3.12' },
        { torch: '2.1', python: '3.13' },
        { torch: '2.2', python: '3.13' },
        { torch: '2.3', python: '3.13' },
        { torch: '2.4', python: '3.13' },
      ],
    },
    {
      tag: 'v2.7.4.post1',
      date: '2025-01-29',
      nvcc: '12.4.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.2', '2.3', '2.4', '2.5', '2.6'],
      cuda: ['12'],
      archs: ['8.0', '9.0'],
      exclude: [
        { torch: '2.2', python: '3.13' },
        { torch: '2.3', python: '3.13' },
        { torch: '2.4', python: '3.13' },
      ],
    },
    {
      tag: 'v2.8.0.post2',
      date: '2025-06-14',
      nvcc: '12.9.0',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: ['12'],
      archs: ['8.0', '9.0', '10.0', '12.0'],
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ['2.6', '2.7'],
    },
    {
      tag: 'v2.8.1',
      date: '2025-07-09',
      nvcc: '12.9.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: ['12'],
      archs: ['8.0', '9.0', '10.0', '12.0'],
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ['2.6', '2.7'],
    },
    {
      tag: 'v2.8.2',
      date: '2025-07-23',
      nvcc: '12.9.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.4', '2.5', '2.6', '2.7'],
      cuda: ['12'],
      archs: ['8.0', '9.0', '10.0', '12.0'],
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ['2.6', '2.7'],
    },
    {
      tag: 'v2.8.3',
      date: '2025-08-14',
      nvcc: '12.9.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.4', '2.5', '2.6', '2.7', '2.8'],
      cuda: ['12'],
      archs: ['8.0', '9.0', '10.0', '12.0'],
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ['2.6', '2.7', '2.8'],
    },
    {
      tag: 'v2.8.3.post1',
      date: '2026-06-10',
      nvcc: '12.9.1',
      python: ['3.9', '3.10', '3.11', '3.12', '3.13'],
      torch: ['2.4', '2.5', '2.6', '2.7', '2.8'],
      cuda: ['12'],
      archs: ['8.0', '9.0', '10.0', '12.0'],
      exclude: [{ torch: '2.4', python: '3.13' }],
      abiTrueOnly: ['2.6', '2.7', '2.8'],
    },
  ],
};
