import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { parse as parseJsonc } from 'jsonc-parser';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import {
  buildRuntimeImage,
  checkRuntimeInputs,
  defaultRuntimeImage,
  isLocalRuntimeImage,
  runtimeBuildArgs,
  runtimeBuildCommand,
  runtimeImageName,
} from '../../src/export/runtime-image.js';
import { DanluError } from '../../src/lib/errors.js';
import { DOCKERIGNORE_LINES, renderDockerfile, renderRuntimeStage } from '../../src/render/dockerfile.js';
import { renderFiles } from '../../src/render/index.js';
import { cleanup, danlu, HOST_FILES, jsonOut, read, tempProject } from '../support/cli.js';
import { fixturePlan } from './support.js';

const plan = await fixturePlan();
const dockerfile = renderDockerfile(plan, EMBEDDED_CATALOG);

/** Instructions per build stage, by stage name. */
function stages(text: string): Map<string, Instruction[]> {
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] | null = null;
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const [, name] = i.getArgumentsContent()!.split(/\s+AS\s+/i);
      current = [i];
      out.set(name!, current);
    } else current?.push(i);
  }
  return out;
}
const args = (i: Instruction) => i.getArgumentsContent() ?? '';

describe('the runtime stage of the Dockerfile', () => {
  const s = stages(dockerfile);
  const runtime = s.get('runtime')!;

  it('lints without errors or warnings (dockerfile-utils)', () => {
    expect(validate(dockerfile).map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it('stages: uv, dev, runtime on dev, and a last stage that is the dev image (a build without --target)', () => {
    expect([...s.keys()]).toEqual(['uv', 'dev', 'runtime', 'devcontainer']);
    expect(args(runtime[0]!)).toBe('dev AS runtime');
    expect(s.get('devcontainer')!.map(args)).toEqual(['dev AS devcontainer']);
    expect(dockerfile).not.toMatch(/^# syntax=/m);
  });

  it('the dev stage is unchanged by it: the file is the dev Dockerfile plus the runtime stage', () => {
    expect(dockerfile.endsWith(renderRuntimeStage(plan))).toBe(true);
    expect(dockerfile.slice(0, -renderRuntimeStage(plan).length)).toMatch(/WORKDIR \/workspace\nCMD \["sleep", "infinity"\]\n$/);
  });

  it('copies the lock first, syncs without the project, then copies the project and syncs it', () => {
    const steps = runtime.filter((i) => ['COPY', 'RUN'].includes(i.getKeyword())).map((i) => `${i.getKeyword()} ${args(i).replace(/\s+/g, ' ')}`);
    expect(steps[1]).toBe('COPY pyproject.toml uv.lock .python-version ./');
    expect(steps[2]).toMatch(/uv sync --frozen --no-dev --all-groups --no-install-workspace$/);
    expect(steps[3]).toBe('COPY . .');
    expect(steps[4]).toMatch(/uv sync --frozen --no-dev --all-groups$/);
    for (const i of runtime.filter((x) => x.getKeyword() === 'COPY')) {
      expect((i as any).getFlags().map((f: any) => `${f.getName()}=${f.getValue()}`)).toEqual(['chown=${USER_UID}:${USER_GID}']);
    }
  });

  it("uv's cache is a BuildKit cache mount; its Python and the environment live under /opt, in the image", () => {
    const runs = runtime.filter((i) => i.getKeyword() === 'RUN');
    for (const r of runs) expect((r as any).getFlags().map((f: any) => f.getValue())).toEqual(['type=cache,target=/opt/danlu/uv-cache']);
    for (const r of runs.slice(1)) expect(args(r)).toContain('UV_CACHE_DIR="/opt/danlu/uv-cache/uid-${USER_UID}"');
    const env = runtime
      .filter((i) => i.getKeyword() === 'ENV')
      .map(args)
      .join('\n');
    expect(env).toContain('UV_PYTHON_INSTALL_DIR=/opt/danlu/python');
    expect(env).toContain('UV_NO_SYNC=1');
    expect(env).toContain('VIRTUAL_ENV=/opt/danlu/venv');
    expect(env).toContain('PATH=/opt/danlu/venv/bin:${PATH}');
    expect(runtime.find((i) => i.getKeyword() === 'WORKDIR') && args(runtime.find((i) => i.getKeyword() === 'WORKDIR')!)).toBe('/workspace/vision-demo');
    expect(args(runtime.filter((i) => i.getKeyword() === 'CMD').at(-1)!)).toMatch(/^\["python", "-c", "import torch;/);
  });

  it('mirrors are build args, never ENV; proxies are not even declared (Docker passes them to RUN only)', () => {
    const declared = runtime.filter((i) => i.getKeyword() === 'ARG').map((i) => args(i).split('=')[0]);
    expect(declared).toEqual(['USER_UID', 'USER_GID', 'PYPI_MIRROR', 'UV_DEFAULT_INDEX', 'PYTORCH_INDEX', 'UV_PYTHON_INSTALL_MIRROR']);
    const env = runtime
      .filter((i) => i.getKeyword() === 'ENV')
      .map(args)
      .join('\n');
    expect(env).not.toMatch(/proxy|MIRROR|INDEX|HF_ENDPOINT/i);
    expect(dockerfile).not.toMatch(/^\s*(ENV|ARG)\s+.*proxy/im);
  });

  it('the PyPI-mirror branch installs the locked files through the mirror, as uv-sync.sh does', () => {
    const deps = args(runtime.filter((i) => i.getKeyword() === 'RUN')[1]!);
    expect(deps).toContain('if [ -n "${PYPI_MIRROR}" ] && [ "${PYPI_MIRROR}" != "${UV_DEFAULT_INDEX}" ]; then');
    expect(deps).toContain('uv export --frozen --no-dev --all-groups --no-emit-workspace --format requirements-txt');
    expect(deps).toContain('--index-url "${PYPI_MIRROR}"');
    expect(deps).toContain('--extra-index-url "${PYTORCH_INDEX}"');
    expect(runtime.find((i) => args(i).startsWith('PYTORCH_INDEX='))).toBeDefined();
    expect(args(runtime.find((i) => args(i).startsWith('PYTORCH_INDEX='))!)).toBe(`PYTORCH_INDEX=${plan.torch.index}`);
  });
});

describe('.dockerignore', () => {
  it('is a lines file of renderFiles', () => {
    const spec = renderFiles(plan, EMBEDDED_CATALOG).find((f) => f.path === '.dockerignore');
    expect(spec).toMatchObject({ format: 'lines', lines: DOCKERIGNORE_LINES });
  });

  it('leaves out environments, secrets, VCS data, caches and data, and keeps what the build copies', () => {
    const patterns = DOCKERIGNORE_LINES.filter((l) => !l.startsWith('#'));
    for (const p of ['.git', '.venv', '.env', '.env.*', '.danlu', 'data', 'datasets', 'checkpoints', 'wandb', '**/__pycache__', '.cache']) {
      expect(patterns).toContain(p);
    }
    for (const keep of ['pyproject.toml', 'uv.lock', '.python-version', 'README.md', 'src', 'train.py']) {
      expect(patterns.some((p) => p === keep || keep.startsWith(`${p}/`))).toBe(false);
    }
    expect(patterns.some((p) => p.startsWith('!'))).toBe(false);
  });

  it('danlu init writes it, and adds only the missing lines to a project that has one', () => {
    const dir = tempProject({ '.dockerignore': 'node_modules\n.git/\n' });
    try {
      const r = danlu(['init', dir, '--yes', '--host', `${HOST_FILES}/cpu-only.json`]);
      expect(r.code).toBe(0);
      const text = read(dir, '.dockerignore');
      expect(text.startsWith('node_modules\n.git/\n\n# danlu:')).toBe(true);
      expect(text.match(/^\.git$/m)).toBeNull();
      expect(text).toMatch(/^\.venv$/m);
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', '--host', `${HOST_FILES}/cpu-only.json`]));
      expect(again.files.find((f: { path: string }) => f.path === '.dockerignore').action).toBe('unchanged');
    } finally {
      cleanup(dir);
    }
  });
});

describe('the dev container is untouched (remote backends read the same devcontainer.json)', () => {
  const dir = tempProject();
  danlu(['init', dir, '--yes', '--host', `${HOST_FILES}/h100x2-ubuntu2404.json`]);
  afterAll(() => cleanup(dir));

  it('devcontainer.json names the compose files and service; compose builds the dev target from .devcontainer/', () => {
    const dc = parseJsonc(read(dir, '.devcontainer/devcontainer.json'));
    expect(dc.dockerComposeFile).toEqual(['../docker-compose.yml', './docker-compose.extend.yml']);
    const compose = parseYaml(read(dir, 'docker-compose.yml'));
    const build = compose.services[dc.service].build;
    expect(build).toMatchObject({ context: '.devcontainer', dockerfile: 'Dockerfile', target: 'dev' });
    const names = [...stages(read(dir, '.devcontainer/Dockerfile')).keys()];
    expect(names).toContain(build.target);
    // A backend that ignores `target` builds the last stage: the dev image too.
    expect(names.at(-1)).toBe('devcontainer');
    expect(dc.workspaceFolder).toBe(compose.services[dc.service].working_dir);
    expect(dc).not.toHaveProperty('build');
  });
});

describe('runtimeBuildCommand', () => {
  it('docker build -f .devcontainer/Dockerfile --target runtime from the project root, BuildKit on', () => {
    expect(runtimeBuildCommand({ projectDir: '/p/demo', image: 'danlu-run/demo:abc', buildArgs: { USER_UID: '1000', PYPI_MIRROR: '' } })).toEqual([
      {
        cmd: 'docker',
        args: [
          'build',
          '-f',
          '/p/demo/.devcontainer/Dockerfile',
          '--target',
          'runtime',
          '-t',
          'danlu-run/demo:abc',
          '--build-arg',
          'USER_UID=1000',
          '--build-arg',
          'PYPI_MIRROR=',
          '/p/demo',
        ],
        env: { DOCKER_BUILDKIT: '1' },
      },
    ]);
  });

  it('with --push REF: tagged REF too, then pushed; extra flags before the context', () => {
    const steps = runtimeBuildCommand({
      projectDir: '/p/demo',
      image: 'danlu-run/demo:abc',
      push: 'ghcr.io/lab/demo:1',
      buildArgs: {},
      extra: ['--network', 'host'],
    });
    expect(steps.map((s) => [s.cmd, ...s.args].join(' '))).toEqual([
      'docker build -f /p/demo/.devcontainer/Dockerfile --target runtime -t danlu-run/demo:abc -t ghcr.io/lab/demo:1 --network host /p/demo',
      'docker push ghcr.io/lab/demo:1',
    ]);
  });

  it('build args: the .env values of both stages; proxies from the environment, never empty ones', () => {
    const dotenv = {
      BASE_IMAGE: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
      UV_IMAGE: 'ghcr.io/astral-sh/uv:0.11.15',
      USER_NAME: 'alice',
      USER_UID: '1000',
      USER_GID: '1000',
      USER_HOME: '/home/alice',
      TZ: 'Asia/Shanghai',
      APT_MIRROR: '',
      PYPI_MIRROR: 'https://mirrors.aliyun.com/pypi/simple/',
      INSTALL_STARSHIP: 'true',
      EXTRA_APT_PACKAGES: 'libaio-dev',
      UV_DEFAULT_INDEX: 'https://pypi.org/simple',
      PYTORCH_INDEX: 'https://download.pytorch.org/whl/cu128',
      UV_PYTHON_INSTALL_MIRROR: 'https://registry.npmmirror.com/-/binary/python-build-standalone',
      HF_ENDPOINT: 'https://hf-mirror.com',
      DEV_IMAGE: 'danlu-dev:x',
      COMPOSE_FILE: 'a:b',
      SHM_SIZE: '16g',
    };
    const a = runtimeBuildArgs(dotenv, { https_proxy: 'http://10.0.0.1:7890', HTTP_PROXY: '', no_proxy: 'localhost' });
    expect(Object.keys(a)).toEqual([
      'BASE_IMAGE',
      'UV_IMAGE',
      'USER_NAME',
      'USER_UID',
      'USER_GID',
      'USER_HOME',
      'TZ',
      'APT_MIRROR',
      'PYPI_MIRROR',
      'INSTALL_STARSHIP',
      'EXTRA_APT_PACKAGES',
      'UV_DEFAULT_INDEX',
      'PYTORCH_INDEX',
      'UV_PYTHON_INSTALL_MIRROR',
      'https_proxy',
      'no_proxy',
    ]);
    expect(a.https_proxy).toBe('http://10.0.0.1:7890');
    // A team's torch variants: this machine's extra goes into its runtime image.
    expect(runtimeBuildArgs({ ...dotenv, TORCH_EXTRA: 'cu118' }).TORCH_EXTRA).toBe('cu118');
  });

  it('the default image name: danlu-run/<slug>:<hash of DEV_IMAGE and uv.lock>', async () => {
    const a = runtimeImageName('demo', 'danlu-dev:cu12.8.1-ubuntu24.04-alice-0123456789', 'lock 1');
    expect(a).toMatch(/^danlu-run\/demo:[0-9a-f]{10}$/);
    expect(runtimeImageName('demo', 'danlu-dev:cu12.8.1-ubuntu24.04-alice-0123456789', 'lock 1')).toBe(a);
    expect(runtimeImageName('demo', 'danlu-dev:cu12.8.1-ubuntu24.04-alice-0123456789', 'lock 2')).not.toBe(a);
    expect(runtimeImageName('demo', 'danlu-dev:cu12.8.1-ubuntu24.04-alice-9999999999', 'lock 1')).not.toBe(a);
    expect(isLocalRuntimeImage(a)).toBe(true);
    expect(isLocalRuntimeImage('ghcr.io/lab/demo:1')).toBe(false);
    const dir = tempProject({ 'uv.lock': 'lock 1' }, 'demo');
    try {
      expect(await defaultRuntimeImage(dir, plan, EMBEDDED_CATALOG, { DEV_IMAGE: 'danlu-dev:cu12.8.1-ubuntu24.04-alice-0123456789' })).toBe(
        runtimeImageName('vision-demo', 'danlu-dev:cu12.8.1-ubuntu24.04-alice-0123456789', 'lock 1'),
      );
      expect(await defaultRuntimeImage(dir, plan, EMBEDDED_CATALOG, {})).toMatch(/^danlu-run\/vision-demo:[0-9a-f]{10}$/);
    } finally {
      cleanup(dir);
    }
  });
});

describe('checkRuntimeInputs', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(cleanup));
  const project = (files: Record<string, string>) => {
    const d = tempProject(files);
    dirs.push(d);
    return d;
  };
  const full = {
    '.devcontainer/Dockerfile': dockerfile,
    'pyproject.toml': '[project]\nname = "x"\n',
    '.python-version': '3.12\n',
    'uv.lock': 'version = 1\n',
    '.dockerignore': '.venv\n',
  };

  it('passes a project that init made and locked, and returns its lock', async () => {
    expect(await checkRuntimeInputs(project(full))).toEqual({ lockText: 'version = 1\n', warnings: [] });
  });

  it.each([
    ['.devcontainer/Dockerfile', /no \.devcontainer\/Dockerfile/],
    ['uv.lock', /no uv\.lock/],
    ['pyproject.toml', /no pyproject\.toml/],
  ])('refuses a project without %s', async (missing, message) => {
    const files: Record<string, string> = { ...full };
    delete files[missing];
    await expect(checkRuntimeInputs(project(files))).rejects.toThrow(message);
  });

  it('refuses a Dockerfile from before the runtime stage, and warns without .dockerignore', async () => {
    const old = dockerfile.slice(0, -renderRuntimeStage(plan).length);
    await expect(checkRuntimeInputs(project({ ...full, '.devcontainer/Dockerfile': old }))).rejects.toThrow(DanluError);
    const files: Record<string, string> = { ...full };
    delete files['.dockerignore'];
    expect((await checkRuntimeInputs(project(files))).warnings.map((w) => w.id)).toEqual(['no-dockerignore']);
  });
});

describe('buildRuntimeImage', () => {
  const dir = tempProject();
  afterAll(() => cleanup(dir));
  const fake = join(dir, 'fake-docker');
  writeFileSync(fake, '#!/bin/sh\necho "docker $* (BUILDKIT=${DOCKER_BUILDKIT:-})"\necho "to stderr" >&2\n[ "$1" = push ] && exit 7\nexit 0\n');
  chmodSync(fake, 0o755);

  it('runs the steps in order, streams their output, stops at the first failure', async () => {
    const steps = runtimeBuildCommand({ projectDir: dir, image: 'danlu-run/x:1', push: 'r.example/x:1', buildArgs: {} }).map((s) => ({ ...s, cmd: fake }));
    let text = '';
    const r = await buildRuntimeImage(steps, { write: (c) => (text += c) });
    expect(r.code).toBe(7);
    expect(r.failed?.args[0]).toBe('push');
    expect(text).toContain(`docker build -f ${dir}/.devcontainer/Dockerfile --target runtime -t danlu-run/x:1 -t r.example/x:1 ${dir} (BUILDKIT=1)`);
    expect(text).toContain('docker push r.example/x:1 (BUILDKIT=)');
    expect(text.match(/to stderr/g)).toHaveLength(2);
    const ok = await buildRuntimeImage(steps.slice(0, 1), { write: () => undefined });
    expect(ok).toEqual({ code: 0 });
  });

  it('a missing docker is exit 127 with a message', async () => {
    let text = '';
    const r = await buildRuntimeImage([{ cmd: join(dir, 'no-such-docker'), args: ['build'], env: {} }], { write: (c) => (text += c) });
    expect(r.code).toBe(127);
    expect(text).toMatch(/not found/);
  });
});
