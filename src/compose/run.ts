import { spawn } from 'node:child_process';
import { constants, type WriteStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { resolveInProject } from '../lib/project-path.js';
import type { CommandLine } from './command-line.js';

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1);
}

/**
 * Runs a command attached to our terminal and returns its exit code unchanged. On a
 * terminal, Ctrl-C reaches the whole foreground group (docker passes it into the container);
 * we only wait. Signals sent to danlu alone (no terminal) are passed on.
 */
export function runAttached(line: CommandLine, cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(line.cmd, line.args, { cwd, env: { ...process.env, ...line.env }, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => {
      if (!process.stdin.isTTY) child.kill(signal);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (code: number) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(code);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`danlu: cannot run ${line.cmd}: ${err.message}\n`);
      done(err.code === 'ENOENT' ? 127 : 126);
    });
    child.on('close', (code, signal) => done(exitCodeOf(code, signal)));
  });
}

export interface CapturedRun {
  code: number;
  /** The last lines of output, for the error report. */
  tail: string[];
  /** Where the whole output went (the project's .danlu/logs, or the temp folder when that is not writable). */
  logFile: string;
}

/** Runs a command with its output going to a log file; `onLine` sees each line (for progress). */
/**
 * The log file, opened before the command starts. A project whose .danlu/logs a `sudo danlu up`
 * left to root cannot take it: the log goes to the temp folder instead, with a one-line note.
 */
export async function openLog(
  logFile: string,
  note: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
  root?: string,
): Promise<{ stream: WriteStream; path: string }> {
  try {
    // Inside the project only: a .danlu or log that is a link out of it is not written through.
    if (root !== undefined) {
      const where = await resolveInProject(root, relative(root, logFile));
      if (where.leaves) throw Object.assign(new Error(`${where.leaves.link} is a link out of the project`), { code: 'a link out of the project' });
    }
    await mkdir(dirname(logFile), { recursive: true });
    const fh = await open(logFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW);
    return { stream: fh.createWriteStream(), path: logFile };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    const fallback = join(tmpdir(), `danlu-${process.getuid?.() ?? 'user'}-${basename(dirname(dirname(dirname(logFile))))}-${basename(logFile)}`);
    note(
      `danlu: note: cannot write ${logFile} (${code}${code === 'EACCES' ? ': owned by another user, from a `sudo danlu`?' : ''}); the log goes to ${fallback}${code === 'EACCES' ? `\n  fix: sudo chown -R "$(id -u):$(id -g)" ${dirname(dirname(logFile))}` : ''}`,
    );
    const fh = await open(fallback, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    return { stream: fh.createWriteStream(), path: fallback };
  }
}

export async function runLogged(line: CommandLine, cwd: string, logFile: string, onLine: (text: string) => void): Promise<CapturedRun> {
  const { stream: log, path: logPath } = await openLog(logFile, undefined, cwd);
  log.on('error', () => undefined);
  const tail: string[] = [];
  const code = await new Promise<number>((resolve) => {
    const child = spawn(line.cmd, line.args, { cwd, env: { ...process.env, ...line.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    const take = (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.trim()) continue;
        tail.push(l);
        if (tail.length > 40) tail.shift();
        onLine(l);
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const stop = () => child.kill('SIGINT');
    process.on('SIGINT', stop);
    child.on('error', (err) => {
      tail.push(`cannot run ${line.cmd}: ${err.message}`);
      process.off('SIGINT', stop);
      resolve(127);
    });
    child.on('close', (c, s) => {
      process.off('SIGINT', stop);
      if (pending.trim()) tail.push(pending);
      resolve(exitCodeOf(c, s));
    });
  });
  await new Promise<void>((r) => log.end(r));
  return { code, tail, logFile: logPath };
}
