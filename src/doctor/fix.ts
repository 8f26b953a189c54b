import { chown, lchown, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { writeAll } from '../apply/write.js';
import { DanluError, describeError } from '../lib/errors.js';
import { setEnvValues } from '../project/dotenv.js';
import type { Finding, FixAction } from './types.js';

/**
 * `--fix`: only what is local and safe (cache folders in the user's home, values in .env).
 * Host-level fixes (toolkit, daemon proxy, groups) are printed, never run.
 */

export interface FixResult {
  id: string;
  description: string;
  applied: boolean;
  error: string | null;
  /** The folders an own-dirs fix made or handed over. */
  paths?: string[];
}

export const safeFixes = (findings: readonly Finding[]): Finding[] => findings.filter((f) => f.fix?.safe && f.fix.action && f.severity !== 'ok');

export const manualFixes = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => f.fix && !(f.fix.safe && f.fix.action) && (f.severity === 'warn' || f.severity === 'error'));

/** Gives `path` and everything under it (symlinks themselves, not their targets) to uid:gid. */
async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await lchown(path, uid, gid);
  const s = await stat(path);
  if (!s.isDirectory()) return;
  for (const e of await readdir(path, { withFileTypes: true })) {
    const child = join(path, e.name);
    if (e.isDirectory()) await chownTree(child, uid, gid);
    else await lchown(child, uid, gid);
  }
}

const inside = (home: string, p: string): boolean => {
  const rel = relative(home, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/** Creates `path` with its missing parents, then gives the new parents below `home` and the whole of `path` to uid:gid. */
async function ownDir(home: string, path: string, uid: number, gid: number): Promise<void> {
  const first = await mkdir(path, { recursive: true });
  if (first) {
    for (let p = dirname(path); p.startsWith(first); p = dirname(p)) {
      if (inside(home, p)) await chown(p, uid, gid);
      if (p === first) break;
    }
  }
  await chownTree(path, uid, gid);
}

export { setEnvValues };

async function setEnvFile(file: string, values: Record<string, string>): Promise<void> {
  const before = await stat(file);
  const text = await readFile(file, 'utf8');
  const root = dirname(file);
  const backup = await writeAll(root, [{ path: basename(file), text: setEnvValues(text, file, values), backup: true }]);
  // Run through sudo, the new file would belong to root: give it back to the owner of the old one.
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    await chown(file, before.uid, before.gid);
    if (backup) await chownTree(join(root, backup.split(sep)[0]!), before.uid, before.gid);
  }
}

const reason = (e: unknown): string =>
  e instanceof DanluError ? describeError(e) : (e as NodeJS.ErrnoException).code === 'EPERM' ? 'operation not permitted (needs root)' : (e as Error).message;

/** Applies the safe fixes of `findings`, one after another; a failure is reported, not thrown. */
export async function applyFixes(findings: readonly Finding[]): Promise<FixResult[]> {
  const results: FixResult[] = [];
  const envWrites = new Map<string, { values: Record<string, string>; ids: Finding[] }>();
  for (const f of safeFixes(findings)) {
    const action = f.fix!.action as FixAction;
    if (action.kind === 'env-set') {
      const entry = envWrites.get(action.file) ?? { values: {}, ids: [] };
      entry.values[action.key] = action.value;
      entry.ids.push(f);
      envWrites.set(action.file, entry);
      continue;
    }
    try {
      for (const p of action.paths) await ownDir(action.home, p, action.uid, action.gid);
      results.push({ id: f.id, description: f.fix!.description, applied: true, error: null, paths: action.paths });
    } catch (e) {
      results.push({ id: f.id, description: f.fix!.description, applied: false, error: reason(e) });
    }
  }
  for (const [file, { values, ids }] of envWrites) {
    let error: string | null = null;
    try {
      await setEnvFile(file, values);
    } catch (e) {
      error = reason(e);
    }
    for (const f of ids) results.push({ id: f.id, description: f.fix!.description, applied: error === null, error });
  }
  return results;
}
