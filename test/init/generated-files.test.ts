import { validate } from 'dockerfile-utils';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { composeConfig, findDockerCompose, findShellcheck, shellcheck } from '../support/tools.js';
import { cleanup, danlu, HOST_FILES, read, tempProject } from '../support/cli.js';

/** The generated files checked with real tools, for a GPU server, a CPU box and the cn mirrors. */
const profiles = [
  { name: 'two H100s, driver 580', args: ['--host', `${HOST_FILES}/h100x2-ubuntu2404.json`] },
  { name: 'RTX 4090, driver 535', args: ['--host', `${HOST_FILES}/rtx4090-ubuntu2204.json`, '--mirror', 'cn'] },
  { name: 'no GPU', args: ['--host', `${HOST_FILES}/cpu-only.json`] },
];

describe.each(profiles)('generated files ($name)', ({ args }) => {
  const dir = tempProject();
  const r = danlu(['init', dir, '--yes', ...args]);
  afterAll(() => cleanup(dir));

  it('init succeeds', () => {
    expect(r.stderr).toContain('created');
    expect(r.code).toBe(0);
  });

  it.skipIf(!findDockerCompose())('docker-compose config accepts docker-compose.yml + .env (+ the machine file)', () => {
    const c = composeConfig(dir);
    expect(c.stderr).not.toMatch(/ERROR/);
    expect(c.code).toBe(0);
    const merged = parseYaml(c.stdout);
    const svc = merged.services.devcontainer;
    expect(svc.image).toMatch(/^danlu-dev:/);
    expect(svc.cap_add).toContain('SYS_PTRACE');
    expect(svc.shm_size).toBeDefined();
    expect(svc.working_dir).toBe('/workspace/proj');
    const targets: string[] = svc.volumes.map((v: { target: string }) => v.target);
    expect(targets).toContain('/workspace/proj');
    // The environment and uv's cache, as compose resolves them from .env: the project's folder
    // and the cache inside the one store mount.
    const store = targets.find((t) => t.endsWith('/.cache/danlu/uv'))!;
    expect(store).toBeDefined();
    expect(svc.environment.UV_PROJECT_ENVIRONMENT).toBe(`${store}/venvs/proj`);
    expect(svc.environment.UV_CACHE_DIR).toBe(`${store}/cache`);
  });

  it('the Dockerfile lints without errors or warnings', () => {
    const problems = validate(read(dir, '.devcontainer/Dockerfile'));
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it.skipIf(!findShellcheck())('shellcheck passes on the generated script', () => {
    const s = shellcheck(`${dir}/.devcontainer/uv-sync.sh`);
    expect(s.output).toBe('');
    expect(s.code).toBe(0);
  });

  it('pyproject.toml has the PyTorch index, sources with markers, and no mirror', () => {
    const text = read(dir, 'pyproject.toml');
    const py = parseToml(text) as any;
    const index = py.tool.uv.index.find((i: { name: string }) => i.name === 'pytorch');
    expect(index.url).toMatch(/^https:\/\/download\.pytorch\.org\/whl\/(cu\d+|cpu)$/);
    expect(index.explicit).toBe(true);
    for (const pkg of ['torch', 'torchvision', 'torchaudio', 'xformers']) {
      expect(py.tool.uv.sources[pkg]).toEqual([{ index: 'pytorch', marker: "sys_platform == 'linux' or sys_platform == 'win32'" }]);
    }
    expect(py.project.dependencies.some((d: string) => d.startsWith('torch=='))).toBe(true);
    expect(text).not.toMatch(/aliyun|tuna|bfsu|hf-mirror|daocloud/);
  });

  it('committed files name no mirror (mirrors live in .env only)', () => {
    for (const f of ['.env.example', 'docker-compose.yml', '.devcontainer/Dockerfile', '.devcontainer/devcontainer.json', 'pyproject.toml']) {
      expect(read(dir, f)).not.toMatch(/aliyun|tuna|bfsu|hf-mirror|daocloud|nju\.edu|npmmirror/);
    }
  });

  it('devcontainer.json parses as JSONC and names the compose service', () => {
    const errors: ParseError[] = [];
    const dc = parseJsonc(read(dir, '.devcontainer/devcontainer.json'), errors);
    expect(errors).toEqual([]);
    const compose = parseYaml(read(dir, 'docker-compose.yml'));
    expect(Object.keys(compose.services)).toContain(dc.service);
    expect(dc.dockerComposeFile).toEqual(['../docker-compose.yml', './docker-compose.extend.yml']);
    expect(dc.workspaceFolder).toBe(compose.services[dc.service].working_dir);
    // The image already has this machine's UID (L11): no UID-update build by the Dev Containers CLI.
    expect(dc.updateRemoteUserUID).toBe(false);
  });

  it('.vscode files are valid JSONC', () => {
    for (const f of ['extensions', 'settings', 'launch']) {
      const errors: ParseError[] = [];
      parseJsonc(read(dir, `.vscode/${f}.json`), errors);
      expect(errors).toEqual([]);
    }
  });

  it('.python-version and .gitignore', () => {
    expect(read(dir, '.python-version')).toMatch(/^3\.\d+\n$/);
    const ignore = read(dir, '.gitignore').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['.env', '/.devcontainer/docker-compose.extend.yml', '.venv/']));
    expect(ignore).not.toContain('uv.lock');
  });
});

describe('what depends on the machine', () => {
  it('GPU request only where there are GPUs; shm follows memory; home is the real one', () => {
    const gpu = tempProject();
    const cpu = tempProject();
    try {
      danlu(['init', gpu, '--yes', '--host', `${HOST_FILES}/h100x2-ubuntu2404.json`]);
      danlu(['init', cpu, '--yes', '--host', `${HOST_FILES}/cpu-only.json`]);
      const gpuExtend = parseYaml(read(gpu, '.devcontainer/docker-compose.extend.yml'));
      expect(gpuExtend.services.devcontainer.deploy.resources.reservations.devices).toEqual([{ driver: 'nvidia', count: 'all', capabilities: ['gpu'] }]);
      expect(gpuExtend.services.devcontainer.ulimits.memlock).toBe(-1);
      const cpuExtend = parseYaml(read(cpu, '.devcontainer/docker-compose.extend.yml'));
      expect(cpuExtend.services.devcontainer.deploy).toBeUndefined();
      expect(read(gpu, '.env')).toMatch(/^SHM_SIZE=64g$/m);
      expect(read(cpu, '.env')).toMatch(/^SHM_SIZE=8g$/m);
      expect(read(cpu, '.env')).toMatch(/^HOST_HOME=\/home\/bob$/m);
      expect(read(cpu, '.env')).toMatch(/^USER_UID=1001$/m);
    } finally {
      cleanup(gpu);
      cleanup(cpu);
    }
  });

  it('proxies are build args and runtime environment, never ENV in the Dockerfile', () => {
    const dir = tempProject();
    try {
      danlu(['init', dir, '--yes', '--host', `${HOST_FILES}/cpu-only.json`], { env: { https_proxy: 'http://user:secret@10.0.0.1:7890' } });
      const dockerfile = read(dir, '.devcontainer/Dockerfile');
      expect(dockerfile).not.toMatch(/^\s*(ENV|ARG)\s+.*proxy/im);
      for (const f of ['.env', '.env.example', 'docker-compose.yml', '.devcontainer/Dockerfile', 'pyproject.toml']) {
        expect(read(dir, f)).not.toContain('secret');
      }
      const compose = parseYaml(read(dir, 'docker-compose.yml'));
      expect(compose.services.devcontainer.build.args.https_proxy).toBe('${https_proxy:-}');
    } finally {
      cleanup(dir);
    }
  });

  it('uv comes from the pinned image, never from curl | sh', () => {
    const dir = tempProject();
    try {
      danlu(['init', dir, '--yes', '--host', `${HOST_FILES}/cpu-only.json`]);
      const dockerfile = read(dir, '.devcontainer/Dockerfile');
      expect(dockerfile).toMatch(/^ARG UV_IMAGE=ghcr\.io\/astral-sh\/uv:\d+\.\d+\.\d+$/m);
      expect(dockerfile).toContain('COPY --from=uv /uv /uvx /usr/local/bin/');
      expect(dockerfile).not.toMatch(/curl[^\n|]*\|\s*(ba)?sh\b/);
      expect(dockerfile).toMatch(/sha256sum -c/);
    } finally {
      cleanup(dir);
    }
  });
});
