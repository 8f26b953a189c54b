import type { Catalog } from '../catalog/index.js';
import type { TeamHost } from '../host/team-hosts.js';
import { compareDotted } from '../lib/version.js';
import type { GpuFacts, HostFacts } from '../probe/types.js';
import type { HostGpuView } from './choose-torch.js';
import { driverCuda } from './driver.js';
import { enrichGpus } from './host-gpus.js';
import type { Decision, PlanStep, Warning } from './types.js';

export type { TeamHost };

/** The team's hosts as the plan sees them (teamView's answer). */
export type TeamView = ReturnType<typeof teamView>;

/**
 * What the committed files are planned for when the repository names its team's hosts: the
 * oldest driver of any of them and every GPU of every one (a CUDA build runs on a machine
 * without a GPU too, so those do not constrain it). The same on every machine of the set, so
 * the committed files are too.
 */
export function teamView(
  team: readonly TeamHost[],
  catalog: Catalog,
  enrich: (g: readonly GpuFacts[]) => GpuFacts[],
): { view: HostGpuView; hosts: { host: TeamHost; view: HostGpuView }[]; decisions: Decision[] } {
  // Each host with a GPU on its own; the team's view joins them.
  const hosts = team
    .filter((t) => t.host.nvidia && t.host.nvidia.gpus.length > 0)
    .map((t) => ({
      host: t,
      view: {
        gpus: enrich(t.host.nvidia!.gpus),
        driverVersion: t.host.nvidia!.driverVersion,
        driverCuda: driverCuda(t.host.nvidia!.driverVersion, t.host.nvidia!.cudaVersion, catalog),
      },
    }));
  const gpus = hosts.flatMap((h) => h.view.gpus.map((g) => ({ ...g, name: `${g.name} (${h.host.name})` })));
  const oldest = [...hosts].sort((a, b) => compareDotted(a.view.driverVersion!, b.view.driverVersion!))[0] ?? null;
  const decisions: Decision[] = [
    {
      id: 'team-hosts',
      what: 'team hosts',
      choice: team.map((t) => t.name).join(', '),
      why:
        hosts.length === 0
          ? 'no host of the team has an NVIDIA GPU: planned as CPU'
          : `the committed files are planned for every host in .devcontainer/hosts: the oldest driver (${oldest!.view.driverVersion} on ${oldest!.host.name}) and the GPUs of all of them (${[...new Set(gpus.map((g) => g.computeCapability ?? '?'))].join(', ')})`,
      source: '.devcontainer/hosts',
    },
  ];
  return { view: { gpus, driverVersion: oldest?.view.driverVersion ?? null, driverCuda: oldest?.view.driverCuda ?? null }, hosts, decisions };
}

/** Whether this machine is one of the team's (same GPUs and driver): else its files may not fit it. */
export function isTeamMember(host: HostFacts, team: readonly TeamHost[]): boolean {
  const sig = (h: HostFacts) => JSON.stringify([h.nvidia?.driverVersion ?? null, (h.nvidia?.gpus ?? []).map((g) => g.name).sort()]);
  return team.some((t) => sig(t.host) === sig(host));
}

export function notMemberWarning(team: readonly TeamHost[]): Warning {
  return {
    id: 'team-host-unknown',
    message: `this machine is not one of the team's hosts (${team.map((t) => t.name).join(', ')}): the committed torch build may not fit it`,
    fix: 'add it: `danlu host add NAME` (writes .devcontainer/hosts/NAME.json; commit it), then `danlu init` on any machine',
  };
}

/**
 * A team's hosts (.devcontainer/hosts): the torch build is chosen for all of them, so every
 * machine of the set writes the same committed files; the rest of the plan stays this machine's.
 * Null without a team; a warning when this machine is not one of its hosts.
 */
export function planTeam(host: HostFacts, members: readonly TeamHost[] | undefined, catalog: Catalog): PlanStep<TeamView | null> {
  if (!members || members.length === 0) return { value: null, decisions: [], warnings: [] };
  const team = teamView(members, catalog, enrichGpus);
  return { value: team, decisions: team.decisions, warnings: isTeamMember(host, members) ? [] : [notMemberWarning(members)] };
}
