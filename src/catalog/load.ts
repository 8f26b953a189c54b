import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CatalogFormatError, newestDate, parseCatalogFile, UPDATABLE_PARTS, type CatalogFile, type UpdatablePart } from './file.js';
import { EMBEDDED_CATALOG, type Catalog } from './index.js';

/** Where the user catalog lives: DANLU_CATALOG_DIR, else $XDG_CONFIG_HOME/danlu, else ~/.config/danlu. */
export interface CatalogPaths {
  dir: string;
  /** catalog.json: the active user catalog. */
  file: string;
  /** catalog.prev.json: the one it replaced. */
  prev: string;
}

export function userCatalogPaths(env: NodeJS.ProcessEnv = process.env): CatalogPaths {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  const dir = env.DANLU_CATALOG_DIR?.trim() || join(xdg || join(env.HOME?.trim() || homedir(), '.config'), 'danlu');
  return { dir, file: join(dir, 'catalog.json'), prev: join(dir, 'catalog.prev.json') };
}

/** Where one part of the active catalog came from. */
export type PartSource = { from: 'embedded'; asOf: string } | { from: 'user'; asOf: string; file: string; fetchedAt: string | null; urls: string[] };

export type UserCatalogStatus =
  /** No user catalog. */
  | { state: 'absent' }
  /** Read and valid; `used` lists the parts newer than the embedded ones. */
  | { state: 'valid'; file: CatalogFile; used: UpdatablePart[] }
  /** Present but unreadable or invalid: ignored. */
  | { state: 'invalid'; error: string };

export interface CatalogState {
  catalog: Catalog;
  paths: CatalogPaths;
  user: UserCatalogStatus;
  parts: Record<UpdatablePart, PartSource>;
}

/**
 * The embedded catalog with every part of the user catalog that is at least as new as the
 * embedded one put in its place; a part the user file lacks (or has older) stays embedded.
 */
export function mergeCatalog(
  base: Catalog,
  file: CatalogFile | null,
  path = '',
): { catalog: Catalog; parts: Record<UpdatablePart, PartSource>; used: UpdatablePart[] } {
  const parts = {} as Record<UpdatablePart, PartSource>;
  const merged: Catalog = { ...base };
  const used: UpdatablePart[] = [];
  for (const name of UPDATABLE_PARTS) {
    const mine = file?.parts[name];
    if (file && mine && mine.asOf >= base[name].asOf) {
      (merged as unknown as Record<string, unknown>)[name] = mine;
      const origin = file.origins[name];
      parts[name] = { from: 'user', asOf: mine.asOf, file: path, fetchedAt: origin?.fetchedAt ?? null, urls: origin?.urls ?? [] };
      used.push(name);
    } else {
      parts[name] = { from: 'embedded', asOf: base[name].asOf };
    }
  }
  if (used.length > 0) {
    merged.name = 'user';
    merged.asOf = newestDate([base.asOf, ...used.map((n) => parts[n].asOf)]);
  }
  return { catalog: merged, parts, used };
}

/** Reads the user catalog: one small file, no network. Never throws for a missing or broken file. */
export async function readCatalogState(env: NodeJS.ProcessEnv = process.env, base: Catalog = EMBEDDED_CATALOG): Promise<CatalogState> {
  const paths = userCatalogPaths(env);
  let text: string;
  try {
    text = await readFile(paths.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const user: UserCatalogStatus = code === 'ENOENT' ? { state: 'absent' } : { state: 'invalid', error: `cannot read it (${code ?? (e as Error).message})` };
    return { catalog: base, paths, user, parts: mergeCatalog(base, null).parts };
  }
  try {
    const file = parseCatalogFile(text);
    const { catalog, parts, used } = mergeCatalog(base, file, paths.file);
    return { catalog, paths, user: { state: 'valid', file, used }, parts };
  } catch (e) {
    const error = e instanceof CatalogFormatError ? e.message : String(e);
    return { catalog: base, paths, user: { state: 'invalid', error }, parts: mergeCatalog(base, null).parts };
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the warning about a broken user catalog goes; stderr by default. */
  warn?: (line: string) => void;
}

/**
 * The catalog the planner uses: the embedded snapshot, with the parts of the user catalog
 * written by `danlu catalog update` that are newer. A broken user file is reported on stderr
 * and ignored. Never touches the network.
 */
export async function loadCatalog(options: LoadOptions = {}): Promise<Catalog> {
  const state = await readCatalogState(options.env ?? process.env);
  if (state.user.state === 'invalid') {
    const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
    warn(`danlu: warning: ignoring the user catalog ${state.paths.file}: ${state.user.error}; using the embedded catalog`);
    warn('  hint: run `danlu catalog update` to write a new one, or delete the file');
  }
  return state.catalog;
}
