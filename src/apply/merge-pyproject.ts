import * as TomlPatch from '@decimalturn/toml-patch';
import { parseTomlStrict, requirementName } from '../project/toml.js';
import type { PyprojectPlan } from '../plan/pyproject/types.js';
import {
  buildDependenciesBlock,
  buildSystemBlock,
  danluBlock,
  dependencyMetadataBlock,
  extrasBlock,
  groupsBlock,
  indexBlock,
  sourcesBlock,
  uvBlock,
  uvLists,
} from '../render/pyproject.js';
import { keyValues, tableHeader, type TomlValue } from '../render/toml-text.js';
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
function addNamedLists(p: Pending, have: Obj, want: Record<string, string[]>, at: string[]): void {
  for (const [name, list] of Object.entries(want)) {
    const current = Array.isArray(have[name]) ? (have[name] as unknown[]) : null;
    if (!current) {
      p.mutations.push((o) => void (ensureTable(o, ...at)[name] = [...list]));
      p.notes.push(`added ${at.join('.')}.${name}`);
      continue;
    }
    const names = new Set(current.map((d) => (typeof d === 'string' ? requirementName(d) : null)));
    const missing = list.filter((d) => !names.has(requirementName(d)));
    if (missing.length > 0) {
      p.mutations.push((o) => void (ensureTable(o, ...at)[name] as unknown[]).push(...missing));
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
    if (r.action === 'constrain') p.notes.push(`pin ${r.from} kept, constrained to ${r.name}${r.specifier} by [tool.uv] constraint-dependencies (${r.why})`);
}

function mergeSteps(data: Obj, existingText: string, wants: PyprojectPlan): Pending {
  const p: Pending = { blocks: [], mutations: [], conflicts: [], forced: [], notes: [] };
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
      p.mutations.push((o) => {
        (ensureTable(o, 'project').dependencies as unknown[]).push(...missing);
      });
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
  // Only a [tool.uv] header of its own can take new keys in place; an implicit table
  // (made by [tool.uv.sources] alone) gets a [tool.uv] block appended instead.
  const uvNow = /^\s*\[\s*tool\s*\.\s*uv\s*\]/m.test(existingText) ? table(data, 'tool', 'uv') : undefined;
  if (!uvNow) {
    if (Object.keys(uvWant).length > 0) p.blocks.push(uvBlock(uvWant));
  } else {
    for (const [key, value] of Object.entries(uvWant)) {
      const list = value as TomlValue[];
      if ((key === 'environments' || key === 'conflicts') && uvNow[key] !== undefined) continue;
      const have = Array.isArray(uvNow[key]) ? (uvNow[key] as unknown[]) : [];
      const missing = list.filter((o) => !have.some((h) => JSON.stringify(h) === JSON.stringify(o)));
      if (missing.length === 0) continue;
      p.mutations.push((o) => {
        const t = ensureTable(o, 'tool', 'uv');
        t[key] = [...(Array.isArray(t[key]) ? (t[key] as unknown[]) : []), ...missing];
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
    for (const [pkg, value] of Object.entries(routing)) {
      const key = Object.keys(sources).find((k) => requirementName(k) === pkg) ?? pkg;
      if (sources[key] === undefined) {
        p.mutations.push((o) => void (ensureTable(o, 'tool', 'uv', 'sources')[pkg] = value));
        p.notes.push(`added tool.uv.sources.${pkg}`);
      } else if (!deepEqual(sources[key], value)) {
        p.conflicts.push(`tool.uv.sources.${key}: yours ${JSON.stringify(sources[key])}, danlu's ${JSON.stringify(value)}`);
        p.forced.push((o) => void (ensureTable(o, 'tool', 'uv', 'sources')[key] = value));
      }
    }
    for (const [pkg, value] of Object.entries(wants.sources)) {
      if (!Object.keys(sources).some((k) => requirementName(k) === pkg)) {
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
      if (wants.index.onOtherUrl === 'replace') {
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
  const danlu = table(data, 'tool', 'danlu');
  if (!danlu) {
    p.blocks.push(danluBlock(wants.danlu.values));
  } else {
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

export function mergePyproject(existing: string | null, spec: { path: string; text: string; pyproject: PyprojectPlan }, force: boolean): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  const data = parseTomlStrict(existing, spec.path);
  const p = mergeSteps(data, existing, spec.pyproject);
  if (p.conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts: p.conflicts, notes: ["kept as it is; `danlu init --force` takes danlu's values and keeps a backup"] };
  }
  const mutations = force ? [...p.mutations, ...p.forced] : p.mutations;
  if (mutations.length === 0 && p.blocks.length === 0) return { action: 'unchanged', text: null, conflicts: p.conflicts, notes: [] };
  let text = existing;
  if (mutations.length > 0) {
    // The strict parse above already gave the data: patch diffs a copy of it (one parse, not two).
    const obj = structuredClone(data) as Obj;
    for (const m of mutations) m(obj);
    // New arrays one item per line, as uv writes them (the file's other habits are detected).
    // No trailing commas in what is new: in an inline table one is TOML 1.1 only, and Python's
    // tomllib (every build backend) and TOML 1.0 parsers refuse it.
    text = restoreCommentSpacing(existing, TomlPatch.patch(existing, obj, { multilineArray: true, trailingComma: false }));
  }
  if (p.blocks.length > 0) {
    const base = text.endsWith('\n') ? text : `${text}\n`;
    text = `${base}\n${p.blocks.join('\n\n')}\n`;
  }
  parseTomlStrict(text, spec.path);
  return { action: 'updated', text, conflicts: p.conflicts, notes: p.notes };
}
