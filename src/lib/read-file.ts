import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DanluError, lineColumnAt } from './errors.js';
import { resolveInProjectSync } from './project-path.js';

/** The largest project file danlu reads (a pip-compile file with hashes for a big project is a few MiB). */
export const MAX_PROJECT_FILE_BYTES = 32 * 1024 * 1024;

/** A file's text, or null when it does not exist; a folder or an unreadable file is a clear error. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = readError(err, path);
    if (e === null) return null;
    throw e;
  }
}

/** A read error in words (null: the file is not there). */
function readError(err: unknown, path: string): Error | null {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return null;
  if (code === 'EISDIR') return new DanluError(`expected a file, found a folder`, { location: { file: path } });
  if (code === 'ENOTDIR') return new DanluError(`expected a folder, found a file: ${dirname(path)}`, { location: { file: dirname(path) } });
  if (code === 'EACCES') return new DanluError('cannot read this file (permission denied)', { location: { file: path } });
  if (code === 'ELOOP')
    return new DanluError('too many levels of symbolic links (a link that points to itself?)', {
      location: { file: path },
      hint: 'replace the link with a file, or remove it',
    });
  return err as Error;
}

/**
 * UTF-8 bytes as text, or a located error at the first byte that is not UTF-8: TOML and JSON
 * must be UTF-8, and a file danlu writes back must never have its bytes silently replaced.
 * A leading byte-order mark is kept in the text (the caller decides).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // The longest valid prefix: decode in halves (a bad byte is found in log2(n) decodes).
    let lo = 0;
    let hi = bytes.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    const good = lo;
    const prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, good), { stream: true });
    const at = lineColumnAt(prefix, prefix.length);
    const byte = bytes[good] ?? 0;
    throw new DanluError(`the byte 0x${byte.toString(16).padStart(2, '0')} is not UTF-8; danlu reads and writes this file as UTF-8 and changes no byte of it`, {
      location: { file, line: at.line, column: at.column },
      hint: 'save the file as UTF-8 (for example: iconv -f latin1 -t utf-8), then run again',
    });
  }
}

export type ProjectRead = { text: string; real: string } | { text: null; skipped: string | null };

/**
 * A file of the project, read only inside the project folder: a link that leaves it is not
 * followed (`skipped` says so), nor is a file over MAX_PROJECT_FILE_BYTES read; `strict` makes
 * both (and bytes that are not UTF-8) errors with the location instead.
 * Missing: `{ text: null, skipped: null }`.
 */
export function readProjectFile(root: string, rel: string, { strict = false }: { strict?: boolean } = {}): ProjectRead {
  const shown = `${root.replace(/\/+$/, '')}/${rel}`;
  const where = resolveInProjectSync(root, rel);
  if (where.leaves) {
    const reason = `${where.leaves.link} is a link to ${where.leaves.to}, outside the project folder; danlu reads and writes only inside the project`;
    if (strict)
      throw new DanluError(reason, {
        location: { file: shown },
        hint: `make ${where.leaves.link} a file inside the project (\`danlu init --force\` replaces the link with a file of its own)`,
      });
    return { text: null, skipped: reason };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(where.real);
  } catch (err) {
    const e = readError(err, shown);
    if (e === null) return { text: null, skipped: null };
    if (strict) throw e;
    return { text: null, skipped: e.message };
  }
  if (bytes.length > MAX_PROJECT_FILE_BYTES) {
    const reason = `${(bytes.length / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_PROJECT_FILE_BYTES / 1024 / 1024} MiB danlu reads`;
    if (strict) throw new DanluError(reason, { location: { file: shown } });
    return { text: null, skipped: reason };
  }
  if (strict) return { text: decodeUtf8(bytes, shown), real: where.real };
  return { text: bytes.toString('utf8'), real: where.real };
}

/** A project file danlu also writes (pyproject.toml, .env, ...): null when absent; every problem is an error. */
export function readOwnProjectFile(root: string, rel: string): string | null {
  const r = readProjectFile(root, rel, { strict: true });
  return r.text;
}
