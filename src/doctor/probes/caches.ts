import { CACHE_DIRS } from '../../render/compose.js';
import type { CacheDir, CacheFacts } from '../types.js';
import type { DoctorDeps } from './deps.js';

/** Every folder from home down to each mounted cache: ".cache", ".cache/torch", ".cache/torch/hub"... */
export function cachePaths(dirs: readonly string[] = CACHE_DIRS): string[] {
  const out: string[] = [];
  for (const d of dirs) {
    const parts = d.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (!out.includes(rel)) out.push(rel);
    }
  }
  return out;
}

/**
 * The home whose caches compose mounts: HOST_HOME from the shell (compose reads it first),
 * else from .env, else the invoking user's home.
 */
export function cacheHome(env: NodeJS.ProcessEnv, dotenv: Record<string, string> | null, userHome: string): { home: string; source: string } {
  const shell = env.HOST_HOME?.trim();
  if (shell) return { home: shell, source: 'HOST_HOME (shell)' };
  const file = dotenv?.HOST_HOME?.trim();
  if (file) return { home: file, source: 'HOST_HOME (.env)' };
  return { home: userHome, source: 'user home' };
}

/** Owner and kind of each cache folder (pain point 8: dockerd creates missing ones as root). */
export async function probeCaches(deps: DoctorDeps, home: string, source: string): Promise<CacheFacts> {
  const rels = cachePaths();
  const [homeStat, ...stats] = await Promise.all([deps.stat(home), ...rels.map((rel) => deps.stat(`${home}/${rel}`))]);
  const dirs: CacheDir[] = rels.map((rel, i) => {
    const s = stats[i] ?? null;
    return { rel, path: `${home}/${rel}`, exists: s !== null, isDir: s?.isDir ?? false, uid: s?.uid ?? null, gid: s?.gid ?? null };
  });
  return { home, homeSource: source, homeExists: homeStat !== null, dirs };
}
