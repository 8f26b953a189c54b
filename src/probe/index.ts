import { realDeps, type ProbeDeps } from './deps.js';
import { probeDocker } from './docker.js';
import { probeNvidia } from './nvidia.js';
import { probeOs } from './os.js';
import { probeSlurm } from './slurm.js';
import { probeSystem } from './system.js';
import type { HostFacts, ProbeNote } from './types.js';
import { probeUser } from './user.js';
import { probeWsl } from './wsl.js';

export type { ProbeDeps } from './deps.js';
export { realDeps } from './deps.js';

export interface ProbeOptions {
  /** full: everything `danlu host` shows; runtime: daemon and runtimes only (for planning); skip. */
  docker?: 'full' | 'runtime' | 'skip';
  nvidia?: boolean;
  /** Ask `sinfo` for the Slurm cluster's partitions (`danlu host`, on a login node). */
  slurm?: boolean;
}

/** Probes this machine. Every probe runs at once; nothing here throws for a missing tool. */
export async function probeHost(deps: ProbeDeps = realDeps(), options: ProbeOptions = {}): Promise<HostFacts> {
  const dockerMode = options.docker ?? 'full';
  const [os, user, system, nvidia, docker, wsl, slurm] = await Promise.all([
    probeOs(deps),
    probeUser(deps),
    probeSystem(deps),
    options.nvidia === false ? { facts: null, notes: [] } : probeNvidia(deps),
    dockerMode === 'skip' ? { facts: null, notes: [] } : probeDocker(deps, dockerMode),
    probeWsl(deps),
    options.slurm ? probeSlurm(deps) : null,
  ]);
  const notes: ProbeNote[] = [...os.notes, ...user.notes, ...nvidia.notes, ...docker.notes, ...(slurm?.notes ?? [])];
  const isWsl = os.facts.kind === 'wsl2';
  if (isWsl && wsl && !wsl.dxg) {
    notes.push({ what: 'WSL', message: '/dev/dxg is missing: the Windows GPU driver is not exposed to this distro' });
  }
  return {
    os: os.facts,
    user: user.facts,
    cpus: system.cpus,
    memoryBytes: system.memoryBytes,
    nvidia: nvidia.facts,
    docker: docker.facts,
    wsl: isWsl ? wsl : null,
    ...(slurm ? { slurm: slurm.facts } : {}),
    timezone: system.timezone,
    source: 'probe',
    notes,
  };
}
