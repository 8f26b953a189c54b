import { describe, expect, it } from 'vitest';
import { BACKEND, backendAtUrlEnd, backendOfIndexUrl, backendOfLocal, isCudaBackend } from './py.js';

describe('the PyTorch backend grammar (one, for every reader)', () => {
  it('names the variants PyTorch publishes', () => {
    for (const b of ['cpu', 'cu118', 'cu128', 'cu130', 'rocm6.2', 'rocm6.2.4', 'xpu']) expect(BACKEND.test(b), b).toBe(true);
    for (const b of ['cu1', 'cu12345', 'gpu', 'cuda', 'rocm', '']) expect(BACKEND.test(b), b).toBe(false);
    expect([isCudaBackend('cu126'), isCudaBackend('cpu'), isCudaBackend('rocm6.2')]).toEqual([true, false, false]);
  });
  it('reads it from index URLs, mirrors, and local version labels', () => {
    expect(backendOfIndexUrl('https://download.pytorch.org/whl/cu128')).toBe('cu128');
    expect(backendOfIndexUrl('https://download.pytorch.org/whl/nightly/cu130/')).toBe('cu130');
    expect(backendOfIndexUrl('https://mirrors.example/pytorch-wheels/whl/cu118')).toBeNull();
    expect(backendAtUrlEnd('https://mirrors.example/pytorch-wheels/whl/cu118/')).toBe('cu118');
    expect(backendAtUrlEnd('https://pypi.org/simple')).toBeNull();
    expect(backendOfLocal('2.7.1+cu118')).toBe('cu118');
    expect(backendOfLocal('==2.1.2+cpu')).toBe('cpu');
    expect(backendOfLocal('2.7.1')).toBeNull();
  });
});
