import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanup, danlu, HOST_FILES, tempProject } from '../support/cli.js';
import { state } from './support.js';

const HOST = ['--host', join(HOST_FILES, 'h100-580.json')];
const PROJECT = { 'requirements.txt': 'numpy\ntorch\n', 'train.py': 'print(1)\n' };

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const EXTEND = '.devcontainer/docker-compose.extend.yml';

/**
 * The folder as one run leaves it, without danlu's own bookkeeping (backups carry a time). The
 * machine's compose file names the folder itself (the labels the Dev Containers CLI finds the
 * container by): it is compared with the folder's path and its header's hash taken out.
 */
const result = (dir: string) => {
  const out = Object.fromEntries(Object.entries(state(dir)).filter(([k]) => !k.startsWith('.danlu')));
  if (out[EXTEND]) {
    // (its header's hash covers the path too)
    const text = readFileSync(join(dir, EXTEND), 'utf8')
      .split(dir)
      .join('<dir>')
      .replace(/^# danlu-hash: .*$/m, '');
    out[EXTEND] = `${out[EXTEND].split(' ')[0]} ${createHash('sha256').update(text).digest('hex')}`;
  }
  return out;
};
const leftovers = (s: Record<string, string>) => Object.keys(s).filter((k) => /\.danlu-[0-9a-f]{8}\.tmp$|^\.danlu\/(lock|journal)/.test(k));

describe('one writer at a time (a lock per project folder)', () => {
  it('20 pairs of init in a fresh folder: both exit 0, nothing staged is left, the folder is one run’s result', async () => {
    const ref = tempProject(PROJECT);
    expect(danlu(['init', ref, '--yes', ...HOST]).code).toBe(0);
    const expected = result(ref);
    cleanup(ref);
    for (let i = 0; i < 20; i++) {
      const dir = tempProject(PROJECT);
      try {
        const [a, b] = await Promise.all([run(['init', dir, '--yes', ...HOST]), run(['init', dir, '--yes', ...HOST])]);
        expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
        const after = state(dir);
        expect(leftovers(after)).toEqual([]);
        expect(result(dir)).toEqual(expected);
      } finally {
        cleanup(dir);
      }
    }
  }, 240_000);

  it('20 pairs with different options on an initialised project: the folder is wholly one run’s, never a mix', async () => {
    const A = ['--shm', '8g', '--python', '3.11'];
    const B = ['--shm', '16g', '--python', '3.12'];
    const refs = [A, B].map((opts) => {
      const d = tempProject(PROJECT);
      expect(danlu(['init', d, '--yes', ...HOST]).code).toBe(0);
      expect(danlu(['init', d, '--yes', ...HOST, ...opts]).code).toBe(0);
      const r = result(d);
      cleanup(d);
      return r;
    });
    expect(refs[0]).not.toEqual(refs[1]);
    for (let i = 0; i < 20; i++) {
      const dir = tempProject(PROJECT);
      try {
        expect(danlu(['init', dir, '--yes', ...HOST]).code).toBe(0);
        const [a, b] = await Promise.all([run(['init', dir, '--yes', ...HOST, ...A]), run(['init', dir, '--yes', ...HOST, ...B])]);
        expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
        const got = result(dir);
        expect(leftovers(state(dir))).toEqual([]);
        expect(JSON.stringify(got) === JSON.stringify(refs[0]) || JSON.stringify(got) === JSON.stringify(refs[1])).toBe(true);
      } finally {
        cleanup(dir);
      }
    }
  }, 240_000);

  it('a lock held by a running danlu: the second waits, then stops with who holds it (exit 1, nothing changed)', () => {
    const dir = tempProject(PROJECT);
    const holder = spawn('sleep', ['30']);
    try {
      mkdirSync(join(dir, '.danlu'));
      writeFileSync(join(dir, '.danlu', 'lock'), JSON.stringify({ pid: holder.pid, host: spawnSync('hostname').stdout.toString().trim(), command: 'init' }));
      const before = state(dir);
      const r = danlu(['init', dir, '--yes', ...HOST], { env: { DANLU_LOCK_WAIT_MS: '300' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`another danlu (init, pid ${holder.pid}) is writing this project; nothing was changed`);
      expect(state(dir)).toEqual(before);
    } finally {
      holder.kill();
      cleanup(dir);
    }
  });

  it('a lock left by a killed run (its process is gone) is taken over', () => {
    const dir = tempProject(PROJECT);
    try {
      const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
      mkdirSync(join(dir, '.danlu'));
      writeFileSync(join(dir, '.danlu', 'lock'), JSON.stringify({ pid: Number(gone), host: spawnSync('hostname').stdout.toString().trim(), command: 'init' }));
      const r = danlu(['init', dir, '--yes', ...HOST]);
      expect(r.code).toBe(0);
      expect(existsSync(join(dir, '.danlu'))).toBe(false);
    } finally {
      cleanup(dir);
    }
  });
});
