import { randomBytes } from 'node:crypto';
import { chown, lstat, mkdir, open, readdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DanluError } from '../lib/errors.js';
import { fsErrorReason } from '../lib/fs-errors.js';
import { readIfExists } from '../lib/read-file.js';

export interface Write {
  /** Path relative to the project folder. */
  path: string;
  text: string;
  mode?: number;
  /** Save the current content under .danlu/backup/ first. */
  backup: boolean;
}

export { readIfExists };

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

/** A symlinked file is written through the link, so the link stays a link. */
async function resolveTarget(path: string): Promise<string> {
  const s = await lstat(path).catch(() => null);
  if (!s?.isSymbolicLink()) return path;
  return realpath(path).catch(() => path);
}

/**
 * Finishes a write that was killed between its renames (the journal lists them), and removes
 * temporary files a kill left before any rename. Called before anything is read.
 */
export async function recoverInterruptedWrite(root: string): Promise<string[]> {
  const done: string[] = [];
  const journalPath = join(root, JOURNAL);
  const journal = await readIfExists(journalPath).catch(() => null);
  if (journal !== null) {
    let entries: { temp: string; target: string }[] = [];
    try {
      entries = (JSON.parse(journal) as { renames: { temp: string; target: string }[] }).renames;
    } catch {
      entries = [];
    }
    for (const e of entries) {
      if (
        await stat(e.temp).then(
          () => true,
          () => false,
        )
      ) {
        await rename(e.temp, e.target);
        done.push(relative(root, e.target));
      }
    }
    await rm(journalPath, { force: true });
  }
  for (const dir of [root, join(root, '.devcontainer'), join(root, '.vscode')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) if (/\.danlu-[0-9a-f]{8}\.tmp$/.test(name)) await rm(join(dir, name), { force: true });
  }
  return done;
}

/** Test hook: DANLU_TEST_WRITE_DELAY_MS slows each staged file, so a test can kill a write midway. */
const testDelay = () => Number(process.env.DANLU_TEST_WRITE_DELAY_MS ?? 0);

/**
 * Writes every file or none: each new content is first written and synced to a temporary
 * file beside its target; only when all of them exist are they renamed into place, with a
 * journal so that a write killed among its renames is finished by the next run. SIGINT or
 * SIGTERM while staging removes what was staged; during the renames they wait.
 * Returns the backup folder when backups were made.
 */
export async function writeAll(root: string, writes: readonly Write[], now = new Date()): Promise<string | null> {
  if (writes.length === 0) return null;
  const createdDirs: string[] = [];
  const staged: { temp: string; target: string }[] = [];
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
  try {
    for (const w of writes) {
      const target = await resolveTarget(join(root, w.path));
      await ensureDir(dirname(target), createdDirs);
      if (w.backup) {
        const current = await readIfExists(target);
        if (current !== null) {
          backupDir ??= join(root, '.danlu', 'backup', now.toISOString().replace(/[:.]/g, '-'));
          const copy = join(backupDir, w.path);
          await ensureDir(dirname(copy), createdDirs);
          await writeDurably(copy, current, undefined);
          await own(copy, target);
        }
      }
      const temp = `${target}.danlu-${tag}.tmp`;
      const mode =
        w.mode ??
        (await stat(target).then(
          (st) => st.mode & 0o7777,
          () => undefined,
        ));
      await writeDurably(temp, w.text, mode);
      await own(temp, target);
      staged.push({ temp, target });
      if (testDelay() > 0) await new Promise((r) => setTimeout(r, testDelay()));
      if (interrupted) throw new DanluError(`interrupted (${interrupted}) before any file was replaced; nothing was changed`, { code: 130 });
    }
    await ensureDir(join(root, '.danlu'), createdDirs);
    for (const d of createdDirs) await own(d);
    await writeDurably(join(root, `${JOURNAL}.${tag}`), JSON.stringify({ renames: staged }), undefined);
    await rename(join(root, `${JOURNAL}.${tag}`), join(root, JOURNAL));
  } catch (err) {
    stop();
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    await rm(join(root, `${JOURNAL}.${tag}`), { force: true }).catch(() => undefined);
    if (backupDir) await rm(backupDir, { recursive: true, force: true }).catch(() => undefined);
    for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
    if (err instanceof DanluError) throw err;
    throw describeFsError(err, root, join(root, writes[staged.length]?.path ?? '.'));
  }
  try {
    for (const s of staged) await rename(s.temp, s.target);
    await rm(join(root, JOURNAL), { force: true });
  } finally {
    stop();
  }
  // The journal folder goes when it held nothing else (backups stay).
  await rmdir(join(root, '.danlu')).catch(() => undefined);
  if (interrupted) process.kill(process.pid, interrupted);
  return backupDir ? relative(root, backupDir) : null;
}
