import { isManagedEntry, type Managed, managedOf } from '../managed.js';
import { parseTomlStrict } from '../toml.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { normalize } from './pep508.js';
import { importPoetry } from './poetry.js';
import { parseSpec } from './spec.js';
import { TomlLines } from './toml-lines.js';
import { importUvTable } from './uv-table.js';
import { emptyResult, type Group, type ImportOrigin, type ImportResult } from './types.js';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Ctx {
  out: ImportResult;
  lines: TomlLines;
  file: string;
  /** The project's own normalized name (for `name[extra]` self references). */
  self: string | null;
  /** `name[extra]` entries: the group includes those extras. */
  selfRefs: { group: Group; groupKind?: 'extra' | 'dependency-group'; extras: string[]; origin: ImportOrigin; text: string }[];
  /** What danlu wrote in an earlier run ([tool.danlu.managed]). */
  managed: Managed;
}

/** `all = ["proj[gradio]", "proj[torch]"]`: the group gets copies of those extras' requirements. */
function expandSelfRefs(ctx: Ctx): void {
  for (const ref of ctx.selfRefs) {
    const copies = ctx.out.requirements.filter((q) => ref.extras.includes(q.group) && q.group !== ref.group);
    for (const q of copies) {
      const copy: typeof q = { ...q, group: ref.group, origin: { ...ref.origin }, viaSelfReference: true };
      if (ref.groupKind) copy.groupKind = ref.groupKind;
      ctx.out.requirements.push(copy);
    }
    record(
      ctx.out,
      ref.origin,
      ref.text,
      'dependency',
      `group ${ref.group} includes the project's extras ${ref.extras.join(', ') || '(none)'}: ${copies.map((q) => q.raw).join(', ') || 'nothing'}`,
    );
  }
}

/** One list of PEP 508 strings (dependencies, an extra, a dependency group). */
function importList(ctx: Ctx, list: unknown, path: string[], group: Group, groupKind?: 'extra' | 'dependency-group'): void {
  if (!Array.isArray(list)) return;
  const start = ctx.lines.keyLine(path) ?? 1;
  let from = start;
  const used = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string') {
      if (isTable(item) && typeof item['include-group'] === 'string') {
        const line = ctx.lines.stringLine(item['include-group'], start) ?? start;
        ignored(ctx.out, { file: ctx.file, line }, ctx.lines.text(line), `includes group ${item['include-group']}, imported as its own group`);
      } else leftOut(ctx.out, { file: ctx.file, line: start }, ctx.lines.text(start), 'not a PEP 508 string');
      continue;
    }
    let line = ctx.lines.stringLine(item, from) ?? start;
    while (used.has(`${line}\0${item}`)) {
      const next = ctx.lines.stringLine(item, line + 1);
      if (next === undefined) break;
      line = next;
    }
    used.add(`${line}\0${item}`);
    from = line;
    const origin: ImportOrigin = { file: ctx.file, line };
    const spec = parseSpec(item);
    if (!spec.ok) {
      leftOut(ctx.out, origin, item, spec.reason);
      continue;
    }
    if (spec.name === null) {
      leftOut(ctx.out, origin, item, 'local path whose package name cannot be known without building it');
      continue;
    }
    if (isManagedEntry(ctx.managed, 'dependencies', item)) {
      ignored(ctx.out, origin, item, "written by danlu for the plan ([tool.danlu.managed]): danlu's own entry, updated by init");
      continue;
    }
    if (ctx.self && spec.name === ctx.self) {
      ctx.selfRefs.push({ group, groupKind, extras: spec.extras, origin, text: item });
      continue;
    }
    addSpec(ctx.out, { ...spec, name: spec.name }, { origin, text: item, group, groupKind });
  }
}

function importBuildSystem(ctx: Ctx, build: Table): void {
  if (!Array.isArray(build.requires)) return;
  const start = ctx.lines.keyLine(['build-system', 'requires']) ?? ctx.lines.keyLine(['build-system']) ?? 1;
  for (const item of build.requires) {
    if (typeof item !== 'string') continue;
    const line = ctx.lines.stringLine(item, start) ?? start;
    const origin = { file: ctx.file, line };
    const spec = parseSpec(item);
    if (spec.ok && spec.name === 'torch') {
      ctx.out.buildTimeTorch.push({ origin, why: `[build-system] requires ${item.trim()}` });
      record(
        ctx.out,
        origin,
        item,
        'hint',
        'torch needed to build the project',
        'build isolation would install a different torch: build against the runtime torch',
      );
    } else ignored(ctx.out, origin, item, 'build requirement; stays in [build-system]');
  }
}

/**
 * Reads the dependencies a pyproject.toml declares: PEP 621 ([project] dependencies,
 * optional-dependencies as extras, requires-python), [dependency-groups], [build-system]
 * requires (torch there = needed at build time), Poetry (converted to PEP 621 terms) and an
 * existing [tool.uv] (indexes, sources, build isolation: kept). Invalid TOML stops with a
 * DanluError at file:line:column.
 */
export function parsePyprojectDeps(text: string, file: string): ImportResult {
  const data = parseTomlStrict(text, file);
  const out = emptyResult();
  const lines = new TomlLines(text);
  const project = isTable(data.project) ? data.project : {};
  const tool = isTable(data.tool) ? data.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : null;
  const rawName = typeof project.name === 'string' ? project.name : typeof poetry?.name === 'string' ? poetry.name : null;
  // What danlu itself wrote ([tool.danlu.managed]) is not the project's own input.
  const managed = managedOf(data);
  const ctx: Ctx = { out, lines, file, self: rawName ? normalize(rawName) : null, selfRefs: [], managed };

  if (typeof project['requires-python'] === 'string' && project['requires-python'] !== managed['requires-python']) {
    const line = lines.keyLine(['project', 'requires-python']) ?? 1;
    out.pythonHints.push({ specifier: project['requires-python'].replace(/\s+/g, ''), origin: { file, line }, text: lines.text(line) });
    record(out, { file, line }, lines.text(line), 'hint', `Python hint ${project['requires-python']}`, 'kept as requires-python');
  }
  const dynamic = Array.isArray(project.dynamic) ? project.dynamic.filter((d): d is string => typeof d === 'string') : [];
  if (dynamic.length > 0) out.projectDynamic = dynamic;
  for (const d of dynamic.filter((x) => x === 'dependencies' || x === 'optional-dependencies')) {
    const line = lines.keyLine(['project', 'dynamic']) ?? 1;
    warn(
      out,
      'dynamic-dependencies',
      `${file}: ${d} are computed by the build backend (setup.py); danlu does not run the project's code, so they are not read from there`,
      { file, line },
    );
    record(out, { file, line }, lines.text(line), 'hint', `dynamic ${d}: not read`, 'computed at build time by code danlu does not run');
  }
  importList(ctx, project.dependencies, ['project', 'dependencies'], 'main');
  if (isTable(project['optional-dependencies'])) {
    for (const [extra, list] of Object.entries(project['optional-dependencies'])) {
      importList(ctx, list, ['project', 'optional-dependencies', extra], normalize(extra), 'extra');
    }
  }
  if (isTable(data['dependency-groups'])) {
    for (const [group, list] of Object.entries(data['dependency-groups'])) {
      importList(ctx, list, ['dependency-groups', group], normalize(group), 'dependency-group');
    }
  }
  expandSelfRefs(ctx);
  if (isTable(data['build-system'])) importBuildSystem(ctx, data['build-system']);
  if (poetry) importPoetry({ out, lines, file }, poetry);
  if (isTable(tool.uv)) importUvTable({ out, lines, file, managed }, tool.uv);
  return out;
}
