import { unlinkSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { DanluError, EXIT } from './errors.js';
import { leavesProjectError, resolveInProject } from './project-path.js';

/**
 * One writer at a time per project folder: `.danlu/lock`, made with O_EXCL, holds the owner's
 * pid, machine and command. A second danlu waits for it (up to `waitMs`), then stops with a
 * clear message; a lock whose process is gone (killed) is taken over. The lock is re-entrant
 * within one process.
 */
export const LOCK_FILE = join('.danlu', 'lock');

interface Owner {
  pid: number;
  host: string;
  command: string;
  started: string;
}

const held = new Map<string, { count: number; path: string; createdDir: string | null }>();

/** Test hook and escape hatch: how long a second run waits (ms). */
const waitLimit = (): number => {
  const v = Number(process.env.DANLU_LOCK_WAIT_MS);
  return Number.isFinite(v) && v >= 0 ? v : 60_000;
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<Owner | null> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<Owner>;
    return typeof o.pid === 'number'
      ? { pid: o.pid, host: String(o.host ?? ''), command: String(o.command ?? 'danlu'), started: String(o.started ?? '') }
      : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` holding the project's lock. */
export async function withProjectLock<T>(root: string, command: string, fn: () => Promise<T>, note?: (text: string) => void): Promise<T> {
  const where = await resolveInProject(root, LOCK_FILE);
  if (where.leaves) throw leavesProjectError(root, LOCK_FILE, where.leaves, { replaces: false });
  const key = where.real;
  const mine = held.get(key);
  if (mine) {
    mine.count++;
    try {
      return await fn();
    } finally {
      mine.count--;
    }
  }
  const got = await acquire(key, command, note);
  if (got === 'unwritable') return fn();
  held.set(key, { count: 1, path: key, createdDir: got.createdDir });
  const release = () => {
    try {
      unlinkSync(key);
    } catch {
      /* gone already */
    }
  };
  process.on('exit', release);
  try {
    return await fn();
  } finally {
    held.delete(key);
    process.off('exit', release);
    await rm(key, { force: true }).catch(() => undefined);
    // The folder goes when the lock was all it held (as a write leaves it).
    await rmdir(dirname(key)).catch(() => undefined);
  }
}

async function acquire(path: string, command: string, note?: (text: string) => void): Promise<{ createdDir: string | null } | 'unwritable'> {
  let createdDir: string | null = null;
  try {
    createdDir = await makeDir(dirname(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A folder danlu cannot write: the write itself says so, with the file it could not write.
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'unwritable';
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new DanluError('expected a folder, found a file', {
        location: { file: dirname(path) },
        hint: 'danlu keeps its journal and lock in .danlu/: rename that file',
      });
    throw err;
  }
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      const me: Owner = { pid: process.pid, host: hostname(), command, started: new Date().toISOString() };
      await fh.writeFile(`${JSON.stringify(me)}\n`);
      await fh.close();
      return { createdDir };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'unwritable';
      // The run before this one removed .danlu on its way out: make it again.
      if (code === 'ENOENT') {
        createdDir = (await makeDir(dirname(path))) ?? createdDir;
        continue;
      }
      if (code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(path);
    if (owner === null) {
      // Being written this instant, or garbage: a lock with no owner older than two seconds is stale.
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 2000) await takeOver(path);
      else await sleep(50);
      continue;
    }
    if (owner.host === hostname() && !alive(owner.pid)) {
      await takeOver(path);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitLimit())
      throw new DanluError(
        `another danlu (${owner.command}, pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''}) is writing this project; nothing was changed`,
        {
          code: EXIT.failed,
          location: { file: path },
          hint: `run again when it has finished; if no danlu is running${owner.host !== hostname() ? ` on ${owner.host}` : ''}, remove ${path}`,
        },
      );
    if (!told && note) {
      note(`waiting for another danlu (${owner.command}, pid ${owner.pid}) to finish with this project`);
      told = true;
    }
    await sleep(100);
  }
}

/** mkdir -p that survives another run removing the folder at the same moment (it tries again). */
async function makeDir(dir: string): Promise<string | null> {
  for (let i = 0; ; i++) {
    try {
      return (await mkdir(dir, { recursive: true })) ?? null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || i >= 20) throw err;
    }
  }
}

/** Moves a stale lock away (only one of several runs wins the rename), then removes it. */
async function takeOver(path: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return;
  }
  await rm(aside, { force: true });
}
