import { spawn } from 'node:child_process';
import { runCommand } from '../lib/exec.js';

/** The uv danlu solves with: where it is and its version. */
export interface UvTool {
  path: string;
  version: string;
  /** How it was found: DANLU_UV, or PATH. */
  from: 'DANLU_UV' | 'PATH';
}

/** Why there is no uv to solve with (said in the plan). */
export type NoUv = { off: string };

const OFF = new Set(['0', 'off', 'none', 'no', 'false']);

/**
 * The uv to solve with: DANLU_UV (a path; `off` turns the solve off), else `uv` on PATH.
 * (The container always has the uv the image pins; on the host, a user's own uv is used.)
 */
export async function findUv(env: NodeJS.ProcessEnv = process.env): Promise<UvTool | NoUv> {
  const setting = env.DANLU_UV?.trim();
  if (setting !== undefined && OFF.has(setting.toLowerCase())) return { off: `DANLU_UV=${setting}` };
  const path = setting || 'uv';
  const r = await runCommand(path, ['--version'], { timeoutMs: 5000, env: { ...env, NO_COLOR: '1' } });
  const m = /^uv (\d+\.\d+\.\d+\S*)/.exec(r.stdout.trim());
  if (r.code !== 0 || !m) {
    return {
      off: setting ? `DANLU_UV=${setting} does not run (${r.missing ? 'not found' : r.timedOut ? 'timed out' : `exit ${r.code}`})` : 'uv is not on PATH',
    };
  }
  return { path, version: m[1]!, from: setting ? 'DANLU_UV' : 'PATH' };
}

export interface LockRun {
  code: number | null;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/**
 * `uv lock` in dir, with uv's progress lines passed to `onLine` (for the spinner). uv's own
 * configuration is the user's (indexes, mirrors, cache); progress bars and colour are off.
 */
export function uvLock(
  uv: UvTool,
  dir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  onLine: (line: string) => void = () => undefined,
  args: readonly string[] = [],
): Promise<LockRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stderr = '';
    let pending = '';
    let timedOut = false;
    const child = spawn(uv.path, ['lock', ...args], {
      cwd: dir,
      env: { ...env, NO_COLOR: '1', UV_NO_PROGRESS: '1' },
      // In danlu's process group: Ctrl-C stops uv too.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', () => undefined);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 1 << 20) stderr += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) onLine(l.trim());
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: `${stderr}\n${err.message}`, ms: Date.now() - started, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started, timedOut });
    });
  });
}
