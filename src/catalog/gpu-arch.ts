import { compareDotted, parseDotted } from '../lib/version.js';

/**
 * Whether code built for `archs` (SASS) or `ptx` runs on a GPU of compute capability `cc`.
 * SASS runs on the same major with an equal or higher minor (sm_86 code on sm_89);
 * PTX is compiled at load time for any GPU at least as new.
 */
export function runsOn(cc: string, archs: readonly string[], ptx: string | null | undefined): boolean {
  const [major, minor = 0] = parseDotted(cc);
  for (const arch of archs) {
    const [am, an = 0] = parseDotted(arch);
    if (am === major && an <= minor) return true;
  }
  return ptx ? compareDotted(cc, ptx) >= 0 : false;
}

/** The arch among `archs` whose code a GPU of `cc` would run, for explanations. */
export function matchingArch(cc: string, archs: readonly string[], ptx: string | null | undefined): string | null {
  const [major, minor = 0] = parseDotted(cc);
  let best: string | null = null;
  for (const arch of archs) {
    const [am, an = 0] = parseDotted(arch);
    if (am === major && an <= minor && (best === null || compareDotted(arch, best) > 0)) best = arch;
  }
  if (best) return `sm_${best.replace('.', '')}`;
  return ptx && compareDotted(cc, ptx) >= 0 ? `compute_${ptx.replace('.', '')} (PTX, JIT-compiled)` : null;
}

export const smName = (cc: string): string => `sm_${cc.replace('.', '')}`;
