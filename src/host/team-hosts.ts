import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostFacts } from '../probe/types.js';
import { readHostFile } from './host-file.js';

/** A machine of the team (a `danlu host --json` profile committed in .devcontainer/hosts/). */
export interface TeamHost {
  name: string;
  host: HostFacts;
}

/** Where a team commits its machines' profiles (`danlu host add NAME`). */
export const TEAM_HOSTS_DIR = join('.devcontainer', 'hosts');

/** The team's hosts, committed in .devcontainer/hosts/*.json; sorted by name. */
export async function readTeamHosts(dir: string, defaults: HostFacts): Promise<TeamHost[]> {
  const folder = join(dir, TEAM_HOSTS_DIR);
  const names = (await readdir(folder).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => ({ name: n.replace(/\.json$/, ''), host: await readHostFile(join(folder, n), defaults) })));
}
