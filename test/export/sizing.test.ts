import { describe, expect, it } from 'vitest';
import { sizeJob, type ClusterShape } from '../../src/export/sizing.js';
import { DanluError } from '../../src/lib/errors.js';
import type { SlurmPartition } from '../../src/probe/types.js';

const part = (over: Partial<SlurmPartition>): SlurmPartition => ({
  name: 'gpu',
  default: false,
  nodes: 4,
  cpus: 64,
  memoryMiB: 512 * 1024,
  gpus: 8,
  gpuTypes: ['a100'],
  timeLimit: '2-00:00:00',
  ...over,
});
const cluster: ClusterShape = {
  source: 'the cluster profile hpc',
  slurm: {
    version: '23.02.1',
    partitions: [
      part({ name: 'cpu', gpus: 0, cpus: 32, memoryMiB: 128 * 1024 }),
      part({ default: true }),
      part({ name: 'small', cpus: 2, memoryMiB: 15 * 1024, gpus: 1 }),
    ],
  },
};
const shm = { bytes: 11 * 1024 ** 3, text: '11g' };

describe('the size of a Slurm job', () => {
  it("without a cluster: danlu's defaults, said as such; options win and are said", () => {
    const d = sizeJob(null, {}, shm);
    expect(d).toMatchObject({ gpus: 1 });
    expect(d.cpus).toBeUndefined();
    expect(d.memory).toBeUndefined();
    expect(d.says).toMatch(/danlu's defaults, not by this cluster: 8 CPUs per GPU \(at least 4\), \/dev\/shm \(11g\) \+ 32G per GPU/);
    expect(sizeJob(null, { gpus: 2, cpus: 6, memory: '20g' }, shm)).toMatchObject({
      gpus: 2,
      cpus: 6,
      memory: '20g',
      says: 'Sized by the options given (--gpus, --cpus, --memory).',
    });
  });

  it("in the default partition: the job's share of a node, by its GPUs", () => {
    expect(sizeJob(cluster, {}, shm)).toMatchObject({ partition: 'gpu', gpus: 1, cpus: 8, memory: '64G' });
    const four = sizeJob(cluster, { gpus: 4 }, shm);
    expect(four).toMatchObject({ gpus: 4, cpus: 32, memory: '256G' });
    expect(four.says).toBe(
      "Sized for partition gpu (nodes of 64 CPUs, 512.0 GiB, 8 GPUs on its smallest node; from the cluster profile hpc): CPUs and memory as the job's share of a node (4 of its 8 GPUs).",
    );
    expect(sizeJob(cluster, { gpus: 8 }, shm).says).toMatch(/as a whole node\.$/);
  });

  it('a partition without GPUs: a CPU job of 4 CPUs and their share of memory', () => {
    expect(sizeJob(cluster, { partition: 'cpu' }, shm)).toMatchObject({ partition: 'cpu', gpus: 0, cpus: 4, memory: '16G' });
  });

  it('a small node: whole node, memory in M when not whole G', () => {
    expect(sizeJob(cluster, { partition: 'small' }, shm)).toMatchObject({ gpus: 1, cpus: 2, memory: '15G' });
    const odd = sizeJob({ source: 's', slurm: { version: null, partitions: [part({ default: true, cpus: 2, memoryMiB: 23081, gpus: 1 })] } }, {}, shm);
    expect(odd.memory).toBe('23081M');
  });

  it('what the nodes cannot hold is refused, naming the partitions there are', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DanluError);
        return (e as DanluError).message;
      }
      throw new Error('no error');
    };
    expect(err(() => sizeJob(cluster, { gpus: 16 }, shm))).toBe('--gpus 16: the nodes of partition gpu have at most 8 GPUs (the cluster profile hpc)');
    expect(err(() => sizeJob(cluster, { partition: 'cpu', gpus: 1 }, shm))).toMatch(/partition cpu have no GPU/);
    expect(err(() => sizeJob(cluster, { cpus: 65 }, shm))).toMatch(/--cpus 65: .* at most|have 64 CPUs/);
    expect(err(() => sizeJob(cluster, { memory: '1t' }, shm))).toMatch(/--memory 1t: .* 512\.0 GiB/);
    expect(err(() => sizeJob(cluster, { partition: 'h100' }, shm))).toBe(
      '--partition h100: the cluster profile hpc has no such partition (it has cpu, gpu, small)',
    );
  });

  it('asked-for values are kept as given', () => {
    expect(sizeJob(cluster, { gpus: 2, cpus: 3, memory: '10g' }, shm)).toMatchObject({ gpus: 2, cpus: 3, memory: '10g' });
    expect(sizeJob(cluster, { gpus: 2, cpus: 3, memory: '10g' }, shm).says).toMatch(/: by the options given\.$/);
  });
});

describe('what clusters report', () => {
  it('a node without RealMemory (1 MiB): memory unknown, not refused; the default said', () => {
    const bare: ClusterShape = {
      source: 'sinfo on this machine',
      slurm: { version: '22.05.8', partitions: [part({ default: true, cpus: 8, memoryMiB: 1, gpus: 2 })] },
    };
    const s = sizeJob(bare, {}, shm);
    expect(s).toMatchObject({ gpus: 1, cpus: 4 });
    expect(s.memory).toBeUndefined();
    expect(s.says).toMatch(/memory unknown.*Memory: danlu's default \(the cluster reports none/);
    expect(sizeJob(bare, { memory: '64g' }, shm).memory).toBe('64g');
  });
});

describe('the partition', () => {
  const cpuFirst: ClusterShape = {
    source: 'the cluster profile hpc',
    slurm: { version: null, partitions: [part({ name: 'cpu', default: true, gpus: 0, cpus: 32 }), part({ name: 'gpu' })] },
  };
  it('a GPU plan without --partition goes to a partition with GPUs when the default has none; a CPU plan stays on the default', () => {
    expect(sizeJob(cpuFirst, { wantGpus: true }, shm)).toMatchObject({ partition: 'gpu', gpus: 1 });
    expect(sizeJob(cpuFirst, {}, shm)).toMatchObject({ partition: 'cpu', gpus: 0 });
    expect(sizeJob(cpuFirst, { wantGpus: true, gpus: 0 }, shm)).toMatchObject({ partition: 'cpu', gpus: 0 });
    expect(sizeJob(cpuFirst, { wantGpus: true, partition: 'cpu' }, shm)).toMatchObject({ partition: 'cpu', gpus: 0 });
  });
});
