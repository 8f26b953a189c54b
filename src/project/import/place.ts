import { looseName } from './pep508.js';
import { repoBasename } from './url.js';

/** A repository an install guide clones. */
export interface Clone {
  dir: string;
  url: string;
  /** It is the project being imported. */
  self: boolean;
  branch?: string;
}

/** Where the shell of an install guide is: in the project (root + sub-folder), in another clone, above them, or lost. */
export type Place = { kind: 'root'; rel: string[] } | { kind: 'clone'; clone: Clone; rel: string[] } | { kind: 'parent' } | { kind: 'unknown' };

/** What a path written in a command is, seen from the project. */
export type Resolved = { kind: 'self'; path: string } | { kind: 'clone'; clone: Clone; sub: string } | { kind: 'unknown' };

export interface PlacesOptions {
  /** Whether a path (relative to the project root) exists in this checkout. */
  exists?: (rel: string) => boolean;
  /** The project states its own name (pyproject.toml, setup.py): a clone of another name is another repository. */
  ownName?: boolean;
  /** The project publishes its own package (setup.py, setup.cfg, or a pyproject.toml with a build system). */
  publishes?: boolean;
  /** A file of the checkout; null when absent. */
  read?: (rel: string) => string | null;
}

/** Tracks `git clone` and `cd` through an install guide, starting at the project root. */
export class Places {
  place: Place = { kind: 'root', rel: [] };
  readonly clones = new Map<string, Clone>();
  private readonly names: Set<string>;

  constructor(
    projectNames: string[],
    private readonly opts: PlacesOptions = {},
  ) {
    this.names = new Set(projectNames.map(looseName).filter((n) => n !== ''));
  }

  /** A file of the checkout (relative to the project root); null when absent or unknown. */
  read(rel: string): string | null {
    return this.opts.read?.(rel) ?? null;
  }

  /** Whether a path (relative to the project root) is in this checkout (unknown: assumed so). */
  exists(rel: string): boolean {
    return this.opts.exists ? this.opts.exists(rel) : true;
  }

  /** A code block of a document starts in the project's root (a `cd` in one block does not carry into the next). */
  reset(): void {
    this.place = { kind: 'root', rel: [] };
  }

  /** conda environments: the project's is the first one the guide creates or activates. */
  private mainEnv: string | null = null;
  private activeEnv: string | null = null;
  /** Where each other environment was made (for the report). */
  readonly otherEnvs = new Map<string, string>();

  /** `conda create -n NAME` / `conda env create`: 'main' for the project's environment, else 'other'. */
  createEnv(name: string, where: string, cloneOf?: string): 'main' | 'other' {
    if (cloneOf !== undefined) this.mainEnv ??= cloneOf;
    if (this.mainEnv === null) {
      this.mainEnv = name;
      return 'main';
    }
    if (name === this.mainEnv) return 'main';
    this.otherEnvs.set(name, where);
    return 'other';
  }

  /** `conda activate NAME` (or `source activate NAME`). */
  activate(name: string | undefined): void {
    if (!name || name === 'base') return;
    this.mainEnv ??= name;
    this.activeEnv = name;
  }

  /** The environment later installs go to, when it is not the project's: its name. */
  otherEnv(name?: string): string | null {
    const env = name ?? this.activeEnv;
    return env !== null && env !== this.mainEnv && (this.mainEnv !== null || this.otherEnvs.has(env)) ? env : null;
  }

  /** The project publishes its own package metadata (a name in pyproject.toml or setup.py). */
  get publishes(): boolean {
    return this.opts.publishes === true;
  }

  isProject(name: string): boolean {
    return this.names.has(looseName(name));
  }

  /** Records a clone; the project itself when its name is one of the project's names (or, with no names known, the first clone). */
  clone(url: string, dir?: string, branch?: string): Clone {
    const d = dir ?? repoBasename(url);
    const self = this.isProject(d) || this.isProject(repoBasename(url)) || (this.names.size === 0 && this.clones.size === 0);
    const c: Clone = { dir: d, url, self, ...(branch ? { branch } : {}) };
    this.clones.set(d, c);
    // The shell stays where it was: next to the new clone.
    this.place = { kind: 'parent' };
    return c;
  }

  /** Enters a folder named `name` from the parent of the clones. */
  private enter(name: string): Place {
    const c = this.clones.get(name);
    if (c) return c.self ? { kind: 'root', rel: [] } : { kind: 'clone', clone: c, rel: [] };
    if (this.isProject(name)) return { kind: 'root', rel: [] };
    return { kind: 'unknown' };
  }

  private step(from: Place, part: string): Place {
    if (part === '.' || part === '') return from;
    if (part === '..') {
      if (from.kind === 'root' || from.kind === 'clone') return from.rel.length ? { ...from, rel: from.rel.slice(0, -1) } : { kind: 'parent' };
      return { kind: 'unknown' };
    }
    // Inside the project, a folder of that name (the package's own `mypkg/` in the repository
    // mypkg) is that folder, not the project again.
    if (from.kind === 'root' && !this.clones.has(part) && this.opts.exists?.([...from.rel, part].join('/'))) return { kind: 'root', rel: [...from.rel, part] };
    // Install guides `cd` into the project by its name from wherever they are.
    if (this.clones.get(part)?.self || (this.isProject(part) && !this.clones.has(part))) return { kind: 'root', rel: [] };
    switch (from.kind) {
      case 'root':
        if (from.rel.length === 0 && this.clones.has(part)) return this.enter(part);
        return { kind: 'root', rel: [...from.rel, part] };
      case 'clone':
        return { ...from, rel: [...from.rel, part] };
      default:
        return this.enter(part);
    }
  }

  /** Where `cd path` leads. */
  cd(path: string | undefined): void {
    if (path === undefined || path === '~' || path === '-' || /^\$\{?HOME\}?$/.test(path)) {
      this.place = { kind: 'parent' };
      return;
    }
    const parts = path.split(/[\\/]+/);
    if (/^([/~]|\$|[A-Za-z]:)/.test(path)) {
      // An absolute path: find the last part that is a clone or the project.
      const at = parts.map((p, i) => (this.clones.has(p) || this.isProject(p) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
      if (at < 0) {
        this.place = /^(~|\$\{?HOME\}?)$/.test(parts[0]!) && parts.length === 1 ? { kind: 'parent' } : { kind: 'unknown' };
        return;
      }
      let p = this.enter(parts[at]!);
      for (const part of parts.slice(at + 1)) p = this.step(p, part);
      this.place = p;
      return;
    }
    let p = this.place;
    for (const part of parts) p = this.step(p, part);
    this.place = p;
  }

  /** A path (`.`, `./sub`, `detectron2`, `-r requirements.txt`) seen from the current place. */
  resolve(path: string): Resolved {
    let p = this.place;
    const parts = path.split(/[\\/]+/);
    if (/^([/~]|\$)/.test(path)) return { kind: 'unknown' };
    for (const part of parts) p = this.step(p, part);
    if (p.kind === 'parent' || p.kind === 'unknown') {
      // The guide lost track of its folder (steps left out between commands): it is written to be run in the project.
      p = { kind: 'root', rel: [] };
      for (const part of parts) p = this.step(p, part);
    }
    if (p.kind === 'root') return { kind: 'self', path: p.rel.join('/') };
    if (p.kind === 'clone') {
      const sub = p.rel.join('/');
      if (p.clone.self || this.isCheckout(p.clone, sub)) return { kind: 'self', path: sub };
      return { kind: 'clone', clone: p.clone, sub };
    }
    return { kind: 'unknown' };
  }

  /**
   * A clone of another name is this checkout when the project states no name of its own, it is the
   * guide's first clone, and what the guide uses from it is here: a file or folder of this checkout
   * (`requirements/full.txt`), or `.` of a checkout with a setup.py / pyproject.toml. The clone is
   * the project from then on (a renamed repository, a fork, a folder of another name).
   */
  private isCheckout(clone: Clone, sub: string): boolean {
    if (this.opts.ownName || !this.opts.exists || this.clones.values().next().value !== clone) return false;
    const here = sub === '' ? this.opts.exists('setup.py') || this.opts.exists('pyproject.toml') : this.opts.exists(sub);
    if (here) clone.self = true;
    return here;
  }
}
