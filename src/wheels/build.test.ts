import { describe, expect, it } from 'vitest';
import { extensionBuild, PKG_RESOURCES_SETUPTOOLS, torchImportsPkgResources } from './build.js';
import { resolveSpecial } from './registry.js';
import { buildsOwnExtension, sourceBuildEnv, type OwnBuildFacts } from './source-build-env.js';
import { GiB, target } from './test-helpers.js';
import type { BuildDependency, Resolution, SpecialRequirement, WheelTarget } from './types.js';

function resolve(name: string, specifier = '', over: Partial<WheelTarget> = {}, extra: Partial<SpecialRequirement> = {}): Resolution {
  const r = resolveSpecial({ name, specifier, ...extra }, target(over));
  expect(r).not.toBeNull();
  return r!;
}

/** The build requirements a resolution configures (a build, a git source that compiles, an sdist from PyPI). */
function buildDeps(r: Resolution): string[] {
  const deps: readonly BuildDependency[] | undefined =
    r.kind === 'build' ? r.buildDependencies : r.kind === 'git' || r.kind === 'pypi' ? r.build?.buildDependencies : undefined;
  return (deps ?? []).map((d) => d.requirement);
}

describe('legacy setup.py builds get a setuptools that still has pkg_resources (field test C3, corpus D19)', () => {
  it('torch 2.1 and older import pkg_resources in cpp_extension; 2.2 and later do not', () => {
    expect(torchImportsPkgResources('2.0.1')).toBe(true);
    expect(torchImportsPkgResources('2.1.2')).toBe(true);
    expect(torchImportsPkgResources('1.13.1')).toBe(true);
    expect(torchImportsPkgResources('2.2.0')).toBe(false);
    expect(torchImportsPkgResources('2.14.1')).toBe(false);
  });

  it('the field-test shape: mmcv-full 1.7.1 with torch 2.0.1 (cu118, Python 3.9) builds with setuptools<81', () => {
    const r = resolve('mmcv-full', '==1.7.1', { torch: '2.0.1', backend: 'cu118', abi: 'pre-cxx11', python: '3.9' });
    expect(r.kind).toBe('build');
    expect(buildDeps(r)).toEqual(['torch', 'ninja', 'packaging', PKG_RESOURCES_SETUPTOOLS, 'wheel']);
    expect(r.kind === 'build' && r.why).toMatch(/setuptools<81: torch 2\.0\.1's cpp_extension imports pkg_resources/);
  });

  it('mmcv-full and a source build of mmcv hold setuptools below 81 with any torch: their setup.py imports pkg_resources', () => {
    for (const name of ['mmcv-full', 'mmcv']) {
      const r = resolve(name, name === 'mmcv' ? '==2.1.0' : '==1.7.2', { torch: '2.10.0', backend: 'cu130' });
      expect(r.kind, name).toBe('build');
      expect(buildDeps(r), name).toContain(PKG_RESOURCES_SETUPTOOLS);
      expect(r.kind === 'build' && r.why, name).toMatch(/its setup\.py imports pkg_resources/);
      expect(r.kind === 'build' && r.source, name).toContain('pin to Setuptools<81');
    }
  });

  it('the corpus shape: deepspeed 0.12.6 with torch 2.1.2 (its setup.py imports cpp_extension) gets setuptools<81; with torch 2.8 it does not', () => {
    const old = resolve('deepspeed', '==0.12.6', { torch: '2.1.2', backend: 'cu121', abi: 'pre-cxx11', python: '3.10' });
    expect(old.kind).toBe('pypi');
    expect(buildDeps(old)).toContain(PKG_RESOURCES_SETUPTOOLS);
    const recent = resolve('deepspeed', '', { torch: '2.8.0', backend: 'cu128' });
    expect(buildDeps(recent)).toContain('setuptools');
    expect(buildDeps(recent)).not.toContain(PKG_RESOURCES_SETUPTOOLS);
  });

  it('every other configured torch extension build against torch < 2.2 gets it too (flash-attn, apex, mamba-ssm, causal-conv1d)', () => {
    const old = { torch: '2.1.2', backend: 'cu121', abi: 'pre-cxx11' as const, python: '3.10', gpus: [{ computeCapability: '12.0' }] };
    for (const name of ['flash-attn', 'apex', 'mamba-ssm', 'causal-conv1d']) {
      const r = resolve(name, '', old);
      expect(buildDeps(r), `${name}: ${r.kind}`).toContain(PKG_RESOURCES_SETUPTOOLS);
    }
    // A build against a recent torch keeps the newest setuptools (the package's own pins rule).
    expect(buildDeps(resolve('apex'))).toContain('setuptools');
    expect(buildDeps(resolve('apex'))).not.toContain(PKG_RESOURCES_SETUPTOOLS);
  });
});

describe('per-machine build settings for every source build, the project its own included (field test D3)', () => {
  const h100 = target({ torch: '2.14.1', backend: 'cu130', memoryBytes: 64 * GiB, cpus: 16 });
  const none: OwnBuildFacts = { compilesCuda: { value: false, why: 'no CUDA sources or extension builds found' }, imported: null };
  /** `pip install ./my_ext`, whose setup.py uses CUDAExtension: what read-project reports. */
  const localExt: OwnBuildFacts = {
    compilesCuda: { value: true, why: 'my-ext needs torch to build (my-ext (my_ext): setup.py imports torch.utils.cpp_extension)' },
    imported: { buildTimeTorch: [{ name: 'my-ext' }], noBuildIsolation: [] },
  };
  /** The project itself: setup.py at the root with CUDAExtension. */
  const ownSetup: OwnBuildFacts = {
    compilesCuda: { value: true, why: 'setup.py builds torch CUDA extensions' },
    imported: { buildTimeTorch: [{}], noBuildIsolation: [] },
  };

  it('the field-test shape: a local CUDA extension (pip install ./my_ext) and no special package gets MAX_JOBS and TORCH_CUDA_ARCH_LIST', () => {
    expect(sourceBuildEnv([], none, h100)).toEqual({});
    expect(buildsOwnExtension(localExt)).toBe(true);
    expect(sourceBuildEnv([], localExt, h100)).toEqual({ MAX_JOBS: '16', TORCH_CUDA_ARCH_LIST: '9.0' });
  });

  it('a second shape: the project itself on a V100 + RTX 3090 box with a configured mmcv build: one environment, the smaller MAX_JOBS', () => {
    const mixed = target({
      torch: '2.7.1',
      backend: 'cu118',
      gpus: [{ computeCapability: '7.0' }, { computeCapability: '8.6' }],
      memoryBytes: 32 * GiB,
      cpus: 32,
    });
    expect(buildsOwnExtension(ownSetup)).toBe(true);
    expect(sourceBuildEnv([], ownSetup, mixed)).toEqual({ MAX_JOBS: '8', TORCH_CUDA_ARCH_LIST: '7.0;8.6' });
    const mmcv = resolve('mmcv', '==2.2.0', mixed);
    expect(mmcv.kind).toBe('build');
    // mmcv asks for 32 GiB / 4 GiB = 8 jobs; the project's own extension the same: 8.
    expect(sourceBuildEnv([{ resolution: mmcv }], ownSetup, mixed)).toEqual({ MAX_JOBS: '8', TORCH_CUDA_ARCH_LIST: '7.0;8.6', MMCV_WITH_OPS: '1' });
  });

  it('CUDA sources alone (no setup file read) count; a CPU plan gets MAX_JOBS only', () => {
    const cu: OwnBuildFacts = { compilesCuda: { value: true, why: 'CUDA sources in the project (kernels/a.cu)' }, imported: null };
    expect(sourceBuildEnv([], cu, target({ backend: 'cpu', gpus: [], memoryBytes: 8 * GiB, cpus: 4 }))).toEqual({ MAX_JOBS: '2' });
  });

  it("a special package built without isolation (flash-attn in a README) is not the project's own build: its resolution decides", () => {
    const readmeFa: OwnBuildFacts = {
      compilesCuda: { value: true, why: 'flash-attn is built without build isolation (README.md:5)' },
      imported: { buildTimeTorch: [], noBuildIsolation: [{ name: 'flash-attn' }] },
    };
    expect(buildsOwnExtension(readmeFa)).toBe(false);
    const routed = resolve('flash-attn', '', { torch: '2.11.0', backend: 'cu130' });
    expect(routed.kind).toBe('index');
    expect(sourceBuildEnv([{ resolution: routed }], readmeFa, h100)).toEqual({});
    // basicsr (the build-needs table: torch at build time, written by danlu and read back on the next run) is not either.
    const basicsr: OwnBuildFacts = {
      compilesCuda: { value: true, why: 'basicsr needs torch to build ([tool.uv] extra-build-dependencies adds torch)' },
      imported: { buildTimeTorch: [{ name: 'basicsr' }], noBuildIsolation: [] },
    };
    expect(buildsOwnExtension(basicsr)).toBe(false);
    // ...while the project's own CUDA sources next to it still count.
    expect(buildsOwnExtension({ ...readmeFa, compilesCuda: { value: true, why: 'CUDA sources in the project (csrc/k.cu)' } })).toBe(true);
  });

  it('extensionBuild and sourceBuildEnv agree on what the own extension gets', () => {
    expect(sourceBuildEnv([], localExt, h100)).toEqual(extensionBuild(h100).buildVariables);
  });
});
