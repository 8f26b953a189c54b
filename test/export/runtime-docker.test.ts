/**
 * The runtime target built for real, with the Docker engine, from the Dockerfile `danlu init`
 * writes (unmodified): `docker build -f .devcontainer/Dockerfile --target runtime .` as
 * runtimeBuildCommand() spells it. No registry is reachable, so two local stand-ins:
 *   - BASE_IMAGE: the Debian stand-in for nvidia/cuda:*-ubuntu24.04 with `apt-get` shadowed by a
 *     no-op in /usr/local/sbin (the stand-in cannot install ffmpeg & co.);
 *   - UV_IMAGE: a scratch image whose /uv and /uvx are a shell script that logs every call and
 *     makes the venv's bin/python (there is no uv binary here, and no uv image can be pulled).
 * So every instruction of both stages runs (users, COPY --chown, the cache mount, WORKDIR, ENV),
 * but nothing is really installed: what uv would do is checked through its log.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRuntimeImage, runtimeBuildArgs, runtimeBuildCommand } from '../../src/export/runtime-image.js';
import { parseEnvLines } from '../../src/project/dotenv.js';
import { danlu } from '../support/cli.js';
import { docker, dockerBin, dockerBuild, removeImages, standInImage, uniqueName } from '../support/tools.js';
import { HOST, PROJECT } from './support.js';

const base = standInImage('ubuntu2404');
const work = mkdtempSync(join(tmpdir(), 'danlu-runtime-build-'));
const name = uniqueName('danlu-test-runtime');
const images = {
  uv: `${name}-uv:local`,
  base: `${name}-base:local`,
  runtime: `${name}-run:1`,
  mirror: `${name}-run:mirror`,
  dev: `${name}-dev:1`,
  plain: `${name}-plain:1`,
};
const project = join(work, 'vision-demo');

const FAKE_UV = `#!/bin/sh
# A stand-in for uv: logs each call with what it sees, and makes what later steps need.
log="/tmp/uv-calls-$(id -u).log"
echo "uv $* | cwd=$(pwd) | train.py=$([ -f train.py ] && echo yes || echo no) | cache=\${UV_CACHE_DIR:-} | no-cache=\${UV_NO_CACHE:-} | index=\${UV_DEFAULT_INDEX:-} | python-dir=\${UV_PYTHON_INSTALL_DIR:-} | bytecode=\${UV_COMPILE_BYTECODE:-} | proxy=\${https_proxy:-}" >> "$log"
case "$1" in
  sync|venv)
    mkdir -p "$UV_PROJECT_ENVIRONMENT/bin" "$UV_PYTHON_INSTALL_DIR" || exit 3
    printf '#!/bin/sh\\necho fake-python "$@"\\n' > "$UV_PROJECT_ENVIRONMENT/bin/python" && chmod +x "$UV_PROJECT_ENVIRONMENT/bin/python" || exit 3
    # The cache mount must be writable by the image user, or uv would fail here.
    if [ -z "\${UV_NO_CACHE:-}" ]; then touch "$UV_CACHE_DIR/written-by-$(id -u)" || exit 4; fi ;;
  export)
    while [ $# -gt 0 ]; do [ "$1" = --output-file ] && echo "torch==2.9.1" > "$2"; shift; done ;;
esac
exit 0
`;

function sh(image: string, script: string) {
  return docker(['run', '--rm', '--network', 'none', '--entrypoint', 'bash', image, '-c', script], { timeoutMs: 120_000 });
}

function buildArgs(extra: Record<string, string> = {}): Record<string, string> {
  const dotenv = Object.fromEntries(
    parseEnvLines(readFileSync(join(project, '.env'), 'utf8'), '.env')
      .filter((l) => l.key !== null)
      .map((l) => [l.key!, l.value!]),
  );
  return {
    ...runtimeBuildArgs(dotenv, { https_proxy: 'http://bob:s3cret@127.0.0.1:9' }),
    BASE_IMAGE: images.base,
    UV_IMAGE: images.uv,
    INSTALL_STARSHIP: 'false',
    ...extra,
  };
}

async function build(image: string, args: Record<string, string>) {
  const steps = runtimeBuildCommand({ projectDir: project, image, buildArgs: args, extra: ['--network', 'host', '--progress=plain'] });
  let log = '';
  const r = await buildRuntimeImage(
    steps.map((s) => ({ ...s, cmd: dockerBin()! })),
    { write: (c) => (log += c) },
  );
  return { code: r.code, log };
}

describe.skipIf(!base)('the runtime image, built by Docker from the generated Dockerfile', () => {
  let built: { code: number; log: string };

  beforeAll(async () => {
    mkdirSync(join(work, 'uv'));
    writeFileSync(join(work, 'uv', 'uv'), FAKE_UV);
    writeFileSync(join(work, 'uv', 'uvx'), FAKE_UV);
    chmodSync(join(work, 'uv', 'uv'), 0o755);
    chmodSync(join(work, 'uv', 'uvx'), 0o755);
    writeFileSync(join(work, 'uv', 'Dockerfile'), 'FROM scratch\nCOPY uv uvx /\n');
    mkdirSync(join(work, 'base'));
    writeFileSync(join(work, 'base', 'apt-get'), '#!/bin/sh\necho "apt-get (test no-op): $*"\n');
    chmodSync(join(work, 'base', 'apt-get'), 0o755);
    writeFileSync(join(work, 'base', 'Dockerfile'), `FROM ${base}\nCOPY apt-get /usr/local/sbin/apt-get\n`);
    for (const [dir, tag] of [
      ['uv', images.uv],
      ['base', images.base],
    ] as const) {
      const r = dockerBuild({ context: join(work, dir), tag });
      if (r.code !== 0) throw new Error(`building ${tag} failed:\n${r.stderr}`);
    }

    // The project as danlu init leaves it, locked, with things the image must not get.
    mkdirSync(project);
    for (const f of ['pyproject.toml', 'train.py', 'uv.lock', '.python-version']) writeFileSync(join(project, f), readFileSync(join(PROJECT, f)));
    const init = danlu(['init', project, '--yes', '--host', HOST]);
    if (init.code !== 0) throw new Error(`danlu init failed:\n${init.stderr}`);
    for (const d of ['.venv/bin', 'data', '.git', 'wandb']) mkdirSync(join(project, d), { recursive: true });
    writeFileSync(join(project, '.venv/bin/python'), 'host venv');
    writeFileSync(join(project, 'data/train.bin'), 'a big data set');
    writeFileSync(join(project, '.git/HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(project, 'wandb/run.log'), 'results');
    mkdirSync(join(project, 'src/vision_demo'), { recursive: true });
    writeFileSync(join(project, 'src/vision_demo/__init__.py'), '');

    built = await build(images.runtime, buildArgs());
  }, 600_000);

  afterAll(() => {
    removeImages(...Object.values(images));
    rmSync(work, { recursive: true, force: true });
  });

  it('builds', () => {
    expect(built.log).toMatch(/\[runtime \d\/\d\] RUN .*uv sync --frozen --no-dev --all-groups --no-install-workspace/);
    expect(built.code, built.log.slice(-3000)).toBe(0);
  });

  it('runs as the image user in the project folder, with the project and nothing .dockerignore leaves out', () => {
    const r = sh(images.runtime, 'id -u; id -g; pwd; ls -A; stat -c "%u:%g %n" train.py uv.lock src/vision_demo/__init__.py');
    expect(r.code).toBe(0);
    const [uid, gid, pwd, ...rest] = r.stdout.trim().split('\n');
    expect([uid, gid, pwd]).toEqual(['1000', '1000', '/workspace/vision-demo']);
    const listing = rest.join('\n');
    for (const kept of ['pyproject.toml', 'uv.lock', '.python-version', 'train.py', 'src'])
      expect(listing).toMatch(new RegExp(`^${kept.replace('.', '\\.')}$`, 'm'));
    for (const left of ['.venv', '.env', 'data', '.git', 'wandb', '.devcontainer', '.vscode'])
      expect(listing).not.toMatch(new RegExp(`^${left.replace('.', '\\.')}$`, 'm'));
    expect(listing).toContain('1000:1000 train.py\n1000:1000 uv.lock\n1000:1000 src/vision_demo/__init__.py');
  });

  it('uv synced the lock without the project first, then with it: frozen, no dev group, cached, bytecode, Python under /opt', () => {
    const r = sh(
      images.runtime,
      'cat /tmp/uv-calls-1000.log; ls -A /opt/danlu/uv-cache; ls -ld /opt/danlu/python /opt/danlu/venv/bin/python | cut -d" " -f3,4',
    );
    expect(r.code).toBe(0);
    const calls = r.stdout.split('\n').filter((l) => l.startsWith('uv '));
    expect(calls).toEqual([
      'uv sync --frozen --no-dev --all-groups --no-install-workspace | cwd=/workspace/vision-demo | train.py=no | cache=/opt/danlu/uv-cache/uid-1000 | no-cache= | index=https://pypi.org/simple | python-dir=/opt/danlu/python | bytecode=1 | proxy=http://bob:s3cret@127.0.0.1:9',
      'uv sync --frozen --no-dev --all-groups | cwd=/workspace/vision-demo | train.py=yes | cache=/opt/danlu/uv-cache/uid-1000 | no-cache= | index=https://pypi.org/simple | python-dir=/opt/danlu/python | bytecode=1 | proxy=http://bob:s3cret@127.0.0.1:9',
    ]);
    // The cache was a mount: nothing of it is in the image; the environment is.
    expect(r.stdout).toContain('alice alice\nalice alice');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('written-by'))).toEqual([]);
  });

  it('its configuration: user, workdir, the environment on PATH, no sync at run time, and no proxy or mirror', () => {
    const r = docker(['image', 'inspect', '--format', '{{json .Config}}', images.runtime]);
    const config = JSON.parse(r.stdout);
    expect(config.User).toBe('1000:1000');
    expect(config.WorkingDir).toBe('/workspace/vision-demo');
    expect(config.Cmd[0]).toBe('python');
    const env = Object.fromEntries(config.Env.map((e: string) => e.split(/=(.*)/s).slice(0, 2)));
    expect(env).toMatchObject({
      UV_NO_SYNC: '1',
      VIRTUAL_ENV: '/opt/danlu/venv',
      UV_PROJECT_ENVIRONMENT: '/opt/danlu/venv',
      UV_PYTHON_INSTALL_DIR: '/opt/danlu/python',
    });
    expect(env.PATH.startsWith('/opt/danlu/venv/bin:')).toBe(true);
    expect(Object.keys(env).filter((k) => /proxy|mirror|index|hf_endpoint/i.test(k))).toEqual([]);
    const history = docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', images.runtime]);
    expect(history.code).toBe(0);
    expect(history.stdout).not.toContain('s3cret');
    const run = sh(images.runtime, 'command -v python; python -c pass');
    expect(run.stdout).toBe('/opt/danlu/venv/bin/python\nfake-python -c pass\n');
  });

  it('shares every layer of the dev image, and a build without --target is the dev image', () => {
    const args = Object.entries(buildArgs()).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
    const file = join(project, '.devcontainer', 'Dockerfile');
    for (const [tag, target] of [
      [images.dev, ['--target', 'dev']],
      [images.plain, []],
    ] as const) {
      const r = docker(['build', '--network', 'host', '-q', '-f', file, ...target, '-t', tag, ...args, join(project, '.devcontainer')], { timeoutMs: 300_000 });
      expect(r.code, r.stderr).toBe(0);
    }
    const layers = (ref: string) => JSON.parse(docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', ref]).stdout) as string[];
    const dev = layers(images.dev);
    const runtime = layers(images.runtime);
    expect(runtime.length).toBeGreaterThan(dev.length);
    expect(runtime.slice(0, dev.length)).toEqual(dev);
    const id = (ref: string) => docker(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim();
    expect(id(images.plain)).toBe(id(images.dev));
  }, 300_000);

  it('with a PyPI mirror, the locked files come through it (uv export + uv pip sync), then uv sync', async () => {
    const mirror = 'https://mirror.example/pypi/simple/';
    const r = await build(images.mirror, buildArgs({ PYPI_MIRROR: mirror, PYTORCH_INDEX: 'https://download.pytorch.org/whl/cu130' }));
    expect(r.code, r.log.slice(-3000)).toBe(0);
    const calls = sh(images.mirror, 'cat /tmp/uv-calls-1000.log')
      .stdout.split('\n')
      .filter(Boolean)
      .map((l) => l.split(' | ')[0]);
    expect(calls).toEqual([
      expect.stringMatching(/^uv export --frozen --no-dev --all-groups --no-emit-workspace --format requirements-txt --output-file \/tmp\/tmp\.\w+$/),
      'uv venv --allow-existing /opt/danlu/venv',
      expect.stringMatching(
        /^uv pip sync --python \/opt\/danlu\/venv\/bin\/python --index-url https:\/\/mirror\.example\/pypi\/simple\/ --extra-index-url https:\/\/download\.pytorch\.org\/whl\/cu130 --index-strategy unsafe-best-match \/tmp\/tmp\.\w+$/,
      ),
      'uv sync --frozen --no-dev --all-groups --no-install-workspace',
      'uv sync --frozen --no-dev --all-groups',
    ]);
    expect(sh(images.mirror, 'cat /tmp/uv-calls-1000.log').stdout).toContain(`index=${mirror}`);
  }, 300_000);
});
