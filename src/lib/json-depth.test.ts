import { describe, expect, it } from 'vitest';
import { DanluError } from './errors.js';
import { assertJsonDepth } from './json-depth.js';

describe('JSON nested too deep: a located error, not a stack overflow', () => {
  it('100k levels: refused at the bracket that goes past the limit, in one pass', () => {
    const text = `{\n  "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}\n}\n`;
    let error: unknown;
    try {
      assertJsonDepth(text, 'host.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DanluError);
    // The `{` is level 1; the 512th `[` is level 513.
    expect((error as DanluError).location).toEqual({ file: 'host.json', line: 2, column: 8 + 511 });
    expect((error as DanluError).message).toContain('nested more than 512 levels deep');
  });

  it('brackets in strings and comments do not count; real files pass', () => {
    const brackets = '['.repeat(1000);
    expect(() => assertJsonDepth(`{"a": "${brackets}", // ${brackets}\n /* ${brackets} */ "b": [[[1]]], "c": "\\"["}`, 'f.json')).not.toThrow();
    expect(() => assertJsonDepth(`${'['.repeat(512)}${']'.repeat(512)}`, 'f.json')).not.toThrow();
    expect(() => assertJsonDepth(`${'['.repeat(513)}${']'.repeat(513)}`, 'f.json')).toThrow(DanluError);
  });
});
