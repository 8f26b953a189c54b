import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, HOST_FILES, REPO } from '../support/cli.js';

/** Runs danlu under bash, so the test can redirect its output as a user would. */
function sh(script: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', script, 'danlu-test', process.execPath, BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const HOST = join(HOST_FILES, 'h100-580.json');
const MNIST = join(REPO, 'examples', 'mnist');
const NO_SPACE = 'danlu: error: cannot write the output: no space left on the device';

describe('output that cannot be written is an error, never a success with the output cut short', () => {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-output-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['catalog --json', ['catalog', '--json']],
    ['host --json', ['host', '--json']],
    ['setup-host', ['setup-host']],
    ['plan --json', ['plan', MNIST, '--host', HOST, '--json']],
    ['import --json', ['import', MNIST, '--json']],
    ['export k8s', ['export', 'k8s', MNIST, '--host', HOST]],
  ])('%s > /dev/full: one line, exit 1, no stack trace', (_name, args) => {
    const r = sh('"$1" "$2" "${@:3}" > /dev/full', args);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(NO_SPACE);
    expect(r.stderr.match(/danlu: error:/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error|ENOSPC/);
  });

  it('setup-host > file past a size limit: exit 1, so `danlu setup-host > s.sh && sudo bash s.sh` runs nothing cut short', () => {
    const file = join(dir, 'setup-host.sh');
    // 4 KiB of file at most: the first write is short, the next one fails (Node ignores SIGXFSZ).
    const r = sh(`ulimit -f 4; "$1" "$2" "\${@:3}" > '${file}' && echo ran-the-script`, ['setup-host']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('ran-the-script');
    expect(r.stderr).toMatch(/danlu: error: cannot write the output: file too large/);
    expect(statSync(file).size).toBeLessThanOrEqual(4096);
    // The same script in full is much larger: it was cut, and danlu said so.
    const whole = sh('"$1" "$2" "${@:3}"', ['setup-host']);
    expect(whole.code).toBe(0);
    expect(whole.stdout.length).toBeGreaterThan(4096);
    expect(whole.stdout.startsWith(readFileSync(file, 'utf8'))).toBe(true);
  });

  it('stdout not open for writing: the same one line', () => {
    const r = sh('"$1" "$2" "${@:3}" 1</dev/null', ['catalog', '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe('danlu: error: cannot write the output: not open for writing');
  });

  it('a reader that stops early is not an error (exit 0, nothing on stderr)', () => {
    const r = sh('"$1" "$2" "${@:3}" | head -c 1 >/dev/null; exit "${PIPESTATUS[0]}"', ['catalog', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
