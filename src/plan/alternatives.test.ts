import { describe, expect, it } from 'vitest';
import { acceleratorOf } from '../project/import/import-project.js';
import type { Alternative } from '../project/import/types.js';
import { choose, keptSide, solvedAlternatives } from './alternatives.js';

const alt = (file: string, group: string): Alternative => ({ file, group, ...acceleratorOf(group)! });

describe('one requirements file per accelerator', () => {
  it('reads the accelerator a name says', () => {
    expect(acceleratorOf('cuda12')).toEqual({ accelerator: 'cuda', cudaMajor: 12 });
    expect(acceleratorOf('cu118-py312')).toEqual({ accelerator: 'cuda', cudaMajor: 11 });
    expect(acceleratorOf('gpu')).toEqual({ accelerator: 'cuda', cudaMajor: null });
    expect(acceleratorOf('cpu')).toEqual({ accelerator: 'cpu', cudaMajor: null });
    expect(acceleratorOf('rocm6.3')).toEqual({ accelerator: 'other', cudaMajor: null });
    expect(acceleratorOf('dev')).toBeNull();
  });

  const set = [alt('requirements-cpu.txt', 'cpu'), alt('requirements-cuda11.txt', 'cuda11'), alt('requirements-cuda12.txt', 'cuda12')];
  it('takes the newest CUDA the driver runs, CPU without a GPU', () => {
    expect(choose(set, { gpus: 1, driverCuda: '13.0' }).group).toBe('cuda12');
    expect(choose(set, { gpus: 1, driverCuda: '11.4' }).group).toBe('cuda11');
    expect(choose(set, { gpus: 0, driverCuda: null }).group).toBe('cpu');
    // A driver older than every file's CUDA: the oldest, and the plan then says it does not fit.
    expect(choose([alt('a.txt', 'cuda12'), alt('b.txt', 'cuda13')], { gpus: 1, driverCuda: '11.4' }).group).toBe('cuda12');
    // A file that says only "gpu" is the CUDA one when no numbered file fits.
    expect(choose([alt('a.txt', 'cpu'), alt('b.txt', 'gpu')], { gpus: 2, driverCuda: '12.4' }).group).toBe('gpu');
  });
});

describe('pairs uv found cannot be installed together: the side this machine installs', () => {
  const extra = (name: string) => ({ kind: 'extra' as const, name });
  const group = (name: string) => ({ kind: 'group' as const, name });
  it('the extra the README names first; else a group; an extra the README does not name is never kept', () => {
    expect(keptSide([extra('sglang'), extra('vllm')], ['vllm', 'sglang'])).toEqual(extra('vllm'));
    expect(keptSide([group('dev'), extra('gpu')], ['gpu'])).toEqual(extra('gpu'));
    expect(keptSide([extra('gpu'), group('dev')], [])).toEqual(group('dev'));
    expect(keptSide([extra('torch26'), extra('torch27')], [])).toBeUndefined();
  });
  it('the alternatives are the other sides, by normalized name', () => {
    const pairs = [{ sides: [group('dev'), extra('GPU_x')] }, { sides: [extra('a'), extra('b')] }];
    expect(solvedAlternatives(pairs, ['gpu-x']).sort()).toEqual(['a', 'b', 'dev']);
  });
});
