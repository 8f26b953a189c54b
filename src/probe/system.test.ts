import { describe, expect, it } from 'vitest';
import { fakeDeps } from './fake-deps.js';
import { parseEtcTimezone, probeSystem } from './system.js';

describe('probeSystem', () => {
  it('reports CPUs, memory and the Intl time zone', async () => {
    expect(await probeSystem(fakeDeps())).toEqual({ cpus: 16, memoryBytes: 64 * 1024 ** 3, timezone: 'Asia/Shanghai' });
  });

  it('falls back to /etc/timezone', async () => {
    const deps = { ...fakeDeps({ files: { '/etc/timezone': 'Europe/Berlin\n' } }), intlTimeZone: () => null };
    expect((await probeSystem(deps)).timezone).toBe('Europe/Berlin');
  });

  it('rejects text that is not a zone name', () => {
    expect(parseEtcTimezone('not a zone\n')).toBeNull();
    expect(parseEtcTimezone(null)).toBeNull();
    expect(parseEtcTimezone('Etc/GMT+8')).toBe('Etc/GMT+8');
  });
});
