import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, open, readdir, readlink, realpath, rename, rm, rmdir, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { DanluError } from '../lib/errors.js';
import { fsErrorReason } from '../lib/fs-errors.js';
import { withProjectLock } from '../lib/project-lock.js';
import { isInside, leavesProjectError, resolveInProject } from '../lib/project-path.js';
import { readIfExists, readOwnProjectFile } from '../lib/read-file.js';

export interface Write {
  /** Path relative to the project folder. */
  path: string;
  text: string;
  mode?: number;
  /** Save the current content under .danlu/backup/ first. */
  backup: boolean;
  /** The path is a link out of the project: replace the link itself (init --force), keeping it in the backup. */
  replaceLink?: boolean;
}

export { readIfExists };

/**
 * Takes the group's and others' permissions off a file of the project (never through a link out
 * of it); true when there were any.
 */
export async function makePrivate(root: string, rel: string): Promise<boolean> {
  const where = await resolveInProject(root, rel);
  if (where.leaves) return false;
  const st = await lstat(where.real).catch(() => null);
  if (!st?.isFile() || (st.mode & 0o077) === 0) return false;
  await chmod(where.real, st.mode & 0o700);
  return true;
}

async function writeDurably(path: string, text: string, mode: number | undefined): Promise<void> {
  const handle = await open(path, 'wx', mode ?? 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates missing folders, remembering which, so a failure can remove them again. */
async function ensureDir(dir: string, created: string[]): Promise<void> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new DanluError('expected a folder, found a file', { location: { file: dir } });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await ensureDir(dirname(dir), created);
  await mkdir(dir);
  created.push(dir);
}

function describeFsError(err: unknown, root: string, path: string): DanluError {
  const rel = relative(root, path) || '.';
  return new DanluError(`cannot write ${rel}: ${fsErrorReason(err)}; nothing was changed`, { location: { file: join(root, rel) }, cause: err });
}

const JOURNAL = join('.danlu', 'journal.json');
const TEMP_NAME = /\.danlu-[0-9a-f]{8}\.tmp$/;

/**
 * Where a write lands: the real path inside the project. A link that leaves the project is an
 * error; with `replaceLink` (init --force) the link itself is replaced by the new file, and
 * `link` says what it pointed to (kept in the backup).
 */
async function targetOf(root: string, w: Pick<Write, 'path' | 'replaceLink'>): Promise<{ path: string; link: string | null }> {
  const where = await resolveInProject(root, w.path);
  if (!where.leaves) return { path: where.real, link: null };
  if (w.replaceLink && where.isLink && where.parentInside) {
    const parent = await resolveInProject(root, dirname(w.path));
    const path = join(parent.real, basename(w.path));
    return { path, link: await readlink(path) };
  }
  throw leavesProjectError(root, w.path, where.leaves, { replaces: where.isLink && where.parentInside });
}

/** The current text of a file danlu is about to write: null when absent, or when its link is being replaced. */
export async function readTarget(root: string, path: string, replaceLink: boolean): Promise<string | null> {
  const where = await resolveInProject(root, path);
  if (where.leaves) {
    if (replaceLink && where.isLink && where.parentInside) return null;
    throw leavesProjectError(root, path, where.leaves, { replaces: where.isLink && where.parentInside });
  }
  // Read as UTF-8 strictly: bytes that are not UTF-8 are an error, never replaced and written back.
  return readOwnProjectFile(root, path);
}

interface Renamed {
  temp: string;
  target: string;
}

export interface Recovery {
  /** Files an interrupted earlier run had staged, put in place now. */
  done: string[];
  /** Journal entries that were not danlu's own (ignored, nothing renamed). */
  ignored: string[];
}

/**
 * Finishes a write that was killed between its renames (the journal lists them), and removes
 * temporary files a kill left before any rename. Called, holding the project's lock, before
 * anything is read. The journal is untrusted (a repository can ship one): an entry is taken
 * only when its target is one of `allowed` (the files this run writes), inside the project, and
 * its temporary file is a plain file beside it with danlu's own name; anything else is ignored.
 */
export async function recoverInterruptedWrite(root: string, allowed: readonly string[]): Promise<Recovery> {
  const done: string[] = [];
  const ignored: string[] = [];
  const realRoot = await realpath(root);
  const journal = await resolveInProject(root, JOURNAL);
  const targets = new Map<string, string>();
  for (const rel of allowed) {
    const where = await resolveInProject(root, rel).catch(() => null);
    if (where && !where.leaves) targets.set(where.real, rel);
  }
  const text = journal.leaves ? null : await readIfExists(journal.real).catch(() => null);
  if (text !== null) {
    let entries: unknown[] = [];
    try {
      const doc = JSON.parse(text) as { renames?: unknown };
      entries = Array.isArray(doc.renames) ? doc.renames : [];
    } catch {
      entries = [];
    }
    for (const e of entries) {
      const entry = e as Partial<Renamed>;
      const shown = typeof entry.target === 'string' ? entry.target : JSON.stringify(e);
      if (typeof entry.temp !== 'string' || typeof entry.target !== 'string') {
        ignored.push(shown);
        continue;
      }
      // Written relative to the project; an older danlu wrote absolute paths.
      const target = resolve(realRoot, entry.target);
      const temp = resolve(realRoot, entry.temp);
      const rel = targets.get(target);
      const ok =
        rel !== undefined &&
        isInside(realRoot, target) &&
        dirname(temp) === dirname(target) &&
        temp.startsWith(`${target}.danlu-`) &&
        TEMP_NAME.test(temp.slice(target.length)) &&
        (await lstat(temp).then(
          (st) => st.isFile(),
          () => false,
        ));
      if (!ok) {
        if (!(rel !== undefined && !(await lstat(temp).catch(() => null)))) ignored.push(shown);
        continue;
      }
      await rename(temp, target);
      done.push(rel);
    }
    await rm(journal.real, { force: true });
  }
  const dirs = new Set([realRoot, ...[...targets.keys()].map((t) => dirname(t))]);
  for (const dir of dirs) {
    if (!isInside(realRoot, dir)) continue;
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!TEMP_NAME.test(name)) continue;
      const st = await lstat(join(dir, name)).catch(() => null);
      if (st && (st.isFile() || st.isSymbolicLink())) await rm(join(dir, name), { force: true });
    }
  }
  return { done, ignored };
}

/** Test hook: DANLU_TEST_WRITE_DELAY_MS slows each staged file, so a test can kill a write midway. */
const testDelay = () => Number(process.env.DANLU_TEST_WRITE_DELAY_MS ?? 0);
/** Test hook: DANLU_TEST_RENAME_DELAY_MS slows each rename, so a test can signal among the renames. */
const renameDelay = () => Number(process.env.DANLU_TEST_RENAME_DELAY_MS ?? 0);

/**
 * Writes every file or none: each new content is first written and synced to a temporary
 * file beside its target; only when all of them exist are they renamed into place, with a
 * journal so that a write killed among its renames is finished by the next run. SIGINT or
 * SIGTERM while staging removes what was staged; during the renames they wait.
 * Returns the backup folder when backups were made.
 */
export async function writeAll(root: string, writes: readonly Write[], now = new Date()): Promise<string | null> {
  if (writes.length === 0) return null;
  return withProjectLock(root, 'write', () => writeLocked(root, writes, now));
}

async function writeLocked(root: string, writes: readonly Write[], now: Date): Promise<string | null> {
  const createdDirs: string[] = [];
  const staged: Renamed[] = [];
  const tag = randomBytes(4).toString('hex');
  let backupDir: string | null = null;
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stop = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  // Run as root (`sudo danlu init`) in a folder of another user's: what is written keeps that
  // user as owner (a replaced file its own owner), so their next run can write it again.
  const owner =
    process.getuid?.() === 0
      ? await stat(root).then(
          (s) => (s.uid !== 0 ? { uid: s.uid, gid: s.gid } : null),
          () => null,
        )
      : null;
  const own = async (path: string, like?: string) => {
    if (!owner) return;
    const o = like
      ? await stat(like).then(
          (s) => ({ uid: s.uid, gid: s.gid }),
          () => owner,
        )
      : owner;
    await chown(path, o.uid, o.gid).catch(() => undefined);
  };
  /** A path of danlu's own under .danlu/, held inside the project like every other write. */
  const inDanlu = async (rel: string): Promise<string> => {
    const where = await resolveInProject(root, rel);
    if (where.leaves) throw leavesProjectError(root, rel, where.leaves, { replaces: false });
    return where.real;
  };
  const realRoot = await realpath(root);
  let current: string = writes[0]!.path;
  try {
    for (const w of writes) {
      current = w.path;
      const { path: target, link } = await targetOf(root, w);
      await ensureDir(dirname(target), createdDirs);
      if (w.backup || link !== null) {
        const stamp = now.toISOString().replace(/[:.]/g, '-');
        const copy = await inDanlu(join('.danlu', 'backup', stamp, w.path));
        const dir = await inDanlu(join('.danlu', 'backup', stamp));
        if (link !== null) {
          // The link itself is what is replaced: the backup is the same link.
          await ensureDir(dirname(copy), createdDirs);
          backupDir ??= dir;
          await symlink(link, copy);
        } else {
          const current = await readIfExists(target);
          if (current !== null) {
            await ensureDir(dirname(copy), createdDirs);
            backupDir ??= dir;
            // The copy is as private as the file (a .env with a mirror's token stays 0600).
            await writeDurably(
              copy,
              current,
              await stat(target).then(
                (st) => st.mode & 0o777,
                () => undefined,
              ),
            );
            await own(copy, target);
          }
        }
      }
      const temp = `${target}.danlu-${tag}.tmp`;
      const mode =
        w.mode ??
        (link === null
          ? await stat(target).then(
              (st) => st.mode & 0o7777,
              () => undefined,
            )
          : undefined);
      // Listed before it is written: a failure halfway removes it too.
      staged.push({ temp, target });
      await writeDurably(temp, w.text, mode);
      await own(temp, link === null ? target : undefined);
      if (testDelay() > 0) await new Promise((r) => setTimeout(r, testDelay()));
      if (interrupted) throw new DanluError(`interrupted (${interrupted}) before any file was replaced; nothing was changed`, { code: 130 });
    }
    current = JOURNAL;
    const journal = await inDanlu(JOURNAL);
    await ensureDir(dirname(journal), createdDirs);
    for (const d of createdDirs) await own(d);
    // Relative to the project, so that the journal names nothing outside it.
    const entries = staged.map((s) => ({ temp: relative(realRoot, s.temp), target: relative(realRoot, s.target) }));
    await writeDurably(`${journal}.${tag}`, JSON.stringify({ renames: entries }), undefined);
    await rename(`${journal}.${tag}`, journal);
  } catch (err) {
    stop();
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    await rm(join(realRoot, `${JOURNAL}.${tag}`), { force: true }).catch(() => undefined);
    if (backupDir) await rm(backupDir, { recursive: true, force: true }).catch(() => undefined);
    for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
    if (err instanceof DanluError) throw err;
    throw describeFsError(err, root, join(root, current));
  }
  try {
    for (const s of staged) {
      if (renameDelay() > 0) await new Promise((r) => setTimeout(r, renameDelay()));
      await rename(s.temp, s.target);
    }
    await rm(join(realRoot, JOURNAL), { force: true });
  } finally {
    stop();
  }
  // The journal folder goes when it held nothing else (backups stay).
  await rmdir(join(realRoot, '.danlu')).catch(() => undefined);
  if (interrupted) {
    // The signal came while the files were being put in place: the write is whole, say so.
    process.stderr.write(`danlu: interrupted (${interrupted}) after every file was written; the write is complete\n`);
    process.kill(process.pid, interrupted);
  }
  return backupDir ? relative(realRoot, backupDir) : null;
}
