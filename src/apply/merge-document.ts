import { headerState } from '../render/header.js';
import { editsToApply, planMerge, type Edit, type Path, type Policy } from './structured-merge.js';
import type { MergeResult } from './types.js';

export interface StructuredSpec {
  path: string;
  text: string;
  data: unknown;
  policy?: (path: Path) => Policy;
}

/** A parsed file: its data, and how to write edits back into its text, keeping its format. */
export interface ParsedDocument {
  data: unknown;
  apply: (edits: readonly Edit[]) => string;
}

/**
 * The merge shared by YAML and JSONC: a file danlu generated and nobody touched is regenerated;
 * an edited one gets danlu's missing keys, and differing values are conflicts (kept unless --force).
 */
export function mergeDocument(
  existing: string | null,
  spec: StructuredSpec,
  force: boolean,
  parse: (text: string, file: string) => ParsedDocument,
): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  if (existing === spec.text) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  const doc = parse(existing, spec.path);
  if (headerState(existing) === 'pristine') return { action: 'updated', text: spec.text, conflicts: [], notes: [] };
  const outcome = planMerge(doc.data, spec.data, spec.policy ?? (() => 'own'));
  const conflicts = outcome.conflicts.map((c) => `${c.path}: yours ${JSON.stringify(c.theirs)}, danlu's ${JSON.stringify(c.ours)}`);
  if (conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts, notes: ["kept as it is; `danlu init --force` takes danlu's values and keeps a backup"] };
  }
  const edits = editsToApply(outcome, force);
  if (edits.length === 0) return { action: 'unchanged', text: null, conflicts, notes: [] };
  const text = doc.apply(edits);
  return {
    action: text === existing ? 'unchanged' : 'updated',
    text: text === existing ? null : text,
    conflicts,
    notes: edits.map((e) => `${e.kind === 'set' ? 'set' : 'added'} ${e.path.join('.')}`),
  };
}
