import { normalizeName } from '../lib/py.js';
import { parse, TomlError } from 'smol-toml';
import { DanluError } from '../lib/errors.js';

/** Parses TOML strictly; a syntax error becomes file:line:column and exit code 2. */
export function parseTomlStrict(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const first = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new DanluError(`invalid TOML: ${first}`, { location: { file, line: err.line, column: err.column } });
    }
    throw err;
  }
}

/** The package name of a PEP 508 requirement string, normalized; null when there is none. */
export function requirementName(req: string): string | null {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(req);
  return m ? normalizeName(m[1]!) : null;
}
