import { describe, expect, it } from 'vitest';
import { parseGitUrl } from './others.js';
import { exactPin, vllmTorch } from './pinned.js';
import { resolveSpecial } from './registry.js';
import { target } from './test-helpers.js';
import type { Resolution, SpecialRequirement, WheelTarget } from './types.js';

function resolve(name: string, specifier = '', over: Partial<WheelTarget> = {}, extra: Partial<SpecialRequirement> = {}): Resolution {
  const r = resolveSpecial({ name, specifier, ...extra }, target(over));
  expect(r).not.toBeNull();
  return r!;
}

describe('torch family: paired with the plan torch, from its index', () => {
  it.each([
    { name: 'torchvision', over: {}, spec: '==0.23.*' },
    { name: 'torchvision', over: { torch: '2.12.1', backend: 'cu130' }, spec: '==0.27.*' },
    { name: 'torchaudio', over: {}, spec: '==2.8.*' },
    { name: 'torchaudio', over: { torch: '2.0.1', backend: 'cu118', abi: 'pre-cxx11' as const }, spec: '==2.0.*' },
    { name: 'xformers', over: {}, spec: '==0.0.32.post2' },
    { name: 'xformers', over: { torch: '2.9.1', backend: 'cu130' }, spec: '==0.0.33.post2' },
    { name: 'xformers', over: { torch: '2.13.0', backend: 'cu130' }, spec: '==0.0.35' },
    { name: 'torch', over: {}, spec: '==2.8.0' },
  ])('$name with torch $over.torch -> $spec', ({ name, over, spec }) => {
    const r = resolve(name, '', over);
    expect(r.kind).toBe('torch-index');
    if (r.kind === 'torch-index') expect(r.specifier).toBe(spec);
  });

  it("keeps the user's specifier when it admits the paired build", () => {
    const r = resolve('torchvision', '>=0.20');
    expect(r.kind === 'torch-index' && r.specifier === '>=0.20' && r.why.includes('kept')).toBe(true);
  });

  it("the user's pin for another torch -> conflict", () => {
    const r = resolve('torchvision', '==0.15.2');
    expect(r.kind === 'conflict' && r.message.includes('does not admit 0.23,')).toBe(true);
  });

  it('torchaudio after 2.11 -> torchaudio 2.11 (stable ABI: every later torch), and a 2.11.0 pin is kept', () => {
    const r = resolve('torchaudio', '', { torch: '2.13.0', backend: 'cu130' });
    expect(r).toMatchObject({ kind: 'torch-index', specifier: '==2.11.*' });
    expect(resolve('torchaudio', '==2.11.0', { torch: '2.14.1', backend: 'cu130' })).toMatchObject({ kind: 'torch-index', specifier: '==2.11.0' });
  });

  it('xformers: no cu132 build, no CPU build', () => {
    expect(resolve('xformers', '', { torch: '2.12.1', backend: 'cu132' }).kind).toBe('conflict');
    expect(resolve('xformers', '', { backend: 'cpu', gpus: [] }).kind).toBe('conflict');
  });

  it('triton: no pin (torch pins its own)', () => {
    const r = resolve('triton');
    expect(r.kind === 'torch-index' && r.specifier === null).toBe(true);
  });

  it('the repo pins torch 2.0.1 but the plan needs 2.8.0+cu128 -> the report says so', () => {
    const r = resolve('torch', '==2.0.1');
    expect(r.kind).toBe('conflict');
    if (r.kind === 'conflict') expect(r.message).toContain('torch==2.0.1');
  });
});

describe('PyG extensions: data.pyg.org flat pages', () => {
  it.each([
    { name: 'torch-scatter', over: {}, url: 'https://data.pyg.org/whl/torch-2.8.0+cu128.html' },
    { name: 'torch_sparse', over: { torch: '2.9.1', backend: 'cu130' }, url: 'https://data.pyg.org/whl/torch-2.9.1+cu130.html' },
    { name: 'pyg-lib', over: { torch: '2.6.0', backend: 'cu124', abi: 'pre-cxx11' as const }, url: 'https://data.pyg.org/whl/torch-2.6.0+cu124.html' },
    { name: 'pyg-lib', over: { torch: '2.13.0', backend: 'cu130' }, url: 'https://data.pyg.org/whl/torch-2.13.0+cu130.html' },
    { name: 'torch-cluster', over: { torch: '2.12.1', backend: 'cu132' }, url: 'https://data.pyg.org/whl/torch-2.12.1+cu132.html' },
    { name: 'torch-spline-conv', over: { torch: '2.14.1', backend: 'cpu', gpus: [] }, url: null },
  ])('$name on torch $over.torch $over.backend', ({ name, over, url }) => {
    const r = resolve(name, '', over);
    if (url) {
      expect(r.kind).toBe('index');
      if (r.kind === 'index') {
        expect(r.url).toBe(url);
        expect(r.format).toBe('flat');
      }
    } else {
      expect(r.kind === 'build' && r.warning !== undefined).toBe(true);
    }
  });

  it('torch-scatter stops at torch 2.12 while pyg-lib goes on: build + warning', () => {
    const r = resolve('torch-scatter', '==2.1.2', { torch: '2.13.0', backend: 'cu130' });
    expect(r.kind).toBe('build');
    if (r.kind === 'build') {
      expect(r.specifier).toBe('==2.1.2');
      expect(r.why).toContain('up to torch 2.12');
      expect(r.buildDependencies[0]).toEqual({ requirement: 'torch', matchRuntime: true });
    }
  });

  it('a variant without a page (torch 2.8 + cu130 does not exist on PyG) builds', () => {
    expect(resolve('torch-scatter', '', { torch: '2.8.0', backend: 'cu130' }).kind).toBe('build');
  });
});

describe('mmcv: OpenMMLab pages stop at torch 2.4', () => {
  it('torch 2.4 cu121 -> the OpenMMLab find-links page for mmcv 2.2.0', () => {
    const r = resolve('mmcv', '', { torch: '2.4.1', backend: 'cu121', abi: 'pre-cxx11' });
    expect(r.kind).toBe('index');
    if (r.kind === 'index') {
      expect(r.url).toBe('https://download.openmmlab.com/mmcv/dist/cu121/torch2.4/index.html');
      expect(r.specifier).toBe('==2.2.0');
      expect(r.confidence).toBe('V');
    }
  });

  it('torch 2.4 cu124 -> the cu121 page, marked as a same-major fallback', () => {
    const r = resolve('mmcv', '', { torch: '2.4.1', backend: 'cu124', abi: 'pre-cxx11' });
    expect(r.kind === 'index' && r.url.includes('/cu121/torch2.4/') && r.confidence === '?').toBe(true);
  });

  it('torch 2.8 -> build with MMCV_WITH_OPS=1 and a warning', () => {
    const r = resolve('mmcv', '>=2.0.0');
    expect(r.kind).toBe('build');
    if (r.kind === 'build') {
      expect(r.buildVariables).toMatchObject({ MMCV_WITH_OPS: '1', TORCH_CUDA_ARCH_LIST: '9.0' });
      expect(Number(r.buildVariables.MAX_JOBS)).toBeGreaterThan(0);
      expect(r.needsDevel).toBe(true);
      expect(r.warning).toBeDefined();
    }
  });

  it('a pin the page lacks (mmcv==2.1.0 on torch 2.4) builds', () => {
    expect(resolve('mmcv', '==2.1.0', { torch: '2.4.1', backend: 'cu121', abi: 'pre-cxx11' }).kind).toBe('build');
  });
});

describe('name clashes -> git sources', () => {
  it('apex -> NVIDIA/apex with C++/CUDA extension variables and match-runtime torch', () => {
    const r = resolve('apex', '==0.9.10dev', { gpus: [{ computeCapability: '8.0' }, { computeCapability: '9.0' }] });
    expect(r.kind).toBe('git');
    if (r.kind !== 'git') return;
    expect(r.git).toBe('https://github.com/NVIDIA/apex');
    expect(r.build?.buildVariables).toMatchObject({ APEX_CPP_EXT: '1', APEX_CUDA_EXT: '1', TORCH_CUDA_ARCH_LIST: '8.0;9.0' });
    expect(r.build?.buildDependencies).toContainEqual({ requirement: 'torch', matchRuntime: true });
    expect(r.build?.needsDevel).toBe(true);
    expect(r.why).toContain('Pyramid');
  });

  it('clip -> openai/CLIP; a given git URL keeps its rev', () => {
    const clip = resolve('clip');
    expect(clip.kind === 'git' && clip.git === 'https://github.com/openai/CLIP' && clip.rename === undefined).toBe(true);
    const pinned = resolve('clip', '', {}, { url: 'git+https://github.com/openai/CLIP.git@dcba3cb2e2827b402d2701e7e1c7d9fed8a20ef1' });
    expect(pinned.kind === 'git' && pinned.rev === 'dcba3cb2e2827b402d2701e7e1c7d9fed8a20ef1' && pinned.warning === undefined).toBe(true);
    expect(parseGitUrl('git+https://github.com/a/b@v1#subdirectory=pkg')).toEqual({ git: 'https://github.com/a/b', rev: 'v1', subdirectory: 'pkg' });
    expect(parseGitUrl('https://example.com/x.whl')).toBeNull();
  });
});

describe('openai-clip (a re-upload of CLIP) already satisfies CLIP: one distribution per import name (field test B8)', () => {
  it('the field-test shape: openai-clip unpinned stays the PyPI package; no rename, no git source', () => {
    const r = resolve('openai-clip');
    expect(r.kind).toBe('pypi');
    expect(r.kind !== 'conflict' && r.rename).toBeUndefined();
    expect(r.kind === 'pypi' && r.notes.join(' ')).toMatch(/never both/);
  });

  it('a second shape: openai_clip==1.0.1 (another spelling, pinned) keeps its pin', () => {
    const r = resolveSpecial({ name: 'openai_clip', specifier: '==1.0.1' }, target());
    expect(r).toMatchObject({ kind: 'pypi', name: 'openai-clip', specifier: '==1.0.1' });
  });

  it('openai-clip from a git URL the project gave: that source is kept, under the name it installs as', () => {
    const r = resolve('openai-clip', '', {}, { url: 'git+https://github.com/openai/CLIP.git@a1b2c3d' });
    expect(r).toMatchObject({ kind: 'git', git: 'https://github.com/openai/CLIP.git', rev: 'a1b2c3d', rename: 'clip' });
  });
});

describe('vLLM pins one torch', () => {
  it('vllm==0.10.0 on a torch 2.8 plan -> conflict proposing torch 2.7.1', () => {
    const r = resolve('vllm', '==0.10.0');
    expect(r.kind).toBe('conflict');
    if (r.kind === 'conflict') {
      expect(r.torch).toBe('2.7.1');
      expect(r.message).toContain('torch==2.7.1');
      expect(r.fix).toContain('--torch 2.7.1');
    }
  });

  it('vllm==0.27.1 on torch 2.12 -> conflict proposing 2.13.0, and naming none for 2.12', () => {
    const r = resolve('vllm', '==0.27.1', { torch: '2.12.1', backend: 'cu130' });
    expect(r.kind === 'conflict' && r.torch === '2.13.0').toBe(true);
  });

  it('a matching pin is a PyPI requirement with variant notes', () => {
    const r = resolve('vllm', '==0.20.2', { torch: '2.11.0', backend: 'cu130' });
    expect(r.kind).toBe('pypi');
    if (r.kind === 'pypi') expect(r.notes.join(' ')).toContain('wheels.vllm.ai');
  });

  it('knows pins between two agreeing rows (?) and nothing beyond', () => {
    expect(vllmTorch('0.15.1')).toMatchObject({ torch: '2.9.1', confidence: '?' });
    expect(vllmTorch('0.17.0')).toBeNull();
    expect(exactPin('==0.10.0')).toBe('0.10.0');
    expect(exactPin('>=0.10')).toBeNull();
    expect(exactPin('==0.10.*')).toBeNull();
  });
});

describe('nunchaku: GitHub release wheels', () => {
  it('RTX 4090 + torch 2.8 cu128 -> v1.2.1 +cu12.8torch2.8', () => {
    const r = resolve('nunchaku', '', { gpus: [{ computeCapability: '8.9' }] });
    expect(r.kind).toBe('wheel');
    if (r.kind === 'wheel') {
      expect(r.url).toBe('https://github.com/nunchaku-ai/nunchaku/releases/download/v1.2.1/nunchaku-1.2.1+cu12.8torch2.8-cp312-cp312-linux_x86_64.whl');
      expect(r.why).toContain('unrelated');
    }
  });

  it('a pin to 1.0.2 uses the +torchX.Y naming', () => {
    const r = resolve('nunchaku', '==1.0.2', { gpus: [{ computeCapability: '8.6' }], python: '3.11' });
    expect(r.kind === 'wheel' && r.filename === 'nunchaku-1.0.2+torch2.8-cp311-cp311-linux_x86_64.whl').toBe(true);
  });

  it('H100 (sm_90) -> conflict; torch without a build -> conflict', () => {
    expect(resolve('nunchaku').kind).toBe('conflict');
    expect(resolve('nunchaku', '', { torch: '2.13.0', backend: 'cu130', gpus: [{ computeCapability: '12.0' }] }).kind).toBe('conflict');
  });
});

describe('PyPI packages that need notes', () => {
  it('deepspeed: sdist built against the runtime torch, ops left to JIT in the devel image', () => {
    const r = resolve('deepspeed');
    expect(r.kind).toBe('pypi');
    if (r.kind !== 'pypi') return;
    expect(r.build?.buildDependencies[0]).toEqual({ requirement: 'torch', matchRuntime: true });
    expect(r.build?.needsDevel).toBe(true);
    expect(r.notes.join(' ')).toContain('DS_BUILD_OPS');
  });

  it('bitsandbytes: the PyPI wheel, with BNB_CUDA_VERSION explained', () => {
    const r = resolve('bitsandbytes', '>=0.45');
    expect(r.kind === 'pypi' && r.specifier === '>=0.45' && r.notes.join(' ').includes('BNB_CUDA_VERSION')).toBe(true);
  });

  it('mamba-ssm / causal-conv1d: the release wheel when one matches, else a build against the runtime torch', () => {
    // causal-conv1d v1.6.1.post4 (version 1.6.1) built torch 2.8 + nvcc 12.9.1 + cxx11abiTRUE; see dao-extension.test.ts.
    const r = resolve('causal_conv1d', '>=1.4');
    expect(r.kind === 'wheel' && r.filename).toBe('causal_conv1d-1.6.1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl');
    // No tag built torch 2.11: the configured source build, as before.
    const b = resolve('causal_conv1d', '>=1.4', { torch: '2.11.0', backend: 'cu130' });
    expect(b.kind).toBe('build');
    if (b.kind === 'build') {
      expect(b.buildVariables.TORCH_CUDA_ARCH_LIST).toBe('9.0');
      expect(b.buildVariables.CAUSAL_CONV1D_FORCE_BUILD).toBeUndefined();
      expect(b.why).toContain('Dao-AILab/causal-conv1d');
    }
  });
});

describe('knowledge of 2026-12 (each fails on the fact it replaced)', () => {
  it('torchvision==0.19.0 is the companion of torch 2.4.0: no warning to change the pin', () => {
    expect(resolve('torchvision', '==0.19.0', { torch: '2.4.0', backend: 'cu121' })).toMatchObject({ kind: 'torch-index', specifier: '==0.19.0' });
  });

  it('xformers 0.0.31+ has no kernels for Volta: left out on a V100, with the alternative named', () => {
    const r = resolve('xformers', '', { torch: '2.14.1', backend: 'cu126', gpus: [{ computeCapability: '7.0' }] });
    expect(r).toMatchObject({ kind: 'conflict', leaveOut: true });
    if (r.kind === 'conflict') expect(r.fix).toMatch(/--torch 2\.7\.0.*0\.0\.30|scaled_dot_product_attention/);
    expect(resolve('xformers', '', { torch: '2.14.1', backend: 'cu126', gpus: [{ computeCapability: '8.0' }] }).kind).toBe('torch-index');
  });
});
