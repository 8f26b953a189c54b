import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, snapshot, tempProject } from '../support/cli.js';

/**
 * Every command that reads a project, against broken inputs: a clear error (exit 2, or doctor's
 * exit 1 with a finding), never an internal error, and the folder byte for byte as it was.
 */
const HOST = ['--host', `${HOST_FILES}/cpu-only.json`];
const BINARY = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x02, 0xff, 0xfe, 0x0a, 0x00, 0x3d]);

const inputs: { name: string; setup: (dir: string) => void }[] = [
  { name: 'malformed pyproject.toml', setup: (d) => writeFileSync(join(d, 'pyproject.toml'), '[project\nname = "x"\n') },
  { name: 'binary pyproject.toml', setup: (d) => writeFileSync(join(d, 'pyproject.toml'), BINARY) },
  { name: 'malformed .env', setup: (d) => writeFileSync(join(d, '.env'), 'USER_UID=1000\n=oops\n') },
  { name: 'binary .env', setup: (d) => writeFileSync(join(d, '.env'), BINARY) },
  { name: 'a folder named pyproject.toml', setup: (d) => mkdirSync(join(d, 'pyproject.toml')) },
  { name: 'malformed environment.yml', setup: (d) => writeFileSync(join(d, 'environment.yml'), 'dependencies:\n  - [unclosed\n') },
];

const commands: { name: string; args: (dir: string) => string[]; codes: number[] }[] = [
  { name: 'init', args: (d) => ['init', d, '--yes', ...HOST], codes: [2] },
  { name: 'init --dry-run', args: (d) => ['init', d, '--yes', '--dry-run', ...HOST], codes: [2] },
  { name: 'plan', args: (d) => ['plan', d, '--json', ...HOST], codes: [2] },
  { name: 'export k8s', args: (d) => ['export', 'k8s', d, ...HOST], codes: [2] },
  { name: 'export slurm', args: (d) => ['export', 'slurm', d, ...HOST], codes: [2] },
  { name: 'doctor', args: (d) => ['doctor', d, '--json'], codes: [0, 1] },
];

describe('broken inputs, every command', () => {
  for (const input of inputs) {
    for (const command of commands) {
      it(`${command.name}: ${input.name}`, () => {
        const dir = tempProject({ 'train.py': 'print(1)\n' });
        try {
          input.setup(dir);
          const before = snapshot(dir);
          const r = danlu(command.args(dir));
          expect(r.stderr).not.toMatch(/internal error/);
          // Only files a command really reads can break it; the others just work.
          expect([0, ...command.codes]).toContain(r.code);
          if (r.code === 2) expect(r.stderr).toMatch(/danlu: error: /);
          expect(snapshot(dir)).toEqual(before);
        } finally {
          cleanup(dir);
        }
      });
    }
  }

  it('import with a binary requirements file reports it, never crashes', () => {
    const dir = tempProject();
    try {
      writeFileSync(join(dir, 'requirements.txt'), BINARY);
      const r = danlu(['import', '-C', dir, '--json']);
      expect(r.stderr).not.toMatch(/internal error/);
      expect([0, 2]).toContain(r.code);
    } finally {
      cleanup(dir);
    }
  });

  it('lifecycle commands in a folder without a project say so (exit 2)', () => {
    const dir = tempProject();
    try {
      for (const c of ['up', 'status', 'down', 'build']) {
        const r = danlu([c, '-C', dir]);
        expect(r.stderr).not.toMatch(/internal error/);
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/danlu init/);
      }
    } finally {
      cleanup(dir);
    }
  });

  it('a broken user catalog falls back to the embedded one with a warning', () => {
    const dir = tempProject();
    try {
      writeFileSync(join(dir, 'catalog.json'), '{ "kind": "danlu-catalog", "schema": 1, ');
      const r = danlu(['plan', dir, '--json', ...HOST], { env: { DANLU_CATALOG_DIR: dir } });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/catalog/i);
    } finally {
      cleanup(dir);
    }
  });

  it('a mistyped command or option exits 2 and names the one that was meant', () => {
    const cmd = danlu(['docter']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain('did you mean `danlu doctor`?');
    const opt = danlu(['init', '--dryrun']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toContain('did you mean --dry-run?');
    expect(danlu(['deploy']).stderr).not.toContain('did you mean');
  });

  it('a negative number as an option value gets the option\'s own check, not the parser\'s "ambiguous"', () => {
    const r = danlu(['export', 'k8s', '--gpus', '-1', ...HOST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--gpus "-1": expected a whole number/);
    expect(r.stderr).not.toMatch(/ambiguous/);
  });
});
