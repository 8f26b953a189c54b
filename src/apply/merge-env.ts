import { envValue, parseEnvLines } from '../project/dotenv.js';
import { envText, type EnvEntry } from '../render/env.js';
import { lineEndingOf, withLineEnding } from './line-endings.js';
import type { MergeResult } from './types.js';

/**
 * .env belongs to this machine: danlu's keys follow the plan (which already read the
 * user's tunable values from this file), the user's own keys and comments stay.
 */
export function mergeEnv(existing: string | null, spec: { path: string; text: string; entries: readonly EnvEntry[]; keep: readonly string[] }): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  // A value the user wrote (several lines of a quoted certificate, say) stays as written.
  const lines = parseEnvLines(existing, spec.path);
  const out = lines.map((l) => l.raw);
  const byKey = new Map<string, number>();
  lines.forEach((l, i) => {
    if (l.key !== null) byKey.set(l.key, i);
  });
  const notes: string[] = [];
  for (const entry of spec.entries) {
    const i = byKey.get(entry.key);
    if (i === undefined) continue;
    const last = lines[i]!;
    if (spec.keep.includes(entry.key) || last.value === entry.value) continue;
    out[i] = `${entry.key}=${envValue(entry.value, entry.key)}`;
    notes.push(`${entry.key}: ${last.value} -> ${entry.value}`);
  }
  const missing = spec.entries.filter((e) => !byKey.has(e.key));
  if (notes.length === 0 && missing.length === 0) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  let text = `${out.join('\n')}\n`;
  if (missing.length > 0) {
    text = `${text.trimEnd()}\n\n# Added by danlu\n${envText(missing.map((e) => ({ ...e, comment: undefined })))}`;
    notes.push(`added ${missing.map((e) => e.key).join(', ')}`);
  }
  return { action: 'updated', text: withLineEnding(text, lineEndingOf(existing)), conflicts: [], notes };
}
