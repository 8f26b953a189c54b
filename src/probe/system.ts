import type { ProbeDeps } from './deps.js';

export interface SystemFacts {
  cpus: number;
  memoryBytes: number;
  timezone: string | null;
}

/** A zone name from /etc/timezone ("Asia/Shanghai\n"), or null. */
export function parseEtcTimezone(text: string | null): string | null {
  const zone = text?.trim() ?? '';
  return /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) ? zone : null;
}

/**
 * TZ, then /etc/timezone, then Intl: asking Intl first loads ICU's zone data, which costs
 * about 30 ms of every command's start.
 */
export async function probeSystem(deps: ProbeDeps): Promise<SystemFacts> {
  const fromEnv = parseEtcTimezone(deps.env.TZ ?? null);
  const zone = fromEnv ?? parseEtcTimezone(await deps.readFile('/etc/timezone')) ?? deps.intlTimeZone();
  return {
    cpus: Math.max(1, deps.cpuCount()),
    memoryBytes: deps.totalMemory(),
    timezone: zone,
  };
}
