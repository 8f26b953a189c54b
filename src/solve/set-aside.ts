import { normalizeName } from '../lib/py.js';
import { parse, stringify } from 'smol-toml';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nameOf = (req: string) => normalizeName(/^\s*([A-Za-z0-9._-]+)/.exec(req)?.[1] ?? '');

function hostOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^/:?#]+)/i.exec(url.replace(/^git\+/, ''));
  if (m) return m[1]!.toLowerCase();
  // scp-like git: git@github.com:org/repo.git
  return /^[^@\s]+@([^:/\s]+):/.exec(url)?.[1]?.toLowerCase() ?? '';
}

/**
 * The candidate pyproject.toml without what lives on hosts this machine cannot reach: their
 * indexes, the sources on them and the requirements those sources serve, `name @ URL` entries
 * there. What is left is the rest of the project, which uv can still judge (the torch and Python
 * it allows, the clashes within it). Used in the scratch copy only; never written.
 */
export function setAsideText(text: string, hosts: readonly string[]): string {
  const py = parse(text) as Obj;
  const gone = new Set(hosts.map((h) => h.toLowerCase()));
  const drop = new Set<string>();
  const tool = isObj(py.tool) ? py.tool : null;
  const uv = tool && isObj(tool.uv) ? (tool.uv as Obj) : null;
  if (uv) {
    const indexes = Array.isArray(uv.index) ? (uv.index as Obj[]) : [];
    // danlu's own PyTorch index stays: without it there is no torch to judge (its host unreachable
    // is the solve's end, not something to set aside).
    const droppedIndexes = new Set(indexes.filter((i) => i.name !== 'pytorch' && gone.has(hostOf(String(i.url ?? '')))).map((i) => String(i.name)));
    if (indexes.length) uv.index = indexes.filter((i) => !droppedIndexes.has(String(i.name)));
    const sources = isObj(uv.sources) ? (uv.sources as Obj) : {};
    for (const [pkg, value] of Object.entries(sources)) {
      const all = (Array.isArray(value) ? value : [value]) as Obj[];
      const away = all.some((s) => (typeof s.index === 'string' && droppedIndexes.has(s.index)) || gone.has(hostOf(String(s.url ?? s.git ?? ''))));
      if (!away) continue;
      drop.add(normalizeName(pkg));
      delete sources[pkg];
    }
    if (uv['find-links'] !== undefined) uv['find-links'] = [uv['find-links']].flat().filter((l) => !gone.has(hostOf(String(l))));
    for (const key of ['constraint-dependencies', 'override-dependencies'])
      if (Array.isArray(uv[key])) uv[key] = (uv[key] as unknown[]).filter((r) => typeof r !== 'string' || !drop.has(nameOf(r)));
    if (Array.isArray(uv['dependency-metadata']))
      uv['dependency-metadata'] = (uv['dependency-metadata'] as Obj[]).filter((m) => !drop.has(normalizeName(String(m.name ?? ''))));
    if (isObj(uv['extra-build-dependencies']))
      for (const k of Object.keys(uv['extra-build-dependencies'])) if (drop.has(normalizeName(k))) delete uv['extra-build-dependencies'][k];
  }
  const keep = (req: unknown) => {
    if (typeof req !== 'string') return true;
    const url = /^\s*[A-Za-z0-9._-]+(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(req)?.[1];
    return !drop.has(nameOf(req)) && !(url && gone.has(hostOf(url)));
  };
  const project = isObj(py.project) ? py.project : null;
  if (project && Array.isArray(project.dependencies)) project.dependencies = project.dependencies.filter(keep);
  if (project && isObj(project['optional-dependencies']))
    for (const [k, list] of Object.entries(project['optional-dependencies']))
      if (Array.isArray(list)) (project['optional-dependencies'] as Obj)[k] = list.filter(keep);
  if (isObj(py['dependency-groups']))
    for (const [k, list] of Object.entries(py['dependency-groups'])) if (Array.isArray(list)) (py['dependency-groups'] as Obj)[k] = list.filter(keep);
  return stringify(py);
}
