import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ReadInclude } from './types.js';

const MAX_BYTES = 1 << 20;

/** Reads files under `root` only (synchronously: the parsers ask for includes as they go). */
export class ProjectReader {
  constructor(readonly root: string) {}

  /** `rel` (with `/`) of an absolute path, or null outside the root. */
  rel(abs: string): string | null {
    const r = relative(this.root, abs);
    if (r.startsWith('..') || isAbsolute(r)) return null;
    return r.split(sep).join('/');
  }

  read(rel: string): string | null {
    const abs = join(this.root, rel);
    try {
      if (!statSync(abs).isFile() || statSync(abs).size > MAX_BYTES) return null;
      return readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
    } catch {
      return null;
    }
  }

  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }

  /** `-r path` relative to the including file. */
  readonly include: ReadInclude = (path, from) => {
    const rel = this.rel(resolve(this.root, dirname(from), path));
    if (rel === null) return null;
    const text = this.read(rel);
    return text === null ? null : { file: rel, text };
  };
}
