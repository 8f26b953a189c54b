import { DanluError } from '../lib/errors.js';
import type { SlurmFacts, SlurmPartition } from '../probe/types.js';
import { parseSize, slurmMemory } from './size.js';

/** A cluster to size a job by, and where its facts came from ("the cluster profile hpc"). */
export interface ClusterShape {
  source: string;
  slurm: SlurmFacts;
}

/** What the user asked for; anything left out is sized from the cluster, or by the defaults. */
export interface SizeRequest {
  partition?: string;
  /** The plan's torch runs on GPUs: without --partition, a partition that has some. */
  wantGpus?: boolean;
  gpus?: number;
  cpus?: number;
  memory?: string;
}

export interface Sizing {
  partition?: string;
  gpus: number;
  cpus?: number;
  memory?: string;
  /** One sentence for the script's header: where the numbers come from. */
  says: string;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function describeNode(p: SlurmPartition): string {
  const memory = p.memoryMiB > 1 ? `${(p.memoryMiB / 1024).toFixed(1)} GiB` : 'memory unknown';
  return `${plural(p.cpus, 'CPU')}, ${memory}, ${p.gpus === 0 ? 'no GPU' : plural(p.gpus, 'GPU')}${p.nodes > 1 ? ' on its smallest node' : ''}`;
}

function pickPartition(cluster: ClusterShape, name: string | undefined, wantGpus: boolean): SlurmPartition {
  const list = cluster.slurm.partitions;
  if (name === undefined) {
    const byDefault = list.find((p) => p.default) ?? list[0]!;
    // A GPU plan on a cluster whose default partition has no GPU: the first one that has.
    return wantGpus && byDefault.gpus === 0 ? (list.find((p) => p.gpus > 0) ?? byDefault) : byDefault;
  }
  const p = list.find((x) => x.name === name);
  if (!p) {
    throw new DanluError(`--partition ${name}: ${cluster.source} has no such partition (it has ${list.map((x) => x.name).join(', ')})`, {
      hint: 'pick one of them, or refresh the profile: `danlu host add NAME` on the login node',
    });
  }
  return p;
}

/**
 * The job's GPUs, CPUs and memory per node. Asked-for values win; the rest is the job's share of
 * a node of the partition (GPUs asked / GPUs per node of its CPUs and memory; a CPU job: 4 CPUs
 * and their share), so the job fits every node the scheduler may pick. A request larger than
 * the partition's nodes is refused: sbatch would refuse it too. Without a cluster: danlu's
 * defaults (8 CPUs per GPU, at least 4; /dev/shm + 32 GiB per GPU), said as such.
 */
export function sizeJob(cluster: ClusterShape | null, req: SizeRequest, shm: { bytes: number; text: string }): Sizing {
  if (!cluster || cluster.slurm.partitions.length === 0) {
    const gpus = req.gpus ?? 1;
    const auto = [
      ...(req.cpus === undefined ? ['8 CPUs per GPU (at least 4)'] : []),
      ...(req.memory === undefined ? [`/dev/shm (${shm.text}) + 32G per GPU of memory`] : []),
    ];
    return {
      ...(req.partition !== undefined ? { partition: req.partition } : {}),
      gpus,
      ...(req.cpus !== undefined ? { cpus: req.cpus } : {}),
      ...(req.memory !== undefined ? { memory: req.memory } : {}),
      says:
        auto.length === 0
          ? 'Sized by the options given (--gpus, --cpus, --memory).'
          : `Sized by danlu's defaults, not by this cluster: ${auto.join(', ')}. Size it with --cpus/--memory, or export on the login node (or with --cluster NAME after \`danlu host add NAME\` there).`,
    };
  }
  const p = pickPartition(cluster, req.partition, req.wantGpus === true && req.gpus !== 0);
  const gpus = req.gpus ?? (p.gpus > 0 ? 1 : 0);
  const tooBig = (what: string, has: string) =>
    new DanluError(`${what}: the nodes of partition ${p.name} have ${has} (${cluster.source})`, {
      hint: `ask for less, or pick another partition (${cluster.slurm.partitions.map((x) => `${x.name}: ${describeNode(x)}`).join('; ')})`,
    });
  if (gpus > p.gpus) throw tooBig(`--gpus ${gpus}`, p.gpus === 0 ? 'no GPU' : `at most ${plural(p.gpus, 'GPU')}`);
  // The job's share of a node: its GPUs' share, or 4 CPUs' share for a CPU job.
  const share = gpus > 0 ? gpus / p.gpus : Math.min(p.cpus, 4) / p.cpus;
  const cpus = req.cpus ?? Math.max(1, Math.floor(p.cpus * share));
  if (cpus > p.cpus) throw tooBig(`--cpus ${cpus}`, `${plural(p.cpus, 'CPU')}`);
  // A node without RealMemory in slurm.conf reports 1 MiB: its memory is unknown, not tiny.
  const memoryKnown = p.memoryMiB > 1;
  const memoryMiB = req.memory !== undefined ? Math.ceil(parseSize(req.memory, '--memory') / 2 ** 20) : Math.max(1, Math.floor(p.memoryMiB * share));
  if (memoryKnown && memoryMiB > p.memoryMiB) throw tooBig(`--memory ${req.memory}`, `${(p.memoryMiB / 1024).toFixed(1)} GiB`);
  const memory = req.memory ?? (memoryKnown ? slurmMemory(memoryMiB * 2 ** 20) : undefined);
  const whole = share >= 1;
  const sized = [req.gpus === undefined ? 'GPUs' : '', req.cpus === undefined ? 'CPUs' : '', req.memory === undefined && memoryKnown ? 'memory' : ''].filter(
    Boolean,
  );
  return {
    partition: p.name,
    gpus,
    cpus,
    ...(memory !== undefined ? { memory } : {}),
    says:
      `Sized for partition ${p.name} (nodes of ${describeNode(p)}; from ${cluster.source})` +
      (sized.length === 0
        ? ': by the options given.'
        : `: ${sized.join(', ').replace(/, (?=[^,]*$)/, ' and ')} as ${whole ? 'a whole node' : `the job's share of a node (${gpus > 0 ? `${gpus} of its ${p.gpus} GPUs` : `${cpus} of its ${p.cpus} CPUs`})`}.`) +
      (memoryKnown || req.memory !== undefined ? '' : ` Memory: danlu's default (the cluster reports none for its nodes: no RealMemory in slurm.conf).`),
  };
}
