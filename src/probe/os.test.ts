import { describe, expect, it } from 'vitest';
import { fakeDeps, fixture, hostProbeSection } from './fake-deps.js';
import { parseOsRelease, probeOs, wslGeneration } from './os.js';

const hostProbe = fixture('h100-driver580-ubuntu2404/host-probe.txt');
const wsl = (f: string) => fixture(`wsl2-ubuntu2204/${f}`);

describe('parsers', () => {
  it('reads ID and VERSION_ID from the H100 os-release', () => {
    const release = parseOsRelease(hostProbeSection(hostProbe, 'os-release'));
    expect(release.ID).toBe('ubuntu');
    expect(release.VERSION_ID).toBe('24.04');
    expect(release.PRETTY_NAME).toBe('Ubuntu 24.04.3 LTS');
  });

  it('unquotes single quotes and escapes, and ignores comments', () => {
    expect(parseOsRelease('# c\nID=\'debian\'\nNAME="a \\"b\\""\n')).toEqual({ ID: 'debian', NAME: 'a "b"' });
  });

  it('tells WSL2 from WSL1 from plain Linux', () => {
    expect(wslGeneration(wsl('proc-version.txt'))).toBe('wsl2');
    expect(wslGeneration(wsl('osrelease.txt'))).toBe('wsl2');
    expect(wslGeneration('Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 (GCC) ) #1237-Microsoft')).toBe('wsl1');
    expect(wslGeneration(hostProbeSection(hostProbe, 'uname'))).toBeNull();
  });
});

describe('probeOs', () => {
  it('reports the H100 machine as linux ubuntu 24.04', async () => {
    const deps = fakeDeps({
      files: { '/etc/os-release': hostProbeSection(hostProbe, 'os-release'), '/proc/version': hostProbeSection(hostProbe, 'uname') },
    });
    expect(await probeOs(deps)).toEqual({
      facts: { kind: 'linux', distro: 'ubuntu', release: '24.04', arch: 'x64', kernel: '6.8.0-45-generic' },
      notes: [],
    });
  });

  it('detects WSL2 from /proc', async () => {
    const deps = fakeDeps({
      files: { '/etc/os-release': wsl('os-release'), '/proc/version': wsl('proc-version.txt'), '/proc/sys/kernel/osrelease': wsl('osrelease.txt') },
    });
    const { facts } = await probeOs(deps);
    expect(facts).toMatchObject({ kind: 'wsl2', distro: 'ubuntu', release: '22.04' });
  });

  it('detects WSL2 from WSL_DISTRO_NAME when /proc says nothing', async () => {
    const deps = fakeDeps({ env: { WSL_DISTRO_NAME: 'Ubuntu' }, files: { '/usr/lib/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\n' } });
    expect((await probeOs(deps)).facts).toMatchObject({ kind: 'wsl2', distro: 'ubuntu', release: '22.04' });
  });

  it('marks WSL1 as other, with a note', async () => {
    const deps = fakeDeps({ files: { '/proc/sys/kernel/osrelease': '4.4.0-19041-Microsoft\n', '/etc/os-release': 'ID=ubuntu\n' } });
    const { facts, notes } = await probeOs(deps);
    expect(facts.kind).toBe('other');
    expect(notes[0]?.message).toMatch(/WSL 1 has no GPU support/);
  });

  it('notes a missing os-release', async () => {
    const { facts, notes } = await probeOs(fakeDeps());
    expect(facts).toMatchObject({ kind: 'linux', distro: null, release: null });
    expect(notes.map((n) => n.what)).toEqual(['os-release']);
  });

  it('names macOS and Windows without reading Linux files', async () => {
    const mac = fakeDeps({ platform: 'darwin', files: { '/etc/os-release': 'ID=ubuntu\n' } });
    expect((await probeOs(mac)).facts).toEqual({ kind: 'macos', distro: null, release: null, arch: 'x64', kernel: '6.8.0-45-generic' });
    expect((await probeOs(fakeDeps({ platform: 'win32' }))).facts.kind).toBe('windows');
  });
});
