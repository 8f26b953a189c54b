import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLog } from '../../src/compose/run.js';
import { BIN, cleanup, tempProject } from '../support/cli.js';

const STACK = /Unhandled 'error' event|\n\s+at .+:\d+:\d+\)?\n|node:internal/;

describe('no stack trace, ever', () => {
  it('stdout closed early (`danlu catalog | true`): a quiet exit 0, no EPIPE trace', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" catalog | true; echo "rc=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
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
      expect(notes.join("\n")).toMatch(/cannot write .*up\.log \((ENOTDIR|EEXIST)\); the log goes to /);
    } finally {
      cleanup(dir);
    }
  });
});
