/** Recorded hosts and a healthy baseline of DoctorFacts for rule tests (not shipped in the bundle). */
import { EMBEDDED_CATALOG } from '../../catalog/index.js';
import { makePlan } from '../../plan/make-plan.js';
import { probeHost } from '../../probe/index.js';
import { fakeDeps, fixture, hostProbeSection, type FakeCommand, type FakeMachine } from '../../probe/fake-deps.js';
import { QUERY_FIELDS } from '../../probe/nvidia-parse.js';
import type { HostFacts } from '../../probe/types.js';
import type { ProjectFacts } from '../../project/types.js';
import { cachePaths } from '../probes/caches.js';
import { NO_PROXY } from '../probes/proxy-parse.js';
import type { DoctorFacts, ProxyFacts } from '../types.js';

const h100 = (f: string) => fixture(`h100-driver580-ubuntu2404/${f}`);
const docker = (f: string) => fixture(`docker/${f}`);

export const QUERY = `nvidia-smi --query-gpu=${QUERY_FIELDS.join(',')} --format=csv,noheader,nounits`;
export const DOCKER_VERSION = 'docker version --format {{json .}}';
export const DOCKER_INFO = 'docker info --format {{json .}}';

/** query-gpu.csv as recorded (header, units, pci.bus_id) turned into what the probe asks for. */
export function h100QueryLine(): string {
  const row = h100('query-gpu.csv')
    .trim()
    .split('\n')[1]!
    .split(',')
    .map((c) => c.trim());
  return `${row
    .slice(0, 6)
    .map((c) => c.replace(/ MiB$/, ''))
    .join(', ')}\n`;
}

/** nvidia-smi on the real H100 (driver 580.159.04, CUDA 13.0). */
export function h100Commands(): Record<string, FakeCommand> {
  return { [QUERY]: { stdout: h100QueryLine() }, 'nvidia-smi -q': { stdout: h100('nvidia-smi-q.txt') }, 'nvidia-smi': { stdout: h100('nvidia-smi.txt') } };
}

/** Docker Engine 27.3.1 with the nvidia runtime, compose v2, nvidia-ctk and the docker group. */
export function dockerHealthyCommands(): Record<string, FakeCommand> {
  return {
    [DOCKER_VERSION]: { stdout: docker('version-ok.json') },
    [DOCKER_INFO]: { stdout: docker('info-nvidia-runtime.json') },
    'docker compose version --short': { stdout: '2.29.7\n' },
    'nvidia-ctk --version': { stdout: docker('nvidia-ctk-version.txt') },
    'id -Gn': { stdout: 'alice adm sudo docker\n' },
  };
}

export const H100_OS_RELEASE = (): string => hostProbeSection(h100('host-probe.txt'), 'os-release');

/** HostFacts of the recorded H100 machine; `docker: false` leaves Docker out, as it was there. */
export async function h100Host(opts: { docker?: boolean; commands?: Record<string, FakeCommand>; machine?: FakeMachine } = {}): Promise<HostFacts> {
  const deps = fakeDeps({
    ...opts.machine,
    files: { '/etc/os-release': H100_OS_RELEASE(), ...(opts.docker ? { '/usr/bin/docker': '' } : {}), ...opts.machine?.files },
    commands: { ...h100Commands(), ...(opts.docker ? dockerHealthyCommands() : {}), ...opts.commands },
  });
  return probeHost(deps);
}

export function blankProject(overrides: Partial<ProjectFacts & { lockWithMirror: boolean | null }> = {}): NonNullable<DoctorFacts['project']> {
  return {
    dir: '/work/proj',
    name: 'proj',
    slug: 'proj',
    pyprojectText: null,
    requiresPython: null,
    pythonVersion: '3.12',
    requirements: [],
    torchPin: null,
    backendPin: null,
    env: {},
    compilesCuda: { value: false, why: '' },
    needs: { torchaudio: false, xformers: false },
    lockWithMirror: false,
    ...overrides,
  };
}

const layer = (name: string) => ({ layer: name, source: 'not set', values: { ...NO_PROXY } });
export const noProxies = (): ProxyFacts => ({
  shell: layer('shell'),
  apt: layer('apt'),
  daemon: layer('docker daemon'),
  daemonFiles: layer('docker daemon'),
  client: layer('docker client'),
  build: layer('build args'),
});

export const HEALTHY_PYPROJECT = {
  project: { name: 'proj', dependencies: ['torch==2.9.*'] },
  tool: { uv: { index: [{ name: 'pytorch', url: 'https://download.pytorch.org/whl/cu130', explicit: true }], sources: { torch: [{ index: 'pytorch' }] } } },
};

/**
 * A healthy project on `host`: .env written for alice, caches owned by her, an explicit cu130
 * index, a fresh uv.lock. Override any part; `plan` is computed from host and project unless given.
 */
export function factsFor(host: HostFacts, overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  const project =
    overrides.project === undefined
      ? blankProject({ requirements: [{ name: 'torch', raw: 'torch==2.9.*', specifier: '==2.9.*', origin: { file: 'pyproject.toml' } }] })
      : overrides.project;
  const plan = overrides.plan !== undefined ? overrides.plan : makePlan({ host, project: project ?? blankProject(), options: {}, catalog: EMBEDDED_CATALOG });
  const home = host.user.home;
  const { uid, gid } = host.user;
  const env = {
    USER_UID: String(uid),
    USER_GID: String(gid),
    USER_NAME: host.user.name,
    HOST_HOME: home,
    CUDA_VERSION: plan?.cuda.version ?? '13.0.2',
    BASE_IMAGE: plan?.cuda.image ?? 'nvidia/cuda:13.0.2-devel-ubuntu24.04',
    DEV_IMAGE: 'danlu-dev:test',
  };
  return {
    dir: '/work/proj',
    catalog: EMBEDDED_CATALOG,
    today: EMBEDDED_CATALOG.asOf,
    host,
    processUid: uid,
    env: { PATH: '/usr/bin:/bin' },
    deep: false,
    driverPackages: [],
    daemon: host.docker?.daemon.ok
      ? { rootDir: '/var/lib/docker', cgroupDriver: 'systemd', operatingSystem: 'Ubuntu 24.04', proxy: { ...NO_PROXY }, registryMirrors: [] }
      : null,
    proxy: noProxies(),
    files: {
      envPath: '/work/proj/.env',
      envText: Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n'),
      env,
      envError: null,
      pyprojectText: '[project]\n',
      pyproject: HEALTHY_PYPROJECT,
      pyprojectError: null,
      pythonVersion: '3.12',
      uvLock: { exists: true, mtimeMs: 2000, pyprojectMtimeMs: 1000 },
      venv: null,
      mirrorHits: [],
      extendRequestsGpus: false,
    },
    project,
    projectError: null,
    plan,
    planError: null,
    caches: {
      home,
      homeSource: 'HOST_HOME (.env)',
      homeExists: true,
      dirs: cachePaths().map((rel) => ({ rel, path: `${home}/${rel}`, exists: true, isDir: true, uid, gid })),
    },
    disk: { path: '/var/lib/docker', freeBytes: 200 * 1024 ** 3, totalBytes: 500 * 1024 ** 3 },
    images: [{ ref: 'danlu-dev:test', present: true }],
    container: host.docker?.daemon.ok ? { running: false, id: null, error: null, shmBytes: null, gpu: null, torch: null } : null,
    gpuProbe: null,
    ...overrides,
  };
}
