import { describe, expect, it } from 'vitest';
import { fakeDeps, fixture } from './fake-deps.js';
import { parseNetworkingMode, probeWsl } from './wsl.js';

describe('probeWsl', () => {
  it('finds /dev/dxg, the WSL lib dir and the networking mode', async () => {
    const deps = fakeDeps({
      files: { '/dev/dxg': '' },
      dirs: { '/usr/lib/wsl/lib': ['libcuda.so.1', 'nvidia-smi'] },
      commands: { 'wslinfo --networking-mode': { stdout: fixture('wsl2-ubuntu2204/wslinfo-networking-mode.txt') } },
    });
    expect(await probeWsl(deps)).toEqual({ dxg: true, libDir: true, networkingMode: 'mirrored' });
  });

  it('reports what is missing and null mode without wslinfo', async () => {
    const deps = fakeDeps({ dirs: { '/usr/lib/wsl/lib': [] } });
    expect(await probeWsl(deps)).toEqual({ dxg: false, libDir: true, networkingMode: null });
    expect(deps.calls).toEqual(['wslinfo --networking-mode']);
  });

  it('does not look for wslinfo on a Linux that is not WSL', async () => {
    const deps = fakeDeps({ commands: { 'wslinfo --networking-mode': { stdout: 'nat\n' } } });
    expect(await probeWsl(deps)).toEqual({ dxg: false, libDir: false, networkingMode: null });
    expect(deps.calls).toEqual([]);
  });

  it('is null off Linux', async () => {
    expect(await probeWsl(fakeDeps({ platform: 'win32' }))).toBeNull();
  });

  it('parses only a single word', () => {
    expect(parseNetworkingMode('NAT\n')).toBe('nat');
    expect(parseNetworkingMode('error: unknown option\n')).toBeNull();
  });
});
