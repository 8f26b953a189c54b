/**
 * Merging what danlu wants into what a file already holds, on plain data (parsed YAML or
 * JSONC). The result is a list of edits for a format-preserving writer, plus conflicts:
 * values the user changed that danlu also sets. Nothing the user added is removed.
 */

import type { Path, Policy } from '../render/types.js';

export type { Path, Policy };

export interface Edit {
  path: Path;
  kind: 'set' | 'append';
  value: unknown;
}

export interface Conflict {
  /** Where, as text ("services.devcontainer.shm_size"). */
  path: string;
  ours: unknown;
  theirs: unknown;
  /** The edit that takes danlu's value (applied with --force). */
  force: Edit;
}

export interface MergeOutcome {
  edits: Edit[];
  conflicts: Conflict[];
}

const IDENTITY_KEYS = ['target', 'name', 'id'] as const;

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  // YAML/JSON scalars written differently (8 vs "8") are the same setting.
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string')) {
    return String(a) === String(b);
  }
  return false;
}

export function pathText(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

function identityOf(item: unknown): [string, unknown] | null {
  if (!isPlainObject(item)) return null;
  for (const key of IDENTITY_KEYS) if (key in item) return [key, item[key]];
  return null;
}

export function planMerge(existing: unknown, desired: unknown, policy: (path: Path) => Policy, path: Path = []): MergeOutcome {
  const out: MergeOutcome = { edits: [], conflicts: [] };
  const add = (o: MergeOutcome) => {
    out.edits.push(...o.edits);
    out.conflicts.push(...o.conflicts);
  };
  if (existing === undefined) {
    out.edits.push({ path, kind: 'set', value: desired });
    return out;
  }
  if (isPlainObject(desired) && isPlainObject(existing)) {
    for (const [key, value] of Object.entries(desired)) add(planMerge(existing[key], value, policy, [...path, key]));
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(existing)) {
    let length = existing.length;
    for (const item of desired) {
      if (existing.some((e) => deepEqual(e, item))) continue;
      const id = identityOf(item);
      const twin = id ? existing.findIndex((e) => isPlainObject(e) && deepEqual(e[id[0]], id[1])) : -1;
      if (twin >= 0) {
        add(planMerge(existing[twin], item, policy, [...path, twin]));
        continue;
      }
      if (policy(path) === 'own' && !isPlainObject(item) && existing.length > 0 && sameShapeScalars(existing)) {
        // A list of scalars the user edited (e.g. a command): theirs wins unless forced.
        out.conflicts.push({ path: pathText(path), ours: desired, theirs: existing, force: { path, kind: 'set', value: desired } });
        return { edits: [], conflicts: out.conflicts };
      }
      out.edits.push({ path: [...path, length], kind: 'append', value: item });
      length++;
    }
    return out;
  }
  if (deepEqual(existing, desired)) return out;
  if (policy(path) === 'update') out.edits.push({ path, kind: 'set', value: desired });
  else out.conflicts.push({ path: pathText(path), ours: desired, theirs: existing, force: { path, kind: 'set', value: desired } });
  return out;
}

function sameShapeScalars(items: unknown[]): boolean {
  return items.every((i) => typeof i === 'string' || typeof i === 'number' || typeof i === 'boolean');
}

/** The edits to apply: danlu's additions, plus danlu's values over the user's with --force. */
export function editsToApply(outcome: MergeOutcome, force: boolean): Edit[] {
  return force ? [...outcome.edits, ...outcome.conflicts.map((c) => c.force)] : outcome.edits;
}
