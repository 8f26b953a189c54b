import type { ProbeDeps } from './deps.js';
import { SINFO_FORMAT, slurmFacts } from './slurm-parse.js';
import type { ProbeNote, SlurmFacts } from './types.js';

/** sinfo asks slurmctld, and waits for a configuration it cannot read (up to a minute). */
const SINFO_TIMEOUT_MS = 6000;

/**
 * The Slurm cluster this machine submits to (a login node): its partitions from `sinfo`.
 * null without sinfo; a note when sinfo is there but gave no partitions. At most one wait:
 * the version is asked only once the cluster has answered.
 */
export async function probeSlurm(deps: ProbeDeps): Promise<{ facts: SlurmFacts | null; notes: ProbeNote[] }> {
  const nodes = await deps.exec('sinfo', ['-h', '-N', '-o', SINFO_FORMAT], { timeoutMs: SINFO_TIMEOUT_MS });
  if (nodes.missing) return { facts: null, notes: [] };
  const version = nodes.code === 0 ? await deps.exec('sinfo', ['--version'], { timeoutMs: SINFO_TIMEOUT_MS }) : null;
  const facts = nodes.code === 0 ? slurmFacts(version?.stdout ?? '', nodes.stdout) : null;
  if (facts) return { facts, notes: [] };
  const why = nodes.timedOut ? `no answer in ${SINFO_TIMEOUT_MS / 1000} s` : (nodes.stderr.trim().split('\n').pop() ?? '') || 'no partition listed';
  return { facts: null, notes: [{ what: 'slurm', message: `sinfo is installed but gave no partitions: ${why}` }] };
}
