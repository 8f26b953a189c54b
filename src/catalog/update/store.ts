import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseCatalogFile, stringifyCatalogFile, type CatalogFile } from '../file.js';
import type { CatalogPaths } from '../load.js';
import { fsErrorReason } from '../../lib/fs-errors.js';

async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* not every file system lets a folder be synced */
  }
}

/**
 * Replaces catalog.json atomically and keeps the one it replaces as catalog.prev.json.
 * The text is checked by reading it back before anything is renamed, and catalog.json is never
 * missing: the old one is copied aside first, then the new one is renamed over it.
 */
export async function writeUserCatalog(paths: CatalogPaths, file: CatalogFile): Promise<{ previous: string | null }> {
  const text = stringifyCatalogFile(file);
  parseCatalogFile(text);
  await mkdir(paths.dir, { recursive: true });
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${paths.file}.${tag}.tmp`;
  const prevTemp = `${paths.prev}.${tag}.tmp`;
  try {
    await writeSynced(temp, text);
    let previous: string | null = null;
    try {
      await copyFile(paths.file, prevTemp);
      await rename(prevTemp, paths.prev);
      previous = paths.prev;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await rename(temp, paths.file);
    await syncDir(paths.dir);
    return { previous };
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined);
    await rm(prevTemp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export const describeWriteError = (paths: CatalogPaths, e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  const reason = code === 'ENOTDIR' || code === 'EEXIST' ? `${basename(paths.dir)} is not a folder` : fsErrorReason(e);
  return `cannot write ${paths.file}: ${reason}; the catalog in use was not changed`;
};
