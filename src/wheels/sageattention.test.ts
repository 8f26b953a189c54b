import { describe, expect, it } from 'vitest';
import { resolveSpecial } from './registry.js';
import { target } from './test-helpers.js';

const sage = (specifier: string, over: Parameters<typeof target>[0] = {}) => resolveSpecial({ name: 'SageAttention', specifier }, target(over));

describe('sageattention', () => {
  it("Astral's build for the planned torch and CUDA, pinned by its label (H100, torch 2.11 cu128 and cu130)", () => {
    expect(sage('', { torch: '2.11.0' })).toMatchObject({
      kind: 'index',
      name: 'sageattention',
      url: 'https://wheels.astral.sh/simple/cu128/',
      specifier: '==2.2.0+cu.12.8.torch.2.11',
    });
    expect(sage('>=2', { torch: '2.11.0', backend: 'cu130' })).toMatchObject({ kind: 'index', specifier: '==2.2.0+cu.13.0.torch.2.11' });
  });

  it('no Astral build for this torch: built from its repository, for the GPUs, one extension at a time', () => {
    const r = sage('', { torch: '2.8.0', gpus: [{ computeCapability: '8.6' }, { computeCapability: '8.9' }] });
    expect(r).toMatchObject({ kind: 'git', git: 'https://github.com/thu-ml/SageAttention' });
    if (r?.kind !== 'git' || !r.build) throw new Error('expected a git build');
    expect(r.build.buildVariables).toMatchObject({ TORCH_CUDA_ARCH_LIST: '8.6;8.9', EXT_PARALLEL: '1' });
    expect(r.build.buildDependencies[0]).toEqual({ requirement: 'torch', matchRuntime: true });
    expect(r.build.needsDevel).toBe(true);
    expect(r.why).toMatch(/PyPI has only SageAttention 1/);
  });

  it('GPUs unknown (an image build sees none): every architecture it supports that the CUDA compiles', () => {
    const list = (backend: string) => {
      const r = sage('', { backend, gpus: [{ computeCapability: null }] });
      return r?.kind === 'git' ? r.build?.buildVariables.TORCH_CUDA_ARCH_LIST : r?.kind;
    };
    expect(list('cu128')).toBe('8.0;8.6;8.9;9.0;12.0');
    expect(list('cu126')).toBe('8.0;8.6;8.9;9.0');
  });

  it('a GPU older than Ampere, a CUDA its setup.py refuses, a CPU plan: conflicts that say what to do', () => {
    expect(sage('', { gpus: [{ computeCapability: '8.0' }, { computeCapability: '7.0' }] })).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/compute capability 8\.0 and newer .* sm_70/),
      fix: expect.stringMatching(/sageattention==1\.0\.6/),
    });
    expect(sage('', { torch: '2.4.1', backend: 'cu118', gpus: [{ computeCapability: '8.6' }] })).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/CUDA 12\.0 or newer/),
    });
    expect(sage('', { torch: '2.4.1', backend: 'cu121', gpus: [{ computeCapability: '8.9' }] })).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/compute capability 8\.9 need CUDA 12\.4/),
    });
    expect(sage('', { backend: 'cpu', gpus: [] })).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/NVIDIA GPU/) });
  });

  it('SageAttention 1 asked for: the PyPI release (Triton, nothing compiles), on any GPU', () => {
    for (const spec of ['==1.0.6', '<2']) {
      expect(sage(spec, { gpus: [{ computeCapability: '7.5' }] })).toMatchObject({ kind: 'pypi', specifier: spec });
    }
  });
});
