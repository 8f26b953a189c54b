import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readProjectFile } from '../../lib/read-file.js';
import type { ReadInclude } from './types.js';

/** Reads files under `root` only (synchronously: the parsers ask for includes as they go). */
export class ProjectReader {
  constructor(readonly root: string) {}

  /** `rel` (with `/`) of an absolute path, or null outside the root. */
  rel(abs: string): string | null {
    const r = relative(this.root, abs);
    if (r.startsWith('..') || isAbsolute(r)) return null;
    return r.split(sep).join('/');
  }

  /** Why each file that exists was not read (a link out of the project, too big, a folder...). */
  readonly skipped = new Map<string, string>();

  read(rel: string): string | null {
    try {
      const r = readProjectFile(this.root, rel);
      if (r.text === null) {
        if (r.skipped) this.skipped.set(rel, r.skipped);
        return null;
      }
      return r.text.replace(/^\uFEFF/, '');
    } catch (err) {
      this.skipped.set(rel, (err as Error).message);
      return null;
    }
  }

  /** Why `rel` could not be read. */
  why(rel: string): string {
    return this.skipped.get(rel) ?? 'not found';
  }

  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }

  /** `-r path` relative to the including file. */
  readonly include: ReadInclude = (path, from) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return { why: 'is a URL: pip downloads it, danlu does not (not read)' };
    const rel = this.rel(resolve(this.root, dirname(from), path));
    if (rel === null) return { why: 'is outside the project folder: danlu reads only inside the project (not read)' };
    const text = this.read(rel);
    if (text !== null) return { file: rel, text };
    return this.skipped.has(rel) ? { why: `was not read: ${this.why(rel)}` } : null;
  };
}
