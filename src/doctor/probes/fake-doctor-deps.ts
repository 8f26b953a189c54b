import { fakeDeps, type FakeMachine } from '../../probe/fake-deps.js';
import type { DoctorDeps, StatLike } from './deps.js';

export interface FakeDoctorMachine extends FakeMachine {
  /** path -> owner and kind; files in `files` and dirs in `dirs` without an entry here are 1000:1000. */
  stats?: Record<string, Partial<StatLike>>;
  statfs?: Record<string, { freeBytes: number; totalBytes: number }>;
  processUid?: number;
}

/** A machine made of tables for doctor's probes (tests only). */
export function fakeDoctorDeps(m: FakeDoctorMachine = {}): DoctorDeps & { calls: string[] } {
  const base = fakeDeps(m);
  const files = m.files ?? {};
  const dirs = m.dirs ?? {};
  return {
    ...base,
    stat: async (path) => {
      const explicit = m.stats?.[path];
      const known = path in files || path in dirs;
      if (!explicit && !known) return null;
      return { uid: 1000, gid: 1000, isDir: path in dirs || !(path in files), mtimeMs: 0, ...explicit };
    },
    statfs: async (path) => {
      for (let p = path; ; p = p.slice(0, Math.max(p.lastIndexOf('/'), 1))) {
        if (m.statfs?.[p]) return m.statfs[p]!;
        if (p === '/') return null;
      }
    },
    processUid: () => m.processUid ?? 1000,
    now: () => Date.now(),
  };
}
