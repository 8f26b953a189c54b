import { stat as fsStat, statfs as fsStatfs } from 'node:fs/promises';
import { realDeps, type ProbeDeps } from '../../probe/deps.js';

export interface StatLike {
  uid: number;
  gid: number;
  isDir: boolean;
  mtimeMs: number;
}

/** What doctor's own probes touch beyond probeHost's, injectable like ProbeDeps. */
export interface DoctorDeps extends ProbeDeps {
  /** null when the path does not exist or cannot be read. */
  stat: (path: string) => Promise<StatLike | null>;
  /** Free and total bytes of the file system holding `path`; null when unknown. */
  statfs: (path: string) => Promise<{ freeBytes: number; totalBytes: number } | null>;
  /** Effective uid of this process (0 under sudo). */
  processUid: () => number;
  now: () => number;
}

export function realDoctorDeps(overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  const base = realDeps(overrides);
  return {
    ...base,
    stat: async (path) => {
      try {
        const s = await fsStat(path);
        return { uid: s.uid, gid: s.gid, isDir: s.isDirectory(), mtimeMs: s.mtimeMs };
      } catch {
        return null;
      }
    },
    statfs: async (path) => {
      try {
        const s = await fsStatfs(path);
        return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
      } catch {
        return null;
      }
    },
    processUid: () => (typeof process.getuid === 'function' ? process.getuid() : -1),
    now: () => Date.now(),
    ...overrides,
    env: base.env,
  };
}

/**
 * The same machine, but every command must finish by `deadline` (ms since epoch): a hung
 * daemon or a slow nvidia-smi is cut off, and the probe reports a time-out as data.
 */
export function withDeadline<D extends DoctorDeps>(deps: D, deadline: number, floorMs = 250): D {
  return {
    ...deps,
    exec: (cmd, args, options = {}) => {
      const left = Math.max(floorMs, deadline - deps.now());
      const timeoutMs = Math.min(options.timeoutMs ?? 3000, left);
      return deps.exec(cmd, args, { ...options, timeoutMs });
    },
  };
}

/**
 * A safety net around a whole probe: if it has not settled after `ms`, `fallback` is used.
 * Commands inside are already bounded; this covers file systems that hang (a dead NFS mount).
 */
export function settleWithin<T>(work: Promise<T>, ms: number, fallback: () => T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback()), ms);
    timer.unref?.();
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback());
      },
    );
  });
}
