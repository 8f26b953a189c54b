import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanup, danlu, HOST_FILES, jsonOut, read, snapshot, tempProject, write } from '../support/cli.js';

const CPU = ['--host', `${HOST_FILES}/cpu-only.json`];

/** Starts init with slowed writes; resolves once the first staged file exists, with the child. */
function initUntilStaging(dir: string) {
  const child = spawn(process.execPath, [BIN, 'init', dir, '--yes', ...CPU], {
    env: { ...process.env, CI: 'true', NO_COLOR: '1', DANLU_TEST_WRITE_DELAY_MS: '150' },
    stdio: 'ignore',
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const staged = new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      const temps = [dir, join(dir, '.devcontainer')].flatMap((d) => {
        try {
          return readdirSync(d).filter((n) => n.includes('.danlu-'));
        } catch {
          return [];
        }
      });
      if (temps.length > 0) return resolve();
      if (Date.now() - started > 20_000) return reject(new Error('no staged file appeared'));
      setTimeout(poll, 10);
    };
    poll();
  });
  return { child, exited, staged };
}

const temps = (dir: string): string[] =>
  [dir, join(dir, '.devcontainer'), join(dir, '.vscode')].flatMap((d) => {
    try {
      return readdirSync(d).filter((n) => /\.danlu-[0-9a-f]{8}\.tmp$/.test(n));
    } catch {
      return [];
    }
  });

describe('a write is all or nothing', () => {
  it('SIGTERM while files are staged: the folder is byte for byte as it was', async () => {
    const dir = tempProject({ 'train.py': 'print(1)\n', 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n' });
    try {
      const before = snapshot(dir);
      const run = initUntilStaging(dir);
      await run.staged;
      run.child.kill('SIGTERM');
      const exit = await run.exited;
      expect(exit.code === 0).toBe(false);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      cleanup(dir);
    }
  });

  it('SIGKILL while files are staged: the originals are intact, and the next run cleans up and writes everything', async () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n' });
    try {
      const run = initUntilStaging(dir);
      await run.staged;
      run.child.kill('SIGKILL');
      await run.exited;
      expect(read(dir, 'pyproject.toml')).toBe('[project]\nname = "x"\nversion = "1"\n');
      const again = danlu(['init', dir, '--yes', '--json', ...CPU]);
      expect(again.code).toBe(0);
      expect(temps(dir)).toEqual([]);
      const third = jsonOut(danlu(['init', dir, '--yes', '--json', ...CPU]));
      expect(third.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });

  it('SIGINT among the renames: the write finishes and the user is told so', async () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "x"\nversion = "1"\n' });
    try {
      const child = spawn(process.execPath, [BIN, 'init', dir, '--yes', ...CPU], {
        env: { ...process.env, CI: 'true', NO_COLOR: '1', DANLU_TEST_RENAME_DELAY_MS: '150' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b) => {
        stderr += String(b);
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      // The journal exists from the first rename to the last: the signal lands among them.
      const started = Date.now();
      while (!readdirSync(dir).includes('.danlu') || !readdirSync(join(dir, '.danlu')).includes('journal.json')) {
        if (Date.now() - started > 20_000) throw new Error('the rename phase never started');
        await new Promise((r) => setTimeout(r, 10));
      }
      child.kill('SIGINT');
      const exit = await exited;
      expect(exit.code === 0).toBe(false);
      expect(stderr).toContain('after every file was written; the write is complete');
      expect(temps(dir)).toEqual([]);
      expect(read(dir, 'pyproject.toml')).toContain('[[tool.uv.index]]');
      expect(read(dir, '.devcontainer/devcontainer.json')).toContain('"name"');
    } finally {
      cleanup(dir);
    }
  });

  it('a run killed among its renames is finished by the next run (journal)', () => {
    const dir = tempProject();
    try {
      danlu(['init', dir, '--yes', ...CPU]);
      // What a kill between two renames leaves: a staged file and the journal naming it.
      const target = join(dir, '.gitignore');
      const temp = `${target}.danlu-0badc0de.tmp`;
      writeFileSync(temp, `${read(dir, '.gitignore')}staged-by-the-killed-run/\n`);
      mkdirSync(join(dir, '.danlu'), { recursive: true });
      writeFileSync(join(dir, '.danlu', 'journal.json'), JSON.stringify({ renames: [{ temp, target }] }));
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('finished an interrupted write');
      expect(read(dir, '.gitignore')).toContain('staged-by-the-killed-run/');
      expect(temps(dir)).toEqual([]);
      expect(() => lstatSync(join(dir, '.danlu', 'journal.json'))).toThrow();
    } finally {
      cleanup(dir);
    }
  });

  it('a failure midway (a folder where a file must go) rolls back what was staged', () => {
    const dir = tempProject({ '.vscode': '' });
    try {
      // .vscode is a file here: the .vscode/*.json writes fail after others were staged.
      const before = snapshot(dir);
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expected a folder, found a file/);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      cleanup(dir);
    }
  });
});

describe('unusual inputs', () => {
  it('a pyproject.toml linked to a file inside the project is updated through the link, which stays a link', () => {
    const dir = tempProject();
    try {
      mkdirSync(join(dir, 'config'));
      const shared = join(dir, 'config', 'pyproject.toml');
      writeFileSync(shared, '[project]\nname = "linked"\nversion = "1"\n');
      symlinkSync(shared, join(dir, 'pyproject.toml'));
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      expect(lstatSync(join(dir, 'pyproject.toml')).isSymbolicLink()).toBe(true);
      expect(readFileSync(shared, 'utf8')).toContain('[[tool.uv.index]]');
    } finally {
      cleanup(dir);
    }
  });

  it('a binary pyproject.toml: exit 2 with its location, nothing written', () => {
    const dir = tempProject();
    try {
      writeFileSync(join(dir, 'pyproject.toml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0xff, 0xfe, 0x0a, 0x00]));
      const before = snapshot(dir);
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.code).toBe(2);
      // TOML is UTF-8: the first byte that is not is the error, with its place.
      expect(r.stderr).toMatch(/pyproject\.toml:1:1: the byte 0x89 is not UTF-8/);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      cleanup(dir);
    }
  });

  it('an empty pyproject.toml is a valid one: danlu fills it', () => {
    const dir = tempProject({ 'pyproject.toml': '' });
    try {
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      expect(read(dir, 'pyproject.toml')).toContain('[project]');
    } finally {
      cleanup(dir);
    }
  });

  it('a requirements file over 32 MiB is left out with the reason (and said), not read into memory', () => {
    const dir = tempProject();
    try {
      write(dir, 'requirements.txt', `numpy\n${'# a comment line to make the file big\n'.repeat(900_000)}`);
      const r = danlu(['init', dir, '--yes', '--json', ...CPU]);
      expect(r.code).toBe(0);
      const file = jsonOut(r).import.files.find((f: { file: string }) => f.file === 'requirements.txt');
      expect(file).toMatchObject({ role: 'skipped' });
      expect(file.reason).toMatch(/over the 32 MiB danlu reads/);
    } finally {
      cleanup(dir);
    }
  });
});
