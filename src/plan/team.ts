import type { Catalog } from '../catalog/index.js';
import type { TeamHost } from '../host/team-hosts.js';
import { compareDotted } from '../lib/version.js';
import type { GpuFacts, HostFacts } from '../probe/types.js';
import type { HostGpuView } from './choose-torch.js';
import { driverCuda } from './driver.js';
import type { Decision, Warning } from './types.js';

export type { TeamHost };

/**
 * What the committed files are planned for when the repository names its team's hosts: the
 * oldest driver of any of them and every GPU of every one (a CUDA build runs on a machine
 * without a GPU too, so those do not constrain it). The same on every machine of the set, so
 * the committed files are too.
 */
export function teamView(team: readonly TeamHost[], catalog: Catalog, enrich: (g: readonly GpuFacts[]) => GpuFacts[]): { view: HostGpuView; decisions: Decision[] } {
  const withGpu = team.filter((t) => t.host.nvidia && t.host.nvidia.gpus.length > 0);
  const gpus = withGpu.flatMap((t) => enrich(t.host.nvidia!.gpus).map((g) => ({ ...g, name: `${g.name} (${t.name})` })));
  const drivers = withGpu.map((t) => ({ name: t.name, version: t.host.nvidia!.driverVersion, cuda: driverCuda(t.host.nvidia!.driverVersion, t.host.nvidia!.cudaVersion, catalog) }));
  const oldest = [...drivers].sort((a, b) => compareDotted(a.version, b.version))[0] ?? null;
  const decisions: Decision[] = [
    {
      what: 'team hosts',
      choice: team.map((t) => t.name).join(', '),
      why:
        withGpu.length === 0
          ? 'no host of the team has an NVIDIA GPU: planned as CPU'
          : `the committed files are planned for every host in .devcontainer/hosts: the oldest driver (${oldest!.version} on ${oldest!.name}) and the GPUs of all of them (${[...new Set(gpus.map((g) => g.computeCapability ?? '?'))].join(', ')})`,
      source: '.devcontainer/hosts',
    },
  ];
  return { view: { gpus, driverVersion: oldest?.version ?? null, driverCuda: oldest?.cuda ?? null }, decisions };
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
