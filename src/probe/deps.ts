import { access, readdir, readFile } from 'node:fs/promises';
import * as nodeOs from 'node:os';
import { runCommand, type Exec } from '../lib/exec.js';
import { cacheDir } from '../lib/cache-dir.js';
import { fileVersionCache, type VersionCache } from './version-cache.js';

export interface UserInfoLike {
  username: string;
  uid: number;
  gid: number;
  homedir: string;
}

/** Everything a probe touches, injected so tests can replace the machine. */
export interface ProbeDeps {
  exec: Exec;
  /** File contents, or null when the file is missing or unreadable. */
  readFile: (path: string) => Promise<string | null>;
  exists: (path: string) => Promise<boolean>;
  /** Entry names of a directory; [] when it is missing. */
  listDir: (path: string) => Promise<string[]>;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  arch: string;
  /** Kernel release (os.release()). */
  kernel: () => string;
  /** os.userInfo(); may throw when the uid has no passwd entry. */
  userInfo: () => UserInfoLike;
  cpuCount: () => number;
  totalMemory: () => number;
  /** The IANA zone from Intl, or null. */
  intlTimeZone: () => string | null;
  /** Remembered `--version` output of slow binaries; absent: always ask. */
  versionCache?: VersionCache;
}

/** The real machine. `overrides` replace single dependencies; `exec` uses `env` (PATH included). */
export function realDeps(overrides: Partial<ProbeDeps> = {}): ProbeDeps {
  const env = overrides.env ?? process.env;
  const deps: ProbeDeps = {
    exec: (cmd, args, options) => runCommand(cmd, args, { env, ...options }),
    readFile: async (path) => {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return null;
      }
    },
    exists: async (path) => {
      try {
        await access(path);
        return true;
      } catch {
        return false;
      }
    },
    listDir: async (path) => {
      try {
        return await readdir(path);
      } catch {
        return [];
      }
    },
    env,
    platform: process.platform,
    arch: process.arch,
    kernel: () => nodeOs.release(),
    userInfo: () => nodeOs.userInfo(),
    cpuCount: () => (typeof nodeOs.availableParallelism === 'function' ? nodeOs.availableParallelism() : nodeOs.cpus().length),
    totalMemory: () => nodeOs.totalmem(),
    intlTimeZone: () => {
      try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
      } catch {
        return null;
      }
    },
    versionCache: env.DANLU_VERSION_CACHE === '0' ? undefined : fileVersionCache(cacheDir(env)),
  };
  return { ...deps, ...overrides, env };
}

/** Where `name` would be found on PATH (like `command -v`), or null. No shell involved. */
export async function findOnPath(name: string, deps: Pick<ProbeDeps, 'env' | 'exists' | 'platform'>): Promise<string | null> {
  const windows = deps.platform === 'win32';
  const pathValue = deps.env.PATH ?? deps.env.Path ?? '';
  const dirs = pathValue.split(windows ? ';' : ':').filter((d) => d !== '');
  const names = windows ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  for (const dir of dirs) {
    for (const candidate of names) {
      const full = `${dir.replace(/[\\/]+$/, '')}${windows ? '\\' : '/'}${candidate}`;
      if (await deps.exists(full)) return full;
    }
  }
  return null;
}

/** First non-empty line of a command's output, trimmed; for messages. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
