import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DanluError, lineColumnAt } from '../lib/errors.js';
import { headerState } from '../render/header.js';
import { editsToApply, planMerge, type Path, type Policy } from './structured-merge.js';
import type { MergeResult } from './types.js';

export function parseJsoncStrict(text: string, file: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const data = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const err = errors[0];
  if (err) {
    const { line, column } = lineColumnAt(text, err.offset);
    throw new DanluError(`invalid JSON with comments: ${printParseErrorCode(err.error)}`, { location: { file, line, column } });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DanluError('expected a JSON object', { location: { file, line: 1, column: 1 } });
  }
  return data as Record<string, unknown>;
}

function detectIndent(text: string): number {
  const m = /\n( +)\S/.exec(text);
  return m ? Math.min(m[1]!.length, 8) : 2;
}

export function mergeJsonc(
  existing: string | null,
  spec: { path: string; text: string; data: unknown; policy?: (path: Path) => Policy },
  force: boolean,
): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  if (existing === spec.text) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  const data = parseJsoncStrict(existing, spec.path);
  if (headerState(existing) === 'pristine') return { action: 'updated', text: spec.text, conflicts: [], notes: [] };
  const outcome = planMerge(data, spec.data, spec.policy ?? (() => 'own'));
  const conflicts = outcome.conflicts.map((c) => `${c.path}: yours ${JSON.stringify(c.theirs)}, danlu's ${JSON.stringify(c.ours)}`);
  if (conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts, notes: ['kept as it is; `danlu init --force` takes danlu\'s values and keeps a backup'] };
  }
  const edits = editsToApply(outcome, force);
  if (edits.length === 0) return { action: 'unchanged', text: null, conflicts, notes: [] };
  const formattingOptions = { insertSpaces: true, tabSize: detectIndent(existing), eol: existing.includes('\r\n') ? '\r\n' : '\n' };
  let text = existing;
  for (const edit of edits) {
    const changes = modify(text, edit.path, edit.value, { formattingOptions, isArrayInsertion: edit.kind === 'append' });
    text = applyEdits(text, changes);
  }
  return {
    action: text === existing ? 'unchanged' : 'updated',
    text: text === existing ? null : text,
    conflicts,
    notes: edits.map((e) => `${e.kind === 'set' ? 'set' : 'added'} ${e.path.join('.')}`),
  };
}
