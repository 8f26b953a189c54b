import { normalizeName } from '../lib/py.js';
import * as TomlPatch from '@decimalturn/toml-patch';
import { parse as parseToml } from 'smol-toml';
import { DanluError } from '../lib/errors.js';
import { TomlLines } from '../project/import/toml-lines.js';
import { isManagedEntry, type Managed, managedOf } from '../project/managed.js';
import { parseTomlStrict, requirementName } from '../project/toml.js';
import type { PyprojectPlan } from '../plan/pyproject/types.js';
import {
  buildDependenciesBlock,
  buildSystemBlock,
  danluBlock,
  dependencyMetadataBlock,
  managedBlock,
  extrasBlock,
  groupsBlock,
  indexBlock,
  sourcesBlock,
  uvBlock,
  uvLists,
} from '../render/pyproject.js';
import { keyValues, tableHeader, tomlString, type TomlValue } from '../render/toml-text.js';
import { lineEndingOf, withLineEnding } from './line-endings.js';
import { deepEqual, isPlainObject } from './structured-merge.js';
import type { MergeResult } from './types.js';

type Obj = Record<string, unknown>;

interface Pending {
  /** Tables to append as text at the end of the file. */
  blocks: string[];
  /** In-place changes, as (apply to the parsed object) functions. */
  mutations: Array<(obj: Obj) => void>;
  conflicts: string[];
  forced: Array<(obj: Obj) => void>;
  notes: string[];
  /** [tool.uv] is an inline table or dotted keys: what goes into it is written on one line. */
  uvInline: boolean;
  /** Placeholders of long runs of new list items, replaced by their text after the patch. */
  bulk: Map<string, string[]>;
}

/** From this many new items in one list, they go in as text (toml-patch inserts items one at a time, quadratic in their number). */
const BULK = 32;

/** Appends `items` to a list (in a mutation): a long run of strings as one placeholder item. */
function appender(p: Pending, items: readonly unknown[]): (list: unknown[]) => void {
  if (items.length < BULK || !items.every((i) => typeof i === 'string')) {
    return (list) => {
      for (const d of items) list.push(d);
    };
  }
  const token = `danlu-bulk-${p.bulk.size}-${Math.random().toString(36).slice(2)}`;
  p.bulk.set(token, items as string[]);
  return (list) => void list.push(token);
}

function table(obj: Obj, ...path: string[]): Obj | undefined {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return isPlainObject(cur) ? cur : undefined;
}

function ensureTable(obj: Obj, ...path: string[]): Obj {
  let cur = obj;
  for (const key of path) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Obj;
  }
  return cur;
}

/** Adds missing lists, and missing entries (by package name) of lists that exist. */

/** The key a table already has for a name (its own spelling, `model_worker` for `model-worker`), else the name. */
function keyIn(have: Obj | undefined, name: string): string {
  if (!have || name in have) return name;
  return Object.keys(have).find((k) => normalizeName(k) === normalizeName(name)) ?? name;
}

/** What `want` lists under a key of the file, whichever spelling either uses. */
function wantedAt(want: Record<string, string[]>, key: string): string[] | undefined {
  return want[key] ?? Object.entries(want).find(([k]) => normalizeName(k) === normalizeName(key))?.[1];
}

function addNamedLists(p: Pending, have: Obj, want: Record<string, string[]>, at: string[]): void {
  for (const [wanted, list] of Object.entries(want)) {
    const name = keyIn(have, wanted);
    const current = Array.isArray(have[name]) ? (have[name] as unknown[]) : null;
    if (!current) {
      p.mutations.push((o) => void (ensureTable(o, ...at)[name] = [...list]));
      p.notes.push(`added ${at.join('.')}.${name}`);
      continue;
    }
    const names = new Set(current.map((d) => (typeof d === 'string' ? requirementName(d) : null)));
    const missing = list.filter((d) => !names.has(requirementName(d)));
    if (missing.length > 0) {
      const append = appender(p, missing);
      p.mutations.push((o) => append(ensureTable(o, ...at)[name] as unknown[]));
      p.notes.push(`added ${missing.join(', ')} to ${at.join('.')}.${name}`);
    }
  }
}

/** Every list of requirements in the file: main dependencies, extras and dependency groups. */
function requirementLists(data: Obj): Array<{ at: string[]; list: unknown[] }> {
  const out: Array<{ at: string[]; list: unknown[] }> = [];
  const deps = table(data, 'project')?.dependencies;
  if (Array.isArray(deps)) out.push({ at: ['project', 'dependencies'], list: deps });
  for (const [k, v] of Object.entries(table(data, 'project', 'optional-dependencies') ?? {})) {
    if (Array.isArray(v)) out.push({ at: ['project', 'optional-dependencies', k], list: v });
  }
  for (const [k, v] of Object.entries(table(data, 'dependency-groups') ?? {})) if (Array.isArray(v)) out.push({ at: ['dependency-groups', k], list: v });
  return out;
}

function listAt(obj: Obj, at: string[]): unknown[] {
  let cur: unknown = obj;
  for (const key of at) cur = (cur as Obj)[key];
  return cur as unknown[];
}

/** The plan's edits of the project's own torch-family entries: rewritten in place, or a conflict. */
function applyPins(p: Pending, data: Obj, wants: PyprojectPlan): void {
  for (const r of wants.pins) {
    if (r.action !== 'rewrite' && r.action !== 'conflict') continue;
    for (const { at, list } of requirementLists(data)) {
      const i = list.findIndex((d) => typeof d === 'string' && d.trim() === r.from.trim());
      if (i < 0) continue;
      const set = (o: Obj) => void (listAt(o, at)[i] = r.to);
      if (r.action === 'rewrite') {
        p.mutations.push(set);
        p.notes.push(`pin ${r.from} -> ${r.to} (${r.why})`);
      } else {
        p.conflicts.push(
          `${at.join('.')}: yours ${JSON.stringify(r.from)}, danlu's ${JSON.stringify(r.to)} (${r.why}; \`danlu init --upgrade-torch\` takes danlu's)`,
        );
        p.forced.push(set);
      }
    }
  }
  for (const r of wants.pins)
    if (r.action === 'constrain')
      p.notes.push(
        `pin ${r.from} kept, constrained to ${r.name}${r.specifier} by ${r.heldIn ? `dependency group "${r.heldIn}"` : '[tool.uv] constraint-dependencies'} (${r.why})`,
      );
}

function mergeSteps(data: Obj, existingText: string, wants: PyprojectPlan): Pending {
  const p: Pending = { blocks: [], mutations: [], conflicts: [], forced: [], notes: [], uvInline: false, bulk: new Map() };
  applyPins(p, data, wants);
  const project = table(data, 'project');
  if (!project) {
    p.blocks.push(
      `${tableHeader(['project'])}\n${keyValues({ name: wants.project.name, version: wants.project.version, 'requires-python': wants.project.requiresPython, dependencies: wants.dependencies }, ['dependencies'])}`,
    );
    p.notes.push('added [project]');
  } else {
    const deps = Array.isArray(project.dependencies) ? (project.dependencies as unknown[]) : null;
    const names = new Set((deps ?? []).map((d) => (typeof d === 'string' ? requirementName(d) : null)));
    const missing = wants.dependencies.filter((d) => !names.has(requirementName(d)));
    if (!deps && wants.dependencies.length > 0) {
      p.mutations.push((o) => {
        ensureTable(o, 'project').dependencies = [...wants.dependencies];
      });
      p.notes.push('added project.dependencies');
    } else if (missing.length > 0) {
      const append = appender(p, missing);
      p.mutations.push((o) => append(ensureTable(o, 'project').dependencies as unknown[]));
      p.notes.push(`added ${missing.join(', ')}`);
    }
    if (project['requires-python'] === undefined) {
      p.mutations.push((o) => {
        ensureTable(o, 'project')['requires-python'] = wants.project.requiresPython;
      });
      p.notes.push(`added requires-python ${wants.project.requiresPython}`);
    }
  }
  // Groups and extras: missing ones are added, missing entries of existing ones too.
  const groups = { dev: wants.devDependencies, ...wants.groups };
  const haveGroups = table(data, 'dependency-groups');
  if (!haveGroups) p.blocks.push(groupsBlock(groups));
  else addNamedLists(p, haveGroups, groups, ['dependency-groups']);
  if (Object.keys(wants.extras).length > 0) {
    const haveExtras = table(data, 'project', 'optional-dependencies');
    if (!haveExtras) p.blocks.push(extrasBlock(wants.extras));
    else addNamedLists(p, haveExtras, wants.extras, ['project', 'optional-dependencies']);
  }
  // [tool.uv] lists: a new table is appended as text (toml-patch would write it inline). A key
  // the project set itself (its own environments, say) is the project's.
  const uvWant = uvLists(wants);
  // A [tool.uv] the file wrote (a header, an inline table `uv = { ... }` or dotted keys) takes new
  // keys in place; an implicit one (made by [tool.uv.sources] alone) gets a [tool.uv] block appended.
  const uvHave = table(data, 'tool', 'uv');
  const uvHeader = /^\s*\[\s*tool\s*\.\s*uv\s*\]/m.test(existingText);
  p.uvInline = uvHave !== undefined && !uvHeader && !parses(`${existingText}\n[tool.uv]\n`);
  const uvNow = uvHeader || p.uvInline ? uvHave : undefined;
  if (!uvNow) {
    if (Object.keys(uvWant).length > 0) p.blocks.push(uvBlock(uvWant));
  } else {
    for (const [key, value] of Object.entries(uvWant)) {
      const list = value as TomlValue[];
      // The project's own environments are its own; its own conflicts too, but a set danlu needs
      // (its group apart from the project's alternatives) is added beside them.
      if (key === 'environments' && uvNow[key] !== undefined) continue;
      const have = new Set((Array.isArray(uvNow[key]) ? (uvNow[key] as unknown[]) : []).map((h) => JSON.stringify(h)));
      const missing = list.filter((o) => !have.has(JSON.stringify(o)));
      if (missing.length === 0) continue;
      const append = appender(p, missing);
      p.mutations.push((o) => {
        const t = ensureTable(o, 'tool', 'uv');
        if (!Array.isArray(t[key])) t[key] = [];
        append(t[key] as unknown[]);
      });
      p.notes.push(`added ${key} ${missing.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(', ')}`);
    }
  }
  const uvTool = table(data, 'tool', 'uv');
  const buildDeps = wants.buildDependencies;
  if (Object.keys(buildDeps).length > 0) {
    const have = table(data, 'tool', 'uv', 'extra-build-dependencies');
    if (!have) p.blocks.push(buildDependenciesBlock(buildDeps));
    else {
      for (const [pkg, value] of Object.entries(buildDeps)) {
        if (have[pkg] === undefined) p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv', 'extra-build-dependencies')[pkg] = value));
      }
    }
  }
  if (wants.buildSystem && !isPlainObject(data['build-system'])) {
    p.blocks.push(buildSystemBlock(wants.buildSystem));
    p.notes.push('added [build-system] (setuptools): uv sync now builds the project');
  }
  // Static metadata: entries for packages the file has none for are appended.
  const haveMeta = Array.isArray(uvTool?.['dependency-metadata']) ? (uvTool!['dependency-metadata'] as Obj[]) : [];
  for (const m of wants.dependencyMetadata) {
    if (haveMeta.some((h) => isPlainObject(h) && requirementName(String(h.name ?? '')) === requirementName(m.name))) continue;
    if (haveMeta.length > 0) p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv')['dependency-metadata'] as unknown[]).push({ ...m }));
    else p.blocks.push(dependencyMetadataBlock(m));
    p.notes.push(`added dependency-metadata for ${m.name}`);
  }
  const sources = table(data, 'tool', 'uv', 'sources');
  // A project that routes torch to an index of its own keeps its routing (the plan says so).
  const ownRouting = wants.torchRouting === 'project';
  if (ownRouting) p.notes.push('the project routes torch to its own index; kept');
  const routing = ownRouting ? {} : wants.torchSources;
  if (!sources) {
    p.blocks.push(sourcesBlock({ ...routing, ...wants.sources }));
  } else {
    // The file's own key of each package (written `Pillow` or `pillow`), looked up once.
    const keys = new Map<string | null, string>();
    for (const k of Object.keys(sources)) if (!keys.has(requirementName(k))) keys.set(requirementName(k), k);
    for (const [pkg, value] of Object.entries(routing)) {
      const key = keys.get(pkg) ?? pkg;
      if (sources[key] === undefined) {
        p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv', 'sources')[pkg] = value));
        p.notes.push(`added tool.uv.sources.${pkg}`);
      } else if (!deepEqual(sources[key], value)) {
        p.conflicts.push(`tool.uv.sources.${key}: yours ${JSON.stringify(sources[key])}, danlu's ${JSON.stringify(value)}`);
        p.forced.push((o) => void (ensureTable(o, 'tool', 'uv', 'sources')[key] = value));
      }
    }
    for (const [pkg, value] of Object.entries(wants.sources)) {
      if (!keys.has(pkg)) {
        p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv', 'sources')[pkg] = value));
        p.notes.push(`added tool.uv.sources.${pkg}`);
      }
    }
  }
  const uvTable = table(data, 'tool', 'uv');
  const indexes = Array.isArray(uvTable?.index) ? (uvTable!.index as unknown[]) : null;
  const at = indexes ? indexes.findIndex((i) => isPlainObject(i) && i.name === wants.index.name) : -1;
  const wantIndexes = [...(ownRouting ? [] : [wants.index]), ...wants.extraIndexes];
  if (!indexes) {
    for (const index of wantIndexes) p.blocks.push(indexBlock(index));
  } else if (ownRouting) {
    // nothing: the project's own PyTorch index stays as it is
  } else if (at < 0) {
    p.mutations.push((o) => {
      (ensureTable(o, 'tool', 'uv').index as unknown[]).push({ name: wants.index.name, url: wants.index.url, explicit: true });
    });
    p.notes.push(`added index ${wants.index.name}`);
  } else {
    const have = indexes[at] as Obj;
    if (have.url !== wants.index.url) {
      const setUrl = (o: Obj) => {
        ((ensureTable(o, 'tool', 'uv').index as Obj[])[at] as Obj).url = wants.index.url;
      };
      // danlu's own index (the plan's variant when it wrote it) follows the plan; one the user set is theirs.
      if (wants.index.onOtherUrl === 'replace' || have.url === managedOf(data).index) {
        p.mutations.push(setUrl);
        p.notes.push(`index ${wants.index.name}: ${String(have.url)} -> ${wants.index.url}`);
      } else {
        p.conflicts.push(`tool.uv.index ${wants.index.name}: yours ${JSON.stringify(have.url)}, danlu's ${JSON.stringify(wants.index.url)}`);
        p.forced.push(setUrl);
      }
    }
    if (have.explicit === undefined) {
      p.mutations.push((o) => {
        ((ensureTable(o, 'tool', 'uv').index as Obj[])[at] as Obj).explicit = true;
      });
    }
  }
  if (indexes) {
    for (const index of wants.extraIndexes) {
      if (indexes.some((i) => isPlainObject(i) && (i.url === index.url || i.name === index.name))) continue;
      p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv').index as unknown[]).push({ ...index }));
      p.notes.push(`added index ${index.name}`);
    }
  }
  const record = applyManaged(p, data, wants);
  const danlu = table(data, 'tool', 'danlu');
  if (!danlu) {
    p.blocks.push(danluBlock(wants.danlu.values));
    if (Object.keys(record).length > 0) p.blocks.push(managedBlock(record));
  } else {
    const before = table(data, 'tool', 'danlu', 'managed');
    if (Object.keys(record).length > 0 && !deepEqual(before ?? {}, record)) {
      if (before || !/^\s*\[\s*tool\s*\.\s*danlu\s*\]/m.test(existingText))
        p.mutations.push((o) => void (ensureTable(o, 'tool', 'danlu').managed = { ...record }));
      else p.blocks.push(managedBlock(record));
    }
    for (const [key, value] of Object.entries(wants.danlu.values)) {
      if (danlu[key] === undefined || (wants.danlu.replace && !deepEqual(danlu[key], value))) {
        p.mutations.push((o) => {
          ensureTable(o, 'tool', 'danlu')[key] = value as TomlValue;
        });
      }
    }
  }
  return p;
}

/**
 * The values danlu owns ([tool.danlu.managed]): one the file still holds as danlu wrote it
 * follows the plan (a re-run with another Python or torch updates requires-python, the lock's
 * environments, danlu's constraints and the torch entries it added); one the user changed is
 * theirs and stays. A project's own environments are narrowed to the container's Python, said.
 * Returns what is danlu's after the merge, for the record.
 */
function applyManaged(p: Pending, data: Obj, wants: PyprojectPlan): Managed {
  const recorded = managedOf(data);
  const want = wants.managed;
  const record: Managed = {};
  const project = table(data, 'project');
  // requires-python
  const rp = want['requires-python'];
  if (rp !== undefined) {
    const have = project?.['requires-python'];
    if (have === undefined) record['requires-python'] = rp;
    else if (have === recorded['requires-python'] || have === rp) {
      record['requires-python'] = rp;
      if (have !== rp) {
        p.mutations.push((o) => void (ensureTable(o, 'project')['requires-python'] = rp));
        p.notes.push(`requires-python ${String(have)} -> ${rp} (danlu's own value, for the planned Python)`);
      }
    } else p.notes.push(`requires-python ${String(have)} is yours: kept (the plan's Python is in it or uv says otherwise)`);
  }
  // The lock's environments.
  const uvHave = table(data, 'tool', 'uv');
  const envHave = uvHave?.environments;
  if (want.environments) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const ours = envHave === undefined || (recorded.environments !== undefined && same(envHave, recorded.environments));
    const narrow = wants.narrowsEnvironments !== null && same(envHave, wants.narrowsEnvironments);
    if (ours || narrow || same(envHave, want.environments)) {
      record.environments = want.environments;
      if (envHave !== undefined && !same(envHave, want.environments)) {
        const next = [...want.environments];
        p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv').environments = next));
        p.notes.push(
          narrow
            ? `environments: yours, each narrowed to the container's Python (the lock covers what the container runs)`
            : `environments -> ${next.join(' | ')} (danlu's own value, for the planned Python)`,
        );
      }
    }
  }
  // danlu's constraints: the old ones the plan no longer makes go, the new ones are added (above).
  const consHave = Array.isArray(uvHave?.['constraint-dependencies']) ? (uvHave!['constraint-dependencies'] as unknown[]) : [];
  const consWant = new Set((want['constraint-dependencies'] ?? []).map(squash));
  const stale = consHave.filter((c) => typeof c === 'string' && isManagedEntry(recorded, 'constraint-dependencies', c) && !consWant.has(squash(c)));
  if (stale.length > 0) {
    const gone = new Set(stale.map((c) => squash(String(c))));
    p.mutations.push((o) => {
      const t = ensureTable(o, 'tool', 'uv');
      if (Array.isArray(t['constraint-dependencies']))
        t['constraint-dependencies'] = (t['constraint-dependencies'] as unknown[]).filter((c) => typeof c !== 'string' || !gone.has(squash(c)));
    });
    p.notes.push(`removed danlu's earlier constraint ${stale.join(', ')}`);
  }
  if (want['constraint-dependencies']) record['constraint-dependencies'] = want['constraint-dependencies'];
  if (want['python-version']) record['python-version'] = want['python-version'];
  if (want.conflicts) record.conflicts = want.conflicts;
  // The entries danlu wrote pinned (in any list): replaced by the planned ones, or gone when the plan has none.
  const wantDeps = want.dependencies ?? [];
  const lists: { at: string[]; list: unknown[]; want: readonly string[] }[] = [];
  if (Array.isArray(project?.dependencies)) lists.push({ at: ['project', 'dependencies'], list: project!.dependencies as unknown[], want: wants.dependencies });
  for (const [k, v] of Object.entries(table(data, 'project', 'optional-dependencies') ?? {}))
    if (Array.isArray(v)) lists.push({ at: ['project', 'optional-dependencies', k], list: v, want: wantedAt(wants.extras, k) ?? [] });
  for (const [k, v] of Object.entries(table(data, 'dependency-groups') ?? {}))
    if (Array.isArray(v)) lists.push({ at: ['dependency-groups', k], list: v, want: k === 'dev' ? wants.devDependencies : (wantedAt(wants.groups, k) ?? []) });
  for (const { at, list, want: wanted } of lists) {
    const edits = new Map<number, string | null>();
    list.forEach((d, i) => {
      if (typeof d !== 'string' || !isManagedEntry(recorded, 'dependencies', d)) return;
      const next = wanted.find((w) => requirementName(w) === requirementName(d)) ?? null;
      if (next !== d) edits.set(i, next);
    });
    if (edits.size === 0) continue;
    p.mutations.push((o) => {
      const current = listAt(o, at);
      const out: unknown[] = [];
      current.forEach((d, i) => {
        if (!edits.has(i)) out.push(d);
        else if (edits.get(i) !== null) out.push(edits.get(i));
      });
      current.length = 0;
      for (const d of out) current.push(d);
    });
    for (const [i, next] of edits) p.notes.push(`${String(list[i])} -> ${next ?? '(removed)'} (danlu's own entry, for the plan)`);
  }
  if (wantDeps.length > 0) record.dependencies = wantDeps;
  // The PyTorch index (its URL follows the plan while it is danlu's: replaced above).
  if (want.index !== undefined) {
    const idx = (Array.isArray(uvHave?.index) ? (uvHave!.index as unknown[]) : []).find((i) => isPlainObject(i) && i.name === wants.index.name) as
      | Obj
      | undefined;
    if (!idx || idx.url === want.index || idx.url === recorded.index || wants.index.onOtherUrl === 'replace') record.index = want.index;
  }
  return record;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * toml-patch re-aligns the trailing comments of an array it appends to; the user's lines keep
 * their own spacing: a patched line that equals one line of the original but for the spaces
 * before its `#` comment is put back as it was.
 */
export function restoreCommentSpacing(original: string, patched: string): string {
  const key = (line: string) => line.replace(/\s+#/, ' #');
  const byKey = new Map<string, string | null>();
  for (const line of original.split('\n')) {
    if (!line.includes('#')) continue;
    const k = key(line);
    byKey.set(k, byKey.has(k) && byKey.get(k) !== line ? null : line);
  }
  return patched
    .split('\n')
    .map((line) => (line.includes('#') ? (byKey.get(key(line)) ?? line) : line))
    .join('\n');
}

/** Whether `text` is valid TOML. */
function parses(text: string): boolean {
  try {
    parseToml(text);
    return true;
  } catch {
    return false;
  }
}

type Shape = 'table' | 'array';

/** The values danlu adds to, and what each must be (PEP 621, PEP 735, uv's settings). */
const SHAPES: ReadonlyArray<readonly [string[], Shape]> = [
  [['project'], 'table'],
  [['project', 'dependencies'], 'array'],
  [['project', 'optional-dependencies'], 'table'],
  [['dependency-groups'], 'table'],
  [['build-system'], 'table'],
  [['tool'], 'table'],
  [['tool', 'uv'], 'table'],
  [['tool', 'uv', 'environments'], 'array'],
  [['tool', 'uv', 'conflicts'], 'array'],
  [['tool', 'uv', 'override-dependencies'], 'array'],
  [['tool', 'uv', 'constraint-dependencies'], 'array'],
  [['tool', 'uv', 'sources'], 'table'],
  [['tool', 'uv', 'index'], 'array'],
  [['tool', 'uv', 'extra-build-dependencies'], 'table'],
  [['tool', 'uv', 'dependency-metadata'], 'array'],
  [['tool', 'danlu'], 'table'],
];

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isPlainObject(value)) return 'a table';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  if (value instanceof Date) return 'a date';
  return `a ${typeof value === 'bigint' || typeof value === 'number' ? 'number' : typeof value}`;
}

/**
 * Every value danlu adds to has the type it must have: a wrong one (dependencies = "numpy") is
 * an error at its line, never replaced by danlu's (the user's value would be lost).
 */
function checkShapes(data: Obj, text: string, file: string): void {
  const paths: Array<readonly [string[], Shape]> = [...SHAPES];
  for (const parent of [['project', 'optional-dependencies'], ['dependency-groups']]) {
    for (const key of Object.keys(table(data, ...parent) ?? {})) paths.push([[...parent, key], 'array']);
  }
  let lines: TomlLines | null = null;
  for (const [path, shape] of paths) {
    let value: unknown = data;
    for (const key of path) value = isPlainObject(value) ? value[key] : undefined;
    if (value === undefined || (shape === 'array' ? Array.isArray(value) : isPlainObject(value))) continue;
    lines ??= new TomlLines(text);
    let line: number | undefined;
    for (let n = path.length; n > 0 && line === undefined; n--) line = lines.keyLine(path.slice(0, n));
    const name = path.join('.');
    throw new DanluError(`${name} is ${kindOf(value)}; expected ${shape === 'array' ? 'an array' : 'a table'}`, {
      location: { file, line: line ?? 1, column: 1 },
      hint:
        shape === 'array'
          ? `write it as an array, e.g. ${path[path.length - 1]} = ["numpy"]: danlu adds its entries to yours and does not replace them`
          : `write it as a table ([${name}]): danlu adds its keys to yours and does not replace them`,
    });
  }
}

/** Adds what `from` has and `into` lacks (arrays of danlu's own tables are joined). */
function addMissing(into: Obj, from: Obj): void {
  for (const [key, value] of Object.entries(from)) {
    const have = into[key];
    if (have === undefined) into[key] = value;
    else if (isPlainObject(have) && isPlainObject(value)) addMissing(have, value);
    else if (Array.isArray(have) && Array.isArray(value)) for (const v of value) have.push(v);
  }
}

/**
 * Each placeholder of a long run of items, replaced by the items' text, formatted as the
 * placeholder was (its own line and indent, or inline); null when one is not found as written.
 */
function spliceBulk(text: string, bulk: ReadonlyMap<string, string[]>): string | null {
  let out = text;
  for (const [token, items] of bulk) {
    const quoted = tomlString(token);
    const at = out.indexOf(quoted);
    if (at < 0 || out.indexOf(quoted, at + 1) >= 0) return null;
    const lineStart = out.lastIndexOf('\n', at - 1) + 1;
    const before = out.slice(lineStart, at);
    const sep = /^[ \t]*$/.test(before) ? `,${out[lineStart - 2] === '\r' ? '\r\n' : '\n'}${before}` : ', ';
    out = `${out.slice(0, at)}${items.map(tomlString).join(sep)}${out.slice(at + quoted.length)}`;
  }
  return out;
}

/** Replaces each placeholder in the lists of `obj` by its items (when the text splice cannot be used). */
function expandBulk(value: unknown, bulk: ReadonlyMap<string, string[]>): void {
  if (Array.isArray(value)) {
    if (!value.some((v) => typeof v === 'string' && bulk.has(v))) {
      for (const v of value) expandBulk(v, bulk);
      return;
    }
    const all = value.splice(0);
    for (const v of all) for (const item of (typeof v === 'string' && bulk.get(v)) || [v]) value.push(item);
  } else if (isPlainObject(value)) for (const v of Object.values(value)) expandBulk(v, bulk);
}

function patched(
  existing: string,
  data: Obj,
  mutations: ReadonlyArray<(obj: Obj) => void>,
  inline: readonly string[],
  oneLine: boolean,
  bulk: ReadonlyMap<string, string[]>,
): string {
  if (mutations.length === 0 && inline.length === 0) return existing;
  // The strict parse gave the data: patch diffs a copy of it (one parse, not two).
  const obj = structuredClone(data) as Obj;
  for (const m of mutations) m(obj);
  for (const block of inline) addMissing(obj, parseToml(block) as Obj);
  // New arrays one item per line, as uv writes them (the file's other habits are detected), but
  // inside an inline table, which is one line. No trailing commas in what is new: in an inline
  // table one is TOML 1.1 only, and Python's tomllib (every build backend) and TOML 1.0 parsers refuse it.
  const format = { multilineArray: !oneLine, trailingComma: false };
  const text = restoreCommentSpacing(existing, TomlPatch.patch(existing, obj, format));
  const spliced = bulk.size === 0 ? text : spliceBulk(text, bulk);
  if (spliced !== null) return spliced;
  expandBulk(obj, bulk);
  return restoreCommentSpacing(existing, TomlPatch.patch(existing, obj, format));
}

const withBlocks = (text: string, blocks: readonly string[]): string =>
  blocks.length === 0 ? text : `${text.endsWith('\n') ? text : `${text}\n`}\n${blocks.join('\n\n')}\n`;

export function mergePyproject(existing: string | null, spec: { path: string; text: string; pyproject: PyprojectPlan }, force: boolean): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  const data = parseTomlStrict(existing, spec.path);
  checkShapes(data, existing, spec.path);
  const p = mergeSteps(data, existing, spec.pyproject);
  if (p.conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts: p.conflicts, notes: ["kept as it is; `danlu init --force` takes danlu's values and keeps a backup"] };
  }
  const mutations = force ? [...p.mutations, ...p.forced] : p.mutations;
  if (mutations.length === 0 && p.blocks.length === 0) return { action: 'unchanged', text: null, conflicts: p.conflicts, notes: [] };
  let text = withBlocks(patched(existing, data, mutations, [], p.uvInline, p.bulk), p.blocks);
  if (!parses(text)) {
    // A table the file defines inline (`uv = { ... }` under [tool]) or with dotted keys cannot
    // get a [tool.uv.sources] header later: what those blocks add goes into the value itself.
    const inline = p.blocks.filter((b) => !parses(withBlocks(existing, [b])));
    text = withBlocks(
      patched(existing, data, mutations, inline, true, p.bulk),
      p.blocks.filter((b) => !inline.includes(b)),
    );
    parseTomlStrict(text, spec.path);
  }
  // The lines danlu adds take the file's line ending (TOML allows both; a CRLF file stays CRLF).
  return { action: 'updated', text: withLineEnding(text, lineEndingOf(existing)), conflicts: p.conflicts, notes: p.notes };
}
