import { readTeamHosts, type TeamHost } from '../host/team-hosts.js';
import { basename } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { loadCatalog } from '../catalog/load.js';
import { DanluError, describeError } from '../lib/errors.js';
import { maskSecrets } from '../lib/secrets.js';
import { makePlan } from '../plan/make-plan.js';
import type { Plan } from '../plan/types.js';
import { engineOf } from '../probe/docker.js';
import { probeHost } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { probeUser } from '../probe/user.js';
import { readProject } from '../project/read-project.js';
import { slugify } from '../project/types.js';
import { cacheHome, probeCaches } from './probes/caches.js';
import { probeContainer, TORCH_TIMEOUT_MS } from './probes/container.js';
import { settleWithin, withDeadline, type DoctorDeps } from './probes/deps.js';
import { probeDaemonExtra, probeDisk, probeImages } from './probes/docker-daemon.js';
import { pickProbeImage, probeGpuContainer, GPU_RUN_TIMEOUT_MS } from './probes/gpu-container.js';
import { probeDriverPackages } from './probes/packages.js';
import { probeProjectFiles } from './probes/project-files.js';
import { NO_PROXY } from './probes/proxy-parse.js';
import { maskedProxies, probeProxy, withDaemonView } from './probes/proxy.js';
import { rulesFor } from './rules/index.js';
import type { DoctorFacts, DoctorReport, Finding, ProjectFileFacts, ProxyFacts, Severity } from './types.js';
import { SEVERITIES } from './types.js';

export interface DoctorOptions {
  dir: string;
  /** Start a real GPU container (`docker run --gpus all … nvidia-smi`). */
  deep?: boolean;
  /** Every host command must finish within this; a hung daemon or nvidia-smi is cut off. */
  budgetMs?: number;
}

/** Host probes (nvidia-smi, docker, dpkg) share this limit. */
export const HOST_BUDGET_MS = 3500;

type Project = NonNullable<DoctorFacts['project']>;

const message = (e: unknown): string => (e instanceof DanluError ? describeError(e) : ((e as Error)?.message ?? String(e)));

const noFiles = (dir: string): ProjectFileFacts => ({
  envPath: `${dir}/.env`,
  envText: null,
  env: null,
  envError: null,
  pyprojectText: null,
  pyproject: null,
  pyprojectError: null,
  pythonVersion: null,
  uvLock: { exists: false, mtimeMs: null, pyprojectMtimeMs: null },
  venv: null,
  mirrorHits: [],
  extendRequestsGpus: false,
});

const noProxyFacts = (): ProxyFacts => {
  const l = (layer: string) => ({ layer, source: 'not read', values: { ...NO_PROXY } });
  return { shell: l('shell'), apt: l('apt'), daemon: l('docker daemon'), daemonFiles: l('docker daemon'), client: l('docker client'), build: l('build args') };
};

/** An empty project, so host-level checks still get a plan when the project's files are broken. */
function blankProject(dir: string): Project {
  const name = basename(dir);
  return {
    dir,
    name,
    slug: slugify(name),
    pyprojectText: null,
    requiresPython: null,
    pythonVersion: null,
    requirements: [],
    torchPin: null,
    backendPin: null,
    env: {},
    compilesCuda: { value: false, why: '' },
    needs: { torchaudio: false, xformers: false },
    lockWithMirror: null,
  };
}

function planFor(host: HostFacts, project: Project, catalog: Catalog, team: readonly TeamHost[]): { plan: Plan | null; planError: string | null } {
  try {
    return { plan: makePlan({ host, project, options: team.length > 0 ? { team } : {}, catalog }), planError: null };
  } catch (e) {
    return { plan: null, planError: message(e) };
  }
}

/** Gathers every fact at once; each probe is bounded, and none can stop the others. */
export async function gatherFacts(deps: DoctorDeps, opts: DoctorOptions): Promise<DoctorFacts> {
  const dir = opts.dir;
  const budget = opts.budgetMs ?? HOST_BUDGET_MS;
  const hostDeps = withDeadline(deps, deps.now() + budget);
  const net = budget + 1000;

  const filesP = settleWithin(probeProjectFiles(deps, dir), net, () => noFiles(dir));
  const userP = probeUser(deps).then((u) => u.facts);
  const hostP = probeHost(hostDeps);
  const projectP: Promise<{ project: Project | null; error: string | null }> = readProject(dir).then(
    (project) => ({ project, error: null }),
    (e: unknown) => ({ project: null, error: message(e) }),
  );
  const packagesP = settleWithin(probeDriverPackages(hostDeps), net, () => null);
  const daemonP = settleWithin(probeDaemonExtra(hostDeps), net, () => null);
  const diskP = daemonP.then((d) => settleWithin(probeDisk(deps, d?.rootDir ?? null), net, () => null));
  const homeP = Promise.all([userP, filesP]).then(([user, files]) => cacheHome(deps.env, files.env, user.home));
  const cachesP = homeP.then(({ home, source }) =>
    settleWithin(probeCaches(deps, home, source), net, () => ({ home, homeSource: source, homeExists: false, dirs: [] })),
  );
  const proxyP = Promise.all([userP, filesP]).then(([user, files]) => settleWithin(probeProxy(deps, user.home, files.env), net, noProxyFacts));
  const imagesP = filesP.then((files) => settleWithin(probeImages(hostDeps, [files.env?.DEV_IMAGE ?? '', files.env?.BASE_IMAGE ?? '']), net, () => []));
  const containerP = filesP.then((files) =>
    settleWithin(probeContainer(deps, dir, files.env), net + TORCH_TIMEOUT_MS, () => ({
      running: false,
      id: null,
      error: 'timed out',
      shmBytes: null,
      gpu: null,
      torch: null,
    })),
  );

  const [host, files, read, driverPackages, daemon, disk, caches, proxy, images, container] = await Promise.all([
    hostP,
    filesP,
    projectP,
    packagesP,
    daemonP,
    diskP,
    cachesP,
    proxyP,
    imagesP,
    containerP,
  ]);
  const catalog = await loadCatalog();
  // The team's committed hosts (.devcontainer/hosts): the plan is the team's, as init makes it.
  const team = await readTeamHosts(dir, host).catch(() => [] as TeamHost[]);
  const { plan, planError } = planFor(host, read.project ?? blankProject(dir), catalog, team);

  let gpuProbe: DoctorFacts['gpuProbe'] = null;
  if (opts.deep && host.docker?.daemon.ok && host.nvidia) {
    const candidates = [files.env?.DEV_IMAGE, files.env?.BASE_IMAGE, plan?.cuda.image].filter((r): r is string => Boolean(r));
    const more = await probeImages(
      withDeadline(deps, deps.now() + 2000),
      candidates.filter((c) => !images.some((i) => i.ref === c)),
    );
    const image = pickProbeImage(candidates, [...images, ...more]);
    gpuProbe = await settleWithin(probeGpuContainer(deps, image, engineOf(host.docker)), GPU_RUN_TIMEOUT_MS + 2000, () => ({
      image,
      ok: false,
      output: '',
      timedOut: true,
    }));
  }

  return {
    catalog,
    today: new Date(deps.now()).toISOString().slice(0, 10),
    dir,
    host,
    processUid: deps.processUid(),
    env: deps.env,
    deep: Boolean(opts.deep),
    driverPackages,
    daemon,
    // Facts the rules print from: proxy passwords are masked before any rule sees them.
    proxy: maskedProxies(withDaemonView(proxy, daemon)),
    files,
    project: read.project,
    projectError: read.error,
    plan,
    planError,
    caches,
    disk,
    images,
    container,
    gpuProbe,
  };
}

/** Runs every rule; a rule that throws becomes a finding instead of stopping the others. */
export function runRules(facts: DoctorFacts): Finding[] {
  const out: Finding[] = [];
  for (const { name, rule } of rulesFor(engineOf(facts.host.docker))) {
    try {
      out.push(...rule(facts));
    } catch (e) {
      out.push({ id: `rule-failed:${name}`, layer: 'host', severity: 'warn', title: `doctor rule ${name} failed`, detail: message(e) });
    }
  }
  return out.map(masked);
}

/**
 * A finding as it is printed: the user info of every URL in its text and fix command masked (a
 * mirror's token in .env's BASE_IMAGE, a proxy password). A fix's action (values --fix writes
 * into .env) is not printed and stays as it is.
 */
function masked(f: Finding): Finding {
  const m = { ...f, title: maskSecrets(f.title), detail: maskSecrets(f.detail) };
  if (f.fix) m.fix = { ...f.fix, description: maskSecrets(f.fix.description), ...(f.fix.command !== undefined ? { command: maskSecrets(f.fix.command) } : {}) };
  return m;
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) summary[f.severity]++;
  return summary;
}

export async function runDoctor(deps: DoctorDeps, opts: DoctorOptions): Promise<{ facts: DoctorFacts; report: DoctorReport }> {
  const facts = await gatherFacts(deps, opts);
  const findings = runRules(facts);
  return { facts, report: { findings, summary: summarize(findings) } };
}
