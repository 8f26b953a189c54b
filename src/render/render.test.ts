import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseJsoncStrict } from '../apply/merge-jsonc.js';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { makePlan } from '../plan/make-plan.js';
import { TORCH_MARKER } from '../plan/pyproject/plan-pyproject.js';
import { dockerFacts, hostProfile, projectFacts } from '../plan/testing/fixtures.js';
import type { Plan, PlanOptions } from '../plan/types.js';
import type { HostFacts } from '../probe/types.js';
import { emptyResult, type ImportedRequirement } from '../project/import/types.js';
import type { ProjectFacts } from '../project/types.js';
import { CACHE_DIRS, composeObject, EXTEND_FILE, extendObject, SERVICE } from './compose.js';
import { devcontainerObject } from './devcontainer.js';
import { CONTAINER_VENV, renderDockerfile, renderRuntimeStage } from './dockerfile.js';
import { GITIGNORE_LINES } from './gitignore.js';
import { headerState } from './header.js';
import { buildInputsHash, devImageTag, devStageText, retagForInputs } from './image-name.js';
import { renderFiles } from './index.js';
import { renderNewPyproject } from './pyproject.js';

/**
 * What each renderer writes for a plan: it carries the plan out and decides nothing itself.
 * Plans are made from host profiles: a CUDA host (H100, driver 580) and a CPU-only host.
 */

const H100 = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' };
const h100 = hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' });
const twoH100 = hostProfile({ gpus: [H100, H100], driver: '580.159.04', cuda: '13.0' });
const cpuHost = hostProfile({});
const noNvidiaRuntime = hostProfile({
  gpus: [H100],
  driver: '580.159.04',
  cuda: '13.0',
  docker: dockerFacts(),
});
const team = [
  { name: 'old', host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti'], driver: '580.95.05', cuda: '13.0' }) },
  { name: 'new', host: hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '580.95.05', cuda: '13.0' }) },
];

const plan = (host: HostFacts, project: Partial<ProjectFacts> = {}, options: PlanOptions = {}): Plan =>
  makePlan({ host, project: projectFacts(project), options, catalog: EMBEDDED_CATALOG });

function withRequirements(...raws: string[]): Partial<ProjectFacts> {
  const reqs: ImportedRequirement[] = raws.map((raw, i) => {
    const m = /^([A-Za-z0-9._-]+)\s*(.*)$/.exec(raw)!;
    return { name: m[1]!, raw, specifier: m[2]!, extras: [], marker: null, group: 'main', origin: { file: 'requirements.txt', line: i + 1 } };
  });
  return {
    requirements: reqs.map((r) => ({ name: r.name, raw: r.raw, specifier: r.specifier, origin: r.origin })),
    imported: { ...emptyResult(), requirements: reqs },
  };
}

const cuda = plan(h100);
const cpu = plan(cpuHost);
const torchless = plan(h100, { torchImport: null, hasCode: true });

type Service = {
  environment: Record<string, string>;
  volumes: { type: string; source: string; target: string }[];
  user: string;
  working_dir: string;
  build: { args: Record<string, string> };
  command: string[];
};
const service = (p: Plan) => (composeObject(p) as { services: Record<string, Service> }).services[SERVICE]!;
const extendService = (p: Plan) => (extendObject(p) as { services: Record<string, Record<string, unknown>> }).services[SERVICE]!;

describe('docker-compose.yml (composeObject)', () => {
  it('NVIDIA_VISIBLE_DEVICES only for a CUDA plan (all GPUs unless .env says)', () => {
    expect(service(cuda).environment.NVIDIA_VISIBLE_DEVICES).toBe('${NVIDIA_VISIBLE_DEVICES:-all}');
    expect(service(cpu).environment).not.toHaveProperty('NVIDIA_VISIBLE_DEVICES');
    // CPU wheels on a GPU host: the plan's accelerator decides, not the host.
    expect(service(plan(h100, {}, { backend: 'cpu' })).environment).not.toHaveProperty('NVIDIA_VISIBLE_DEVICES');
  });

  it('the project at its workspace, the shared caches, and no volume of its own', () => {
    const s = service(cuda);
    expect(s.working_dir).toBe('/workspace/demo');
    expect(s.volumes[0]).toEqual({ type: 'bind', source: '.', target: '/workspace/demo' });
    expect(s.volumes.map((v) => v.type)).toEqual(s.volumes.map(() => 'bind'));
    expect(s.volumes.map((v) => v.target)).toEqual(['/workspace/demo', ...CACHE_DIRS.map((d) => `\${USER_HOME:?}/${d}`)]);
    expect(composeObject(cuda)).not.toHaveProperty('volumes');
  });

  it("uv's cache and the project's environment are on one mount, so uv can hardlink", () => {
    const s = service(cuda);
    const env = s.environment;
    // The one bind mount whose target holds both paths (a nested mount would be another one).
    const holding = (path: string) => s.volumes.filter((v) => path.startsWith(`${v.target}/`)).map((v) => v.target);
    expect(holding(env.UV_CACHE_DIR!)).toHaveLength(1);
    expect(holding(env.UV_CACHE_DIR!)).toEqual(holding(env.UV_PROJECT_ENVIRONMENT!));
    // One folder per compose project; uv, VIRTUAL_ENV and the start command's link agree.
    expect(env.UV_PROJECT_ENVIRONMENT).toMatch(/\/\$\{COMPOSE_PROJECT_NAME:\?[^}]*\}$/);
    expect(env.VIRTUAL_ENV).toBe(env.UV_PROJECT_ENVIRONMENT);
    expect(env.UV_LINK_MODE).toBe('${UV_LINK_MODE:-hardlink}');
    expect(s.command.join(' ')).toContain(`ln -sfn "$$UV_PROJECT_ENVIRONMENT" ${CONTAINER_VENV}`);
    expect(s.command.at(-1)).toMatch(/exec sleep infinity$/);
  });

  it("runs as the host user's UID:GID from .env, which must be there", () => {
    const s = service(cuda);
    expect(s.user).toBe('${USER_UID:?run danlu init to write .env}:${USER_GID:?run danlu init to write .env}');
    expect(s.build.args.USER_UID).toBe('${USER_UID:?run danlu init to write .env}');
  });

  it("defaults PYTORCH_INDEX to the committed index; a team's variant extra to the committed default", () => {
    expect(service(cuda).environment.PYTORCH_INDEX).toBe('${PYTORCH_INDEX:-https://download.pytorch.org/whl/cu130}');
    expect(service(cpu).environment.PYTORCH_INDEX).toBe('${PYTORCH_INDEX:-https://download.pytorch.org/whl/cpu}');
    expect(service(cuda).environment).not.toHaveProperty('TORCH_EXTRA');
    expect(service(plan(team[0]!.host, {}, { team })).environment.TORCH_EXTRA).toBe('${TORCH_EXTRA:-cu130}');
  });
});

describe('docker-compose.extend.yml (extendObject): the GPU request, only where Docker can give GPUs', () => {
  const cases: { name: string; plan: () => Plan; device?: Record<string, unknown>; label?: string; ulimits?: boolean }[] = [
    { name: 'H100: every GPU', plan: () => cuda, device: { driver: 'nvidia', count: 'all', capabilities: ['gpu'] } },
    {
      name: '2x H100 with --gpus 0,1: those devices, and NCCL limits',
      plan: () => plan(twoH100, {}, { gpus: '0,1' }),
      device: { driver: 'nvidia', device_ids: ['0', '1'], capabilities: ['gpu'] },
      ulimits: true,
    },
    { name: 'CPU-only host', plan: () => cpu, label: 'none (no NVIDIA GPU on this host)' },
    {
      name: 'H100 with --backend cpu: GPUs enabled, but the torch is cpu',
      plan: () => plan(h100, {}, { backend: 'cpu' }),
      label: "none (the plan's torch is cpu)",
    },
    { name: 'H100 with --gpus none', plan: () => plan(h100, {}, { gpus: 'none' }), label: 'none (--gpus none)' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = c.plan();
      const s = extendService(p);
      // The labels the Dev Containers CLI and VS Code find the container by, on every machine file.
      const devcontainer = {
        'devcontainer.local_folder': p.project.dir,
        'devcontainer.config_file': `${p.project.dir}/.devcontainer/devcontainer.json`,
      };
      if (c.device) {
        expect(s.deploy).toEqual({ resources: { reservations: { devices: [c.device] } } });
        expect(s.labels).toEqual(devcontainer);
      } else {
        expect(s).not.toHaveProperty('deploy');
        expect(s.labels).toEqual({ 'dev.danlu.gpu': c.label, ...devcontainer });
      }
      if (c.ulimits) expect(s.ulimits).toEqual({ memlock: -1, stack: 67108864 });
      else expect(s).not.toHaveProperty('ulimits');
    });
  }

  it('a CUDA plan on a Docker without the NVIDIA runtime: no device request, the reason as a label', () => {
    const p = plan(noNvidiaRuntime);
    expect([p.accelerator, p.gpu.enabled]).toEqual(['cuda', false]);
    const s = extendService(p);
    expect(s).not.toHaveProperty('deploy');
    expect(s.labels).toMatchObject({ 'dev.danlu.gpu': `none (${p.gpu.reason})` });
    // The compose file stays the committed one: it still names the devices variable.
    expect(service(p).environment).toHaveProperty('NVIDIA_VISIBLE_DEVICES');
  });

  it("source builds get this machine's build settings in the container environment, nothing otherwise", () => {
    const fa = plan(h100, withRequirements('torch', 'flash-attn==2.0.4'));
    expect(fa.buildEnv).toMatchObject({ FLASH_ATTN_CUDA_ARCHS: '90' });
    expect(extendService(fa).environment).toEqual(fa.buildEnv);
    expect(extendService(cuda)).not.toHaveProperty('environment');
  });
});

describe('devcontainer.json', () => {
  const files = renderFiles(cuda, EMBEDDED_CATALOG);
  const text = files.find((f) => f.path === '.devcontainer/devcontainer.json')!.text;
  const data = parseJsoncStrict(text, 'devcontainer.json');

  it('the written JSONC (with its comment header) parses to the object', () => {
    expect(text.startsWith('// Generated by danlu')).toBe(true);
    expect(data).toEqual(devcontainerObject(cuda));
  });

  it('points VS Code at the compose service, both compose files, and the workspace compose mounts', () => {
    expect(data).toMatchObject({
      name: 'demo',
      dockerComposeFile: ['../docker-compose.yml', `./${EXTEND_FILE.split('/').pop()}`],
      service: SERVICE,
      workspaceFolder: service(cuda).working_dir,
      updateContentCommand: 'bash .devcontainer/uv-sync.sh',
      updateRemoteUserUID: false,
      hostRequirements: { gpu: 'optional' },
    });
  });

  it('creates the cache folders compose binds before compose runs, and uses the venv of the volume', () => {
    expect(data.initializeCommand).toEqual(['mkdir', '-p', ...CACHE_DIRS.map((d) => `\${localEnv:HOME}/${d}`)]);
    const settings = (data.customizations as { vscode: { settings: Record<string, unknown> } }).vscode.settings;
    expect(settings['python.defaultInterpreterPath']).toBe(`${CONTAINER_VENV}/bin/python`);
  });
});

describe('Dockerfile', () => {
  const cudaFile = renderDockerfile(cuda, EMBEDDED_CATALOG);
  const cpuFile = renderDockerfile(cpu, EMBEDDED_CATALOG);
  const CMD_TORCH = /^CMD \["python", "-c", "import torch; .*"\]$/m;
  const CMD_PYTHON = /^CMD \["python", "-c", "import sys; .*"\]$/m;

  it('the base image is the committed one: the CUDA devel image, or Ubuntu for a CPU plan', () => {
    expect(cudaFile).toMatch(/^ARG BASE_IMAGE=nvidia\/cuda:13\.0\.3-devel-ubuntu24\.04$/m);
    expect(cpuFile).toMatch(/^ARG BASE_IMAGE=ubuntu:24\.04$/m);
    expect(cudaFile).toMatch(new RegExp(`^ARG UV_IMAGE=${EMBEDDED_CATALOG.tools.uv.image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
  });

  it('ENV NVIDIA_DRIVER_CAPABILITIES only for a CUDA plan', () => {
    expect(cudaFile).toMatch(/^\s+NVIDIA_DRIVER_CAPABILITIES=compute,video,utility$/m);
    expect(cpuFile).not.toMatch(/NVIDIA_DRIVER_CAPABILITIES/);
    expect(renderDockerfile(plan(h100, {}, { backend: 'cpu' }), EMBEDDED_CATALOG)).not.toMatch(/NVIDIA_DRIVER_CAPABILITIES/);
  });

  it('no `# syntax=` line (it would pull a frontend image from Docker Hub)', () => {
    expect(cudaFile).not.toMatch(/^# syntax=/m);
  });

  it("the runtime stage's default command checks torch, or only Python when the plan adds no torch", () => {
    expect(renderRuntimeStage(cuda)).toMatch(CMD_TORCH);
    expect(renderRuntimeStage(cpu)).toMatch(CMD_TORCH);
    const noTorch = renderRuntimeStage(torchless);
    expect(noTorch).toMatch(CMD_PYTHON);
    expect(noTorch).not.toMatch(CMD_TORCH);
    // A build without --target still makes the dev image: the last stage.
    expect(cudaFile.trimEnd().split('\n').pop()).toBe('FROM dev AS devcontainer');
  });

  it("the runtime stage installs a team's committed torch variant by default", () => {
    const p = plan(team[0]!.host, {}, { team });
    const runtime = renderRuntimeStage(p);
    expect(runtime).toMatch(/^ARG PYTORCH_INDEX=https:\/\/download\.pytorch\.org\/whl\/cu130$/m);
    expect(runtime).toMatch(/^ARG TORCH_EXTRA=cu130$/m);
    expect(runtime).toContain('uv sync --frozen --no-dev --all-groups --extra "${TORCH_EXTRA:-cu130}"');
    expect(renderRuntimeStage(cuda)).not.toMatch(/TORCH_EXTRA/);
  });

  it("the project's apt packages are a build arg of the last dev layer", () => {
    const p = plan(h100, { aptPackages: ['ffmpeg', 'libsndfile1'] });
    expect(renderDockerfile(p, EMBEDDED_CATALOG)).toMatch(/^ARG PROJECT_APT_PACKAGES="ffmpeg libsndfile1"$/m);
    expect(cudaFile).toMatch(/^ARG PROJECT_APT_PACKAGES=""$/m);
  });
});

describe('pyproject.toml (renderNewPyproject): TOML that says what the plan says', () => {
  type Toml = {
    project: { name: string; dependencies: string[]; 'requires-python': string; 'optional-dependencies'?: Record<string, string[]> };
    'dependency-groups': Record<string, string[]>;
    'build-system'?: { requires: string[]; 'build-backend': string };
    tool: {
      uv: {
        environments: string[];
        conflicts?: unknown[];
        sources: Record<string, unknown>;
        index?: { name: string; url: string; explicit?: boolean }[];
        'extra-build-dependencies'?: Record<string, unknown>;
        'dependency-metadata'?: { name: string; version: string }[];
      };
      danlu: { 'lock-with-mirror': boolean; managed: Record<string, unknown> };
    };
  };
  const toml = (p: Plan['pyproject']) => parseToml(renderNewPyproject(p)) as unknown as Toml;

  it('a CUDA plan: the planned torch, routed to its PyTorch index', () => {
    const t = toml(cuda.pyproject);
    expect(t.project).toMatchObject({ name: 'demo', 'requires-python': '>=3.12', dependencies: ['torch==2.14.*', 'torchvision==0.29.*'] });
    expect(t['dependency-groups'].dev).toEqual(['ipykernel']);
    expect(t.tool.uv.sources.torch).toEqual([{ index: 'pytorch', marker: TORCH_MARKER }]);
    expect(t.tool.uv.index).toEqual([{ name: 'pytorch', url: 'https://download.pytorch.org/whl/cu130', explicit: true }]);
    expect(t.tool.uv.environments).toEqual(cuda.pyproject.environments);
    expect(t.tool.danlu).toMatchObject({ 'lock-with-mirror': false, managed: { index: 'https://download.pytorch.org/whl/cu130' } });
    expect(t).not.toHaveProperty('build-system');
  });

  it('a CPU plan routes torch to the CPU wheels', () => {
    expect(toml(cpu.pyproject).tool.uv.index).toEqual([{ name: 'pytorch', url: 'https://download.pytorch.org/whl/cpu', explicit: true }]);
  });

  it('a torch-less plan: no dependencies, but torch stays routed for a later `uv add torch`', () => {
    const t = toml(torchless.pyproject);
    expect(t.project.dependencies).toEqual([]);
    expect(t.tool.uv.sources).toHaveProperty('torch');
    expect(t.tool.uv.index?.map((i) => i.name)).toEqual(['pytorch']);
  });

  it("a team's torch variants: one extra each, conflicting, each from its own index", () => {
    const t = toml(plan(team[0]!.host, {}, { team }).pyproject);
    expect(Object.keys(t.project['optional-dependencies']!)).toEqual(['cu130', 'cu126']);
    expect(t.tool.uv.conflicts).toEqual([[{ extra: 'cu130' }, { extra: 'cu126' }]]);
    expect(t.tool.uv.index?.map((i) => [i.name, i.url])).toEqual([
      ['pytorch-cu130', 'https://download.pytorch.org/whl/cu130'],
      ['pytorch-cu126', 'https://download.pytorch.org/whl/cu126'],
    ]);
  });

  it("the project's own torch routing: no torch sources and no pytorch index written", () => {
    const own = { ...cuda.pyproject, torchRouting: 'project' as const, sources: { mylib: { git: 'https://example.org/mylib.git' } } };
    const t = toml(own);
    expect(t.tool.uv.sources).toEqual({ mylib: { git: 'https://example.org/mylib.git' } });
    expect(t.tool.uv.index).toBeUndefined();
  });

  it('build settings: extra build dependencies, dependency metadata, and a build-system for a setup.py that builds against torch', () => {
    const p = plan(h100, {
      ...withRequirements('torch', 'basicsr'),
      imported: {
        ...emptyResult(),
        requirements: withRequirements('torch', 'basicsr').imported!.requirements,
        buildTimeTorch: [{ origin: { file: 'setup.py', line: 3 }, why: 'CUDAExtension' }],
      },
    });
    const t = toml(p.pyproject);
    expect(t.tool.uv['extra-build-dependencies']).toEqual({
      demo: [{ requirement: 'torch', 'match-runtime': true }],
      basicsr: [{ requirement: 'torch', 'match-runtime': true }, 'numpy', 'cython'],
    });
    expect(t.tool.uv['dependency-metadata']?.map((m) => [m.name, m.version])).toEqual([['basicsr', '1.4.2']]);
    expect(t['build-system']).toEqual({ requires: ['setuptools>=64'], 'build-backend': 'setuptools.build_meta' });
  });
});

describe('the files renderFiles writes', () => {
  const files = renderFiles(cuda, EMBEDDED_CATALOG);
  const byPath = (path: string) => files.find((f) => f.path === path)!;

  it('the compose texts parse to the data apply merges', () => {
    for (const path of ['docker-compose.yml', EXTEND_FILE]) {
      const f = byPath(path);
      if (f.format !== 'yaml') throw new Error(`${path} is ${f.format}`);
      expect(parseYaml(f.text)).toEqual(f.data);
    }
  });

  it('every generated file starts with a header whose hash matches (untouched)', () => {
    for (const f of files.filter((x) => x.format === 'generated' || x.format === 'yaml' || x.format === 'jsonc'))
      expect([f.path, headerState(f.text)]).toEqual([f.path, 'pristine']);
  });
});

describe('.gitignore lines', () => {
  it('per-machine files are ignored, uv.lock is not', () => {
    expect(GITIGNORE_LINES).toEqual(expect.arrayContaining(['.env', `/${EXTEND_FILE}`, '/.danlu/', '.venv/']));
    expect(GITIGNORE_LINES.some((l) => /uv\.lock/.test(l))).toBe(false);
    expect(GITIGNORE_LINES).not.toContain('.env.example');
  });
});

describe('the dev image name', () => {
  const values = { BASE_IMAGE: 'nvidia/cuda:13.0.3-devel-ubuntu24.04', USER_UID: '1000' };

  it('names the CUDA version, or cpu, the Ubuntu release and the user', () => {
    expect(devImageTag('13.0.3', '24.04', 'alice', 'abcdef0123')).toBe('danlu-dev:cu13.0.3-ubuntu24.04-alice-abcdef0123');
    expect(devImageTag(null, '24.04', 'alice', 'abcdef0123')).toBe('danlu-dev:cpu-ubuntu24.04-alice-abcdef0123');
    expect(devImageTag('13.0.3', '24.04', 'a l!ce', 'abcdef0123')).toBe('danlu-dev:cu13.0.3-ubuntu24.04-alce-abcdef0123');
  });

  it('is shared by projects whose dev stage is the same: the runtime stage (torch or not) does not count', () => {
    const withTorch = renderDockerfile(cuda, EMBEDDED_CATALOG);
    const noTorch = renderDockerfile(torchless, EMBEDDED_CATALOG);
    expect(withTorch).not.toBe(noTorch);
    expect(devStageText(withTorch)).toBe(devStageText(noTorch));
    expect(buildInputsHash(withTorch, values)).toBe(buildInputsHash(noTorch, values));
  });

  it('changes with the dev stage and with every build arg', () => {
    const body = renderDockerfile(cuda, EMBEDDED_CATALOG);
    const hash = buildInputsHash(body, values);
    expect(hash).toMatch(/^[0-9a-f]{10}$/);
    expect(buildInputsHash(renderDockerfile(cpu, EMBEDDED_CATALOG), values)).not.toBe(hash);
    expect(buildInputsHash(body, { ...values, USER_UID: '1001' })).not.toBe(hash);
    // A key that is no build arg does not count.
    expect(buildInputsHash(body, { ...values, SHM_SIZE: '64g' })).toBe(hash);
  });

  it('a retag replaces the hash, or adds one', () => {
    expect(retagForInputs('danlu-dev:cpu-ubuntu24.04-alice-abcdef0123', '0123456789')).toBe('danlu-dev:cpu-ubuntu24.04-alice-0123456789');
    expect(retagForInputs('my/image:latest', '0123456789')).toBe('my/image:latest-0123456789');
  });
});
