import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostFacts, SlurmFacts } from '../probe/types.js';
import { readHostFile } from './host-file.js';

/** A machine of the team (a `danlu host --json` profile committed in .devcontainer/hosts/). */
export interface TeamHost {
  name: string;
  host: HostFacts;
}

/** Where a team commits its machines' profiles (`danlu host add NAME`). */
export const TEAM_HOSTS_DIR = join('.devcontainer', 'hosts');

/** Every profile committed in .devcontainer/hosts/*.json; sorted by name. */
async function readProfiles(dir: string, defaults: HostFacts): Promise<TeamHost[]> {
  const folder = join(dir, TEAM_HOSTS_DIR);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => ({ name: n.replace(/\.json$/, ''), host: await readHostFile(join(folder, n), defaults) })));
}

/** A cluster's login node: it describes Slurm partitions and has no NVIDIA GPU of its own. */
const loginNode = (h: HostFacts): boolean => Boolean(h.slurm) && (h.nvidia?.gpus.length ?? 0) === 0;

/**
 * The team's machines: the profiles of .devcontainer/hosts but a cluster's login node: jobs run
 * on its compute nodes, not on it, so it says nothing of what torch must run on. A GPU server
 * that also answers `sinfo` (a compute node, a submit host) stays a team machine.
 */
export async function readTeamHosts(dir: string, defaults: HostFacts): Promise<TeamHost[]> {
  return (await readProfiles(dir, defaults)).filter((t) => !loginNode(t.host));
}

/** The clusters among the profiles (`danlu host add NAME` on a login node); sorted by name. */
export async function readClusters(dir: string, defaults: HostFacts): Promise<{ name: string; slurm: SlurmFacts }[]> {
  return (await readProfiles(dir, defaults)).flatMap((t) => (t.host.slurm ? [{ name: t.name, slurm: t.host.slurm }] : []));
}
