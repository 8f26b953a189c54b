import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/compose/run.js';
import { BIN, cleanup, tempProject } from '../support/cli.js';

const STACK = /Unhandled 'error' event|\n\s+at .+:\d+:\d+\)?\n|node:internal/;

describe('no stack trace, ever', () => {
  it('stdout closed early (`danlu catalog | true`): a quiet exit 0, no EPIPE trace', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" catalog | true; echo "rc=\${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/rc=0/);
  });

  it('a .danlu/logs the process cannot write (left by `sudo danlu up`): the log goes to the temp folder, with a note and the fix', async () => {
    const dir = tempProject({});
    try {
      mkdirSync(join(dir, '.danlu'));
      // A file where the folder should be fails the same way a root-owned folder does (root is not refused by permissions).
      writeFileSync(join(dir, '.danlu', 'logs'), 'not a folder');
      const notes: string[] = [];
      const { stream, path } = await openLog(join(dir, '.danlu', 'logs', 'up.log'), (t) => notes.push(t));
      await new Promise<void>((r) => stream.end('hello\n', () => r()));
      expect(path).not.toContain(join(dir, '.danlu'));
      expect(readFileSync(path, 'utf8')).toBe('hello\n');
      expect(notes.join('\n')).toMatch(/cannot write .*up\.log \((ENOTDIR|EEXIST)\); the log goes to /);
    } finally {
      cleanup(dir);
    }
  });
});

describe('every command under adverse conditions: a one-line error or a result, never a stack trace', () => {
  const COMMANDS: string[][] = [
    ['host'],
    ['doctor', '--json'],
    ['plan'],
    ['init', '--dry-run', '--yes'],
    ['import'],
    ['catalog'],
    ['mirrors'],
    ['status'],
    ['up', '--no-sync'],
    ['down'],
    ['logs'],
    ['export', 'k8s'],
    ['setup-host'],
  ];
  const CONDITIONS: { name: string; asUser?: number; env: (home: string) => Record<string, string | undefined> }[] = [
    { name: 'HOME unset', env: () => ({ HOME: undefined, XDG_CACHE_HOME: undefined, XDG_CONFIG_HOME: undefined }) },
    // As a user (root writes anywhere): a read-only HOME, and a project folder that is not theirs.
    ...(process.getuid?.() === 0
      ? [
          {
            name: 'HOME read-only, project not writable (as a user)',
            asUser: 65534,
            env: (home: string) => ({ HOME: home, XDG_CACHE_HOME: undefined, XDG_CONFIG_HOME: undefined }),
          },
        ]
      : []),
    {
      name: 'no docker client',
      env: () => ({
        DANLU_DOCKER: '/nonexistent/docker',
        PATH: `/usr/local/sbin:/usr/sbin:/sbin:${(process.env.PATH ?? '')
          .split(':')
          .filter((d) => !/docker/.test(d))
          .join(':')}`,
      }),
    },
  ];
  for (const c of CONDITIONS) {
    it(c.name, () => {
      const dir = tempProject({ 'requirements.txt': 'numpy\n' });
      const home = join(dir, '..', 'ro-home');
      mkdirSync(home);
      chmodSync(home, 0o555);
      chmodSync(join(dir, '..'), 0o755);
      try {
        for (const args of COMMANDS) {
          const env: Record<string, string> = {};
          for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', CI: 'true', ...c.env(home) })) if (v !== undefined) env[k] = v;
          const [cmd, argv] =
            c.asUser === undefined
              ? [process.execPath, [BIN, ...args]]
              : ['setpriv', [`--reuid=${c.asUser}`, `--regid=${c.asUser}`, '--clear-groups', process.execPath, BIN, ...args]];
          const r = spawnSync(cmd, argv, { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
          const said = `danlu ${args.join(' ')} (${c.name}): exit ${r.status}\n${r.stderr.slice(-800)}`;
          expect(r.stderr, said).not.toMatch(STACK);
          expect(r.stderr, said).not.toMatch(/internal error/);
          expect([0, 1, 2], said).toContain(r.status);
        }
      } finally {
        chmodSync(home, 0o755);
        cleanup(dir);
      }
    }, 300_000);
  }
});
