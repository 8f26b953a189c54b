import type { OsFacts, OsKind, ProbeNote } from './types.js';
import type { ProbeDeps } from './deps.js';

/** KEY=value pairs of /etc/os-release, quotes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = m[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out[m[1]!] = value;
  }
  return out;
}

export type WslGeneration = 'wsl1' | 'wsl2' | null;

/**
 * WSL from /proc/sys/kernel/osrelease or /proc/version: WSL2 kernels say
 * "5.15.153.1-microsoft-standard-WSL2"; WSL1 says "4.4.0-19041-Microsoft".
 */
export function wslGeneration(kernelText: string): WslGeneration {
  if (!/microsoft|wsl/i.test(kernelText)) return null;
  if (/wsl2|microsoft-standard/i.test(kernelText)) return 'wsl2';
  if (/\b4\.4\.0-\d+-Microsoft\b/.test(kernelText)) return 'wsl1';
  return 'wsl2';
}

export function osKindFor(platform: NodeJS.Platform, wsl: WslGeneration): OsKind {
  if (platform === 'darwin') return 'macos';
  if (platform === 'win32') return 'windows';
  if (platform !== 'linux') return 'other';
  if (wsl === 'wsl2') return 'wsl2';
  // WSL1 runs Linux binaries without a Linux kernel: no Docker Engine, no CUDA.
  if (wsl === 'wsl1') return 'other';
  return 'linux';
}

export interface OsProbeResult {
  facts: OsFacts;
  notes: ProbeNote[];
}

export async function probeOs(deps: ProbeDeps): Promise<OsProbeResult> {
  const notes: ProbeNote[] = [];
  let kernel: string | null = null;
  try {
    kernel = deps.kernel() || null;
  } catch {
    kernel = null;
  }
  if (deps.platform !== 'linux') {
    return { facts: { kind: osKindFor(deps.platform, null), distro: null, release: null, arch: deps.arch, kernel }, notes };
  }
  const [osrelease, version, etcOsRelease] = await Promise.all([
    deps.readFile('/proc/sys/kernel/osrelease'),
    deps.readFile('/proc/version'),
    deps.readFile('/etc/os-release'),
  ]);
  let wsl = wslGeneration(`${osrelease ?? ''}\n${version ?? ''}\n${kernel ?? ''}`);
  if (wsl === null && deps.env.WSL_DISTRO_NAME) wsl = 'wsl2';
  if (wsl === 'wsl1') notes.push({ what: 'WSL', message: 'WSL 1 has no GPU support; convert the distro with `wsl --set-version <distro> 2`' });
  const release = parseOsRelease(etcOsRelease ?? (await deps.readFile('/usr/lib/os-release')) ?? '');
  if (!release.ID) notes.push({ what: 'os-release', message: 'could not read /etc/os-release; distribution unknown' });
  return {
    facts: {
      kind: osKindFor(deps.platform, wsl),
      distro: release.ID ?? null,
      release: release.VERSION_ID ?? null,
      arch: deps.arch,
      kernel,
    },
    notes,
  };
}
