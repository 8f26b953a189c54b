import { describe, expect, it } from 'vitest';
import { lineEndingOf, withLineEnding } from './line-endings.js';
import { mergeEnv } from './merge-env.js';
import { mergeJsonc } from './merge-jsonc.js';
import { mergeLines, mergeValue } from './merge-lines.js';
import { mergeYaml } from './merge-yaml.js';

const crlf = (text: string) => text.replace(/\n/g, '\r\n');
/** Every line ending of `text` is CRLF. */
const allCrlf = (text: string) => !/(^|[^\r])\n/.test(text);

describe('line endings: one helper, the ending most lines have', () => {
  it('finds the dominant ending (LF for a tie, an empty file or none)', () => {
    expect(lineEndingOf('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(lineEndingOf('a\r\nb\nc\n')).toBe('\n');
    expect(lineEndingOf('a\r\nb\n')).toBe('\n');
    expect(lineEndingOf('')).toBe('\n');
    expect(lineEndingOf(null)).toBe('\n');
    expect(lineEndingOf('one line')).toBe('\n');
  });

  it('writes CRLF everywhere for CRLF, and leaves LF text as it is', () => {
    expect(withLineEnding('a\nb\r\nc\n', '\r\n')).toBe('a\r\nb\r\nc\r\n');
    expect(withLineEnding('a\nb\r\nc\n', '\n')).toBe('a\nb\r\nc\n');
  });
});

describe('every merger of a CRLF file writes CRLF for the lines it adds', () => {
  it('.gitignore (lines): the user lines byte for byte, the new ones CRLF', () => {
    const existing = crlf('node_modules/\ndist\n');
    const r = mergeLines(existing, { text: '', lines: ['# danlu', '.env', '.venv/'] });
    expect(r.text).toBe(crlf('node_modules/\ndist\n\n# danlu\n.env\n.venv/\n'));
    // No ending on the last line: it gets the file's.
    expect(mergeLines('a\r\nb\r\nc', { text: '', lines: ['.env'] }).text).toBe('a\r\nb\r\nc\r\n\r\n.env\r\n');
    // An LF file stays LF.
    expect(mergeLines('a\nb\n', { text: '', lines: ['.env'] }).text).toBe('a\nb\n\n.env\n');
  });

  it('.python-version (value): replaced with the file ending', () => {
    const r = mergeValue('3.11\r\n', { text: '3.12\n', same: (t) => t.trim() === '3.12', replace: true });
    expect(r.text).toBe('3.12\r\n');
  });

  it('.env: kept CRLF, changed and added keys too', () => {
    const existing = crlf('# mine\nFOO=1\nSHM_SIZE=8g\n');
    const entries = [
      { key: 'SHM_SIZE', value: '16g' },
      { key: 'USER_UID', value: '1000' },
    ];
    const r = mergeEnv(existing, { path: '.env', text: '', entries, keep: [] });
    expect(r.action).toBe('updated');
    expect(allCrlf(r.text!)).toBe(true);
    expect(r.text).toBe(crlf('# mine\nFOO=1\nSHM_SIZE=16g\n\n# Added by danlu\nUSER_UID=1000\n'));
  });

  it('compose YAML: the library prints LF, the file stays CRLF', () => {
    const spec = { path: 'docker-compose.yml', text: '', data: { services: { devcontainer: { image: 'x' } } } };
    const r = mergeYaml(crlf('# mine\nservices:\n  api:\n    image: a\n'), spec, false);
    expect(r.action).toBe('updated');
    expect(allCrlf(r.text!)).toBe(true);
    expect(r.text!.startsWith(crlf('# mine\nservices:\n  api:\n    image: a\n'))).toBe(true);
  });

  it('JSON with comments: new keys on CRLF lines', () => {
    const spec = { path: '.vscode/settings.json', text: '', data: { 'python.defaultInterpreterPath': '/x', 'editor.rulers': [100] } };
    const r = mergeJsonc(crlf('{\n  // mine\n  "a": 1\n}\n'), spec, false);
    expect(r.action).toBe('updated');
    expect(allCrlf(r.text!)).toBe(true);
    expect(r.text).toContain('// mine\r\n');
  });
});
