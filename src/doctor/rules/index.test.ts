import { describe, expect, it } from 'vitest';
import { ENGINES, type EngineKind } from '../../catalog/engine.js';
import { engineOf } from '../../probe/docker.js';
import { ENGINE_RULES, rulesFor } from './index.js';

describe('the rules doctor runs, per engine', () => {
  it.each(Object.keys(ENGINES) as EngineKind[])('%s: every rule once, its own engine rules among them, after the host layer', (kind) => {
    const names = rulesFor(kind).map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const own = ENGINE_RULES[kind].map((r) => r.name);
    expect(own.length).toBeGreaterThan(0);
    const at = names.indexOf(own[0]!);
    expect(names.slice(at, at + own.length)).toEqual(own);
    expect(at).toBeGreaterThan(names.indexOf('gpu-arch'));
  });

  it('a host without the engine field (a file recorded before it) is a Docker host', () => {
    expect(engineOf(null)).toBe('docker');
    expect(engineOf({})).toBe('docker');
    expect(engineOf({ engine: 'docker' })).toBe('docker');
  });
});
