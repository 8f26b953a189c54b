import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { danlu, jsonOut, read, tempProject, write } from '../support/cli.js';
import { docker, dockerCompose, dockerEnv, findDockerCompose, removeImages, standInImage } from '../support/tools.js';

/**
 * The daily loop against a real Docker engine and Debian's docker-compose (v1). No registry is
 * reachable, so the project's Dockerfile is replaced by a small one on the local 24.04 stand-in,
 * with a stand-in `uv` that records its calls and runs the command. The invoking user is
 * simulated with SUDO_* (the tests run as root): UID/GID 1000.
 */
const base = standInImage('ubuntu2404');
const ready = Boolean(base && findDockerCompose());
const UID = 1000;

const smallDockerfile = (extra = '') => `FROM ${base} AS dev
RUN printf '#!/bin/sh\\necho "$@" >> /tmp/uv-calls\\necho "$@" > /tmp/uv-called\\n[ "$1" = run ] || exit 0\\nshift\\n[ "$1" = -- ] && shift\\nexec "$@"\\n' > /usr/local/bin/uv && chmod 755 /usr/local/bin/uv
${extra}CMD ["sleep", "infinity"]
`;

describe.skipIf(!ready)('danlu up / exec / run / status / down with a real engine', () => {
  let dir = '';
  let home = '';
  let env: Record<string, string> = {};
  const images: string[] = [];
  const cli = (args: string[], extra: Record<string, string> = {}) => danlu(args, { cwd: dir, env: { ...env, ...extra } });

  beforeAll(() => {
    dir = tempProject({}, 'loop');
    home = join(dir, '..', 'home');
    mkdirSync(home);
    chownSync(home, UID, UID);
    const host = join(dir, '..', 'host.json');
    writeFileSync(host, JSON.stringify({ user: { name: 'tester', uid: UID, gid: UID, home }, nvidia: null }));
    expect(danlu(['init', dir, '--yes', '--host', host]).code).toBe(0);
    // No bridge network on this engine: the machine file keeps the container off the network.
    write(dir, '.devcontainer/docker-compose.extend.yml', 'services:\n  devcontainer:\n    network_mode: none\n');
    write(dir, '.devcontainer/Dockerfile', smallDockerfile());
    for (const p of ['', '.devcontainer']) chownSync(join(dir, p), UID, UID);
    env = { ...dockerEnv(), SUDO_USER: 'tester', SUDO_UID: String(UID), SUDO_GID: String(UID) };
  });

  afterAll(() => {
    if (dir) cli(['down', '--volumes']);
    removeImages(...images);
    if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('up builds the missing image, creates the cache folders as the user first, and starts', () => {
    const r = cli(['up', '--json']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = jsonOut(r);
    images.push(out.image);
    expect(out).toMatchObject({ action: 'started', built: true, retagged: true, compose: 'v1' });
    expect(out.container.state).toBe('running');
    for (const d of ['.cache/huggingface', '.cache/danlu/uv', '.cache/torch/hub', '.local/share/uv']) {
      const s = statSync(join(home, d));
      expect([s.uid, s.gid]).toEqual([UID, UID]);
    }
    expect(read(dir, '.env')).toContain(`DEV_IMAGE=${out.image}`);
    // Then the environment is installed the way the generated uv-sync.sh does it (no uv.lock yet: lock first).
    expect(out.sync).toBe('synced');
    expect(cli(['exec', '--', 'cat', '/tmp/uv-calls']).stdout.split('\n').filter(Boolean)).toEqual(['lock', 'sync --frozen --all-groups']);
    expect(readFileSync(join(dir, '.danlu', 'logs', 'sync.log'), 'utf8')).toMatch(/no uv\.lock yet; locking against/);
  });

  it('exec returns the exit code of the command inside', () => {
    expect(cli(['exec', '--', 'sh', '-c', 'exit 7']).code).toBe(7);
    const ok = cli(['exec', '--', 'id', '-u']);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toBe(String(UID));
  });

  it('run goes through uv run, with the exit code unchanged', () => {
    expect(cli(['run', '--', 'sh', '-c', 'exit 5']).code).toBe(5);
    expect(cli(['exec', '--', 'cat', '/tmp/uv-called']).stdout).toContain('run -- sh -c exit 5');
  });

  it('a file written in the workspace belongs to the host user', () => {
    expect(cli(['exec', '--', 'touch', '/workspace/loop/written-inside']).code).toBe(0);
    const s = statSync(join(dir, 'written-inside'));
    expect([s.uid, s.gid]).toEqual([UID, UID]);
  });

  it('up a second time is a no-op', () => {
    const before = jsonOut(cli(['status', '--json']));
    const again = jsonOut(cli(['up', '--json']));
    expect(again).toMatchObject({ action: 'unchanged', built: false, retagged: false, createdDirs: [], sync: 'up to date' });
    expect(jsonOut(cli(['up', '--json', '--no-sync'])).sync).toBe('not run');
    expect(again.container.id).toBe(before.container.id);
  });

  it('status reports the running container and an up-to-date image', () => {
    const s = jsonOut(cli(['status', '--json']));
    expect(s.container.state).toBe('running');
    expect(s.image).toMatchObject({ exists: true, upToDate: true });
  });

  it('a changed Dockerfile is rebuilt under a new tag and the container recreated', () => {
    const before = jsonOut(cli(['status', '--json']));
    write(dir, '.devcontainer/Dockerfile', smallDockerfile('RUN echo v2 > /version\n'));
    const r = jsonOut(cli(['up', '--json']));
    images.push(r.image);
    expect(r).toMatchObject({ action: 'recreated', built: true, retagged: true });
    // The superseded tag is listed for removal (another project may share it), not removed.
    expect(r.notes).toContainEqual(expect.stringContaining(`${before.image.tag} is no longer this project's image`));
    expect(r.image).not.toBe(before.image.tag);
    expect(cli(['exec', '--', 'cat', '/version']).stdout.trim()).toBe('v2');
  });

  it("down leaves the project's own services of the same compose file running", () => {
    const compose = read(dir, 'docker-compose.yml');
    write(
      dir,
      'docker-compose.yml',
      compose.replace(/^services:\n/m, `services:\n  other:\n    image: ${base}\n    command: ["sleep", "infinity"]\n    network_mode: none\n`),
    );
    try {
      expect(dockerCompose(dir, ['up', '-d', 'other']).code).toBe(0);
      const r = cli(['down', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOut(r)).toMatchObject({ removed: expect.stringContaining('devcontainer'), kept: ['other'] });
      const running = docker(['ps', '--filter', 'label=com.docker.compose.project=loop', '--format', '{{.Label "com.docker.compose.service"}}']);
      expect(running.stdout.trim()).toBe('other');
    } finally {
      dockerCompose(dir, ['rm', '--stop', '--force', 'other']);
      write(dir, 'docker-compose.yml', compose);
    }
    expect(cli(['up']).code).toBe(0);
  });

  it('down removes the container', () => {
    expect(cli(['down']).code).toBe(0);
    const ps = docker(['ps', '-a', '--filter', 'label=com.docker.compose.project=loop', '--format', '{{.ID}}']);
    expect(ps.stdout.trim()).toBe('');
    expect(jsonOut(cli(['status', '--json'])).container).toBeNull();
  });

  it('run on a stopped project says it starts the container; down --volumes says what it removed (L10)', () => {
    const r = cli(['run', '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/starting the dev container of loop \(it stays up; `danlu down` stops it\)/);
    // logs into a pipe: plain text, no colour codes.
    const logs = cli(['logs', '--tail', '5']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout + logs.stderr).not.toMatch(/\x1b\[/);
    // The project's environment is its folder in the host's store (the container made it at
    // start, as the user, although this image has no /opt/danlu to link it from); a venv volume
    // an earlier version made goes too.
    const envDir = join(home, '.cache', 'danlu', 'uv', 'venvs', 'loop');
    expect(statSync(envDir).uid).toBe(UID);
    expect(docker(['volume', 'create', 'loop_venv']).code).toBe(0);
    const first = cli(['down', '--volumes']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      /removed \S*devcontainer\S*; removed the environment \S*\/\.cache\/danlu\/uv\/venvs\/loop; removed the old venv volume loop_venv/,
    );
    expect(existsSync(envDir)).toBe(false);
    expect(docker(['volume', 'inspect', 'loop_venv']).code).not.toBe(0);
    const second = cli(['down', '--volumes', '--json']);
    expect(jsonOut(second)).toMatchObject({ removed: null, removedVolume: null, removedEnvironment: null });
    expect(cli(['down', '--volumes']).stderr).toMatch(/^no dev container was running; no environment to remove$/m);
  });

  it('up with the daemon stopped fails fast with the reason and the fix', () => {
    const started = Date.now();
    const r = cli(['up'], { DOCKER_HOST: `unix://${join(dir, '..', 'no-daemon.sock')}` });
    expect((Date.now() - started) / 1000).toBeLessThan(3);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Docker daemon not reachable/);
    expect(r.stderr).toMatch(/systemctl start docker/);
  });

  it('a .env made for another user is refused before anything starts', () => {
    const r = cli(['up'], { SUDO_UID: '1234', SUDO_GID: '1234' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/USER_UID=1000 in \.env, but you are .*\(1234:1234\)/);
    expect(r.stderr).toMatch(/danlu doctor --fix/);
  });

  it('no .env: says to run danlu init', () => {
    const envText = readFileSync(join(dir, '.env'), 'utf8');
    rmSync(join(dir, '.env'));
    try {
      const r = cli(['up']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/no \.env .* run `danlu init`/s);
    } finally {
      writeFileSync(join(dir, '.env'), envText);
    }
  });
});
