import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanup, HOST_FILES, REPO, snapshot, tempProject } from '../support/cli.js';

/** The question `danlu init` asks on a terminal, answered in a real pseudo-terminal. */
function answer(dir: string, keys: string, ptyFlags: string[] = []): { code: number; output: string; raw: string } {
  const env = { ...process.env };
  delete env.CI;
  const r = spawnSync(
    'python3',
    [
      join(REPO, 'test', 'support', 'pty-run.py'),
      'Write the environment',
      keys,
      ...ptyFlags,
      '--',
      process.execPath,
      BIN,
      'init',
      dir,
      '--host',
      join(HOST_FILES, 'cpu-only.json'),
    ],
    { encoding: 'utf8', env, timeout: 60_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function withProject(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = tempProject(files);
  try {
    fn(dir);
  } finally {
    cleanup(dir);
  }
}

describe('init asks before writing', () => {
  it('lists what it would change, and writes nothing with exit 130 on Ctrl-C', () =>
    withProject({ 'requirements.txt': 'numpy\n', 'pyproject.toml': '[project]\nname = "p"\nversion = "1"\n' }, (dir) => {
      const before = snapshot(dir);
      const r = answer(dir, '\\x03');
      expect(r.code).toBe(130);
      expect(r.output).toMatch(/changes pyproject\.toml/);
      expect(r.output).toMatch(/creates .*\.devcontainer\/Dockerfile/);
      expect(r.output).toMatch(/Cancelled/);
      expect(snapshot(dir)).toEqual(before);
    }));

  it('Ctrl-D (end of input) cancels like Ctrl-C: exit 130, the cursor shown again, nothing written', () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      const before = snapshot(dir);
      const r = answer(dir, '\\x04');
      expect(r.code).toBe(130);
      expect(r.output).toMatch(/Cancelled\.[\s\S]*Nothing written\./);
      // The question hides the cursor; the last word on the terminal shows it again.
      const hide = r.raw.lastIndexOf('\x1b[?25l');
      expect(hide).toBeGreaterThanOrEqual(0);
      expect(r.raw.lastIndexOf('\x1b[?25h')).toBeGreaterThan(hide);
      expect(snapshot(dir)).toEqual(before);
    }));

  it('a terminal that reports 0 columns gets whole lines, not one character per line', () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      const r = answer(dir, '\\x03', ['--cols', '0']);
      expect(r.code).toBe(130);
      expect(r.output).toContain(`Write the environment files into ${dir}?`);
      expect(r.output.split('\n').length).toBeLessThan(80);
    }));

  it('exits 1 on "No", so `danlu init && danlu up` stops', () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      const before = snapshot(dir);
      const r = answer(dir, 'n\\r');
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/Nothing written/);
      expect(snapshot(dir)).toEqual(before);
    }));

  it('writes on Enter (Yes is the default)', () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      const r = answer(dir, '\\r');
      expect(r.code).toBe(0);
      expect(Object.keys(snapshot(dir))).toContain('pyproject.toml');
    }));
});
