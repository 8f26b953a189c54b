import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realDeps } from './deps.js';
import { probeDocker } from './docker.js';
import { fakeDeps, fixture, type FakeCommand, type FakeMachine } from './fake-deps.js';

const docker = (f: string) => fixture(`docker/${f}`);
const VERSION = 'docker version --format {{json .}}';
const INFO = 'docker info --format {{json .}}';
const COMPOSE_V2 = 'docker compose version --short';
const NO_PLUGIN: FakeCommand = { code: 1, stderr: "docker: 'compose' is not a docker command.\nSee 'docker --help'\n" };

function machine(commands: Record<string, FakeCommand>, extra: Omit<FakeMachine, 'commands'> = {}): FakeMachine {
  return { env: { PATH: '/usr/bin:/bin' }, files: { '/usr/bin/docker': '' }, ...extra, commands };
}

describe('probeDocker', () => {
  it('reports a working Engine with the nvidia runtime, compose v2, nvidia-ctk and group membership', async () => {
    const deps = fakeDeps(
      machine({
        [VERSION]: { stdout: docker('version-ok.json') },
        [INFO]: { stdout: docker('info-nvidia-runtime.json') },
        [COMPOSE_V2]: { stdout: '2.29.7\n' },
        'nvidia-ctk --version': { stdout: docker('nvidia-ctk-version.txt') },
        'id -Gn': { stdout: 'alice adm sudo docker\n' },
      }),
    );
    const { facts, notes } = await probeDocker(deps);
    expect(notes).toEqual([]);
    expect(facts).toEqual({
      engine: 'docker',
      client: '27.3.1',
      daemon: { ok: true, version: '27.3.1', reason: null },
      compose: { v2: '2.29.7', v1: null },
      nvidiaRuntime: true,
      cdi: false,
      rootless: false,
      desktop: false,
      snap: false,
      inDockerGroup: true,
      nvidiaCtk: '1.16.2',
      buildx: null,
    });
    // The slow Python docker-compose v1 is only consulted when the plugin is missing.
    expect(deps.calls).not.toContain('docker-compose --version');
  });

  it('keeps the client version when the daemon is down and says why', async () => {
    const deps = fakeDeps(
      machine({
        [VERSION]: { code: 1, stdout: docker('version-daemon-down.json'), stderr: docker('version-daemon-down.stderr') },
        [INFO]: { code: 1, stdout: docker('info-daemon-down.json') },
        [COMPOSE_V2]: NO_PLUGIN,
        'docker-compose --version': { stdout: docker('compose-v1-dash-version.txt') },
      }),
    );
    const { facts, notes } = await probeDocker(deps);
    expect(facts?.client).toBe('27.3.1');
    expect(facts?.daemon).toEqual({
      ok: false,
      version: null,
      reason: 'not reachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    });
    expect(facts?.compose).toEqual({ v2: null, v1: '1.29.2' });
    expect(notes[0]?.message).toMatch(/^docker daemon not reachable: Cannot connect/);
  });

  it('asks the slow docker-compose v1 for its version once per binary, then remembers it', async () => {
    const store = new Map<string, string>();
    const cache = {
      read: async (b: string, a: readonly string[]) => store.get(`${b} ${a.join(' ')}`) ?? null,
      write: async (b: string, a: readonly string[], out: string) => void store.set(`${b} ${a.join(' ')}`, out),
    };
    const commands = {
      [VERSION]: { stdout: docker('version-ok.json') },
      [INFO]: { stdout: docker('info-nvidia-runtime.json') },
      [COMPOSE_V2]: NO_PLUGIN,
      'docker-compose --version': { stdout: docker('compose-v1-dash-version.txt') },
    };
    const first = fakeDeps(machine(commands, { files: { '/usr/bin/docker': '', '/usr/bin/docker-compose': '' } }));
    expect((await probeDocker({ ...first, versionCache: cache })).facts?.compose).toEqual({ v2: null, v1: '1.29.2' });
    expect(first.calls).toContain('docker-compose --version');
    expect([...store.keys()]).toEqual(['/usr/bin/docker-compose --version']);
    const second = fakeDeps(machine(commands, { files: { '/usr/bin/docker': '', '/usr/bin/docker-compose': '' } }));
    expect((await probeDocker({ ...second, versionCache: cache })).facts?.compose).toEqual({ v2: null, v1: '1.29.2' });
    expect(second.calls).not.toContain('docker-compose --version');
  });

  it('tells permission denied on the socket apart', async () => {
    const deps = fakeDeps(
      machine({
        [VERSION]: { code: 1, stdout: docker('version-daemon-down.json'), stderr: docker('version-permission-denied.stderr') },
        'id -Gn': { stdout: 'alice sudo\n' },
      }),
    );
    const { facts } = await probeDocker(deps);
    expect(facts?.daemon.reason).toMatch(/^permission denied: /);
    expect(facts?.inDockerGroup).toBe(false);
  });

  it('reports a docker that does not answer in time', async () => {
    const deps = fakeDeps(machine({ [VERSION]: { code: null, timedOut: true } }));
    expect((await probeDocker(deps)).facts?.daemon).toEqual({ ok: false, version: null, reason: 'timed out: docker did not answer within 1.5 s' });
  });

  it('recognises Docker Desktop, snap, rootless CDI setups and spec files', async () => {
    const desktop = fakeDeps(machine({ [VERSION]: { stdout: docker('version-desktop.json') }, [INFO]: { stdout: docker('info-desktop.json') } }));
    expect((await probeDocker(desktop)).facts).toMatchObject({ desktop: true, nvidiaRuntime: false });

    const snap = fakeDeps(
      machine({ [VERSION]: { stdout: docker('version-ok.json') } }, { env: { PATH: '/snap/bin:/usr/bin' }, files: { '/snap/bin/docker': '' } }),
    );
    expect((await probeDocker(snap)).facts?.snap).toBe(true);

    const rootless = fakeDeps(machine({ [VERSION]: { stdout: docker('version-ok.json') }, [INFO]: { stdout: docker('info-rootless-cdi.json') } }));
    expect((await probeDocker(rootless)).facts).toMatchObject({ rootless: true, cdi: true });

    const specFile = fakeDeps(machine({ [VERSION]: { stdout: docker('version-ok.json') } }, { dirs: { '/var/run/cdi': ['nvidia.yaml'] } }));
    expect((await probeDocker(specFile)).facts?.cdi).toBe(true);
  });

  it("checks the sudo user's groups, falling back to /etc/group", async () => {
    const root = { username: 'root', uid: 0, gid: 0, homedir: '/root' };
    const env = { PATH: '/usr/bin', SUDO_USER: 'alice', SUDO_UID: '1000', SUDO_GID: '1000' };
    const withId = fakeDeps(machine({ [VERSION]: { stdout: docker('version-ok.json') }, 'id -Gn alice': { stdout: 'alice docker\n' } }, { user: root, env }));
    expect((await probeDocker(withId)).facts?.inDockerGroup).toBe(true);
    expect(withId.calls).toContain('id -Gn alice');

    const noId = fakeDeps(machine({ [VERSION]: { stdout: docker('version-ok.json') } }, { user: root, env, files: { '/etc/group': 'docker:x:998:alice\n' } }));
    expect((await probeDocker(noId)).facts?.inDockerGroup).toBe(true);
  });

  it('notes a standalone compose v2 without the plugin', async () => {
    const deps = fakeDeps(
      machine({
        [VERSION]: { stdout: docker('version-ok.json') },
        [COMPOSE_V2]: NO_PLUGIN,
        'docker-compose --version': { stdout: docker('compose-v2-standalone-version.txt') },
      }),
    );
    const { facts, notes } = await probeDocker(deps);
    expect(facts?.compose).toEqual({ v2: null, v1: null });
    expect(notes[0]?.message).toMatch(/standalone docker-compose 2\.29\.7/);
  });

  it('is null with a note when docker is not installed', async () => {
    expect(await probeDocker(fakeDeps())).toEqual({ facts: null, notes: [{ what: 'docker', message: 'docker not found' }] });
  });
});

describe('probeDocker against a hanging docker executable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-docker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns within 3 s with the daemon marked timed out', async () => {
    const sleep = ['/bin/sleep', '/usr/bin/sleep'].find((p) => existsSync(p));
    expect(sleep).toBeDefined();
    writeFileSync(join(dir, 'docker'), `#!/bin/sh\nexec ${sleep} 30\n`);
    chmodSync(join(dir, 'docker'), 0o755);
    const started = Date.now();
    const { facts } = await probeDocker(realDeps({ env: { PATH: dir } }));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(facts?.daemon.ok).toBe(false);
    expect(facts?.daemon.reason).toMatch(/timed out/);
    expect(facts?.client).toBeNull();
  });
});
