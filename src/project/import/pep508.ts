import { valid, validRange } from '@renovatebot/pep440';
import { checkMarker } from './marker.js';

/** PEP 503 normalized name (lib/py.ts owns the rule). */
import { normalizeName as normalize } from '../../lib/py.js';

export { normalize };

/** Names compared loosely: `LlamaFactory` = `LLaMA-Factory` = `llamafactory`. */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;

export function isValidName(name: string): boolean {
  const m = NAME.exec(name);
  return !!m && m[0] === name;
}

export interface Pep508 {
  name: string;
  extras: string[];
  /** Normalized: no spaces, local version removed. */
  specifier: string;
  localVersion?: string;
  marker: string | null;
  /** `name @ url`. */
  url?: string;
  /** Valid but worth saying (a marker that never matches, a wildcard...). */
  notes: string[];
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; reason: string };

function safeValid(v: string): boolean {
  try {
    return valid(v) !== null;
  } catch {
    return false;
  }
}

function safeValidRange(r: string): boolean {
  try {
    return validRange(r);
  } catch {
    return false;
  }
}

/**
 * A PEP 440 specifier written loosely (`== 0.16.0`, `(>=1.0)`, `>=1.0, <2`) made canonical,
 * with the local version label of an `==` pin taken out.
 */
export function normalizeSpecifier(text: string): Outcome<{ specifier: string; localVersion?: string; notes: string[] }> {
  let s = text.trim();
  if (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  if (s === '') return { ok: true, specifier: '', notes: [] };
  const notes: string[] = [];
  let localVersion: string | undefined;
  const clauses: string[] = [];
  for (const part of s.split(',')) {
    const clause = part.replace(/\s+/g, '');
    const m = /^(~=|===|==|!=|<=|>=|<|>)(.+)$/.exec(clause);
    if (!m) {
      if (/^=[^=]/.test(clause)) return { ok: false, reason: `"${part.trim()}" is conda syntax; PEP 440 pins use ==` };
      return { ok: false, reason: `"${part.trim()}" is not a version specifier` };
    }
    const op = m[1]!;
    let version = m[2]!;
    if (op === '===') {
      clauses.push(clause);
      continue;
    }
    const plus = version.indexOf('+');
    if (plus >= 0 && (op === '==' || op === '!=')) {
      const local = version.slice(plus + 1);
      version = version.slice(0, plus);
      if (op === '==') localVersion = local;
      else notes.push(`local version +${local} dropped from ${clause}`);
    }
    const wildcard = version.endsWith('.*');
    if (wildcard && op !== '==' && op !== '!=') return { ok: false, reason: `"${clause}": .* only goes with == and !=` };
    const bare = wildcard ? version.slice(0, -2) : version;
    if (!safeValid(bare)) return { ok: false, reason: `"${version}" is not a PEP 440 version` };
    clauses.push(`${op}${version}`);
  }
  const specifier = clauses.join(',');
  if (!safeValidRange(specifier)) return { ok: false, reason: `"${s}" is not a PEP 440 version specifier` };
  return localVersion === undefined ? { ok: true, specifier, notes } : { ok: true, specifier, localVersion, notes };
}

/** Parses one PEP 508 requirement (`name[extras] spec ; marker` or `name[extras] @ url ; marker`); never throws. */
export function parsePep508(input: string): Outcome<Pep508> {
  const text = input.trim();
  const nameMatch = NAME.exec(text);
  if (!nameMatch) return { ok: false, reason: 'no package name' };
  const name = normalize(nameMatch[0]);
  let rest = text.slice(nameMatch[0].length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { ok: false, reason: 'unclosed [extras]' };
    const list = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    for (const e of list) if (!isValidName(e)) return { ok: false, reason: `"${e}" is not a valid extra name` };
    extras = [...new Set(list.map(normalize))].sort();
    rest = rest.slice(close + 1).trimStart();
  }
  const notes: string[] = [];
  let url: string | undefined;
  let specPart = '';
  let markerPart: string | null = null;
  if (rest.startsWith('@')) {
    const after = rest.slice(1).trim();
    const semi = /\s;/.exec(after);
    url = (semi ? after.slice(0, semi.index) : after).trim();
    if (semi) markerPart = after.slice(semi.index + 2);
    if (url === '' || /\s/.test(url)) return { ok: false, reason: 'a URL after @ must have no spaces' };
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return { ok: false, reason: `"${url}" is not a URL` };
  } else {
    const semi = rest.indexOf(';');
    specPart = semi >= 0 ? rest.slice(0, semi) : rest;
    if (semi >= 0) markerPart = rest.slice(semi + 1);
  }
  const spec = normalizeSpecifier(specPart);
  if (!spec.ok) return spec;
  notes.push(...spec.notes);
  let marker: string | null = null;
  if (markerPart !== null) {
    const checked = checkMarker(markerPart);
    if (!checked.ok) return { ok: false, reason: `invalid environment marker "${markerPart.trim()}"` };
    marker = checked.marker;
    notes.push(...checked.notes);
  }
  const out: Pep508 = { name, extras, specifier: spec.specifier, marker, notes };
  if (spec.localVersion !== undefined) out.localVersion = spec.localVersion;
  if (url !== undefined) out.url = url;
  return { ok: true, ...out };
}

/** The clean PEP 508 string written to pyproject.toml. */
export function formatRequirement(r: { name: string; extras: string[]; specifier: string; marker: string | null }): string {
  const extras = r.extras.length ? `[${r.extras.join(',')}]` : '';
  return `${r.name}${extras}${r.specifier}${r.marker ? `; ${r.marker}` : ''}`;
}
