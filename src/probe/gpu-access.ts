import type { DockerFacts, OsKind } from './types.js';

/**
 * How a Docker engine hands containers NVIDIA GPUs: its `nvidia` runtime, a CDI spec (the
 * NVIDIA Container Toolkit's newer way), Docker Desktop's own pass-through (WSL2: it lists no
 * runtime and no spec), or not at all. The one answer the plan, `doctor` and `up` share.
 */
export type EngineGpus = 'runtime' | 'cdi' | 'desktop' | 'none';

export function engineGpus(d: Pick<DockerFacts, 'nvidiaRuntime' | 'cdi' | 'desktop'>, os?: OsKind): EngineGpus {
  if (d.nvidiaRuntime) return 'runtime';
  if (d.cdi) return 'cdi';
  // Docker Desktop passes GPUs on Windows (WSL2) only; its Linux VM gets none. Unknown OS: trusted.
  if (d.desktop && (os === undefined || os === 'wsl2' || os === 'windows')) return 'desktop';
  return 'none';
}
