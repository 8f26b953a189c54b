import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import type { Requirement } from '../project/types.js';
import { derivedTorchPin } from './derived-pin.js';

const req = (name: string, specifier: string, line = 1): Requirement => ({
  name,
  raw: `${name}${specifier}`,
  specifier,
  origin: { file: 'requirements.txt', line },
});
const pin = (...rs: Requirement[]) => derivedTorchPin(rs, EMBEDDED_CATALOG)?.specifier ?? null;

describe('a torch pin implied by companion pins', () => {
  it('torchvision 0.(m+15) -> torch 2.m', () => {
    expect(pin(req('torchvision', '==0.15.2'))).toBe('==2.0.*');
    expect(pin(req('torchvision', '==0.22.1'))).toBe('==2.7.*');
  });

  it('torchaudio -> the same torch version', () => expect(pin(req('torchaudio', '==2.1.2'))).toBe('==2.1.2'));

  it('xformers -> the exact torch its wheels require (xformers tags, knowledge §3.4)', () => {
    expect(pin(req('xformers', '==0.0.23.post1'))).toBe('==2.1.2');
    expect(pin(req('xformers', '==0.0.22'))).toBe('==2.0.1');
  });

  it('nothing from ranges, unknown versions or stable-ABI xformers builds', () => {
    expect(pin(req('torchvision', '>=0.15'))).toBeNull();
    expect(pin(req('xformers', '==0.0.35'))).toBeNull();
    expect(pin(req('xformers', '==9.9.9'))).toBeNull();
    expect(pin(req('numpy', '==1.26.4'))).toBeNull();
  });

  it('the first exact pin wins, and says where it comes from', () => {
    const d = derivedTorchPin([req('numpy', '==1.26.4', 1), req('xformers', '==0.0.23.post1', 2), req('torchvision', '==0.15.2', 3)], EMBEDDED_CATALOG)!;
    expect(d.specifier).toBe('==2.1.2');
    expect(d.via).toBe('implied by xformers==0.0.23.post1, requirements.txt:2');
    expect(d.decision.why).toBe(
      'the project leaves torch unpinned but pins xformers==0.0.23.post1 (requirements.txt:2): xformers 0.0.23.post1 wheels require torch 2.1.2 exactly',
    );
  });
});
