import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, closeSync, openSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { buildLoopImages, LOOP_BASE_IMAGE, LOOP_UV_IMAGE } from '../../scripts/lib/loop-images.mjs';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip } from '../../scripts/lib/uv-harness.mjs';
import { setEnvValues } from '../../src/project/dotenv.js';
import { danlu, jsonOut, read, REPO, tempProject, write } from '../support/cli.js';
import { docker, dockerBin, dockerEnv, findDockerCompose, removeImages, standInImage } from '../support/tools.js';

/**
 * The daily loop on the Dockerfile `danlu init` writes, unmodified, with the real uv: `danlu up`
 * builds it (its apt step installs the image's packages for real from Debian's mirror), starts the
 * container, and installs the project with uv-sync.sh (a real `uv lock` + `uv sync` against pip's
 * index); then `danlu run` imports what was installed.
 *
 * What stands in for what no machine here can reach:
 * - the CUDA image: the 24.04 stand-in (Debian bookworm inside, python3 3.11) with Debian's mirror
 *   enabled, and this machine's CA bundle (pip's) as SSL_CERT_FILE, as a company base image has;
 * - ghcr.io/astral-sh/uv: an image of the uv binary CI installed from PyPI (DANLU_TEST_UV);
 * - GitHub's Python downloads: a local server that answers 404 and records what was asked.
 * The machine's own file (docker-compose.extend.yml) puts the container on the host network: this
 * engine has no bridge.
 */
const UV = process.env.DANLU_TEST_UV ?? '';
const standIn = standInImage('ubuntu2404');
const ready = Boolean(UV && standIn && findDockerCompose());
const UID = 1000;
const DEVCONTAINER = join(REPO, 'node_modules', '.bin', 'devcontainer');
/** A name of its own: other lifecycle tests build images for their users at the same time. */
const USER = 'uvtester';
const BASE: string = LOOP_BASE_IMAGE;
const UV_IMAGE: string = LOOP_UV_IMAGE;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!ready)('danlu up on the generated Dockerfile, with the real uv inside', () => {
  let dir = '';
  let home = '';
  let env: Record<string, string> = {};
  let server: ChildProcess | null = null;
  let serverLog = '';
  let mirror = '';
  const images: string[] = [];
  const cli = (args: string[]) => danlu(args, { cwd: dir, env, timeoutMs: 840_000 });

  beforeAll(async () => {
    const pip = discoverPip();
    const work = join(tempProject({}, 'ctx'), '..');
    buildLoopImages({ docker: dockerBin()!, uv: UV, cert: pip.cert ?? null });
    // Python downloads: 404 for everything, every request in the log.
    const port = await freePort();
    mirror = `http://127.0.0.1:${port}/python`;
    serverLog = join(work, 'python-mirror.log');
    mkdirSync(join(work, 'empty'));
    // Its log goes straight to a file: this process's event loop waits while danlu runs.
    const logFd = openSync(serverLog, 'a');
    server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', join(work, 'empty')], {
      stdio: ['ignore', 'ignore', logFd],
    });
    closeSync(logFd);

    dir = tempProject(
      {
        'pyproject.toml': '[project]\nname = "loop"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["six"]\n',
        'hello.py': 'import six, sys\nprint("six", six.__version__, "python", "%d.%d" % sys.version_info[:2], sys.prefix, sys.base_prefix)\n',
      },
      'loop',
    );
    home = join(dir, '..', 'home');
    mkdirSync(home);
    chownSync(home, UID, UID);
    const host = join(dir, '..', 'host.json');
    writeFileSync(host, JSON.stringify({ user: { name: USER, uid: UID, gid: UID, home }, nvidia: null }));
    // Python 3.11: the version of the stand-in's python3 (Ubuntu 24.04's would be 3.12).
    const init = danlu(['init', dir, '--yes', '--host', host, '--python', '3.11']);
    expect(init.code, init.stderr).toBe(0);
    // A project that does not use torch gets none (torch is gigabytes).
    expect(read(dir, 'pyproject.toml')).toMatch(/^dependencies = \["six"\]/m);
    // This machine's values, as a user edits .env: the local images, pip's index, no starship.
    write(
      dir,
      '.env',
      setEnvValues(read(dir, '.env'), '.env', {
        BASE_IMAGE: BASE,
        UV_IMAGE,
        INSTALL_STARSHIP: 'false',
        ...(pip.indexUrl ? { UV_DEFAULT_INDEX: pip.indexUrl } : {}),
      }),
    );
    // This engine has no bridge network: the machine's compose file (as init wrote it) gets host networking.
    const extend = read(dir, '.devcontainer/docker-compose.extend.yml');
    expect(extend).toMatch(/devcontainer\.local_folder: /);
    write(dir, '.devcontainer/docker-compose.extend.yml', extend.replace(/^ {2}devcontainer:\n/m, '  devcontainer:\n    network_mode: host\n'));
    for (const p of ['', '.devcontainer', 'pyproject.toml', 'hello.py']) chownSync(join(dir, p), UID, UID);
    env = { ...dockerEnv(), SUDO_USER: USER, SUDO_UID: String(UID), SUDO_GID: String(UID) };
    // The image tag is a hash of what goes into it: one left by an interrupted run is removed.
    const stale = docker(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=danlu-dev:*-${USER}-*`]);
    removeImages(...stale.stdout.split('\n').filter(Boolean));
  }, 300_000);

  afterAll(() => {
    server?.kill();
    if (dir) cli(['down', '--volumes']);
    removeImages(...images, BASE, UV_IMAGE);
    if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('the Dockerfile as init wrote it builds; the container starts; uv locks and installs the project', () => {
    const dockerfile = read(dir, '.devcontainer/Dockerfile');
    expect(dockerfile).toMatch(/^# danlu-hash: /m);
    const r = cli(['up', '--json']);
    expect(r.code, `${r.stderr.slice(-3000)}\n${readLog(dir, 'sync.log')}`).toBe(0);
    const out = jsonOut(r);
    images.push(out.image);
    expect(out).toMatchObject({ action: 'started', built: true, sync: 'synced' });
    // The build and the sync did what the files say: the Dockerfile is the one init wrote.
    expect(read(dir, '.devcontainer/Dockerfile')).toBe(dockerfile);
    const lock = read(dir, 'uv.lock');
    expect(lock).toMatch(/^\[\[package\]\]\nname = "six"/m);
    expect(readLog(dir, 'sync.log')).toMatch(/Installed \d+ packages?/);
  }, 900_000);

  it("danlu run imports what uv installed, on the image's own Python (nothing downloaded)", () => {
    const r = cli(['run', '--', 'python', 'hello.py']);
    expect(r.code, r.stderr).toBe(0);
    const six = /^name = "six"\nversion = "([^"]+)"/m.exec(read(dir, 'uv.lock'))![1];
    // uv runs the environment at its real place, the project's folder in the mounted store.
    expect(r.stdout.trim()).toBe(`six ${six} python 3.11 /home/${USER}/.cache/danlu/uv/venvs/loop /usr`);
    const tools = cli(['exec', '--', 'bash', '-c', 'cmake --version | head -1; ninja --version; id -u']);
    expect(tools.code, tools.stderr).toBe(0);
    expect(tools.stdout).toMatch(/^cmake version \d/m);
    expect(tools.stdout.trim().split('\n').at(-1)).toBe(String(UID));
    expect(readdirSync(join(home, '.local', 'share', 'uv'))).not.toContain('python');
    // `python` in the container is the project's environment, without uv run (danlu exec runs the command as is).
    const plain = cli(['exec', '--', 'python', '-c', 'import six, sys; print(six.__version__, sys.prefix)']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.trim()).toBe(`${six} /opt/danlu/venv`);
    // The VS Code path: the Dev Containers CLI finds the container `danlu up` started (by the
    // devcontainer.* labels of the machine's compose file) and `python` there is the project's too.
    // (Run from the project folder, as a user does: the CLI reads COMPOSE_PROJECT_NAME from ./.env.)
    const devc = spawnSync(DEVCONTAINER, ['exec', '--workspace-folder', dir, 'python', '-c', 'import six, sys; print(six.__version__, sys.prefix)'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ...env, HOME: home },
      timeout: 120_000,
    });
    expect(devc.status, `${devc.stdout}\n${devc.stderr}`.slice(-2000)).toBe(0);
    expect(devc.stdout.trim().split('\n').at(-1)).toBe(`${six} /opt/danlu/venv`);
  }, 300_000);

  it("the environment's files are hardlinks into uv's cache: one mounted store holds both", () => {
    const store = join(home, '.cache', 'danlu', 'uv');
    const site = join(store, 'venvs', 'loop', 'lib', 'python3.11', 'site-packages');
    const file = join(site, 'six.py');
    const { ino, nlink } = statSync(file);
    expect(nlink).toBeGreaterThan(1);
    // The other name of that file is in uv's cache.
    const find = spawnSync('find', [join(store, 'cache'), '-inum', String(ino)], { encoding: 'utf8' });
    expect(find.stdout.trim().split('\n').filter(Boolean).length).toBeGreaterThan(0);
    expect(statSync(file).uid).toBe(UID);
    // /opt/danlu/venv is the link the start command made to it.
    const link = cli(['exec', '--', 'readlink', '/opt/danlu/venv']);
    expect(link.stdout.trim()).toBe(`/home/${USER}/.cache/danlu/uv/venvs/loop`);
  }, 120_000);

  it('a second up changes nothing and installs nothing', () => {
    const r = cli(['up', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(jsonOut(r)).toMatchObject({ action: 'unchanged', sync: 'up to date' });
  }, 300_000);

  it('a Python the image lacks is downloaded from UV_PYTHON_INSTALL_MIRROR; when that fails, up says so and how to fix it', () => {
    write(dir, '.env', setEnvValues(read(dir, '.env'), '.env', { UV_PYTHON_INSTALL_MIRROR: mirror }));
    write(dir, '.python-version', '3.13\n');
    const r = cli(['up']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/uv could not get the Python interpreter while installing the environment/);
    expect(r.stderr).toMatch(/UV_PYTHON_INSTALL_MIRROR/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(serverLog) ? readFileSync(serverLog, 'utf8') : '').toMatch(/"GET \/python\/\d+\/cpython-3\.13\.\d+/);
  }, 300_000);
});

function readLog(dir: string, name: string): string {
  const f = join(dir, '.danlu', 'logs', name);
  return existsSync(f) ? readFileSync(f, 'utf8').slice(-3000) : '';
}
