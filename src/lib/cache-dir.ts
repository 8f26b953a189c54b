import { mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * A folder for danlu's caches: `$XDG_CACHE_HOME/danlu/...`, else `$HOME/.cache/danlu/...`.
 * `base` is the folder that must exist already (XDG_CACHE_HOME, or the home folder): a cache
 * never creates a home, and a relative or empty setting (`HOME=`) names no cache at all, not a
 * folder in the current one. bin/load-bundle.mjs, which runs before this code is loaded, follows
 * the same rule for the compile cache.
 */
export interface CacheDir {
  base: string;
  path: string;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env, ...parts: string[]): CacheDir | null {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return { base: xdg, path: join(xdg, 'danlu', ...parts) };
  const home = env.HOME ?? homedir();
  if (!home || !isAbsolute(home)) return null;
  return { base: home, path: join(home, '.cache', 'danlu', ...parts) };
}

/**
 * Makes the cache folder one level at a time below its base, which must be a folder already.
 * False when it cannot be made (a missing home, a read-only disk, /proc): then there is no cache.
 * Node's recursive mkdir loops for ever under /proc (mkdir answers ENOENT there), this does not.
 */
export async function makeCacheDir(dir: CacheDir): Promise<boolean> {
  try {
    if (!(await stat(dir.base)).isDirectory()) return false;
    let at = dir.base;
    for (const part of relative(dir.base, dir.path).split(sep)) {
      if (part === '' || part === '..') return false;
      at = join(at, part);
      await mkdir(at, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    }
    return (await stat(dir.path)).isDirectory();
  } catch {
    return false;
  }
}
