import * as TomlPatch from '@decimalturn/toml-patch';
import { parseTomlStrict, requirementName } from '../project/toml.js';
import {
  danluBlock,
  indexBlock,
  sourcesBlock,
  type PyprojectWants,
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

function plan(data: Obj, wants: PyprojectWants, name: string, explicitIndex: boolean, explicitLockMode: boolean): Pending {
  const p: Pending = { blocks: [], mutations: [], conflicts: [], forced: [], notes: [] };
  const project = table(data, 'project');
  if (!project) {
    p.blocks.push(
      `${tableHeader(['project'])}\n${keyValues({ name, version: '0.1.0', 'requires-python': wants.requiresPython, dependencies: wants.dependencies }, ['dependencies'])}`,
    );
    p.notes.push('added [project]');
  } else {
    const deps = Array.isArray(project.dependencies) ? (project.dependencies as unknown[]) : null;
    const names = new Set((deps ?? []).map((d) => (typeof d === 'string' ? requirementName(d) : null)));
    const missing = wants.dependencies.filter((d) => !names.has(requirementName(d)));
    if (!deps) {
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
        ensureTable(o, 'project')['requires-python'] = wants.requiresPython;
      });
      p.notes.push(`added requires-python ${wants.requiresPython}`);
    }
  }
  if (!table(data, 'dependency-groups')) {
    p.blocks.push(`${tableHeader(['dependency-groups'])}\n${keyValues({ dev: wants.devDependencies }, ['dev'])}`);
  }
  if (wants.overrides.length > 0) {
    const uv = table(data, 'tool', 'uv');
    const have = Array.isArray(uv?.['override-dependencies']) ? (uv!['override-dependencies'] as unknown[]) : [];
    const missing = wants.overrides.filter((o) => !have.includes(o));
    if (missing.length > 0) {
      p.mutations.push((o) => {
        const t = ensureTable(o, 'tool', 'uv');
        t['override-dependencies'] = [...(Array.isArray(t['override-dependencies']) ? (t['override-dependencies'] as unknown[]) : []), ...missing];
      });
    }
  }
  const sources = table(data, 'tool', 'uv', 'sources');
  if (!sources) {
    p.blocks.push(sourcesBlock(wants.sources));
  } else {
    for (const [pkg, value] of Object.entries(wants.sources)) {
      const key = Object.keys(sources).find((k) => requirementName(k) === pkg) ?? pkg;
      if (sources[key] === undefined) {
        p.mutations.push((o) => {
          ensureTable(o, 'tool', 'uv', 'sources')[pkg] = value;
        });
        p.notes.push(`added tool.uv.sources.${pkg}`);
      } else if (!deepEqual(sources[key], value)) {
        p.conflicts.push(`tool.uv.sources.${key}: yours ${JSON.stringify(sources[key])}, danlu's ${JSON.stringify(value)}`);
        p.forced.push((o) => {
          ensureTable(o, 'tool', 'uv', 'sources')[key] = value;
        });
      }
    }
  }
  const uvTable = table(data, 'tool', 'uv');
  const indexes = Array.isArray(uvTable?.index) ? (uvTable!.index as unknown[]) : null;
  const at = indexes ? indexes.findIndex((i) => isPlainObject(i) && i.name === wants.index.name) : -1;
  if (!indexes) {
    p.blocks.push(indexBlock(wants.index));
  } else if (at < 0) {
    p.mutations.push((o) => {
      (ensureTable(o, 'tool', 'uv').index as unknown[]).push({ ...wants.index });
    });
    p.notes.push(`added index ${wants.index.name}`);
  } else {
    const have = indexes[at] as Obj;
    if (have.url !== wants.index.url) {
      const setUrl = (o: Obj) => {
        ((ensureTable(o, 'tool', 'uv').index as Obj[])[at] as Obj).url = wants.index.url;
      };
      if (explicitIndex) {
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
  const danlu = table(data, 'tool', 'danlu');
  if (!danlu) {
    p.blocks.push(danluBlock(wants.danlu));
  } else {
    for (const [key, value] of Object.entries(wants.danlu)) {
      if (danlu[key] === undefined || (explicitLockMode && danlu[key] !== value)) {
        p.mutations.push((o) => {
          ensureTable(o, 'tool', 'danlu')[key] = value as TomlValue;
        });
      }
    }
  }
  return p;
}

export function mergePyproject(
  existing: string | null,
  spec: { path: string; text: string; wants: PyprojectWants; explicitIndex: boolean; explicitLockMode: boolean; projectName: string },
  force: boolean,
): MergeResult {
  if (existing === null) return { action: 'created', text: spec.text, conflicts: [], notes: [] };
  const data = parseTomlStrict(existing, spec.path);
  const p = plan(data, spec.wants, spec.projectName, spec.explicitIndex, spec.explicitLockMode);
  if (p.conflicts.length > 0 && !force) {
    return { action: 'conflict', text: null, conflicts: p.conflicts, notes: ['kept as it is; `danlu init --force` takes danlu\'s values and keeps a backup'] };
  }
  const mutations = force ? [...p.mutations, ...p.forced] : p.mutations;
  if (mutations.length === 0 && p.blocks.length === 0) return { action: 'unchanged', text: null, conflicts: p.conflicts, notes: [] };
  let text = existing;
  if (mutations.length > 0) {
    const obj = TomlPatch.parse(existing) as Obj;
    for (const m of mutations) m(obj);
    text = TomlPatch.patch(existing, obj);
  }
  if (p.blocks.length > 0) {
    const base = text.endsWith('\n') ? text : `${text}\n`;
    text = `${base}\n${p.blocks.join('\n\n')}\n`;
  }
  parseTomlStrict(text, spec.path);
  return { action: 'updated', text, conflicts: p.conflicts, notes: p.notes };
}
