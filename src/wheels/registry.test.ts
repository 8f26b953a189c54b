import { describe, expect, it } from 'vitest';
import { findSpecial, isSpecial, normalizeName, prebuiltAvailable, resolveSpecial, SPECIAL_PACKAGES } from './registry.js';
import { target } from './test-helpers.js';
import type { Resolution, WheelTarget } from './types.js';

/**
 * Every name and alias of the table, as written and in other spellings PEP 503 folds together
 * (underscores, dots, capitals): each must find its entry. Derived from the table, so a new
 * package is covered without touching this list.
 */
const ALIASES = SPECIAL_PACKAGES.flatMap((e) => [e.name, ...e.aliases].flatMap((n) => [n, n.replace(/-/g, '_'), n.replace(/-/g, '.').toUpperCase()]));

/** Targets the sweep runs every registered package on. */
const TARGETS: Record<string, Partial<WheelTarget>> = {
  'H100 torch 2.8 cu128': {},
  'RTX 4090 torch 2.11 cu130': { torch: '2.11.0', backend: 'cu130', gpus: [{ computeCapability: '8.9' }] },
  'T4 torch 2.4 cu121 pre-cxx11': { torch: '2.4.1', backend: 'cu121', abi: 'pre-cxx11', python: '3.10', gpus: [{ computeCapability: '7.5' }] },
  'no GPU, cpu torch 2.14': { torch: '2.14.1', backend: 'cpu', gpus: [] },
  'B200 + unknown GPU torch 2.15 cu132': { torch: '2.15.0', backend: 'cu132', gpus: [{ computeCapability: '10.0' }, { computeCapability: null }] },
};

function explained(r: Resolution): void {
  expect(r.source.length).toBeGreaterThan(10);
  expect(['V', 'S', '?']).toContain(r.confidence);
  if (r.kind === 'conflict') {
    expect(r.message).toMatch(/\S.*[.)]$/);
    expect(r.fix.length).toBeGreaterThan(10);
  } else {
    expect(r.why).toMatch(/^\S.*[.)]$/s);
  }
}

describe('registry', () => {
  it.each(ALIASES)('%s is special', (name) => {
    expect(isSpecial(name)).toBe(true);
  });

  it('ordinary packages are not special and resolve to null', () => {
    for (const name of ['numpy', 'transformers', 'accelerate', 'torchmetrics']) {
      expect(isSpecial(name)).toBe(false);
      expect(resolveSpecial({ name, specifier: '' }, target())).toBeNull();
    }
  });

  it('aliases share one entry, under the PEP 503 name', () => {
    expect(findSpecial('flash_attn')).toBe(findSpecial('flash-attn'));
    expect(findSpecial('openai-clip')?.name).toBe('clip');
    expect(findSpecial('mmcv-full')?.name).toBe('mmcv');
    expect(normalizeName('Torch_Spline.Conv')).toBe('torch-spline-conv');
    expect(resolveSpecial({ name: 'flash_attn', specifier: '' }, target())?.name).toBe('flash-attn');
  });

  it('every entry says where its facts come from, when, and how sure', () => {
    for (const e of SPECIAL_PACKAGES) {
      expect(e.source.length, e.name).toBeGreaterThan(5);
      expect(e.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['V', 'S', '?']).toContain(e.confidence);
      expect(e.kinds.length).toBeGreaterThan(0);
      expect(normalizeName(e.name)).toBe(e.name);
    }
  });

  describe.each(Object.entries(TARGETS))('every package on %s', (_label, over) => {
    it.each(SPECIAL_PACKAGES.map((e) => e.name))('%s: a kind it declares, with why and source', (name) => {
      const r = resolveSpecial({ name, specifier: '' }, target(over));
      expect(r).not.toBeNull();
      explained(r!);
      expect(findSpecial(name)!.kinds).toContain(r!.kind);
    });
  });
});

describe('prebuiltAvailable', () => {
  it('flash-attn: yes up to torch 2.13 (official or community), no for torch 2.14', () => {
    expect(prebuiltAvailable('flash-attn', target())).toBe(true);
    expect(prebuiltAvailable('flash-attn', target({ torch: '2.13.0', backend: 'cu130' }))).toBe(true);
    expect(prebuiltAvailable('flash-attn', target({ torch: '2.14.1', backend: 'cu130' }))).toBe(false);
  });

  it('honours a pin: flash-attn==2.5.8 has no wheel for torch 2.8', () => {
    expect(prebuiltAvailable({ name: 'flash-attn', specifier: '==2.5.8' }, target())).toBe(false);
  });

  it('ordinary packages and pure git sources count as available; apex (compiles) and conflicts do not', () => {
    expect(prebuiltAvailable('numpy', target())).toBe(true);
    expect(prebuiltAvailable('clip', target())).toBe(true);
    expect(prebuiltAvailable('apex', target())).toBe(false);
    expect(prebuiltAvailable('torchaudio', target({ torch: '2.13.0', backend: 'cu130' }))).toBe(true);
    expect(prebuiltAvailable('xformers', target({ torch: '2.12.1', backend: 'cu132' }))).toBe(false);
  });

  it('lets a planner pick the torch release whose special packages all have wheels', () => {
    const needs = ['flash-attn', 'torch-scatter', 'xformers'];
    const releases = [
      { torch: '2.14.1', backend: 'cu130' },
      { torch: '2.13.0', backend: 'cu130' },
      { torch: '2.12.1', backend: 'cu130' },
      { torch: '2.11.0', backend: 'cu130' },
    ];
    const ok = releases.find((r) => needs.every((n) => prebuiltAvailable(n, target(r))));
    // 2.14: no flash-attn wheel; 2.13: no torch-scatter page; 2.12.1: all three.
    expect(ok?.torch).toBe('2.12.1');
  });
});
