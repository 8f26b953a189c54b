import { DockerfileParser } from 'dockerfile-ast';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, read, tempProject } from '../support/cli.js';
import { docker, standInImage } from '../support/tools.js';

/**
 * The generated Dockerfile's shell steps, run for real on local stand-ins for the Ubuntu
 * 24.04 image (user `ubuntu` already owns UID/GID 1000, deb822 apt sources) and the 22.04
 * image (classic sources.list). No registry is reachable, so each RUN is executed in a
 * container of the stand-in with its build args as environment variables, as Docker does.
 */
const dir = tempProject();
danlu(['init', dir, '--yes', '--host', `${HOST_FILES}/cpu-only.json`]);
const dockerfile = read(dir, '.devcontainer/Dockerfile');
afterAll(() => cleanup(dir));

function runStep(containing: string): string {
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  const run = instructions.find((i) => i.getKeyword() === 'RUN' && i.getTextContent().includes(containing));
  if (!run) throw new Error(`no RUN step with ${containing}`);
  // The RUN text without the keyword and BuildKit flags; line continuations become spaces.
  return run
    .getTextContent()
    .replace(/^RUN\s+/, '')
    .replace(/\\\n/g, ' ')
    .replace(/--mount=\S+\s+/g, '');
}

function inImage(image: string, env: Record<string, string>, script: string) {
  const args = ['run', '--rm', '--network', 'none', '--entrypoint', 'bash'];
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  return docker([...args, image, '-o', 'pipefail', '-c', script], { timeoutMs: 120_000 });
}

const userStep = runStep('useradd');
const checks =
  'echo "ID=$(id -u "$USER_NAME"):$(id -g "$USER_NAME") HOME=$(getent passwd "$USER_NAME" | cut -d: -f6) OWNER=$(stat -c %u:%g "$USER_HOME") SUDO=$(sudo -n -u "$USER_NAME" sudo -n true && echo yes)"';

describe('user creation on a 24.04-like base (ubuntu owns 1000:1000)', () => {
  const image = standInImage('ubuntu2404');
  const cases = [
    { uid: 1000, gid: 1000, name: 'alice' },
    { uid: 1001, gid: 1001, name: 'bob' },
    { uid: 1000, gid: 1001, name: 'carol' },
    { uid: 1001, gid: 1000, name: 'dave' },
    { uid: 1000055, gid: 1000055, name: 'erin' },
    { uid: 1000, gid: 1000, name: 'ubuntu' },
    { uid: 2001, gid: 100, name: 'frank' },
  ];
  for (const c of cases) {
    it.skipIf(!image)(`${c.name} ${c.uid}:${c.gid}`, () => {
      const env = { USER_NAME: c.name, USER_UID: String(c.uid), USER_GID: String(c.gid), USER_HOME: `/home/${c.name}` };
      const r = inImage(image!, env, `set -e; ${userStep}; ${checks}`);
      expect(r.stderr).not.toMatch(/already exists|not unique|cannot/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`ID=${c.uid}:${c.gid} HOME=/home/${c.name} OWNER=${c.uid}:${c.gid} SUDO=yes`);
    });
  }

  it.skipIf(!image)('root on the host (UID 0) stays root', () => {
    const r = inImage(
      image!,
      { USER_NAME: 'root', USER_UID: '0', USER_GID: '0', USER_HOME: '/root' },
      `set -e; ${userStep}; id -u root; getent passwd ubuntu | cut -d: -f3`,
    );
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0', '1000']);
  });
});

describe('user creation on a 22.04-like base (no 1000 user)', () => {
  const image = standInImage('ubuntu2204');
  it.skipIf(!image)('alice 1000:1000', () => {
    const env = { USER_NAME: 'alice', USER_UID: '1000', USER_GID: '1000', USER_HOME: '/home/alice' };
    const r = inImage(image!, env, `set -e; ${userStep}; ${checks}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ID=1000:1000 HOME=/home/alice OWNER=1000:1000 SUDO=yes');
  });
});

describe('apt mirror rewrite', () => {
  // The step's own apt-get is replaced by a no-op so only the rewrite runs.
  const aptStep = runStep('sources.list');
  const noApt = 'apt-get() { :; }; export -f apt-get;';
  const mirror = 'https://mirrors.example.cn/ubuntu/';
  it.skipIf(!standInImage('ubuntu2404'))('rewrites the deb822 ubuntu.sources of 24.04', () => {
    const r = inImage(standInImage('ubuntu2404')!, { APT_MIRROR: mirror }, `${noApt} ${aptStep}; grep -h URIs /etc/apt/sources.list.d/ubuntu.sources`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('URIs: https://mirrors.example.cn/ubuntu/');
    expect(r.stdout).not.toContain('archive.ubuntu.com');
  });
  it.skipIf(!standInImage('ubuntu2204'))('rewrites the classic sources.list of 22.04', () => {
    const r = inImage(standInImage('ubuntu2204')!, { APT_MIRROR: mirror }, `${noApt} ${aptStep}; grep -h '^deb ' /etc/apt/sources.list`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deb https:\/\/mirrors\.example\.cn\/ubuntu\/ jammy/m);
    expect(r.stdout).not.toContain('archive.ubuntu.com');
  });
  it.skipIf(!standInImage('ubuntu2404'))('leaves the sources alone without a mirror', () => {
    const r = inImage(standInImage('ubuntu2404')!, { APT_MIRROR: '' }, `${noApt} ${aptStep}; grep -h URIs /etc/apt/sources.list.d/ubuntu.sources`);
    expect(r.stdout).toContain('archive.ubuntu.com');
  });
});
