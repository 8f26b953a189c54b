import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { REPO } from '../support/cli.js';

/**
 * A hostile repository in a temp root: `root/project` (the repository danlu is run on, made from
 * the bundled example plus `files`) and `root/outside` (what must never change).
 */
export interface Hostile {
  root: string;
  project: string;
  outside: string;
}

export function hostile(files: Record<string, string> = {}, outsideFiles: Record<string, string> = { 'victim.txt': 'keep me\n' }): Hostile {
  const root = mkdtempSync(join(tmpdir(), 'danlu-hostile-'));
  const project = join(root, 'project');
  const outside = join(root, 'outside');
  cpSync(join(REPO, 'examples', 'mnist'), project, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  mkdirSync(outside, { recursive: true });
  for (const [path, text] of Object.entries(outsideFiles)) {
    mkdirSync(dirname(join(outside, path)), { recursive: true });
    writeFileSync(join(outside, path), text);
  }
  return { root, project, outside };
}

/** Every entry under dir (files by content hash and mode, links by target, folders): to prove nothing changed. */
export function state(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${rel}/`] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(p);
      } else out[rel] = `${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

export const drop = (h: Hostile) => rmSync(h.root, { recursive: true, force: true });
