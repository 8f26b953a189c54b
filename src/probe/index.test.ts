import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realDeps } from './deps.js';
import { fakeDeps, fixture, hostProbeSection } from './fake-deps.js';
import { probeHost } from './index.js';
import { WSL_NVIDIA_SMI } from './nvidia.js';

const h100 = (f: string) => fixture(`h100-driver580-ubuntu2404/${f}`);
const QUERY = 'nvidia-smi --query-gpu=index,name,uuid,driver_version,memory.total,compute_cap --format=csv,noheader,nounits';

describe('probeHost', () => {
  it('assembles the H100 machine (no Docker) from every probe', async () => {
    const deps = fakeDeps({
      files: { '/etc/os-release': hostProbeSection(h100('host-probe.txt'), 'os-release') },
      commands: {
        [QUERY]: { stdout: '0, NVIDIA H100 80GB HBM3, GPU-1c0a9baf-0145-ba6f-785c-472c90d07688, 580.159.04, 81559, 9.0\n' },
        'nvidia-smi -q': { stdout: h100('nvidia-smi-q.txt') },
      },
    });
    const host = await probeHost(deps);
    expect(host.source).toBe('probe');
    expect(host.os).toEqual({ kind: 'linux', distro: 'ubuntu', release: '24.04', arch: 'x64', kernel: '6.8.0-45-generic' });
    expect(host.user).toEqual({ name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' });
    expect([host.cpus, host.memoryBytes, host.timezone]).toEqual([16, 64 * 1024 ** 3, 'Asia/Shanghai']);
    expect(host.nvidia).toMatchObject({ driverVersion: '580.159.04', cudaVersion: '13.0', source: 'nvidia-smi' });
    expect(host.nvidia?.gpus[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0', memoryMiB: 81559, class: 'datacenter' });
    expect(host.docker).toBeNull();
    expect(host.wsl).toBeNull();
    expect(host.notes).toEqual([{ what: 'docker', message: 'docker not found' }]);
  });

  it('fills wsl on WSL2 and warns when /dev/dxg is missing', async () => {
    const wsl = (f: string) => fixture(`wsl2-ubuntu2204/${f}`);
    const deps = fakeDeps({
      files: { '/proc/version': wsl('proc-version.txt'), '/etc/os-release': wsl('os-release') },
      dirs: { '/usr/lib/wsl/lib': ['libcuda.so.1'] },
    });
    const host = await probeHost(deps);
    expect(host.os.kind).toBe('wsl2');
    expect(host.wsl).toEqual({ dxg: false, libDir: true, networkingMode: null });
    expect(host.notes.map((n) => n.message)).toContain('/dev/dxg is missing: the Windows GPU driver is not exposed to this distro');
  });
});

describe('probeHost on the real machine', () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'danlu-empty-path-'));
  afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

  it('finishes well under 2 s with no docker and no nvidia-smi on PATH', async () => {
    const started = Date.now();
    const host = await probeHost(realDeps({ env: { PATH: emptyDir } }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(host.docker).toBeNull();
    const expected = existsSync(WSL_NVIDIA_SMI) ? ['docker not found'] : ['docker not found', 'nvidia-smi not found'];
    expect(host.notes.map((n) => n.message)).toEqual(expect.arrayContaining(expected));
    expect(host.cpus).toBeGreaterThan(0);
    expect(host.user.home).not.toBe('');
    expect(JSON.parse(JSON.stringify(host))).toEqual(host);
  });
});
