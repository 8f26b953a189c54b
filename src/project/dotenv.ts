import { DanluError } from '../lib/errors.js';
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
  /** 1-based line number. */
  line: number;
  raw: string;
  key: string | null;
  value: string | null;
}

const ASSIGN = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/** Whether a value that opens with quote q closes it (before an inline comment). */
function closes(rest: string, q: string): boolean {
  for (let j = 1; j < rest.length; j++) {
    if (q === '"' && rest[j] === '\\') {
      j++;
      continue;
    }
    if (rest[j] === q) return true;
  }
  return false;
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

/** Parses a .env file the way docker compose does, keeping every line for rewriting. */
export function parseEnvLines(text: string, file: string): EnvLine[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return { line: i + 1, raw, key: null, value: null };
    const m = ASSIGN.exec(raw);
    if (!m) {
      throw new DanluError(`expected KEY=VALUE, a comment or a blank line, found ${JSON.stringify(raw.slice(0, 60))}`, {
        location: { file, line: i + 1, column: 1 },
      });
    }
    const rest = m[2]!.trim();
    const q = rest[0];
    if ((q === '"' || q === "'") && (rest.length < 2 || !closes(rest, q))) {
      throw new DanluError(`unterminated ${q} quote in the value of ${m[1]}: expected a closing ${q} on the same line`, {
        location: { file, line: i + 1, column: raw.indexOf(q) + 1 },
        hint: 'docker compose would read the following lines into the value',
      });
    }
    return { line: i + 1, raw, key: m[1]!, value: unquote(m[2]!) };
  });
}

export function parseEnv(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of parseEnvLines(text, file)) if (l.key !== null) out[l.key] = l.value ?? '';
  return out;
}

const SAFE = /^[A-Za-z0-9_./:@,+=%-]*$/;

/**
 * Quotes a value so docker compose v1 (python-dotenv) and v2 (compose-go) both read it
 * literally: single quotes when possible, double quotes for a value with a single quote.
 * A value with both a single quote and a `$` (or a line break) has no spelling both read
 * the same way, so it is refused.
 */
export function envValue(value: string, key = 'value'): string {
  if (SAFE.test(value)) return value;
  if (value.includes('\n') || (value.includes("'") && (value.includes('$') || value.includes('"') || value.includes('\\')))) {
    throw new DanluError(`${key} ${JSON.stringify(value)} cannot be written to .env so that docker compose v1 and v2 read it alike`, {
      hint: 'use a path without quotes, `$` or line breaks (for HOST_HOME: run danlu as a user whose home has a plain path, or pass --host with another home)',
    });
  }
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** Sets each KEY=value in the .env text, keeping every other line; unknown keys are appended. */
export function setEnvValues(text: string, file: string, values: Record<string, string>): string {
  const lines = parseEnvLines(text, file);
  const out = lines.map((l) => l.raw);
  const done = new Set<string>();
  for (const [key, value] of Object.entries(values)) {
    const last = [...lines].reverse().find((l) => l.key === key);
    if (last) {
      out[last.line - 1] = `${key}=${envValue(value)}`;
      done.add(key);
    }
  }
  for (const [key, value] of Object.entries(values)) if (!done.has(key)) out.push(`${key}=${envValue(value)}`);
  return `${out.join('\n')}\n`;
}
