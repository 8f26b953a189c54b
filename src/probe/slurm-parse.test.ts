import { describe, expect, it } from 'vitest';
import { fakeDeps } from './fake-deps.js';
import { probeSlurm } from './slurm.js';
import { parseGres, parseSinfoNodes, parseSinfoVersion, slurmFacts } from './slurm-parse.js';

describe('sinfo', () => {
  it('reads the version of Debian and upstream builds', () => {
    expect(parseSinfoVersion('slurm-wlm 22.05.8\n')).toBe('22.05.8');
    expect(parseSinfoVersion('slurm 24.11.1')).toBe('24.11.1');
    expect(parseSinfoVersion('sinfo: error: no config')).toBeNull();
  });

  it('counts GPUs in generic resources of every shape, and nothing else', () => {
    expect(parseGres('gpu:1')).toEqual({ gpus: 1, types: [] });
    expect(parseGres('gpu:a100:4(S:0-1)')).toEqual({ gpus: 4, types: ['a100'] });
    expect(parseGres('gpu:a100:2(S:0,1),gpu:v100:2,mps:200')).toEqual({ gpus: 4, types: ['a100', 'v100'] });
    expect(parseGres('gpu')).toEqual({ gpus: 1, types: [] });
    expect(parseGres('(null)')).toEqual({ gpus: 0, types: [] });
    expect(parseGres('shard:8,gpumem:80G')).toEqual({ gpus: 0, types: [] });
  });

  it('joins the nodes of a partition into its smallest node; the default partition is marked', () => {
    const text = [
      'gpu01|gpu*|64|515000|gpu:a100:8(S:0-1)|2-00:00:00',
      'gpu02|gpu*|48|385000|gpu:a100:4|2-00:00:00',
      'cpu01|cpu|128|1000000|(null)|infinite',
      'gpu01|long|64|515000|gpu:a100:8|7-00:00:00',
      'bad line',
      'x|we;ird|1|2|(null)|infinite',
      'y|cpu|n/a|1000|(null)|infinite',
      '',
    ].join('\n');
    expect(parseSinfoNodes(text)).toEqual([
      { name: 'gpu', default: true, nodes: 2, cpus: 48, memoryMiB: 385000, gpus: 8, gpuTypes: ['a100'], timeLimit: '2-00:00:00' },
      { name: 'cpu', default: false, nodes: 1, cpus: 128, memoryMiB: 1000000, gpus: 0, gpuTypes: [], timeLimit: 'infinite' },
      { name: 'long', default: false, nodes: 1, cpus: 64, memoryMiB: 515000, gpus: 8, gpuTypes: ['a100'], timeLimit: '7-00:00:00' },
    ]);
  });

  it('no partition, no facts', () => {
    expect(slurmFacts('slurm 23.02.1', '')).toBeNull();
    expect(slurmFacts('slurm 23.02.1', 'n1|debug*|2|1000|(null)|infinite')).toMatchObject({ version: '23.02.1', partitions: [{ name: 'debug' }] });
  });
});

describe('probeSlurm', () => {
  const nodes = 'sinfo -h -N -o %N|%P|%c|%m|%G|%l';
  it('no sinfo: no cluster and nothing to say; a login node: its partitions and version', async () => {
    expect(await probeSlurm(fakeDeps())).toEqual({ facts: null, notes: [] });
    const deps = fakeDeps({ commands: { [nodes]: { stdout: 'vm|debug*|2|23081|gpu:1|infinite\n' }, 'sinfo --version': { stdout: 'slurm-wlm 22.05.8\n' } } });
    expect(await probeSlurm(deps)).toEqual({
      facts: {
        version: '22.05.8',
        partitions: [{ name: 'debug', default: true, nodes: 1, cpus: 2, memoryMiB: 23081, gpus: 1, gpuTypes: [], timeLimit: 'infinite' }],
      },
      notes: [],
    });
  });

  it('a controller that fails or does not answer: a note, and the version is not asked (one wait at most)', async () => {
    const failed = fakeDeps({ commands: { [nodes]: { code: 1, stderr: 'sinfo: error: x\nsinfo: fatal: Unable to contact slurm controller\n' } } });
    expect(await probeSlurm(failed)).toEqual({
      facts: null,
      notes: [{ what: 'slurm', message: 'sinfo is installed but gave no partitions: sinfo: fatal: Unable to contact slurm controller' }],
    });
    expect(failed.calls).toEqual([nodes]);
    const slow = fakeDeps({ commands: { [nodes]: { code: null, timedOut: true } } });
    expect((await probeSlurm(slow)).notes[0]!.message).toMatch(/no answer in 6 s/);
  });
});
