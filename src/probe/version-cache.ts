import { readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, makeCacheDir, type CacheDir } from '../lib/cache-dir.js';

/**
 * What a slow version command printed, kept per binary and arguments, with the binary's size and
 * modification time, so the next run need not start it: Compose v1 is Python and takes about
 * half a second. A binary that changes no longer matches. Errors only mean no cache.
 */
export interface VersionCache {
  read(binary: string, args: readonly string[]): Promise<string | null>;
  write(binary: string, args: readonly string[], output: string): Promise<void>;
}

const MAX_ENTRIES = 32;

interface Entry {
  stamp: string;
  output: string;
}

async function identify(binary: string, args: readonly string[]): Promise<{ key: string; stamp: string } | null> {
  try {
    const real = await realpath(binary);
    const s = await stat(real);
    return { key: `${real} ${args.join(' ')}`, stamp: `${s.size}:${Math.trunc(s.mtimeMs)}` };
  } catch {
    return null;
  }
}

/** The cache in `dir` (by default danlu's cache folder); with no folder (`HOME=`), a cache that keeps nothing. */
export function fileVersionCache(dir: CacheDir | null = cacheDir(process.env)): VersionCache {
  if (dir === null) return { read: async () => null, write: async () => {} };
  const file = join(dir.path, 'tool-versions.json');
  const load = async (): Promise<Record<string, Entry>> => {
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, Entry>) : {};
    } catch {
      return {};
    }
  };
  return {
    async read(binary, args) {
      const id = await identify(binary, args);
      if (!id) return null;
      const entry = (await load())[id.key];
      return entry && entry.stamp === id.stamp && typeof entry.output === 'string' ? entry.output : null;
    },
    async write(binary, args, output) {
      const id = await identify(binary, args);
      if (!id) return;
      try {
        const others = Object.entries(await load()).filter(([k]) => k !== id.key);
        const next = Object.fromEntries([...others.slice(-(MAX_ENTRIES - 1)), [id.key, { stamp: id.stamp, output }]]);
        if (!(await makeCacheDir(dir))) return;
        const staged = `${file}.${process.pid}.tmp`;
        await writeFile(staged, `${JSON.stringify(next, null, 1)}\n`, { mode: 0o600 });
        await rename(staged, file);
      } catch {
        /* no cache this time */
      }
    },
  };
}
