import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DanluError } from '../lib/errors.js';
import { fsErrorReason } from '../lib/fs-errors.js';

export interface Write {
  /** Path relative to the project folder. */
  path: string;
  text: string;
  mode?: number;
  /** Save the current content under .danlu/backup/ first. */
  backup: boolean;
}

export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR') throw new DanluError(`expected a file, found a folder`, { location: { file: path } });
    if (code === 'EACCES') throw new DanluError('cannot read this file (permission denied)', { location: { file: path } });
    throw err;
  }
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

/**
 * Writes every file or none: each new content is first written and synced to a temporary
 * file beside its target; only when all of them exist are they renamed into place.
 * Returns the backup folder when backups were made.
 */
export async function writeAll(root: string, writes: readonly Write[], now = new Date()): Promise<string | null> {
  if (writes.length === 0) return null;
  const createdDirs: string[] = [];
  const staged: { temp: string; target: string }[] = [];
  const tag = randomBytes(4).toString('hex');
  let backupDir: string | null = null;
  try {
    for (const w of writes) {
      const target = join(root, w.path);
      await ensureDir(dirname(target), createdDirs);
      if (w.backup) {
        const current = await readIfExists(target);
        if (current !== null) {
          backupDir ??= join(root, '.danlu', 'backup', now.toISOString().replace(/[:.]/g, '-'));
          const copy = join(backupDir, w.path);
          await ensureDir(dirname(copy), createdDirs);
          await writeDurably(copy, current, undefined);
        }
      }
      const temp = `${target}.danlu-${tag}.tmp`;
      const mode = w.mode ?? (await stat(target).then((st) => st.mode & 0o7777, () => undefined));
      await writeDurably(temp, w.text, mode);
      staged.push({ temp, target });
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    if (backupDir) await rm(backupDir, { recursive: true, force: true }).catch(() => undefined);
    for (const dir of createdDirs.reverse()) await rmdir(dir).catch(() => undefined);
    if (err instanceof DanluError) throw err;
    throw describeFsError(err, root, join(root, writes[staged.length]?.path ?? '.'));
  }
  for (const s of staged) await rename(s.temp, s.target);
  return backupDir ? relative(root, backupDir) : null;
}
