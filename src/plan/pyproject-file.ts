import { compareDotted } from '../lib/version.js';
import { satisfiesOr, TORCH_FAMILY } from '../lib/py.js';
import type { HostFacts } from '../probe/types.js';
import { requirementName } from '../project/toml.js';
import type { ProjectFacts } from '../project/types.js';
import type { PackagePlan } from './packages.js';
import { planPyproject } from './pyproject/plan-pyproject.js';
import { splitByVariant } from './pyproject/torch-variants.js';
import type { PyprojectPlan } from './pyproject/types.js';
import type { Plan, PlanOptions, PlanStep, Warning } from './types.js';

/** The requires-python of the plan: the project's, else a range of its own that admits the planned Python, else ">=<planned>". */
export function requiresPythonOf(project: ProjectFacts, python: string, torchPythons: readonly string[]): string {
  return project.requiresPython ?? ownPythonRange(project, python, torchPythons) ?? `>=${python}`;
}

/**
 * The Python range the project states elsewhere (Poetry's `python = "^3.10"`, setup.cfg's
 * python_requires) for the requires-python of a [project] danlu writes, when the planned
 * Python is in it; a range of the project's own beats ">=<planned>", which would shut out
 * older Pythons the project supports.
 */
export function ownPythonRange(project: ProjectFacts, python: string, torchPythons: readonly string[]): string | null {
  // uv locks for every Python the range admits: one below what the planned torch has wheels for
  // makes `uv lock` fail ("torch==X depends on Python>=3.10"), so such a range is not used.
  const torchMin = [...torchPythons].sort((a, b) => compareDotted(a, b))[0];
  for (const hint of project.imported?.pythonHints ?? []) {
    if (!hint.specifier) continue;
    const lower = /(?:^|,)\s*(?:>=|~=|==)\s*(\d+\.\d+)/.exec(hint.specifier)?.[1];
    if (!lower || (torchMin && compareDotted(lower, torchMin) < 0)) continue;
    // An unreadable range says nothing.
    if (satisfiesOr(`${python}.0`, hint.specifier, false)) return hint.specifier;
  }
  return null;
}

export interface PyprojectFileInput {
  host: HostFacts;
  project: ProjectFacts;
  options: PlanOptions;
  python: string;
  requiresPython: string;
  torch: Plan['torch'];
  packages: PackagePlan[];
  ncclOverride: boolean;
  aptPackages: string[];
  lockWithMirror: boolean;
}

/**
 * What pyproject.toml gets (plan/pyproject), and with a team's torch variants, torch moved into
 * one extra per variant; a torch line of the user's own [project] dependencies is not moved:
 * they are told to.
 */
export function planPyprojectFile(input: PyprojectFileInput): PlanStep<PyprojectPlan> {
  const { host, project, options, torch } = input;
  const planned = planPyproject(
    {
      projectName: project.name,
      // Extras with a torch of their own that this machine does not install: a backend extra of
      // uv's multi-backend shape, an alternative (declared, or found by uv with the plan).
      backendExtras: [...(project.multiBackend?.extras ?? []), ...(project.ownFacts?.alternatives ?? [])],
      ...(options.solved?.relax?.length ? { relax: options.solved.relax } : {}),
      ...(options.solved?.builds?.length ? { builds: options.solved.builds } : {}),
      ...(options.solved?.notOnPypi?.length ? { notOnPypi: options.solved.notOnPypi } : {}),
      projectVersion: project.imported?.packageMetadata?.version ?? '0.1.0',
      hasReadme: project.hasReadme ?? false,
      python: input.python,
      requiresPython: input.requiresPython,
      torch,
      packages: input.packages,
      ncclOverride: input.ncclOverride,
      aptPackages: input.aptPackages,
      lockWithMirror: input.lockWithMirror,
      machine: host.os.arch === 'arm64' ? 'aarch64' : 'x86_64',
    },
    project,
    options,
  );
  if (torch.variants.length <= 1) return { value: planned.pyproject, decisions: planned.decisions, warnings: planned.warnings };
  const split = splitByVariant(planned.pyproject, torch.variants, [
    `torch${torch.specifier}`,
    `torchvision==${torch.torchvision.split('.').slice(0, 2).join('.')}.*`,
  ]);
  const warnings: Warning[] = [];
  const own = (project.pyprojectData as { project?: { dependencies?: unknown } } | null | undefined)?.project?.dependencies;
  const ownTorch = (Array.isArray(own) ? own : []).filter((d): d is string => typeof d === 'string' && TORCH_FAMILY.has(requirementName(d) ?? ''));
  if (ownTorch.length > 0) {
    warnings.push({
      id: 'team-variants-own-torch',
      message: `pyproject.toml lists ${ownTorch.join(', ')} in [project] dependencies: with one extra per CUDA variant they belong in the extras (${torch.variants.map((v) => v.extra).join(', ')}), or uv installs PyPI's build next to the variant's`,
      fix: `move ${ownTorch.map((d) => requirementName(d)).join(', ')} out of [project] dependencies (the extras already list them), then \`danlu init\` again`,
    });
  }
  return { value: split.pyproject, decisions: [...planned.decisions, split.decision], warnings: [...warnings, ...planned.warnings] };
}
