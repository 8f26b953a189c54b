import { mergeOne } from '../apply/index.js';
import type { Catalog } from '../catalog/index.js';
import { requirementName } from '../project/toml.js';
import type { Plan } from '../plan/types.js';
import { renderFiles } from '../render/index.js';

/** The files `uv lock` reads, as danlu would leave them: pyproject.toml and .python-version. */
export interface Candidate {
  pyproject: string;
  pythonVersion: string | null;
}

/** What apply would write for pyproject.toml and .python-version (the same merge, in memory). */
export function candidateFiles(plan: Plan, catalog: Catalog, existing: { pyproject: string | null; pythonVersion: string | null }): Candidate {
  const specs = renderFiles(plan, catalog);
  const after = (path: string, current: string | null): string | null => {
    const spec = specs.find((s) => s.path === path);
    if (!spec) return current;
    const m = mergeOne(spec, current, false);
    return m.text ?? current;
  };
  return { pyproject: after('pyproject.toml', existing.pyproject) ?? '', pythonVersion: after('.python-version', existing.pythonVersion) };
}

const COMPANIONS = new Set(['torch', 'torchvision', 'torchaudio', 'xformers']);

/** A PEP 508 string with its version specifier taken out (name, extras and marker kept). */
function unpinned(raw: string): string {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?)([^;]*)(;.*)?$/.exec(raw);
  if (!m) return raw;
  return `${m[1]!.trim()}${m[3] ? ` ${m[3].trim()}` : ''}`;
}

/**
 * The plan with torch free within what runs on the host (`torch.hostFit`): the question put to
 * uv is "which torch does the project's whole graph allow, among these". danlu's own pins of
 * the torch family (torch and the paired torchvision, torchaudio, xformers) are taken out, torch
 * comes from the default index (each version there is the same release for the resolver), and
 * the project's own entries stay as the project wrote them (no rewrite).
 */
export function freeTorch(plan: Plan): Plan {
  const fit = plan.torch.hostFit;
  const p = plan.pyproject;
  const minor = (v: string | null) => (v ? `==${v.split('.').slice(0, 2).join('.')}.*` : null);
  const planned = new Set(
    [
      `torch${plan.torch.specifier}`,
      `torch${minor(plan.torch.version)}`,
      `torchvision${minor(plan.torch.torchvision)}`,
      plan.torch.torchaudio ? `torchaudio${minor(plan.torch.torchaudio)}` : null,
      plan.torch.xformers ? `xformers==${plan.torch.xformers}` : null,
    ].filter((x): x is string => x !== null),
  );
  const isPlanned = (d: string) => {
    const name = requirementName(d) ?? '';
    if (!COMPANIONS.has(name)) return false;
    const spec = d
      .split(';')[0]!
      .replace(/^\s*[A-Za-z0-9._-]+\s*(\[[^\]]*\])?/, '')
      .replace(/\s+/g, '');
    return planned.has(`${name}${spec}`);
  };
  const free = (list: readonly string[]) => list.map((d) => (isPlanned(d) ? unpinned(d) : d));
  return {
    ...plan,
    pyproject: {
      ...p,
      dependencies: free(p.dependencies),
      devDependencies: free(p.devDependencies),
      extras: Object.fromEntries(Object.entries(p.extras).map(([k, v]) => [k, free(v)])),
      groups: Object.fromEntries(Object.entries(p.groups).map(([k, v]) => [k, free(v)])),
      constraints: [...p.constraints.filter((c) => !COMPANIONS.has(requirementName(c) ?? '')), ...(fit ? [`torch${fit}`] : [])],
      // The project's own entries are not rewritten; what danlu adds is added unpinned.
      pins: p.pins.filter((e) => e.action !== 'rewrite').map((e) => (e.action === 'write' && isPlanned(e.to) ? { ...e, to: unpinned(e.to) } : e)),
      torchSources: {},
    },
  };
}
