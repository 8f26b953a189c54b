import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO, 'bin', 'danlu.mjs');
export const HOST_FILES = join(REPO, 'test', 'fixtures', 'hosts', 'host-files');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * uv's part in every init and plan the suite runs: with the test uv (DANLU_TEST_UV), offline and
 * with an empty cache, so each run has uv read the files it would write (uv refusing one fails
 * the run, exit 2) and never reaches a network; the lock tests solve online with their own env.
 */
const UV_PARSE_CHECK: Record<string, string> = process.env.DANLU_TEST_UV
  ? { DANLU_UV: process.env.DANLU_TEST_UV, UV_OFFLINE: '1', UV_CACHE_DIR: mkdtempSync(join(tmpdir(), 'danlu-uv-empty-')), UV_PYTHON_DOWNLOADS: 'never' }
  : { DANLU_UV: 'off' };

/** Runs the built CLI as a user would (npm test builds it first). */
/** An empty Slurm configuration: sinfo stops at once and finds no cluster (a missing file, it retries for a minute). */
export const NO_SLURM = '/dev/null';

export function danlu(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string; asUser?: number; timeoutMs?: number } = {},
): CliResult {
  // No test sees a Slurm cluster (the one .ci/run starts, a login node's own) unless it names one.
  const env = { ...process.env, NO_COLOR: '1', CI: 'true', SLURM_CONF: NO_SLURM, ...UV_PARSE_CHECK, ...opts.env };
  const [cmd, argv] =
    opts.asUser === undefined
      ? [process.execPath, [BIN, ...args]]
      : ['setpriv', [`--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', process.execPath, BIN, ...args]];
  const r = spawnSync(cmd, argv, { cwd: opts.cwd ?? REPO, env, input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function tempProject(files: Record<string, string> = {}, name = 'proj'): string {
  const root = mkdtempSync(join(tmpdir(), 'danlu-test-'));
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export function cleanup(dir: string): void {
  try {
    chmodSync(dir, 0o755);
  } catch {
    /* already gone */
  }
  rmSync(dirname(dir), { recursive: true, force: true });
}

/** Every file under dir with its bytes and mode: to prove that nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out[`${relative(dir, p)}/`] = `dir ${(statSync(p).mode & 0o777).toString(8)}`;
        walk(p);
      } else out[relative(dir, p)] = `${(statSync(p).mode & 0o777).toString(8)} ${readFileSync(p, 'base64')}`;
    }
  };
  walk(dir);
  return out;
}

export const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
export const write = (dir: string, path: string, text: string) => writeFileSync(join(dir, path), text);

export function jsonOut(r: CliResult): any {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
