import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLog } from '../../src/compose/run.js';
import { BIN, danlu, HOST_FILES, jsonOut } from '../support/cli.js';
import { drop, type Hostile, hostile, state } from './support.js';

const HOST = ['--host', join(HOST_FILES, 'h100-580.json')];
let made: Hostile[] = [];
const make = (...args: Parameters<typeof hostile>) => {
  const h = hostile(...args);
  made.push(h);
  return h;
};
afterEach(() => {
  for (const h of made) drop(h);
  made = [];
});

/** init on a hostile project: what it printed, and whether anything outside (or, on a refusal, inside) changed. */
function initOn(h: Hostile, extra: string[] = []) {
  const before = { outside: state(h.outside), project: state(h.project) };
  const r = danlu(['init', h.project, '--yes', ...HOST, ...extra]);
  return { ...r, outsideSame: JSON.stringify(state(h.outside)) === JSON.stringify(before.outside), projectBefore: before.project };
}

describe('a .danlu/journal.json shipped with a repository renames nothing of its choosing', () => {
  it('an absolute target outside the project (the ~/.bashrc attack): ignored with a warning, the outside file intact', () => {
    const h = make({ 'payload.sh': 'echo attacker\n' });
    mkdirSync(join(h.project, '.danlu'));
    writeFileSync(
      join(h.project, '.danlu', 'journal.json'),
      JSON.stringify({ renames: [{ temp: join(h.project, 'payload.sh'), target: join(h.outside, 'victim.txt') }] }),
    );
    const r = initOn(h);
    expect(r.code).toBe(0);
    expect(r.outsideSame).toBe(true);
    expect(readFileSync(join(h.outside, 'victim.txt'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(h.project, 'payload.sh'), 'utf8')).toBe('echo attacker\n');
    expect(r.stderr).toMatch(/journal\.json names files danlu does not write here.*ignored/);
    expect(existsSync(join(h.project, '.danlu', 'journal.json'))).toBe(false);
  });

  it('relative paths that climb out, a temp file that is a link, a target danlu does not write: none is renamed', () => {
    const h = make({ 'train.py.danlu-0badc0de.tmp': 'import os  # replaced\n' }, { 'victim.txt': 'keep me\n', 'victim.txt.danlu-deadbeef.tmp': 'pwned\n' });
    symlinkSync(join(h.outside, 'victim.txt'), join(h.project, '.gitignore.danlu-12345678.tmp'));
    mkdirSync(join(h.project, '.danlu'));
    const renames = [
      { temp: '../outside/victim.txt.danlu-deadbeef.tmp', target: '../outside/victim.txt' },
      { temp: '.gitignore.danlu-12345678.tmp', target: '.gitignore' },
      { temp: 'train.py.danlu-0badc0de.tmp', target: 'train.py' },
      { temp: 42, target: null },
    ];
    writeFileSync(join(h.project, '.danlu', 'journal.json'), JSON.stringify({ renames }));
    const trainBefore = readFileSync(join(h.project, 'train.py'), 'utf8');
    const r = initOn(h, ['--json']);
    expect(r.code).toBe(0);
    expect(r.outsideSame).toBe(true);
    expect(readFileSync(join(h.project, 'train.py'), 'utf8')).toBe(trainBefore);
    // .gitignore is danlu's own file, written by this run, not the link the journal offered.
    expect(lstatSync(join(h.project, '.gitignore')).isSymbolicLink()).toBe(false);
    const out = jsonOut(r);
    expect(out.journal.recovered).toEqual([]);
    expect(out.journal.ignored).toHaveLength(4);
    // danlu's own leftovers (by name) are removed, the outside's are not.
    expect(readdirSync(h.project).filter((n) => n.includes('.danlu-'))).toEqual([]);
  });
});

describe('a link that leaves the project is never written through', () => {
  for (const name of ['.gitignore', '.env', 'pyproject.toml', '.vscode/settings.json']) {
    it(`${name} -> a file outside: exit 2, the message names the link and --force, nothing changed anywhere`, () => {
      const h = make({}, { 'victim.txt': 'KEY=value\n' });
      mkdirSync(join(h.project, '.vscode'), { recursive: true });
      symlinkSync(join(h.outside, 'victim.txt'), join(h.project, name));
      const r = initOn(h);
      expect(r.code).toBe(2);
      expect(r.outsideSame).toBe(true);
      expect(state(h.project)).toEqual(r.projectBefore);
      expect(r.stderr).toContain(`${name} is a link to ${join(h.outside, 'victim.txt')}, outside the project folder`);
      expect(r.stderr).toContain('--force');
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    });
  }

  for (const name of ['.vscode', '.devcontainer']) {
    it(`${name} -> a folder outside: exit 2, nothing written into it`, () => {
      const h = make({}, { 'dir/settings.json': '{ "editor.fontSize": 14 }\n' });
      symlinkSync(join(h.outside, 'dir'), join(h.project, name));
      const r = initOn(h);
      expect(r.code).toBe(2);
      expect(r.outsideSame).toBe(true);
      expect(state(h.project)).toEqual(r.projectBefore);
      expect(r.stderr).toContain(`${name} is a link to ${join(h.outside, 'dir')}`);
    });
  }

  it('a dangling link out (to a file that does not exist): nothing is created there', () => {
    const h = make();
    symlinkSync('../outside/new/.env', join(h.project, '.env'));
    const r = initOn(h);
    expect(r.code).toBe(2);
    expect(r.outsideSame).toBe(true);
    expect(existsSync(join(h.outside, 'new'))).toBe(false);
  });

  it('.danlu -> a folder outside: backups and the journal do not go there, even with --force', () => {
    const h = make();
    expect(danlu(['init', h.project, '--yes', ...HOST]).code).toBe(0);
    writeFileSync(join(h.project, '.devcontainer', 'Dockerfile'), `${readFileSync(join(h.project, '.devcontainer', 'Dockerfile'), 'utf8')}# my edit\n`);
    symlinkSync(h.outside, join(h.project, '.danlu'));
    const r = initOn(h, ['--force', '--torch', '2.8']);
    expect(r.code).toBe(2);
    expect(r.outsideSame).toBe(true);
    expect(r.stderr).toContain('.danlu is a link to');
    expect(readFileSync(join(h.project, '.devcontainer', 'Dockerfile'), 'utf8')).toContain('# my edit');
  });

  it('--force replaces the link itself with a file; the backup keeps the link', () => {
    const h = make();
    symlinkSync(join(h.outside, 'victim.txt'), join(h.project, '.gitignore'));
    const r = initOn(h, ['--force']);
    expect(r.code).toBe(0);
    expect(r.outsideSame).toBe(true);
    expect(lstatSync(join(h.project, '.gitignore')).isFile()).toBe(true);
    expect(readFileSync(join(h.project, '.gitignore'), 'utf8')).toContain('.env');
    const backups = readdirSync(join(h.project, '.danlu', 'backup'));
    expect(backups).toHaveLength(1);
    expect(readlinkSync(join(h.project, '.danlu', 'backup', backups[0]!, '.gitignore'))).toBe(join(h.outside, 'victim.txt'));
  });

  it('a link that stays inside the project is still written through (the link stays a link)', () => {
    const h = make({ 'config/gitignore': '*.ckpt\n' });
    symlinkSync('config/gitignore', join(h.project, '.gitignore'));
    mkdirSync(join(h.project, 'config', 'vscode'));
    symlinkSync('config/vscode', join(h.project, '.vscode'));
    const r = initOn(h);
    expect(r.code).toBe(0);
    expect(r.outsideSame).toBe(true);
    expect(readlinkSync(join(h.project, '.gitignore'))).toBe('config/gitignore');
    expect(readFileSync(join(h.project, 'config', 'gitignore'), 'utf8')).toMatch(/^\*\.ckpt\n[\s\S]*\.env/);
    expect(existsSync(join(h.project, 'config', 'vscode', 'settings.json'))).toBe(true);
  });

  it('a link that climbs out through a folder inside (sub/../../outside) is caught too', () => {
    const h = make({ 'sub/keep.txt': 'x\n' });
    symlinkSync('sub/../../outside', join(h.project, '.devcontainer'));
    const r = initOn(h);
    expect(r.code).toBe(2);
    expect(r.outsideSame).toBe(true);
  });

  it('a requirements file that is a link out of the project is not read, and init says so', () => {
    const h = make({}, { 'req.txt': 'secret-internal-package\n' });
    rmSync(join(h.project, 'requirements.txt'));
    symlinkSync('../outside/req.txt', join(h.project, 'requirements.txt'));
    const r = initOn(h);
    expect(r.code).toBe(0);
    expect(r.outsideSame).toBe(true);
    expect(r.stderr).toMatch(/requirements\.txt could not be read: .*outside the project folder.*not in the environment/);
    expect(readFileSync(join(h.project, 'pyproject.toml'), 'utf8')).not.toContain('secret-internal-package');
  });

  it('a link to itself is a located error (exit 2), not an internal error', () => {
    const h = make();
    symlinkSync('.gitignore', join(h.project, '.gitignore'));
    const r = initOn(h);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('too many levels of symbolic links');
    expect(r.stderr).toContain(join(h.project, '.gitignore'));
    expect(r.stderr).not.toContain('internal error');
  });

  it("up's log goes to the temp folder, not through a .danlu link out of the project", async () => {
    const h = make();
    symlinkSync(h.outside, join(h.project, '.danlu'));
    const before = state(h.outside);
    const notes: string[] = [];
    const { stream, path } = await openLog(join(h.project, '.danlu', 'logs', 'up.log'), (t) => notes.push(t), h.project);
    stream.end('a line\n');
    await new Promise<void>((r) => stream.on('close', () => r()));
    expect(path.startsWith(h.outside)).toBe(false);
    expect(notes.join('\n')).toContain('a link out of the project');
    expect(state(h.outside)).toEqual(before);
  });
});

describe('a write that fails halfway leaves nothing staged behind', () => {
  it('a file-size limit that stops the second file: exit non-zero with the reason, the folder as it was, no *.danlu-*.tmp', () => {
    const h = make();
    const before = state(h.project);
    const r = spawnSync(
      'bash',
      ['-c', `ulimit -f 4; exec "${process.execPath}" "${BIN}" init "${h.project}" --yes --host "${join(HOST_FILES, 'h100-580.json')}"`],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: 'true', DANLU_UV: 'off' },
      },
    );
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot write .*nothing was changed/);
    expect(state(h.project)).toEqual(before);
  });
});
