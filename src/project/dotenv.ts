import { DanluError, quoted, type Location } from '../lib/errors.js';
import { CANONICAL, type MirrorKind } from '../catalog/mirrors.js';
import { BACKEND_SOURCE } from '../lib/py.js';

/** The .env key of each mirror (per-machine; the user's edits win over computed defaults). */
export const ENV_MIRROR_KEYS: Record<MirrorKind, string> = {
  apt: 'APT_MIRROR',
  pypi: 'PYPI_MIRROR',
  // The PyTorch index of the plan's variant (<mirror>/cu130): its base is the mirror.
  pytorch: 'PYTORCH_INDEX',
  huggingface: 'HF_ENDPOINT',
  dockerhub: 'DOCKERHUB_MIRROR',
  ghcr: 'GHCR_MIRROR',
  python: 'UV_PYTHON_INSTALL_MIRROR',
};

/** The mirror a .env value names: null for upstream or empty; PYTORCH_INDEX without its variant folder. */
export function mirrorOfEnvValue(kind: MirrorKind, raw: string | undefined): string | null {
  let v = (raw ?? '').trim();
  if (kind === 'pytorch') v = v.replace(/\/+$/, '').replace(new RegExp(`\\/(${BACKEND_SOURCE})$`), '');
  // As written (a trailing slash kept), unless it is the upstream itself.
  return v === '' || v.replace(/\/+$/, '') === CANONICAL[kind].replace(/\/+$/, '') ? null : v;
}

export interface EnvLine {
  /** 1-based line number (of the first line, for a quoted value over several lines). */
  line: number;
  /** The text as written: several lines joined by \n for a quoted value that spans lines. */
  raw: string;
  key: string | null;
  value: string | null;
}

const ASSIGN = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/**
 * Where the value opened by quote q closes: the index of the closing quote in `s` (scanning from
 * `from`), or -1 with `next`, where a scan of more text appended to `s` goes on (a backslash
 * at the end of `s` escapes what comes next).
 */
function scanQuote(s: string, q: string, from: number): { close: number; next: number } {
  let j = from;
  for (; j < s.length; j++) {
    if (q === '"' && s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === q) return { close: j, next: j + 1 };
  }
  return { close: -1, next: j };
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\([\\"$n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  }
  // An unquoted value ends at " #" (an inline comment).
  const hash = v.search(/\s#/);
  return hash >= 0 ? v.slice(0, hash).trimEnd() : v;
}

/**
 * Parses a .env file the way docker compose does, keeping every line for rewriting. A quoted
 * value may span lines (a PEM certificate, say): it ends at the closing quote, as compose reads it.
 */
export function parseEnvLines(text: string, file: string): EnvLine[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const out: EnvLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      out.push({ line: i + 1, raw, key: null, value: null });
      continue;
    }
    const m = ASSIGN.exec(raw);
    if (!m) {
      throw new DanluError(`expected KEY=VALUE, a comment or a blank line, found ${JSON.stringify(raw.slice(0, 60))}`, {
        location: { file, line: i + 1, column: 1 },
      });
    }
    const value = m[2]!.trim();
    const q = value[0];
    if (q !== '"' && q !== "'") {
      out.push({ line: i + 1, raw, key: m[1]!, value: unquote(m[2]!) });
      continue;
    }
    // The following lines belong to the value until one holds the closing quote.
    let quoted = value;
    let end = i;
    let scan = scanQuote(quoted, q, 1);
    while (scan.close < 0 && end + 1 < lines.length) {
      end++;
      quoted += `\n${lines[end]}`;
      scan = scanQuote(quoted, q, scan.next);
    }
    if (scan.close < 0) {
      throw new DanluError(`unterminated ${q} quote in the value of ${m[1]}: no closing ${q} before the end of the file`, {
        location: { file, line: i + 1, column: raw.indexOf(q) + 1 },
        hint: `close the value with ${q}; docker compose would read the rest of the file into it`,
      });
    }
    out.push({ line: i + 1, raw: lines.slice(i, end + 1).join('\n'), key: m[1]!, value: unquote(quoted.slice(0, scan.close + 1)) });
    i = end;
  }
  return out;
}

export function parseEnv(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of parseEnvLines(text, file)) if (l.key !== null) out[l.key] = l.value ?? '';
  return out;
}

const SAFE = /^[A-Za-z0-9_./:@,+=%-]*$/;
/** Line breaks and the other control characters (C0 but tab, DEL, C1, the Unicode line separators). */
const CONTROL_IN_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Quotes a value so docker compose v1 (python-dotenv) and v2 (compose-go) both read it
 * literally: single quotes when possible, double quotes for a value with a single quote.
 * A value with both a single quote and a `$` (or a line break) has no spelling both read
 * the same way, so it is refused.
 */
export function envValue(value: string, key = 'value'): string {
  if (SAFE.test(value)) return value;
  if (CONTROL_IN_VALUE.test(value) || (value.includes("'") && (value.includes('$') || value.includes('"') || value.includes('\\')))) {
    throw new DanluError(`${key} ${quoted(value)} cannot be written to .env so that docker compose v1 and v2 read it alike`, {
      hint: 'use a path without quotes, `$`, line breaks or other control characters (for HOST_HOME: run danlu as a user whose home has a plain path, or pass --host with another home)',
    });
  }
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/**
 * A `# comment` line of .env: one line whatever the text holds (a GPU name from a host file), so
 * no text can end the comment and start a KEY=VALUE line of its own.
 */
export function envComment(text: string): string {
  return `# ${text.replace(CONTROL_IN_COMMENT, ' ')}`;
}

/** Sets each KEY=value in the .env text, keeping every other line; unknown keys are appended. */
export function setEnvValues(text: string, file: string, values: Record<string, string>): string {
  const lines = parseEnvLines(text, file);
  const out = lines.map((l) => l.raw);
  const done = new Set<string>();
  for (const [key, value] of Object.entries(values)) {
    let last = lines.length - 1;
    while (last >= 0 && lines[last]!.key !== key) last--;
    if (last >= 0) {
      out[last] = `${key}=${envValue(value)}`;
      done.add(key);
    }
  }
  for (const [key, value] of Object.entries(values)) if (!done.has(key)) out.push(`${key}=${envValue(value)}`);
  return `${out.join('\n')}\n`;
}

/** Where each key's value starts (its last assignment, the one compose reads): for errors about a value. */
export function envLocations(text: string, file: string): Record<string, Location> {
  const at: Record<string, Location> = {};
  for (const l of parseEnvLines(text, file)) {
    if (l.key === null) continue;
    const eq = l.raw.indexOf('=');
    const blank = /^[ \t]*/.exec(l.raw.slice(eq + 1))![0].length;
    at[l.key] = { file, line: l.line, column: eq + blank + 2 };
  }
  return at;
}
