import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSetupScript } from '../../src/setup-host/script.js';
import { run } from '../support/tools.js';
import { changes, sandbox } from './standins.js';

/**
 * The script in a real Ubuntu root (chroot): real bash, coreutils, dpkg, getent, id, groupadd,
 * usermod and chown; stand-ins only for what needs the network or a running systemd (apt-get,
 * curl, gpg, systemctl, nvidia-ctk, docker, and dpkg-query so that the stand-in installs count).
 * Needs root and a debootstrapped root given by DANLU_TEST_CHROOT, e.g.
 *   debootstrap --variant=minbase jammy /var/tmp/jammy http://archive.ubuntu.com/ubuntu/
 *   DANLU_TEST_CHROOT=/var/tmp/jammy npx vitest run test/setup-host/chroot.test.ts
 * The root is copied first, so it stays as it was.
 */
const source = process.env.DANLU_TEST_CHROOT;
const usable = Boolean(source && existsSync(join(source, 'etc/os-release')) && process.getuid?.() === 0);
const NETWORK_TOOLS = ['apt-get', 'curl', 'gpg', 'systemctl', 'nvidia-ctk', 'docker', 'dpkg-query', 'nvidia-smi'];

describe.skipIf(!usable)('in a real Ubuntu root (chroot)', () => {
  let base = '';
  let root = '';
  afterAll(() => {
    if (base) rmSync(base, { recursive: true, force: true });
  });

  const inRoot = (script: string) =>
    run(
      'chroot',
      [
        root,
        '/usr/bin/env',
        '-i',
        'PATH=/standins:/usr/sbin:/usr/bin:/sbin:/bin',
        'FAKE_STATE=/fake',
        'FAKE_LOG=/fake/log',
        'SUDO_USER=alice',
        'HOME=/root',
        'bash',
        '-c',
        script,
      ],
      { timeoutMs: 120_000 },
    );

  /** Paths, modes, owners and hashes of everything the script may touch. */
  const state = () =>
    inRoot(
      'cd / && find etc home usr/share/keyrings run/danlu-setup-host var/backups -xdev -printf "%p %m %u %g\\n" 2>/dev/null | sort; find etc home usr/share/keyrings var/backups -xdev -type f -exec sha256sum {} + 2>/dev/null | sort',
    ).stdout;

  it('runs, then runs again changing nothing', () => {
    base = mkdtempSync(join(tmpdir(), 'danlu-chroot-'));
    root = join(base, 'root');
    expect(run('cp', ['-a', source!, root]).code).toBe(0);
    const release = readFileSync(join(root, 'etc/os-release'), 'utf8').includes('VERSION_ID="22.04"') ? '22.04' : '24.04';
    const box = sandbox(release === '22.04' ? 'ubuntu22.04' : 'ubuntu24.04');
    try {
      mkdirSync(join(root, 'standins'));
      for (const name of readdirSync(box.bin).filter((n) => NETWORK_TOOLS.includes(n))) {
        copyFileSync(join(box.bin, name), join(root, 'standins', name));
        chmodSync(join(root, 'standins', name), 0o755);
      }
    } finally {
      box.cleanup();
    }
    mkdirSync(join(root, 'fake'));
    for (const f of ['installed', 'log', 'group', 'passwd']) writeFileSync(join(root, 'fake', f), '');
    mkdirSync(join(root, 'run/systemd/system'), { recursive: true });
    // (Ubuntu 24.04 images have a user "ubuntu" with UID 1000 already.)
    expect(inRoot('useradd -m -u 1042 -s /bin/bash alice').code).toBe(0);
    const s = buildSetupScript({
      target: 'ubuntu',
      release,
      mirror: 'cn',
      proxy: 'http://proxy.corp:3128',
      facts: { hostname: 'box', wslNetworkingMode: null },
      noProxy: [],
      version: 'test',
    });
    writeFileSync(join(root, 'root/setup-host.sh'), s.text);

    const first = inRoot('bash /root/setup-host.sh');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(inRoot('id -nG alice').stdout.trim().split(' ')).toContain('docker');
    expect(
      inRoot('stat -c %U /home/alice/.config /home/alice/.config/danlu /home/alice/.docker /home/alice/.docker/config.json').stdout.trim().split('\n'),
    ).toEqual(['alice', 'alice', 'alice', 'alice']);
    expect(readFileSync(join(root, 'etc/apt/apt.conf.d/95danlu-proxy'), 'utf8')).toContain('Acquire::http::Proxy "http://proxy.corp:3128";');

    const before = state();
    writeFileSync(join(root, 'fake/log'), '');
    const second = inRoot('bash /root/setup-host.sh');
    expect(second.code).toBe(0);
    expect(state()).toBe(before);
    expect(changes(readFileSync(join(root, 'fake/log'), 'utf8').split('\n').filter(Boolean))).toEqual([]);
  });
});
