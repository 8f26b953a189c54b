import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DanluError } from './errors.js';

/** A file's text, or null when it does not exist; a folder or an unreadable file is a clear error. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'EISDIR') throw new DanluError(`expected a file, found a folder`, { location: { file: path } });
    if (code === 'ENOTDIR') throw new DanluError(`expected a folder, found a file: ${dirname(path)}`, { location: { file: dirname(path) } });
    if (code === 'EACCES') throw new DanluError('cannot read this file (permission denied)', { location: { file: path } });
    throw err;
  }
}
