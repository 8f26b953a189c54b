import { resolve } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { loadCatalog } from '../catalog/load.js';
import { readHostFile } from '../host/host-file.js';
import { DanluError } from '../lib/errors.js';
import { makePlan, type PlanInput } from '../plan/make-plan.js';
import { readTeamHosts } from '../host/team-hosts.js';
import type { Plan, PlanOptions } from '../plan/types.js';
import { probeHost, realDeps } from '../probe/index.js';
import type { HostFacts } from '../probe/types.js';
import { readProject } from '../project/read-project.js';
import type { OptionDef } from './command.js';
import { isCudaBackend } from '../lib/py.js';
import { maskSecrets } from '../lib/secrets.js';
import { spinner } from '../lib/spinner.js';
import { CANONICAL } from '../catalog/mirrors.js';
import { UBUNTU_RELEASES } from '../catalog/cuda-images.js';

/** Flags shared by init and plan: every choice danlu makes can be given instead. */
export const PLAN_OPTIONS = {
  host: { type: 'string', value: 'FILE', description: 'plan for the machine described in FILE (from `danlu host --json`)' },
  cuda: { type: 'string', value: 'VERSION', description: 'CUDA image version, e.g. 12.8 or 12.8.1' },
  torch: { type: 'string', value: 'VERSION', description: 'PyTorch release, e.g. 2.9 or 2.9.1' },
  backend: { type: 'string', value: 'VARIANT', description: 'PyTorch wheel variant: cu126, cu128, cu130, cpu...' },
  python: { type: 'string', value: 'VERSION', description: 'Python version, e.g. 3.12' },
  gpus: { type: 'string', value: 'SPEC', description: 'GPUs for the container: all, none, a count, or ids like 0,1' },
  mirror: {
    type: 'string',
    value: 'PRESET',
    description: 'mirrors for this machine: global, cn, or auto (probe the candidates now and take the fastest working one of each kind)',
  },
  user: { type: 'string', value: 'NAME', description: "container user name (UID/GID stay the host user's)" },
  ubuntu: { type: 'string', value: 'RELEASE', description: 'Ubuntu release of the image: 22.04 or 24.04' },
  shm: { type: 'string', value: 'SIZE', description: 'shared memory for the container, e.g. 16g' },
  'no-starship': { type: 'boolean', description: 'do not install the starship prompt in the image' },
  'upgrade-torch': { type: 'boolean', description: "replace the project's torch pin with the newest torch that fits this machine" },
  'keep-pins': { type: 'boolean', description: "keep the project's pins even when they cannot run here (the default; says so explicitly)" },
  'lock-with-mirror': { type: 'boolean', description: "let uv lock through this machine's PyPI mirror (the mirror is then recorded in uv.lock)" },
  'no-solve': {
    type: 'boolean',
    description: "plan from the catalog alone: do not check the plan with uv against the project's whole dependency graph (offline, or no uv)",
  },
} as const satisfies Record<string, OptionDef>;

type PlanFlagValues = { [K in keyof typeof PLAN_OPTIONS]?: (typeof PLAN_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface PlannedProject {
  dir: string;
  host: HostFacts;
  project: Awaited<ReturnType<typeof readProject>>;
  options: PlanOptions;
  plan: Plan;
  catalog: Catalog;
  /** uv.lock as the joint solve made it (null: not solved, or a lock that names this machine's own index). */
  lock: string | null;
  /** What the plan was made from (the team and probed mirrors among its options): to plan again with one more fact. */
  input: PlanInput;
}

export function planOptionsFrom(values: PlanFlagValues): PlanOptions {
  const o: PlanOptions = {};
  if (values.mirror !== undefined) {
    if (values.mirror !== 'global' && values.mirror !== 'cn' && values.mirror !== 'auto') {
      throw new DanluError(`--mirror ${values.mirror}: expected global, cn or auto`);
    }
    // auto: planned as global, then planProject puts the probed choice in (src/network/auto.ts).
    o.mirror = values.mirror === 'auto' ? 'global' : values.mirror;
  }
  if (values.ubuntu !== undefined && !(UBUNTU_RELEASES as readonly string[]).includes(values.ubuntu)) {
    throw new DanluError(`--ubuntu ${values.ubuntu}: expected ${[...UBUNTU_RELEASES].sort().join(' or ')}`);
  }
  if (values.backend !== undefined && values.backend !== 'cpu' && !isCudaBackend(values.backend)) {
    throw new DanluError(`--backend ${values.backend}: expected cpu or a CUDA variant such as cu128`);
  }
  if (values.torch !== undefined && !/^v?\d+\.\d+(\.\d+)?$/.test(values.torch)) {
    throw new DanluError(`--torch ${values.torch}: expected a version such as 2.9 or 2.9.1`);
  }
  if (values.cuda !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(values.cuda)) {
    throw new DanluError(`--cuda ${values.cuda}: expected a version such as 12.8 or 12.8.1`);
  }
  for (const key of ['cuda', 'torch', 'backend', 'python', 'gpus', 'user', 'ubuntu', 'shm'] as const) {
    if (values[key] !== undefined) (o as Record<string, unknown>)[key] = values[key];
  }
  if (values['no-starship']) o.starship = false;
  if (values['upgrade-torch'] && values['keep-pins']) throw new DanluError('--upgrade-torch and --keep-pins contradict each other');
  if (values['upgrade-torch']) o.upgradeTorch = true;
  // Asking for a torch build means the project's own torch entries follow it.
  if (values.torch || values.backend || values['upgrade-torch']) o.pins = 'follow';
  if (values.backend || values.torch || values.cuda) o.replaceIndex = true;
  if (values.python) o.replacePythonFile = true;
  if (values['lock-with-mirror']) o.lockWithMirror = true;
  return o;
}

export async function planProject(dirArg: string | undefined, values: PlanFlagValues, how: { solve?: boolean; json?: boolean } = {}): Promise<PlannedProject> {
  const dir = resolve(dirArg ?? '.');
  const options = planOptionsFrom(values);
  const catalog = await loadCatalog();
  if (options.backend !== undefined) {
    const known = [...new Set(catalog.torch.releases.flatMap((r) => r.backends.map((b) => b.name)))].sort();
    if (!known.includes(options.backend)) {
      throw new DanluError(`--backend ${options.backend}: no PyTorch release danlu knows has that variant`, { hint: `known variants: ${known.join(', ')}` });
    }
  }
  const auto = values.mirror === 'auto' ? import('../network/auto.js') : null;
  // A host file describes another machine: only cheap local defaults are probed for it.
  const probeOptions = values.host ? ({ docker: 'skip', nvidia: false } as const) : ({ docker: 'runtime' } as const);
  const [probed, project, mirrorChoice] = await Promise.all([
    probeHost(realDeps(), probeOptions),
    readProject(dir),
    auto ? auto.then((m) => m.autoMirrorChoice()) : null,
  ]);
  const host = values.host ? await readHostFile(resolve(values.host), probed) : probed;
  // A requirements line pip would refuse stops here, before anything is planned or written.
  const invalid = (project.imported?.report ?? []).filter((e) => e.invalid);
  if (invalid.length > 0) {
    const first = invalid[0]!;
    throw new DanluError(
      `not a valid requirement: ${first.reason}${invalid.length > 1 ? ` (and ${invalid.length - 1} more line${invalid.length > 2 ? 's' : ''}: \`danlu import\` lists them)` : ''}`,
      {
        location: { file: first.origin.file, line: first.origin.line, column: first.invalid!.column },
        hint: 'pip would refuse this line too: fix or remove it (a PEP 508 requirement such as numpy==1.26.4)',
      },
    );
  }
  const team = await readTeamHosts(dir, probed);
  // The probed mirrors (--mirror auto) are a fact of this machine the plan takes, like its GPUs.
  const withFacts: PlanOptions = { ...options, ...(team.length > 0 ? { team } : {}), ...(mirrorChoice ? { mirrorChoice } : {}) };
  const input = { host, project, options: withFacts, catalog };
  const catalogPlan = makePlan(input);
  if (!how.solve) return { dir, host, project, options, plan: catalogPlan, catalog, lock: null, input };
  const solved = await solveWithUv(input, dir, catalogPlan, {
    pythonFixed: Boolean(options.python || project.pythonVersion || project.pythonHint),
    torchFixed: Boolean(options.torch),
    noSolve: Boolean(values['no-solve']),
    json: Boolean(how.json),
  });
  return { dir, host, project, options, plan: solved.plan, catalog, lock: solved.lock, input };
}

/**
 * The joint solve (src/solve/): with a uv to run, the catalog's plan is checked against the
 * project's whole dependency graph and made again from what uv says; without one (or with
 * --no-solve) the catalog's plan stays, and the plan says it was not solved.
 */
async function solveWithUv(
  input: Parameters<typeof makePlan>[0],
  dir: string,
  plan: Plan,
  how: { pythonFixed: boolean; torchFixed: boolean; noSolve: boolean; json: boolean },
): Promise<{ plan: Plan; lock: string | null }> {
  const notSolved = (summary: string, uv: string | null = null): { plan: Plan; lock: null } => ({
    plan: {
      ...plan,
      solve: { status: 'not-solved', uv, index: null, summary, torchBound: null, pythonBound: null, uvSaid: [], attempts: [], unreachable: [] },
    },
    lock: null,
  });
  if (how.noSolve) return notSolved("not solved with the project's dependencies (--no-solve): the catalog's plan; `danlu up` locks in the container");
  const { findUv } = await import('../solve/uv.js');
  const uv = await findUv();
  if ('off' in uv) return notSolved(`not solved with the project's dependencies (${uv.off}): the catalog's plan; \`danlu up\` locks in the container`);
  const { solvePlan } = await import('../solve/solve.js');
  const env = { ...process.env };
  // Through this machine's mirror only when the project says so (it is then recorded in uv.lock).
  if (plan.lockWithMirror && plan.mirrors.urls.pypi) env.UV_DEFAULT_INDEX = plan.mirrors.urls.pypi;
  const index = maskSecrets(env.UV_DEFAULT_INDEX || env.UV_INDEX_URL || 'PyPI');
  const bar = spinner(`solving with uv ${uv.version}`, Boolean(process.stderr.isTTY) && !how.json);
  try {
    const timeout = Number(process.env.DANLU_SOLVE_TIMEOUT_S);
    const solution = await solvePlan(input, dir, plan, {
      uv,
      env,
      timeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 300) * 1000,
      pythonFixed: how.pythonFixed,
      torchFixed: how.torchFixed,
      index,
      progress: (text) => bar.update(maskSecrets(text).slice(0, 100)),
    });
    bar.stop();
    // A lock that names an index of this machine's own (a mirror in uv's settings) is not committed.
    const lock = solution.lock !== null && lockNamesOnlyProjectIndexes(solution.lock, solution.plan, plan.lockWithMirror) ? solution.lock : null;
    return { plan: solution.plan, lock };
  } catch (err) {
    bar.stop();
    throw err;
  }
}

/** The registries a uv.lock records are the canonical PyPI and the project's own indexes (or the mirror it locks with). */
function lockNamesOnlyProjectIndexes(lock: string, plan: Plan, withMirror: boolean): boolean {
  const allowed = new Set<string>([CANONICAL.pypi, plan.torch.index, ...plan.pyproject.extraIndexes.map((i) => i.url)].map((u) => u.replace(/\/+$/, '')));
  if (withMirror && plan.mirrors.urls.pypi) allowed.add(plan.mirrors.urls.pypi.replace(/\/+$/, ''));
  for (const u of plan.torch.variants) allowed.add(u.index.replace(/\/+$/, ''));
  const registries = [...lock.matchAll(/registry = "([^"]+)"/g)].map((m) => m[1]!.replace(/\/+$/, ''));
  return registries.every((r) => allowed.has(r) || process.env.DANLU_SOLVE_ANY_INDEX === '1');
}
