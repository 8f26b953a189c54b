import { envValue, parseEnvLines } from '../project/dotenv.js';
import { envText, type EnvEntry } from '../render/env.js';
import type { MergeResult } from './types.js';

/**
 * .env belongs to this machine: danlu's keys follow the plan (which already read the
 * user's tunable values from this file), the user's own keys and comments stay.
 */
export function mergeEnv(existing: string | null, spec: { path: string; text: string; entries: readonly EnvEntry[]; keep: readonly string[] }): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  const lines = parseEnvLines(existing, spec.path);
  const out = lines.map((l) => l.raw);
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const entry of spec.entries) {
    const at = lines.filter((l) => l.key === entry.key);
    if (at.length === 0) continue;
    seen.add(entry.key);
    const last = at[at.length - 1]!;
    if (spec.keep.includes(entry.key) || last.value === entry.value) continue;
    out[last.line - 1] = `${entry.key}=${envValue(entry.value, entry.key)}`;
    notes.push(`${entry.key}: ${last.value} -> ${entry.value}`);
  }
  const missing = spec.entries.filter((e) => !seen.has(e.key));
  if (notes.length === 0 && missing.length === 0) return { action: 'unchanged', text: null, conflicts: [], notes: [] };
  let text = `${out.join('\n')}\n`;
  if (missing.length > 0) {
    text = `${text.trimEnd()}\n\n# Added by danlu\n${envText(missing.map((e) => ({ ...e, comment: undefined })))}`;
    notes.push(`added ${missing.map((e) => e.key).join(', ')}`);
  }
  return { action: 'updated', text, conflicts: [], notes };
}
