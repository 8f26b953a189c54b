import type { ProbeDeps } from './deps.js';
import type { WslFacts } from './types.js';

export const WSL_LIB_DIR = '/usr/lib/wsl/lib';

/** `wslinfo --networking-mode` prints "nat", "mirrored", "virtioproxy" or "none". */
export function parseNetworkingMode(text: string): string | null {
  const mode = text.trim().toLowerCase();
  return /^[a-z]+$/.test(mode) ? mode : null;
}

/** WSL facts; null off Linux. Whether this is WSL at all is the OS probe's call. */
export async function probeWsl(deps: ProbeDeps): Promise<WslFacts | null> {
  if (deps.platform !== 'linux') return null;
  const [dxg, libDir] = await Promise.all([deps.exists('/dev/dxg'), deps.exists(WSL_LIB_DIR)]);
  // Off WSL there is no wslinfo to ask: a process start saved on every Linux run.
  if (!dxg && !libDir) return { dxg, libDir, networkingMode: null };
  const info = await deps.exec('wslinfo', ['--networking-mode'], { timeoutMs: 1500 });
  return { dxg, libDir, networkingMode: info.code === 0 ? parseNetworkingMode(info.stdout) : null };
}
