import { SNAPSHOT } from './snapshot.js';
import type { Confidence, Provenance } from './types.js';
import { minorOf } from '../lib/py.js';

/** C++ ABI of a wheel: `cxx11` = `_GLIBCXX_USE_CXX11_ABI=1`. */
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
  /** CPython versions with Linux x86_64 wheels of the release's newest patch ("3.13t" = free-threaded); from the index. */
  python?: readonly string[];
  /** Platforms the variant has wheels for ("linux_x86_64", "linux_aarch64", "win_amd64"); from the index. */
  platforms?: readonly string[];
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
  /** Base of the per-variant wheel indexes: `${indexBase}/${backend}`. */
  indexBase: string;
}

/**
 * The PyTorch release matrix, newest first; data in snapshot.json.
 * Sources: PyTorch RELEASE.md and RFCs; pytorch/builder and .ci build_cuda.sh arch lists;
 * replicate/cog torch_compatibility.json; facebookresearch/xformers tags; after a refresh,
 * the download.pytorch.org wheel indexes for versions, variants and Python tags.
 */
export const TORCH: TorchMatrix = SNAPSHOT.parts.torch;

/** "2.9.1" -> "2.9": the one in lib/py.ts. */
export { minorOf };

export function findRelease(matrix: TorchMatrix, version: string): TorchRelease | undefined {
  const minor = minorOf(version);
  return matrix.releases.find((r) => minorOf(r.version) === minor);
}
