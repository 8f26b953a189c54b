import type { DoctorDeps } from './deps.js';

/**
 * Linux NVIDIA driver packages. Inside WSL2 they shadow the Windows driver's libraries
 * (pain point 10); on a plain Linux host they say a driver is installed even when its
 * kernel module is not loaded.
 */
export const DRIVER_PACKAGE_PATTERNS = ['nvidia-driver-*', 'libnvidia-compute-*', 'cuda-drivers*', 'nvidia-utils-*', 'nvidia-dkms-*'];

/** `dpkg-query -W -f '${Package}\t${Status}\n'` lines -> installed package names. */
export function parseDpkgInstalled(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const [name, status] = line.split('\t');
    if (name && status && /\binstall ok installed\b/.test(status)) out.push(name.trim());
  }
  return out.sort();
}

/** Installed driver packages; null when dpkg is not there (not Debian/Ubuntu) or did not answer. */
export async function probeDriverPackages(deps: DoctorDeps): Promise<string[] | null> {
  if (deps.platform !== 'linux') return null;
  // Exit code 1 only means that some pattern matched nothing; the matches are still printed.
  const r = await deps.exec('dpkg-query', ['-W', '-f', '${Package}\\t${Status}\\n', ...DRIVER_PACKAGE_PATTERNS], { timeoutMs: 2000 });
  if (r.missing || r.timedOut || (r.code !== 0 && r.code !== 1)) return null;
  return parseDpkgInstalled(r.stdout);
}
