import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { mergeGenerated } from '../apply/merge-generated.js';
import { readIfExists, writeAll } from '../apply/write.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { fsErrorReason } from '../lib/fs-errors.js';

export interface WrittenJob {
  /** The file, absolute. */
  path: string;
  action: 'created' | 'updated' | 'unchanged';
  /** Where --force saved the file it replaced. */
  backup: string | null;
}

async function kindOf(path: string): Promise<'file' | 'folder' | 'other' | null> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return 'other';
    throw new DanluError(`cannot use --out ${path}: ${fsErrorReason(err)}`, { location: { file: path }, cause: err });
  }
}

/**
 * `export --out FILE`, by the rule of `init`: a file danlu wrote and nobody edited (its
 * danlu-hash line) is replaced; an edited or foreign one is kept (exit 1) unless `force`, which
 * saves it under FILE's folder's .danlu/backup/ first. The folder must exist (none is created).
 */
export async function writeJobFile(out: string, text: string, options: { force: boolean; mode?: number; example: string }): Promise<WrittenJob> {
  const path = resolve(out);
  const dir = dirname(path);
  const folder = await kindOf(dir);
  if (folder !== 'folder') {
    throw new DanluError(
      folder === null ? `no such folder, so --out ${out} cannot be written (danlu creates no folders)` : `not a folder, so --out ${out} cannot be written`,
      {
        location: { file: dir },
        hint: folder === null ? `create it first (mkdir -p ${dir}), or write the job into a folder that exists` : 'write the job into a folder',
      },
    );
  }
  const kind = await kindOf(path);
  if (kind === 'folder') {
    throw new DanluError('a folder, not a file: --out takes the path of the job file', {
      location: { file: path },
      hint: `name the file, e.g. --out ${join(out, options.example)}`,
    });
  }
  if (kind === 'other') throw new DanluError('not a regular file: --out takes the path of the job file', { location: { file: path } });
  const existing = await readIfExists(path);
  const merged = mergeGenerated(existing, text, options.force);
  if (merged.action === 'conflict') {
    throw new DanluError(`${merged.conflicts[0]}; kept as it is`, {
      code: EXIT.failed,
      location: { file: path },
      hint: '--force replaces it and saves a backup first (under .danlu/backup/ beside it), or write the job to another --out FILE',
    });
  }
  if (merged.action === 'unchanged') return { path, action: 'unchanged', backup: null };
  const saved = await writeAll(dir, [
    { path: basename(path), text, backup: merged.conflicts.length > 0, ...(options.mode !== undefined ? { mode: options.mode } : {}) },
  ]);
  return { path, action: merged.action === 'created' ? 'created' : 'updated', backup: saved === null ? null : join(dir, saved, basename(path)) };
}
