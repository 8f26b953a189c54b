import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * What a slow `--version` printed, kept per binary (its real path, size and modification time)
 * so the next probe need not start it: Compose v1 is Python and takes about half a second.
 * A binary that changes gets a new key. Errors only mean no cache.
 */
export interface VersionCache {
  read(binary: string): Promise<string | null>;
  write(binary: string, output: string): Promise<void>;
}

const MAX_ENTRIES = 32;

async function keyOf(binary: string): Promise<string | null> {
  try {
    const real = await realpath(binary);
    const s = await stat(real);
    return `${real}:${s.size}:${Math.trunc(s.mtimeMs)}`;
  } catch {
    return null;
  }
}

export function fileVersionCache(file = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'danlu', 'tool-versions.json')): VersionCache {
  const load = async (): Promise<Record<string, string>> => {
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as unknown;
      return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return {
    async read(binary) {
      const key = await keyOf(binary);
      if (!key) return null;
      const value = (await load())[key];
      return typeof value === 'string' ? value : null;
    },
    async write(binary, output) {
      const key = await keyOf(binary);
      if (!key) return;
      try {
        const entries = Object.entries(await load()).filter(([k]) => k !== key && !k.startsWith(`${key.split(':')[0]}:`));
        const next = Object.fromEntries([...entries.slice(-(MAX_ENTRIES - 1)), [key, output]]);
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        const staged = `${file}.${process.pid}.tmp`;
        await writeFile(staged, `${JSON.stringify(next, null, 1)}\n`, { mode: 0o600 });
        await rename(staged, file);
      } catch {
        /* no cache this time */
      }
    },
  };
}
