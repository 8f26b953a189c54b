import { spawn } from 'node:child_process';

/** The outcome of running an external command. Absence and time-outs are data, not exceptions. */
export interface ExecResult {
  /** Exit code, or null when the process could not start or was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command was not found (ENOENT) or could not be started. */
  missing: boolean;
  timedOut: boolean;
  /** Milliseconds the command took. */
  ms: number;
}

export interface ExecOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

export type Exec = (cmd: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

const DEFAULT_TIMEOUT_MS = 3000;
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Runs a command with a hard time-out. The child is killed (SIGKILL, whole process
 * group) when the time runs out, so a hung `docker` cannot hold us.
 */
export const runCommand: Exec = (cmd, args, options = {}) => {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    let timedOut = false;
    const finish = (result: Omit<ExecResult, 'ms' | 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, stdout, stderr, timedOut, ms: Date.now() - started });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
      });
    } catch {
      resolve({ code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: Date.now() - started });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      finish({ code: null, missing: false });
    }, timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      finish({ code: null, missing: err.code === 'ENOENT' || err.code === 'EACCES' });
    });
    child.on('close', (code) => finish({ code, missing: false }));
    if (options.input !== undefined) child.stdin?.end(options.input);
    // Never let a probe keep the process alive.
    child.unref();
  });
};
