import { lineEndingOf, withLineEnding } from './line-endings.js';
import type { MergeResult } from './types.js';

function canonical(line: string): string {
  return line.trim().replace(/^\//, '').replace(/\/$/, '');
}

/** Appends the lines that are missing; comment lines come along only with a missing line after them. */
export function mergeLines(existing: string | null, spec: { text: string; lines: readonly string[] }): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  const have = new Set(existing.split(/\r?\n/).map(canonical).filter(Boolean));
  const add: string[] = [];
  let pendingComment: string[] = [];
  for (const line of spec.lines) {
    if (line.startsWith('#')) {
      pendingComment = [line];
      continue;
    }
    if (have.has(canonical(line))) continue;
    add.push(...pendingComment, line);
    pendingComment = [];
  }
  if (add.length === 0) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  // The lines are added with the file's own line ending; the user's lines stay byte for byte.
  const eol = lineEndingOf(existing);
  const base = existing.length === 0 || existing.endsWith('\n') ? existing : `${existing}${eol}`;
  const sep = base.trim().length === 0 ? '' : eol;
  return {
    action: 'updated',
    text: `${base}${sep}${withLineEnding(`${add.join('\n')}\n`, eol)}`,
    conflicts: [],
    notes: [`added ${add.filter((l) => !l.startsWith('#')).join(' ')}`],
  };
}

export function mergeValue(existing: string | null, spec: { text: string; same: (existing: string) => boolean; replace: boolean }): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  if (existing === spec.text || spec.same(existing)) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  if (spec.replace) return { action: 'updated', text: withLineEnding(spec.text, lineEndingOf(existing)), conflicts: [], notes: [] };
  return {
    action: 'conflict',
    text: null,
    conflicts: [`holds ${JSON.stringify(existing.trim())}, the plan says ${JSON.stringify(spec.text.trim())}`],
    notes: [],
  };
}
