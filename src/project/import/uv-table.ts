import { isManagedEntry, type Managed } from '../managed.js';
import { addSpec, describeSource, ignored, leftOut, record, reportOf, warn } from './emit.js';
import { addIndex } from './indexes.js';
import { holdsOnLinux } from './marker.js';
import { normalize } from './pep508.js';
import { parseSpec } from './spec.js';
import type { TomlLines } from './toml-lines.js';
import type { ImportResult, RequirementSource } from './types.js';

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UvContext {
  out: ImportResult;
  lines: TomlLines;
  file: string;
  /** What danlu wrote in an earlier run ([tool.danlu.managed]): not read back as the project's. */
  managed?: Managed;
}

function sourceOf(t: Table): RequirementSource | null {
  if (typeof t.git === 'string') {
    const s: RequirementSource = { kind: 'git', url: t.git };
    for (const k of ['rev', 'branch', 'tag', 'subdirectory'] as const) if (typeof t[k] === 'string') s[k] = t[k] as string;
    return s;
  }
  if (typeof t.url === 'string') return { kind: 'url', url: t.url };
  if (typeof t.path === 'string') return { kind: 'path', path: t.path, editable: t.editable === true };
  return null;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `[tool.uv.sources]`: direct sources go onto the requirements, index routes onto the indexes. */
function importSources(ctx: UvContext, sources: Table, routes: Map<string, { name: string; marker?: string; extra?: string }[]>): void {
  for (const [pkg, value] of Object.entries(sources)) {
    const name = normalize(pkg);
    const line = ctx.lines.keyLine(['tool', 'uv', 'sources', pkg]) ?? ctx.lines.keyLine(['tool', 'uv', 'sources']) ?? 1;
    const origin = { file: ctx.file, line };
    const text = ctx.lines.text(line);
    const entries = (Array.isArray(value) ? value : [value]).filter(isTable);
    if (entries.length === 0) {
      leftOut(ctx.out, origin, text, 'a source must be a table');
      continue;
    }
    const direct: RequirementSource[] = [];
    for (const e of entries) {
      const route = {
        name,
        ...(typeof e.marker === 'string' ? { marker: e.marker } : {}),
        ...(typeof e.extra === 'string' ? { extra: normalize(e.extra) } : {}),
      };
      if (typeof e.index === 'string') routes.set(e.index, [...(routes.get(e.index) ?? []), route]);
      else if (e.workspace === true) record(ctx.out, origin, text, 'source', `${name} from the uv workspace`, 'kept as is');
      else {
        const s = sourceOf(e);
        if (s) direct.push(s);
        else leftOut(ctx.out, origin, text, 'not a git / url / path / index source');
      }
    }
    if (direct.length === 0) {
      if (entries.some((e) => typeof e.index === 'string'))
        record(
          ctx.out,
          origin,
          text,
          'index',
          `${name} from index ${entries
            .map((e) => e.index)
            .filter(Boolean)
            .join(', ')}`,
          'kept as is',
        );
      continue;
    }
    const reqs = ctx.out.requirements.filter((r) => r.name === name);
    if (reqs.length === 0) warn(ctx.out, 'source-without-dependency', `[tool.uv.sources] ${pkg}: no dependency of that name`, origin);
    if (direct.length > 1 || entries.length > 1) {
      warn(ctx.out, 'conditional-source', `${name}: several conditional sources; kept as is in [tool.uv.sources]`, origin);
      record(ctx.out, origin, text, 'source', `${name}: ${direct.map(describeSource).join(' / ')}`, 'conditional sources kept as is');
      continue;
    }
    for (const r of reqs) {
      r.source = direct[0]!;
      const entry = reportOf.get(r);
      if (entry) {
        entry.kind = 'source';
        entry.became += ` from ${describeSource(direct[0]!)} ([tool.uv.sources])`;
      }
    }
    record(ctx.out, origin, text, 'source', `${name} from ${describeSource(direct[0]!)}`);
  }
}

/** An existing `[tool.uv]`: respected (indexes, sources, build isolation, constraints) and kept. */
export function importUvTable(ctx: UvContext, uv: Table): void {
  const { out, lines, file } = ctx;
  const headerLine = lines.keyLine(['tool', 'uv']) ?? lines.keyLine(['tool', 'uv', Object.keys(uv)[0] ?? '']) ?? 1;
  out.existingUv = { origin: { file, line: headerLine }, keys: Object.keys(uv) };
  const routes = new Map<string, { name: string; marker?: string; extra?: string }[]>();
  if (isTable(uv.sources)) importSources(ctx, uv.sources, routes);
  const indexes = Array.isArray(uv.index) ? uv.index.filter(isTable) : [];
  for (const idx of indexes) {
    if (typeof idx.url !== 'string') continue;
    const line = lines.stringLine(idx.url) ?? headerLine;
    const name = typeof idx.name === 'string' ? idx.name : undefined;
    if (ctx.managed?.index !== undefined && idx.url === ctx.managed.index) {
      ignored(out, { file, line }, lines.text(line), "danlu's own PyTorch index ([tool.danlu.managed]), updated by init");
      continue;
    }
    addIndex(out, {
      url: idx.url,
      kind: idx.default === true ? 'index-url' : 'extra-index-url',
      ...(name ? { name } : {}),
      explicit: idx.explicit === true,
      packages: name ? (routes.get(name) ?? []) : [],
      origin: { file, line },
      text: lines.text(line),
    });
  }
  for (const [name, pkgs] of routes) {
    if (!indexes.some((i) => i.name === name)) warn(out, 'unknown-index', `${pkgs.map((p) => p.name).join(', ')}: index "${name}" is not a [[tool.uv.index]]`);
  }
  for (const [key, value] of Object.entries(uv)) {
    if (key === 'sources' || key === 'index') continue;
    const line = lines.keyLine(['tool', 'uv', key]) ?? headerLine;
    const origin = { file, line };
    const text = lines.text(line);
    if (key === 'no-build-isolation' && value === true) {
      out.noBuildIsolation.push({ name: '*', origin });
      record(out, origin, text, 'hint', 'no build isolation for every package', 'kept as is');
    } else if (key === 'no-build-isolation-package') {
      for (const n of strings(value)) {
        out.noBuildIsolation.push({ name: normalize(n), origin });
        out.buildTimeTorch.push({ name: normalize(n), origin, why: '[tool.uv] no-build-isolation-package: built against the installed torch' });
      }
      record(out, origin, text, 'hint', `no build isolation for ${strings(value).join(', ')}`, 'kept as is');
    } else if (key === 'extra-build-dependencies' && isTable(value)) {
      for (const [pkg, deps] of Object.entries(value)) {
        const list = Array.isArray(deps) ? deps : [];
        const torch = list.some((d) =>
          typeof d === 'string' ? /^\s*torch\b/.test(d) : isTable(d) && typeof d.requirement === 'string' && /^\s*torch\b/.test(d.requirement),
        );
        if (torch) out.buildTimeTorch.push({ name: normalize(pkg), origin, why: '[tool.uv] extra-build-dependencies adds torch' });
      }
      record(out, origin, text, 'hint', 'extra build dependencies', 'kept as is');
    } else if ((key === 'constraint-dependencies' || key === 'dev-dependencies') && Array.isArray(value)) {
      for (const item of strings(value)) {
        const l = lines.stringLine(item, line) ?? line;
        if (key === 'constraint-dependencies' && ctx.managed && isManagedEntry(ctx.managed, 'constraint-dependencies', item)) {
          ignored(out, { file, line: l }, item, "danlu's own constraint for the planned build ([tool.danlu.managed]), updated by init");
          continue;
        }
        const spec = parseSpec(item);
        if (!spec.ok || spec.name === null) leftOut(out, { file, line: l }, item, spec.ok ? 'no package name' : spec.reason);
        else
          addSpec(
            out,
            { ...spec, name: spec.name },
            { origin: { file, line: l }, text: item, group: key === 'dev-dependencies' ? 'dev' : 'main', constraint: key === 'constraint-dependencies' },
          );
      }
    } else {
      if (key === 'override-dependencies') {
        warn(out, 'uv-override', `[tool.uv] override-dependencies kept as is: ${strings(value).join(', ')}`, origin);
        // `torch; sys_platform == 'never'`: the project takes torch out of its lock, expecting it
        // from a base image that has it (an NGC PyTorch container); danlu's image has none.
        for (const entry of strings(value)) {
          const [req, marker] = entry.split(';', 2);
          if (/^\s*(torch|torchvision|torchaudio)\s*$/i.test(req ?? '') && marker !== undefined && holdsOnLinux(marker) === false)
            warn(
              out,
              'torch-overridden-out',
              `${file}:${origin.line}: [tool.uv] override-dependencies takes ${req!.trim()} out of the lock (${entry.trim()}), expecting it from a base image that has it (an NGC PyTorch container); the dev container's image has none, so its environment has no ${req!.trim()}: remove that entry to install the planned build`,
              origin,
            );
        }
      }
      ignored(out, origin, text, 'kept as is in [tool.uv]');
    }
  }
}
