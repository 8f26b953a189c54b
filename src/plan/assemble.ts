import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';
import type { Collector } from './collect.js';
import type { Plan, PlanOptions } from './types.js';
import { acceleratorOf } from '../catalog/accelerator.js';
import { engineOf } from '../probe/docker.js';

/** The values the steps of the plan decided, by the name the plan gives them. */
export type PlanParts = Pick<
  Plan,
  | 'python'
  | 'pythonSource'
  | 'requiresPython'
  | 'cuda'
  | 'torch'
  | 'committed'
  | 'gpus'
  | 'gpu'
  | 'shmSize'
  | 'mirrors'
  | 'compilesCuda'
  | 'aptPackages'
  | 'packages'
  | 'machine'
  | 'ncclOverride'
  | 'buildEnv'
  | 'lockWithMirror'
  | 'pyproject'
> & {
  user: { name: string; containerName: string };
  userImages: { base?: string; uv?: string } | null;
};

export interface AssembleInput {
  host: HostFacts;
  project: ProjectFacts;
  options: PlanOptions;
  catalog: Catalog;
  parts: PlanParts;
  /** The decisions and warnings of every step, in the order they ran. */
  steps: Collector;
}

/** The plan: the steps' values, this machine's settings kept from .env, the decisions and warnings. */
export function assemblePlan({ host, project, options, catalog, parts: p, steps }: AssembleInput): Plan {
  return {
    project: { name: project.name, slug: project.slug, workspace: `/workspace/${project.slug}`, dir: project.dir },
    python: p.python,
    pythonSource: p.pythonSource,
    requiresPython: p.requiresPython,
    accelerator: acceleratorOf(p.torch.backend),
    engine: engineOf(host.docker),
    cuda: p.cuda,
    torch: p.torch,
    committed: p.committed,
    gpus: p.gpus,
    gpu: p.gpu,
    user: { ...host.user, name: p.user.name, containerName: p.user.containerName },
    shmSize: p.shmSize,
    mirrors: p.mirrors,
    starship: options.starship ?? project.env.INSTALL_STARSHIP !== 'false',
    ...(p.userImages ? { userImages: p.userImages } : {}),
    compilesCuda: p.compilesCuda,
    aptPackages: p.aptPackages,
    packages: p.packages,
    machine: p.machine,
    ncclOverride: p.ncclOverride,
    // Per-machine values the user set in .env stay (a re-run does not reset them).
    timezone: project.env.TZ?.trim() || host.timezone || 'Etc/UTC',
    extraAptPackages: project.env.EXTRA_APT_PACKAGES?.trim() ?? '',
    buildEnv: p.buildEnv,
    lockWithMirror: p.lockWithMirror,
    pythonFile: options.replacePythonFile ? 'replace' : 'keep',
    pyproject: p.pyproject,
    warnings: steps.warnings,
    decisions: steps.decisions,
    catalog: { name: catalog.name, asOf: catalog.asOf },
  };
}
