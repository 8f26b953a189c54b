import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { addIndex } from './indexes.js';
import { andMarkers, checkMarker } from './marker.js';
import { normalize, normalizeSpecifier, type Outcome } from './pep508.js';
import type { Spec } from './spec.js';
import type { TomlLines } from './toml-lines.js';
import type { Group, ImportOrigin, ImportResult, RequirementSource } from './types.js';

/** `^1.2.3` / `~1.2` upper bound: bump the part at `at`, zero the rest, keep the written length. */
function bump(version: string, at: number): string | null {
  const release = /^(\d+(?:\.\d+)*)/.exec(version)?.[1];
  if (!release) return null;
  const parts = release.split('.').map(Number);
  const i = Math.min(at, parts.length - 1);
  return parts.map((p, j) => (j < i ? p : j === i ? p + 1 : 0)).join('.');
}

function caretIndex(version: string): number {
  const parts = (/^(\d+(?:\.\d+)*)/.exec(version)?.[1] ?? '0').split('.').map(Number);
  const first = parts.findIndex((p) => p !== 0);
  return first < 0 ? parts.length - 1 : first;
}

/**
 * A Poetry version constraint as a PEP 440 specifier: `^1.2.3` -> `>=1.2.3,<2.0.0`,
 * `^0.2.3` -> `>=0.2.3,<0.3.0`, `~1.2` -> `>=1.2,<1.3`, `*` -> "", `1.2.3` -> `==1.2.3`,
 * `>=1 <2` -> `>=1,<2`. `||` alternatives have no PEP 440 form.
 */
export function poetryConstraint(input: string): Outcome<{ specifier: string }> {
  const text = input.trim();
  if (text === '' || text === '*') return { ok: true, specifier: '' };
  if (text.includes('||') || /(^|\s)\|(\s|$)/.test(text)) return { ok: false, reason: `"${text}": alternatives (||) have no PEP 440 form` };
  const clauses: string[] = [];
  const re = /(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*([^\s,^~=!<>]+)/g;
  for (const m of text.matchAll(re)) {
    const op = m[1] ?? '';
    const v = m[2]!;
    if (v === '*') continue;
    if (op === '^' || op === '~') {
      const upper = bump(v, op === '^' ? caretIndex(v) : v.split('.').length >= 2 ? 1 : 0);
      if (!upper) return { ok: false, reason: `"${op}${v}" is not a version constraint` };
      clauses.push(`>=${v}`, `<${upper}`);
    } else if (op === '' || op === '=') clauses.push(`==${v}`);
    else clauses.push(`${op}${v}`);
  }
  const spec = normalizeSpecifier(clauses.join(','));
  if (!spec.ok) return spec;
  return { ok: true, specifier: spec.specifier };
}

/** Poetry's `python = "^3.8"` on a dependency as a marker. */
function pythonMarker(constraint: string): string | null {
  const c = poetryConstraint(constraint);
  if (!c.ok || c.specifier === '') return null;
  return c.specifier
    .split(',')
    .map((clause) => {
      const m = /^(~=|===|==|!=|<=|>=|<|>)(.+)$/.exec(clause)!;
      const variable = m[2]!.replace(/\.\*$/, '').split('.').length > 2 ? 'python_full_version' : 'python_version';
      return `${variable} ${m[1]} "${m[2]}"`;
    })
    .join(' and ');
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One Poetry dependency value (string, table, or one table of a list) as a Spec. */
function poetrySpec(name: string, value: unknown, notes: string[]): Outcome<{ spec: Spec; optional: boolean; index?: string }> {
  if (typeof value === 'string') {
    const c = poetryConstraint(value);
    if (!c.ok) notes.push(`${c.reason}; kept unpinned`);
    return { ok: true, spec: { name, nameGuessed: false, extras: [], specifier: c.ok ? c.specifier : '', marker: null, notes: [] }, optional: false };
  }
  if (!isTable(value)) return { ok: false, reason: 'expected a version string or a table' };
  let specifier = '';
  if (typeof value.version === 'string') {
    const c = poetryConstraint(value.version);
    if (c.ok) specifier = c.specifier;
    else notes.push(`${c.reason}; kept unpinned`);
  }
  const extras = Array.isArray(value.extras)
    ? value.extras
        .filter((e): e is string => typeof e === 'string')
        .map(normalize)
        .sort()
    : [];
  const platform = typeof value.platform === 'string' ? `sys_platform == "${value.platform}"` : null;
  const combined = andMarkers(
    typeof value.markers === 'string' ? value.markers : null,
    typeof value.python === 'string' ? pythonMarker(value.python) : null,
    platform,
  );
  const checked = combined === null ? null : checkMarker(combined);
  if (checked && !checked.ok) return { ok: false, reason: `invalid markers "${combined}"` };
  const marker = checked ? checked.marker : null;
  let source: RequirementSource | undefined;
  if (typeof value.git === 'string') {
    source = { kind: 'git', url: value.git };
    for (const k of ['branch', 'rev', 'tag', 'subdirectory'] as const) if (typeof value[k] === 'string') source[k] = value[k] as string;
  } else if (typeof value.url === 'string') source = { kind: 'url', url: value.url };
  else if (typeof value.path === 'string') source = { kind: 'path', path: value.path, editable: value.develop === true };
  if (value['allow-prereleases'] === true) notes.push('allow-prereleases: uv needs prerelease = "allow" or a pre-release pin');
  const spec: Spec = { name, nameGuessed: false, extras, specifier, marker, notes: [], ...(source ? { source } : {}) };
  return { ok: true, spec, optional: value.optional === true, ...(typeof value.source === 'string' ? { index: value.source } : {}) };
}

export interface PoetryContext {
  out: ImportResult;
  lines: TomlLines;
  file: string;
}

function importTable(ctx: PoetryContext, deps: unknown, path: string[], group: Group, extrasOf: Map<string, string[]>, routes: Map<string, string[]>): void {
  if (!isTable(deps)) return;
  const headerLine = ctx.lines.keyLine(path) ?? 1;
  for (const [key, value] of Object.entries(deps)) {
    const line = ctx.lines.keyLine([...path, key]) ?? headerLine;
    const origin: ImportOrigin = { file: ctx.file, line };
    const text = ctx.lines.text(line);
    if (key.toLowerCase() === 'python') {
      const c = typeof value === 'string' ? poetryConstraint(value) : null;
      if (c?.ok && c.specifier) ctx.out.pythonHints.push({ specifier: c.specifier, origin, text });
      record(ctx.out, origin, text, 'hint', `Python hint ${c?.ok ? c.specifier : String(value)}`, 'requires-python');
      continue;
    }
    const name = normalize(key);
    for (const item of Array.isArray(value) ? value : [value]) {
      const notes: string[] = [];
      const r = poetrySpec(name, item, notes);
      if (!r.ok) {
        leftOut(ctx.out, origin, text, r.reason);
        continue;
      }
      if (r.index) routes.set(r.index, [...(routes.get(r.index) ?? []), name]);
      if (r.optional && group === 'main') {
        const extras = extrasOf.get(name) ?? [];
        if (extras.length === 0)
          warn(ctx.out, 'optional-not-in-extra', `${name} is optional but in no [tool.poetry.extras] list: imported in group "optional"`, origin);
        for (const extra of extras.length ? extras : ['optional'])
          addSpec(ctx.out, { ...r.spec, name }, { origin, text, group: extra, groupKind: 'extra', notes });
      } else {
        addSpec(ctx.out, { ...r.spec, name }, { origin, text, group, groupKind: group === 'main' ? undefined : 'dependency-group', notes });
      }
    }
  }
}

/** `[tool.poetry]`: dependencies, extras, groups, dev-dependencies and sources, converted to PEP 621 terms. */
export function importPoetry(ctx: PoetryContext, poetry: Table): void {
  if (typeof poetry.name === 'string' && poetry.name.trim()) {
    const version =
      typeof poetry.version === 'string' && /^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+|\.dev\d+)?$/i.test(poetry.version.trim()) ? poetry.version.trim() : undefined;
    ctx.out.packageMetadata = { name: poetry.name.trim(), ...(version ? { version } : {}) };
  }
  const extrasOf = new Map<string, string[]>();
  if (isTable(poetry.extras)) {
    for (const [extra, list] of Object.entries(poetry.extras)) {
      if (!Array.isArray(list)) continue;
      for (const pkg of list) if (typeof pkg === 'string') extrasOf.set(normalize(pkg), [...(extrasOf.get(normalize(pkg)) ?? []), normalize(extra)]);
    }
  }
  const routes = new Map<string, string[]>();
  importTable(ctx, poetry.dependencies, ['tool', 'poetry', 'dependencies'], 'main', extrasOf, routes);
  importTable(ctx, poetry['dev-dependencies'], ['tool', 'poetry', 'dev-dependencies'], 'dev', extrasOf, routes);
  if (isTable(poetry.group)) {
    for (const [group, body] of Object.entries(poetry.group)) {
      if (!isTable(body)) continue;
      importTable(ctx, body.dependencies, ['tool', 'poetry', 'group', group, 'dependencies'], normalize(group), extrasOf, routes);
    }
  }
  const sources = Array.isArray(poetry.source) ? poetry.source : [];
  sources.forEach((s, i) => {
    if (!isTable(s) || typeof s.url !== 'string') return;
    const name = typeof s.name === 'string' ? s.name : `source-${i + 1}`;
    const line = ctx.lines.stringLine(s.url) ?? 1;
    const priority = typeof s.priority === 'string' ? s.priority : s.default === true ? 'default' : s.secondary === true ? 'secondary' : 'primary';
    const packages = (routes.get(name) ?? []).map((p) => ({ name: p }));
    addIndex(ctx.out, {
      url: s.url,
      kind: priority === 'default' || priority === 'primary' ? 'index-url' : 'extra-index-url',
      name,
      explicit: priority === 'explicit',
      packages,
      origin: { file: ctx.file, line },
      text: ctx.lines.text(line),
    });
  });
  for (const [name, pkgs] of routes) {
    if (!sources.some((s) => isTable(s) && s.name === name)) {
      warn(ctx.out, 'unknown-source', `${pkgs.join(', ')}: source "${name}" is not a [[tool.poetry.source]]`);
    }
  }
  if (poetry.dependencies === undefined && poetry['dev-dependencies'] === undefined && poetry.group === undefined) {
    ignored(ctx.out, { file: ctx.file, line: ctx.lines.keyLine(['tool', 'poetry']) ?? 1 }, '[tool.poetry]', 'no dependencies in [tool.poetry]');
  }
}
