import { describe, expect, it } from 'vitest';
import { ASTRAL_INDEXES } from '../catalog/data/astral-wheels.js';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { makePlan } from '../plan/make-plan.js';
import { hostProfile, projectFacts } from '../plan/testing/fixtures.js';
import { astralCandidates, astralIndexResolution, withoutAstralLabel } from './astral.js';
import { resolveSpecial } from './registry.js';
import { target } from './test-helpers.js';

describe("Astral's GPU indexes", () => {
  it('serve flash-attn for torch 2.11 + cu128 as an explicit index with the build pinned by its local label', () => {
    const r = astralIndexResolution('flash-attn', '>=2.7', target({ torch: '2.11.0', backend: 'cu128' }));
    expect(r).toMatchObject({
      kind: 'index',
      indexName: 'astral-cu128',
      url: 'https://wheels.astral.sh/simple/cu128/',
      format: 'simple',
      specifier: '==2.8.3.post1+cu.12.8.torch.2.11',
      pinLocal: true,
    });
    expect(r!.why).toMatch(/built for torch 2\.11 with CUDA 12\.8/);
  });

  it('come before a release-wheel URL when both fit (torch 2.8 + cu128 has an official wheel too)', () => {
    expect(resolveSpecial({ name: 'flash-attn', specifier: '' }, target({ torch: '2.8.0', backend: 'cu128' }))?.kind).toBe('index');
    expect(resolveSpecial({ name: 'flash-attn', specifier: '' }, target({ torch: '2.8.0', backend: 'cu128' }), { astral: null })?.kind).toBe('wheel');
  });

  it('are not used without a build for the torch minor, the CUDA variant, the Python or the project range', () => {
    expect(astralIndexResolution('flash-attn', '', target({ torch: '2.14.1', backend: 'cu130' }))).toBeNull();
    expect(astralIndexResolution('flash-attn', '', target({ torch: '2.11.0', backend: 'cu126' }))).toBeNull();
    expect(astralIndexResolution('flash-attn', '', target({ torch: '2.11.0', backend: 'cpu', gpus: [] }))).toBeNull();
    expect(astralIndexResolution('flash-attn', '', target({ torch: '2.11.0', backend: 'cu128', python: '3.9' }))).toBeNull();
    expect(astralIndexResolution('flash-attn', '<2.8', target({ torch: '2.11.0', backend: 'cu128' }))).toBeNull();
  });

  it('every row names a declared channel, a torch minor and its source', () => {
    for (const row of ASTRAL_INDEXES.rows) {
      expect(ASTRAL_INDEXES.channels).toContain(`cu${row.cuda.replace('.', '')}`);
      expect(row.torch).toMatch(/^2\.\d+$/);
      expect(row.source.length).toBeGreaterThan(10);
    }
    expect(astralCandidates('mamba-ssm', '', target({ torch: '2.11.0', backend: 'cu128' })).map((r) => r.version)).toEqual(['2.3.2.post1']);
  });

  it('a Zonos-like project (flash-attn + mamba-ssm + causal-conv1d) on an H100 with driver 580 plans the torch they serve, every package from one index', () => {
    const plan = makePlan({
      host: hostProfile({ gpus: ['NVIDIA H100 80GB HBM3'], driver: '580.95.05', cuda: '13.0' }),
      project: projectFacts({
        requirements: ['flash-attn>=2.7.3', 'mamba-ssm>=2.2.4', 'causal-conv1d>=1.5.0.post8'].map((raw, i) => ({
          name: raw.split('>')[0]!,
          raw,
          specifier: raw.slice(raw.indexOf('>')),
          origin: { file: 'requirements.txt', line: i + 1 },
        })),
      }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    expect([plan.torch.version, plan.torch.backend]).toEqual(['2.11.0', 'cu128']);
    expect(plan.decisions.find((d) => d.what === 'torch')!.why).toMatch(/prebuilt wheels/);
    expect(
      plan.packages.map((p) => [p.name, p.resolution.kind, p.resolution.kind === 'index' ? `${p.resolution.indexName} ${p.resolution.specifier}` : '']),
    ).toEqual([
      ['flash-attn', 'index', 'astral-cu128 ==2.8.3.post1+cu.12.8.torch.2.11'],
      ['mamba-ssm', 'index', 'astral-cu128 ==2.3.2.post1+cu.12.8.torch.2.11'],
      ['causal-conv1d', 'index', 'astral-cu128 ==1.6.2.post1+cu.12.8.torch.2.11'],
    ]);
  });
});

describe("danlu's own routed pin, read back, is the same Astral build (field test C5)", () => {
  it('the field-test shape: flash-attn==2.8.3.post1+cu.13.0.torch.2.11 on the same torch 2.11 + cu130 plan: the same index and pin, no build', () => {
    const t = target({ torch: '2.11.0', backend: 'cu130' });
    const first = resolveSpecial({ name: 'flash-attn', specifier: '' }, t);
    expect(first).toMatchObject({ kind: 'index', specifier: '==2.8.3.post1+cu.13.0.torch.2.11' });
    const again = resolveSpecial({ name: 'flash-attn', specifier: (first as { specifier: string }).specifier }, t);
    expect(again).toEqual(first);
    expect(again && 'warning' in again ? again.warning : undefined).toBeUndefined();
  });

  it('a second shape: mamba-ssm and causal-conv1d pinned for cu128 by an init on another machine: the build for this plan is chosen again', () => {
    const cu128 = target({ torch: '2.11.0', backend: 'cu128', gpus: [{ computeCapability: '12.0' }] });
    for (const name of ['mamba-ssm', 'causal-conv1d']) {
      const first = resolveSpecial({ name, specifier: '' }, cu128);
      expect(first?.kind, name).toBe('index');
      const pin = (first as { specifier: string }).specifier;
      expect(pin, name).toMatch(/\+cu\.12\.8\.torch\.2\.11$/);
      expect(resolveSpecial({ name, specifier: pin }, cu128), name).toEqual(first);
    }
    // flash-attn pinned for cu128 by another machine, planned here for cu130: the cu130 build of that version.
    const moved = resolveSpecial({ name: 'flash-attn', specifier: '==2.8.3.post1+cu.12.8.torch.2.11' }, target({ torch: '2.11.0', backend: 'cu130' }));
    expect(moved).toMatchObject({ kind: 'index', indexName: 'astral-cu130', specifier: '==2.8.3.post1+cu.13.0.torch.2.11' });
  });

  it('other local labels and ranges are left as written', () => {
    expect(withoutAstralLabel('==2.8.3.post1+cu.13.0.torch.2.11')).toBe('==2.8.3.post1');
    expect(withoutAstralLabel('== 2.8.3+cu.12.8.torch.2.10')).toBe('==2.8.3');
    expect(withoutAstralLabel('==2.1.2+cu118')).toBe('==2.1.2+cu118');
    expect(withoutAstralLabel('>=2.7,<3')).toBe('>=2.7,<3');
    expect(withoutAstralLabel('')).toBe('');
  });
});
