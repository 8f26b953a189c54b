import { parseDocument } from 'yaml';
import { DanluError } from '../lib/errors.js';
import { headerState } from '../render/header.js';
import { editsToApply, planMerge, type Path, type Policy } from './structured-merge.js';
import type { MergeResult } from './types.js';

export function parseYamlStrict(text: string, file: string) {
  const doc = parseDocument(text, { prettyErrors: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw new DanluError(`invalid YAML: ${err.message.split('\n')[0]}`, {
      location: { file, line: pos?.line, column: pos?.col },
    });
  }
  const data = doc.toJS();
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) {
    throw new DanluError('expected a mapping at the top level of the compose file', { location: { file, line: 1, column: 1 } });
  }
  return { doc, data: (data ?? {}) as Record<string, unknown> };
}

export function mergeYaml(
  existing: string | null,
  spec: { path: string; text: string; data: unknown; policy?: (path: Path) => Policy },
  force: boolean,
): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  if (existing === spec.text) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  const { doc, data } = parseYamlStrict(existing, spec.path);
  if (headerState(existing) === 'pristine') return { action: 'updated', text: spec.text, conflicts: [], notes: [] };
  const outcome = planMerge(data, spec.data, spec.policy ?? (() => 'own'));
  const conflicts = outcome.conflicts.map((c) => `${c.path}: yours ${JSON.stringify(c.theirs)}, danlu's ${JSON.stringify(c.ours)}`);
  if (conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts, notes: ['kept as it is; `danlu init --force` takes danlu\'s values and keeps a backup'] };
  }
  const edits = editsToApply(outcome, force);
  if (edits.length === 0) return { action: 'unchanged', text: null, conflicts, notes: [] };
  for (const edit of edits) {
    if (edit.kind === 'set') doc.setIn(edit.path, doc.createNode(edit.value));
    else doc.addIn(edit.path.slice(0, -1), doc.createNode(edit.value));
  }
  const text = doc.toString({ lineWidth: 0 });
  return {
    action: text === existing ? 'unchanged' : 'updated',
    text: text === existing ? null : text,
    conflicts,
    notes: edits.map((e) => `${e.kind === 'set' ? 'set' : 'added'} ${e.path.join('.')}`),
  };
}
