import { describe, expect, it } from 'vitest';
import { DanluError } from '../lib/errors.js';
import { mergeJsonc, parseJsoncStrict } from './merge-jsonc.js';

const spec = { path: '.vscode/settings.json', text: '', data: { 'python.defaultInterpreterPath': '/workspace/.venv/bin/python' } };

describe('.vscode/settings.json with a byte-order mark (JSONC)', () => {
  it('is read, merged, and keeps its BOM first', () => {
    const existing = '\uFEFF{\n  // mine\n  "editor.tabSize": 4\n}\n';
    expect(parseJsoncStrict(existing, spec.path)).toEqual({ 'editor.tabSize': 4 });
    const r = mergeJsonc(existing, spec, false);
    expect(r.action).toBe('updated');
    expect(r.text!.startsWith('\uFEFF{\n  // mine\n  "editor.tabSize": 4,')).toBe(true);
    expect(r.text!.indexOf('\uFEFF', 1)).toBe(-1);
    expect(parseJsoncStrict(r.text!, spec.path)).toEqual({ 'editor.tabSize': 4, ...spec.data });
    expect(mergeJsonc(r.text!, spec, false).action).toBe('unchanged');
  });

  it('an error after a BOM is located as an editor shows it', () => {
    try {
      parseJsoncStrict('\uFEFF{\n  "a": ,\n}\n', spec.path);
      expect.unreachable();
    } catch (e) {
      expect((e as DanluError).location).toEqual({ file: spec.path, line: 2, column: 8 });
    }
  });

  it('a settings file nested 100k deep is a located error, not a stack overflow', () => {
    const deep = `{"x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(() => mergeJsonc(deep, spec, false)).toThrow(DanluError);
    expect(() => mergeJsonc(deep, spec, false)).toThrow(/nested more than 512 levels deep/);
  });
});
