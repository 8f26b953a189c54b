import { describe, expect, it } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('did-you-mean suggestions', () => {
  it('measures edits, a swap of neighbours counting as one', () => {
    expect(editDistance('init', 'init')).toBe(0);
    expect(editDistance('inti', 'init')).toBe(1);
    expect(editDistance('docter', 'doctor')).toBe(1);
    expect(editDistance('plan', 'host')).toBe(4);
  });

  it('suggests the nearest name, and nothing for a word that is far from all', () => {
    const commands = ['init', 'import', 'plan', 'host', 'doctor', 'up', 'shell', 'run', 'exec'];
    expect(closest('inti', commands)).toBe('init');
    expect(closest('docter', commands)).toBe('doctor');
    expect(closest('shel', commands)).toBe('shell');
    expect(closest('deploy', commands)).toBeNull();
    expect(closest('forse', ['force', 'dry-run', 'yes'])).toBe('force');
  });
});
