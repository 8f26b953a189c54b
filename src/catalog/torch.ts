import type { Confidence, Provenance } from './types.js';

/** C++ ABI of a wheel: `cxx11` = `_GLIBCXX_USE_CXX11_ABI=1` (knowledge §3.3). */
export type CxxAbi = 'cxx11' | 'pre-cxx11';

export interface TorchBackend {
  /** Index variant: "cu128", "cpu". */
  name: string;
  /** Compute capabilities compiled as SASS, e.g. ["7.5", "8.0", ...]. Empty for cpu. */
  archs: readonly string[];
  /** Architecture whose PTX is embedded for JIT on newer GPUs (Linux), if any. */
  ptx?: string;
  abi: CxxAbi;
  /** Confidence of the architecture list. */
  confidence: Confidence;
}

export interface TorchRelease {
  /** Newest patch of the minor release. */
  version: string;
  released: string;
  /** Supported CPython minor versions, oldest first. */
  python: readonly string[];
  backends: readonly TorchBackend[];
  /** CUDA variant of the Linux wheel on PyPI. */
  pypiDefault: string;
  torchvision: string;
  /** null: no torchaudio release for this torch. */
  torchaudio: string | null;
  /** xformers build paired with this torch; null when none. */
  xformers: string | null;
  /** Why a release is not picked by default even though it is the newest. */
  notDefault?: string;
}

export interface TorchMatrix extends Provenance {
  releases: readonly TorchRelease[];
  indexUrl: (backend: string) => string;
}

const ARCH_FULL = ['3.7', '5.0', '6.0', '7.0', '7.5', '8.0', '8.6', '9.0'];
const ARCH_5_TO_9 = ['5.0', '6.0', '7.0', '7.5', '8.0', '8.6', '9.0'];
const ARCH_7_TO_12 = ['7.0', '7.5', '8.0', '8.6', '9.0', '10.0', '12.0'];
const ARCH_75_TO_12 = ['7.5', '8.0', '8.6', '9.0', '10.0', '12.0'];

function py(from: number, to: number): string[] {
  const out: string[] = [];
  for (let minor = from; minor <= to; minor++) out.push(`3.${minor}`);
  return out;
}

const cpu: TorchBackend = { name: 'cpu', archs: [], abi: 'cxx11', confidence: 'V' };
const cpuOld: TorchBackend = { ...cpu, abi: 'pre-cxx11' };

function cu(name: string, archs: readonly string[], abi: CxxAbi, confidence: Confidence, ptx?: string): TorchBackend {
  return ptx ? { name, archs, abi, confidence, ptx } : { name, archs, abi, confidence };
}

/**
 * The PyTorch release matrix (knowledge §3.1–3.4), newest first.
 * Sources: PyTorch RELEASE.md and RFCs; pytorch/builder and .ci build_cuda.sh arch lists;
 * replicate/cog torch_compatibility.json; facebookresearch/xformers tags.
 */
export const TORCH: TorchMatrix = {
  source:
    'PyTorch RELEASE.md and release RFCs (#134015, #157517, #172351, #190355, #190385); pytorch/builder manywheel/build_cuda.sh; replicate/cog torch_compatibility.json; facebookresearch/xformers tags',
  asOf: '2026-11-22',
  confidence: 'S',
  indexUrl: (backend) => `https://download.pytorch.org/whl/${backend}`,
  releases: [
    {
      version: '2.15.0', released: '2026-10', python: py(10, 14),
      backends: [cu('cu130', ARCH_75_TO_12, 'cxx11', '?', '12.0'), cu('cu132', ARCH_75_TO_12, 'cxx11', '?', '12.0'), cpu],
      pypiDefault: 'cu132', torchvision: '0.30.0', torchaudio: null, xformers: '0.0.35',
      notDefault: 'released in Oct 2026; its torchvision (0.30) was not yet on PyPI when the catalog was made',
    },
    {
      version: '2.14.0', released: '2026-09', python: py(10, 15),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cu('cu132', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cpu],
      pypiDefault: 'cu132', torchvision: '0.29.0', torchaudio: null, xformers: '0.0.35',
    },
    {
      version: '2.13.0', released: '2026-07', python: py(10, 15),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cu('cu132', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cpu],
      pypiDefault: 'cu130', torchvision: '0.28.0', torchaudio: null, xformers: '0.0.35',
    },
    {
      version: '2.12.1', released: '2026-05', python: py(10, 14),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cu('cu132', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cpu],
      pypiDefault: 'cu130', torchvision: '0.27.1', torchaudio: null, xformers: '0.0.35',
    },
    {
      version: '2.11.0', released: '2026-03', python: py(10, 14),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu128', ARCH_75_TO_12, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'V', '12.0'), cpu],
      pypiDefault: 'cu130', torchvision: '0.26.0', torchaudio: '2.11.0', xformers: '0.0.35',
    },
    {
      version: '2.10.0', released: '2026-01', python: py(10, 14),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu128', ARCH_7_TO_12, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cpu],
      pypiDefault: 'cu128', torchvision: '0.25.0', torchaudio: '2.10.0', xformers: '0.0.35',
    },
    {
      version: '2.9.1', released: '2025-10', python: py(10, 14),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'S'), cu('cu128', ARCH_7_TO_12, 'cxx11', 'S'), cu('cu130', ARCH_75_TO_12, 'cxx11', 'S', '12.0'), cpu],
      pypiDefault: 'cu128', torchvision: '0.24.1', torchaudio: '2.9.1', xformers: '0.0.33.post2',
    },
    {
      version: '2.8.0', released: '2025-07', python: py(9, 13),
      backends: [cu('cu126', ARCH_5_TO_9, 'cxx11', 'V'), cu('cu128', ARCH_7_TO_12, 'cxx11', 'V'), cu('cu129', ARCH_7_TO_12, 'cxx11', 'V', '12.0'), cpu],
      pypiDefault: 'cu128', torchvision: '0.23.0', torchaudio: '2.8.0', xformers: '0.0.32.post2',
    },
    {
      version: '2.7.1', released: '2025-04', python: py(9, 13),
      backends: [cu('cu118', ARCH_FULL, 'cxx11', '?'), cu('cu126', ARCH_5_TO_9, 'cxx11', '?'), cu('cu128', ARCH_75_TO_12, 'cxx11', 'S'), cpu],
      pypiDefault: 'cu126', torchvision: '0.22.1', torchaudio: '2.7.1', xformers: '0.0.31.post1',
    },
    {
      version: '2.6.0', released: '2025-01', python: py(9, 13),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', '?'), cu('cu124', ARCH_5_TO_9, 'pre-cxx11', '?'), cu('cu126', ARCH_5_TO_9, 'cxx11', '?'), cpuOld],
      pypiDefault: 'cu124', torchvision: '0.21.0', torchaudio: '2.6.0', xformers: '0.0.29.post3',
    },
    {
      version: '2.5.1', released: '2024-10', python: py(9, 13),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cu('cu121', ARCH_5_TO_9, 'pre-cxx11', 'V'), cu('cu124', ARCH_5_TO_9, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu124', torchvision: '0.20.1', torchaudio: '2.5.1', xformers: '0.0.28.post3',
    },
    {
      version: '2.4.1', released: '2024-07', python: py(8, 12),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cu('cu121', ARCH_5_TO_9, 'pre-cxx11', 'V'), cu('cu124', ARCH_5_TO_9, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu121', torchvision: '0.19.1', torchaudio: '2.4.1', xformers: '0.0.28.post1',
    },
    {
      version: '2.3.1', released: '2024-04', python: py(8, 12),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cu('cu121', ARCH_5_TO_9, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu121', torchvision: '0.18.1', torchaudio: '2.3.1', xformers: '0.0.27',
    },
    {
      version: '2.2.2', released: '2024-01', python: py(8, 12),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cu('cu121', ARCH_5_TO_9, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu121', torchvision: '0.17.2', torchaudio: '2.2.2', xformers: '0.0.25.post1',
    },
    {
      version: '2.1.2', released: '2023-10', python: py(8, 11),
      backends: [cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cu('cu121', ARCH_5_TO_9, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu121', torchvision: '0.16.2', torchaudio: '2.1.2', xformers: '0.0.23.post1',
    },
    {
      version: '2.0.1', released: '2023-03', python: py(8, 11),
      backends: [cu('cu117', ['3.7', '5.0', '6.0', '7.0', '7.5', '8.0', '8.6'], 'pre-cxx11', 'V'), cu('cu118', ARCH_FULL, 'pre-cxx11', 'V'), cpuOld],
      pypiDefault: 'cu117', torchvision: '0.15.2', torchaudio: '2.0.2', xformers: '0.0.22',
    },
  ],
};

/** "2.9.1" -> "2.9". */
export function minorOf(version: string): string {
  const [major = '0', minor = '0'] = version.split('.');
  return `${major}.${minor}`;
}

export function findRelease(matrix: TorchMatrix, version: string): TorchRelease | undefined {
  const minor = minorOf(version);
  return matrix.releases.find((r) => minorOf(r.version) === minor);
}
