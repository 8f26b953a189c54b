import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import { chooseTorch, type HostGpuView, type TorchChoice, type TorchRequest } from './choose-torch.js';
import { isTeamMember, type TeamHost, type teamView } from './team.js';
import { teamVariants, type TeamVariants } from './team-variants.js';
import type { Decision, PlanStep, TorchVariant, Warning } from './types.js';

export interface TeamTorchInput {
  catalog: Catalog;
  /** This machine. */
  host: HostFacts;
  /** The team's view (null: no team). */
  team: ReturnType<typeof teamView> | null;
  members: readonly TeamHost[];
  torchRequest: TorchRequest;
  /** The build chosen for the team's joint view. */
  torch: TorchChoice;
  /** This machine's own GPUs and driver. */
  ownView: HostGpuView;
}

/**
 * The torch build for a team: per host, what it would get alone and whether the set's build runs
 * there. When one does not, one extra per CUDA variant (plan/team-variants.ts) if a torch release
 * has a build for each host; this machine's variant then decides its image and index.
 */
export function planTeamTorch({
  catalog,
  host,
  team,
  members,
  torchRequest,
  torch: joint,
  ownView,
}: TeamTorchInput): PlanStep<{ torch: TorchChoice; split: TeamVariants | null; variant: TorchVariant | null }> {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  let torch = joint;
  const teamHosts = (team?.hosts ?? []).filter((h) => h.host.host.nvidia);
  const runsOn = (view: HostGpuView, t: typeof torch) =>
    !chooseTorch(catalog, view, {
      ...torchRequest,
      torch: t.version,
      backend: t.backend.name,
      projectSpecifier: undefined,
      projectBackend: undefined,
    }).warnings.some((w) => w.id === 'torch-does-not-fit-host');
  const misfits = teamHosts.filter((h) => !runsOn(h.view, torch));
  const split =
    misfits.length > 0
      ? teamVariants(
          catalog,
          teamHosts.map((h) => ({ name: h.host.name, view: h.view })),
          torchRequest,
        )
      : null;
  let variant: TorchVariant | null = null;
  if (split) {
    const member = members.find((t) => isTeamMember(host, [t]))?.name;
    variant =
      split.variants.find((v) => member !== undefined && v.hosts.includes(member)) ??
      split.variants.find((v) =>
        runsOn(
          ownView,
          chooseTorch(catalog, ownView, { ...torchRequest, torch: split.version, backend: v.backend, projectSpecifier: undefined, projectBackend: undefined }),
        ),
      ) ??
      split.variants[0]!;
    const setBuild = `torch ${torch.version} (${torch.backend.name})`;
    const chosen = chooseTorch(catalog, member !== undefined || ownView.gpus.length > 0 ? ownView : team!.view, {
      ...torchRequest,
      torch: split.version,
      backend: variant.backend,
      projectSpecifier: undefined,
      projectBackend: undefined,
    });
    // The version is the team's choice, not a flag's: its decision says so.
    const teamWhy = 'the newest release with a build for every team host (one extra per CUDA variant)';
    torch = { ...chosen, decisions: chosen.decisions.map((d) => (d.id === 'torch' ? { ...d, why: teamWhy, source: '.devcontainer/hosts' } : d)) };
    decisions.push({
      what: 'torch variants',
      choice: split.variants.map((v) => `${v.extra} (${v.hosts.join(', ')})`).join('; '),
      why: `no single torch build runs on every team host (${setBuild}, the build for the set, does not run on ${misfits.map((m) => m.host.name).join(', ')}): torch ${split.version} in one extra per CUDA variant, which uv locks together ([tool.uv] conflicts); each machine's .env names its own (TORCH_EXTRA=${variant.extra} here)`,
      source: '.devcontainer/hosts',
    });
  }
  for (const { host: t, view: alone } of teamHosts) {
    const own = chooseTorch(catalog, alone, torchRequest);
    const mine = split?.variants.find((v) => v.hosts.includes(t.name));
    const build = mine ? `torch ${split!.version} (${mine.backend}, extra ${mine.extra})` : `torch ${torch.version} (${torch.backend.name})`;
    const runs = mine !== undefined || runsOn(alone, torch);
    decisions.push({
      what: `team host ${t.name}`,
      choice: `${build}${runs ? '' : ': does not run there'}`,
      why: `${t.host.nvidia!.gpus.map((g) => g.name).join(', ')} on driver ${t.host.nvidia!.driverVersion}; alone it would get torch ${own.version} (${own.backend.name})`,
      source: `.devcontainer/hosts/${t.name}.json`,
    });
    if (!runs) {
      const check = chooseTorch(catalog, alone, {
        ...torchRequest,
        torch: torch.version,
        backend: torch.backend.name,
        projectSpecifier: undefined,
        projectBackend: undefined,
      });
      warnings.push({
        id: `team-build-does-not-fit-${t.name}`,
        message: `no torch release has a build for every team host: torch ${torch.version} (${torch.backend.name}) does not run on ${t.name} (${(check.problems ?? []).join('; ')})`,
        fix: `plan that host apart (a second checkout), or drop it from .devcontainer/hosts; its driver or GPUs need another build (alone: torch ${own.version} ${own.backend.name})`,
      });
    }
  }

  return { value: { torch, split, variant }, decisions, warnings };
}
