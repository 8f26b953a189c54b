import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';
import { hostFitVersions, specifierFor, type TorchChoice } from './choose-torch.js';
import type { HostGpus } from './host-gpus.js';
import { planProjectTorch } from './project-torch.js';
import type { TeamView } from './team.js';
import type { TeamVariants } from './team-variants.js';
import { planTeamTorch } from './team-torch.js';
import type { TorchRequestPlan } from './torch-request.js';
import type { Plan, PlanOptions, PlanStep, TorchVariant } from './types.js';

/** The torch build chosen, and for a team no single build fits, its variants and this machine's. */
export interface TorchBuild {
  torch: TorchChoice;
  split: TeamVariants | null;
  variant: TorchVariant | null;
}

export interface TorchBuildInput {
  catalog: Catalog;
  host: HostFacts;
  options: PlanOptions;
  team: TeamView | null;
  gpus: HostGpus;
  request: TorchRequestPlan;
}

/**
 * The torch build: the project's (for this host, or the team's joint view), then each team host
 * checked (one extra per CUDA variant when the build does not run on all), then the choice's own
 * decisions and warnings.
 */
export function planTorchBuild({ catalog, host, options, team, gpus, request }: TorchBuildInput): PlanStep<TorchBuild> {
  const { pins, torchRequest, hostView, projectPython } = request;
  const hint = pins.fromHint && !options.backend ? pins.backend! : null;
  const projectStep = planProjectTorch({ catalog, hostView, torchRequest, hint, projectPython });
  const teamStep = planTeamTorch({
    catalog,
    host,
    team,
    members: options.team ?? [],
    torchRequest,
    torch: projectStep.value,
    ownView: { gpus: gpus.gpuSel.selected, driverVersion: host.nvidia?.driverVersion ?? null, driverCuda: gpus.driverCuda },
  });
  const { torch, split, variant } = teamStep.value;
  return {
    value: { torch, split, variant },
    decisions: [...projectStep.decisions, ...teamStep.decisions, ...torch.decisions],
    warnings: [...projectStep.warnings, ...teamStep.warnings, ...torch.warnings],
  };
}

export interface TorchPlanInput {
  catalog: Catalog;
  project: ProjectFacts;
  options: PlanOptions;
  request: TorchRequestPlan;
  build: TorchBuild;
}

/** The plan's torch: the build chosen, the specifier pyproject.toml gets, and the host's side of the joint solve. */
export function torchPlanOf({ catalog, project, options, request, build }: TorchPlanInput): Plan['torch'] {
  const { pins, hostView } = request;
  const { torch, split, variant } = build;
  // The host's side of the joint solve: every torch version with a build that runs on the planned
  // GPUs and driver (within --backend, or the variant the project pins).
  const fitBackend = options.backend ?? (pins.backend && !pins.fromHint ? pins.backend.backend : undefined);
  const hostFit = specifierFor(hostFitVersions(catalog, hostView, { backend: fitBackend }), catalog);
  return {
    hostFit,
    version: torch.version,
    backend: torch.backend.name,
    index: `${catalog.torch.indexBase}/${torch.backend.name}`,
    abi: torch.backend.abi,
    specifier: pins.torch && torch.pinned ? pins.torch.specifier : `==${torch.version.split('.').slice(0, 2).join('.')}.*`,
    // The pin the plan honoured (the project's, or one its companion pins imply), else the project's own.
    projectSpecifier: (pins.torch && torch.pinned ? pins.torch.specifier : null) ?? project.torchPin?.specifier ?? null,
    torchvision: torch.release.torchvision,
    torchaudio: torch.release.torchaudio,
    xformers: torch.release.xformers,
    archs: torch.backend.archs,
    ptx: torch.backend.ptx ?? null,
    variants: split?.variants ?? [],
    extra: variant?.extra ?? null,
  };
}
