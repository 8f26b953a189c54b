/** A small TOML emitter for the shapes danlu writes: inline values, tables, arrays of tables. */

import type { TomlValue } from '../lib/toml-value.js';

export type { TomlValue };

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : JSON.stringify(key);
}

export function tomlString(s: string): string {
  // JSON's escapes are a subset of TOML basic-string escapes.
  return JSON.stringify(s);
}

export function inlineValue(v: TomlValue): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(inlineValue).join(', ')}]`;
  const entries = Object.entries(v).map(([k, x]) => `${tomlKey(k)} = ${inlineValue(x)}`);
  return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
}

/** Array on several lines, one item per line with a trailing comma (what uv writes). */
export function multilineArray(items: readonly TomlValue[]): string {
  if (items.length === 0) return '[]';
  return `[\n${items.map((i) => `  ${inlineValue(i)},`).join('\n')}\n]`;
}

export function keyValues(obj: Record<string, TomlValue>, multiline: readonly string[] = []): string {
  return Object.entries(obj)
    .map(([k, v]) => `${tomlKey(k)} = ${Array.isArray(v) && multiline.includes(k) ? multilineArray(v) : inlineValue(v)}`)
    .join('\n');
}

export function tableHeader(path: readonly string[], arrayOfTables = false): string {
  const name = path.map(tomlKey).join('.');
  return arrayOfTables ? `[[${name}]]` : `[${name}]`;
}
