import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { DanluError } from './errors.js';

/**
 * The project folder is a boundary: danlu writes only to paths whose real location is inside it.
 * A path is resolved the way the kernel resolves it (each symbolic link followed, `..` taken on
 * the real folder), without needing the file to exist, so a link to a file that is not there yet
 * is judged by where it points.
 */
export interface ProjectPath {
  /** The real path the name lands on (it may not exist yet). */
  real: string;
  /** The project folder's real path. */
  root: string;
  /** Set when the path leaves the project: the link (relative to the project) that leads out, and where it points. */
  leaves: { link: string; to: string } | null;
  /** The last part of the name is itself a link (whatever it points to). */
  isLink: boolean;
  /** The folder the name is in is inside the project (so the name itself can be replaced there). */
  parentInside: boolean;
}

const MAX_LINKS = 40;

export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

type Link = { link: string; to: string };

/** Follows `parts` from the real folder `start`, link by link; the first link met is remembered. */
function walk(realRoot: string, start: string, parts: string[], shown: string): { real: string; firstLink: Link | null } {
  const todo = [...parts];
  let current = start;
  let hops = 0;
  let firstLink: Link | null = null;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    const st = lstatOrNull(next);
    if (!st?.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++hops > MAX_LINKS)
      throw new DanluError('too many levels of symbolic links (a link that points to itself?)', {
        location: { file: shown },
        hint: 'replace the link with a file, or remove it',
      });
    const to = readlinkSync(next);
    firstLink ??= { link: relative(realRoot, next) || '.', to };
    todo.unshift(...split(to));
    if (isAbsolute(to)) current = sep;
  }
  return { real: current, firstLink };
}

const split = (path: string): string[] => path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** Where `rel` (a path relative to the project folder) really lands. */
export async function resolveInProject(root: string, rel: string): Promise<ProjectPath> {
  return resolveInProjectSync(root, rel);
}

/** The same, synchronously (for readers that parse as they go). */
export function resolveInProjectSync(root: string, rel: string): ProjectPath {
  const realRoot = realpathSync(root);
  const shown = join(root, rel);
  const parts = split(rel);
  const name = parts.pop();
  const parent = walk(realRoot, realRoot, parts, shown);
  let real = parent.real;
  let firstLink = parent.firstLink;
  let isLink = false;
  if (name !== undefined) {
    isLink = lstatOrNull(join(parent.real, name))?.isSymbolicLink() === true;
    const last = walk(realRoot, parent.real, [name], shown);
    real = last.real;
    firstLink ??= last.firstLink;
  }
  const inside = isInside(realRoot, real) && real !== realRoot;
  return { real, root: realRoot, leaves: inside ? null : (firstLink ?? { link: rel, to: real }), isLink, parentInside: isInside(realRoot, parent.real) };
}

/** The error for a path that leaves the project: where it points, and the way out. */
export function leavesProjectError(root: string, rel: string, leaves: { link: string; to: string }, force: { replaces: boolean }): DanluError {
  return new DanluError(
    `${leaves.link} is a link to ${leaves.to}, outside the project folder: danlu writes only inside the project, never through a link that leaves it; nothing was changed`,
    {
      location: { file: join(root, rel) },
      hint: force.replaces
        ? `\`danlu init --force\` replaces the link ${leaves.link} with a file of its own (the link is kept in .danlu/backup/); or make ${leaves.link} a file or folder inside the project`
        : `make ${leaves.link} a real folder inside the project (for example: rm ${leaves.link} && mkdir ${leaves.link}), then run again`,
    },
  );
}
