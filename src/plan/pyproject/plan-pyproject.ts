import type { ProjectFacts } from '../../project/types.js';
import { normalizeName } from '../../project/types.js';
import type { ImportResult } from '../../project/import/types.js';
import { intersectSpecifiers } from '../../project/import/merge.js';
import { holdsOnLinux } from '../../project/import/marker.js';
import { parsePep508 } from '../../project/import/pep508.js';
import type { Decision, PlanOptions, TorchPlan, Warning } from '../types.js';
import type { PackagePlan } from '../packages.js';
import { conflictKey, isManagedEntry, type Managed, managedOf } from '../../project/managed.js';
import { buildNeedOf, IMPORT_CAPS } from '../../catalog/data/build-needs.js';
import { uvIndexEnvPrefix } from '../../project/import/credentials.js';
import { fromImport } from './from-import.js';
import { keptSide, solvedAlternatives } from '../alternatives.js';
import { satisfiesOr, TORCH_FAMILY } from '../../lib/py.js';
import { requirementName } from '../../project/toml.js';
import type { PinEdit, PyprojectPlan, TomlValue } from './types.js';

export const TORCH_INDEX_NAME = 'pytorch';

/** The files a setuptools build reads its metadata from (extras a dynamic [project] takes from there). */
const BUILD_FILES = new Set(['setup.py', 'setup.cfg']);
export const TORCH_MARKER = "sys_platform == 'linux' or sys_platform == 'win32'";

/** Packages whose CUDA build must come from the PyTorch index, not PyPI. */
export const TORCH_ROUTED = ['torch', 'torchvision', 'torchaudio', 'xformers'] as const;

/** A cu118 rebuild of NCCL for multi-GPU on CUDA 11.8 (the nvidia-nccl-cu11 wheel torch pulls is built for cu110). */
export const NCCL_CU118 = {
  requirement: 'nvidia-nccl-cu11==2.27.6',
  url: 'https://cdn.duanyll.com/whl/nvidia_nccl_cu11-2.27.6-py3-none-manylinux2014_x86_64.whl',
  source: 'a cu118 rebuild of nvidia-nccl-cu11 published by its author (cdn.duanyll.com)',
};

/** The parts of the plan the pyproject step needs (decided before it). */
export interface PyprojectInput {
  projectName: string;
  /** The project's own backend extras (uv's multi-backend shape): their torch family is the project's, never edited. */
  backendExtras: readonly string[];
  projectVersion: string;
  hasReadme: boolean;
  python: string;
  requiresPython: string;
  torch: TorchPlan;
  packages: readonly PackagePlan[];
  ncclOverride: boolean;
  aptPackages: readonly string[];
  lockWithMirror: boolean;
  /** The container's CPU as Python's platform_machine names it ("x86_64", "aarch64"). */
  machine: string;
  /** Exact pins of the project's other files written as lower bounds (the solve found no Python for them here). */
  relax?: readonly { name: string; why: string }[];
  /** What a build lacked when uv built it (the solve): each package's build gets the requirement. */
  builds?: readonly { name: string; requirement: string; why: string }[];
  /** Names a conda file gave that PyPI does not have (the solve): not written. */
  notOnPypi?: readonly { name: string; why: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

/** What the project's own pyproject.toml lists, by normalized name: the entries as written. */
export function ownEntries(data: Obj | null, skipExtras: readonly string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!data) return out;
  const add = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const d of list) {
      if (typeof d !== 'string') continue;
      const name = requirementName(d);
      if (!name) continue;
      out.set(name, [...(out.get(name) ?? []), d]);
    }
  };
  const project = isObj(data.project) ? data.project : {};
  // The torch entries danlu added in an earlier run are its own, not the project's.
  const managed = managedOf(data);
  const theirs = (list: unknown) =>
    Array.isArray(list) ? list.filter((d) => typeof d !== 'string' || !isManagedEntry(managed, 'dependencies', d)) : undefined;
  add(theirs(project.dependencies));
  // A backend extra of uv's multi-backend shape keeps its own torch family: not an entry the plan edits.
  for (const [k, v] of Object.entries(isObj(project['optional-dependencies']) ? project['optional-dependencies'] : {}))
    if (!skipExtras.some((x) => normalizeName(x) === normalizeName(k))) add(theirs(v));
  for (const v of Object.values(isObj(data['dependency-groups']) ? data['dependency-groups'] : {})) add(theirs(v));
  return out;
}

/** The version specifier of a PEP 508 string, without name, extras or marker. */
function specifierOf(raw: string): string {
  return raw
    .replace(/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?/, '')
    .split(';')[0]!
    .trim();
}

/** A range of the project's (">=0.19") that admits the planned build ("==0.26.*"): held by a constraint, not a conflict. */
function admitsPlanned(spec: string, planned: string): boolean {
  const m = /^==(\d+(?:\.\d+)*)\.\*$/.exec(planned.trim());
  // An exact build (flash-attn==2.8.3.post1+cu.12.8.torch.2.11): its public version.
  const exact = /^==([^*+\s]+)(?:\+[A-Za-z0-9.]+)?$/.exec(planned.trim());
  if ((!m && !exact) || !spec) return false;
  return m ? satisfiesOr(`${m[1]}.0`, spec, false) || satisfiesOr(`${m[1]}.99`, spec, false) : satisfiesOr(exact![1]!, spec, false);
}

const UNPINNED = /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*(;.*)?$/;

/**
 * What happens to each requirement the plan moved to another version. An entry of the
 * project's own pyproject.toml: rewritten in place when the user asked for another torch
 * (--torch, --backend, --upgrade-torch); when it is unpinned, left as written with a uv
 * constraint; a pin otherwise is a conflict (the file's pin would contradict the planned index).
 */
export function pinEdits(replaced: readonly Omit<PinEdit, 'action'>[], own: Map<string, string[]>, options: PlanOptions): PinEdit[] {
  const out: PinEdit[] = [];
  const seen = new Set<string>();
  const push = (e: PinEdit) => {
    const key = `${e.name}\0${e.from.trim()}`;
    if (e.from.trim() === e.to.trim() || seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const r of replaced) {
    // torch and its companions: the file's own entries (the merged requirement may read otherwise);
    // another package: its entry as the import read it.
    const written = (own.get(r.name) ?? []).filter((w) => TORCH_FAMILY.has(r.name) || w.trim() === r.from.trim());
    if (written.length === 0) {
      push({ ...r, action: 'write' });
      continue;
    }
    for (const from of written) {
      const parsed = parsePep508(from);
      // An entry for another platform (`; sys_platform == 'darwin'`) is not the container's: as written.
      if (parsed.ok && parsed.marker && holdsOnLinux(parsed.marker) === false) continue;
      // A direct reference (`torch @ https://.../xpu/torch-2.6.0+xpu-...whl`) is one build the
      // project chose, often for another accelerator: never re-pinned.
      if (parsed.ok && parsed.url) continue;
      const action: PinEdit['action'] =
        options.pins === 'follow' ? 'rewrite' : UNPINNED.test(from) || admitsPlanned(specifierOf(from), r.specifier) ? 'constrain' : 'conflict';
      // Each entry keeps its own extras and marker: only the version moves.
      const to =
        parsed.ok && !parsed.url
          ? `${parsed.name}${parsed.extras.length ? `[${parsed.extras.join(',')}]` : ''}${r.specifier}${parsed.marker ? ` ; ${parsed.marker}` : ''}`
          : r.to;
      push({ ...r, from, to, action });
    }
  }
  return out;
}

/**
 * Packages the project already builds without isolation (its own [tool.uv]
 * no-build-isolation-package, or no-build-isolation for all) take the environment's torch
 * anyway: no extra build dependencies for them (uv refuses both for one package).
 */
function withoutNoIsolation(deps: Record<string, TomlValue>, data: Obj | null): Record<string, TomlValue> {
  const uv = isObj(data?.tool) && isObj((data!.tool as Obj).uv) ? ((data!.tool as Obj).uv as Obj) : null;
  if (uv?.['no-build-isolation'] === true) return {};
  const none = new Set(Array.isArray(uv?.['no-build-isolation-package']) ? (uv!['no-build-isolation-package'] as string[]) : []);
  return Object.fromEntries(Object.entries(deps).filter(([pkg]) => !none.has(pkg)));
}

/** The constraints with one for each entry the plan holds by a constraint. */
export function withPinConstraints(constraints: readonly string[], pins: readonly PinEdit[]): string[] {
  // The plan's constraint on a package stands for the ones read back from the file (a re-run
  // reads danlu's own `flash-attn==2.8.3.post1+cu.12.8.torch.2.11` without its local label).
  const held = new Set(pins.filter((p) => p.action === 'constrain').map((p) => p.name));
  const out = constraints.filter((c) => !held.has(requirementName(c) ?? '') || pins.some((p) => `${p.name}${p.specifier}` === c));
  for (const p of pins) {
    const c = `${p.name}${p.specifier}`;
    if (p.action === 'constrain' && !out.includes(c)) out.push(c);
  }
  return out;
}

type ConflictSide = { extra: string } | { group: string };

/**
 * The same package pinned so that two groups exclude each other (read from the project's
 * files). Two extras or groups: a [tool.uv] conflicts entry. One of them the main dependencies:
 * that extra cannot be installed with the project at all, so it is left out.
 */
function planConflicts(imported: ImportResult | null, extras: Record<string, string[]>, groups: Record<string, string[]>, replanned: ReadonlySet<string>) {
  const conflicts: ConflictSide[][] = [];
  const leaveOut: { kind: 'extra' | 'group'; name: string; why: string }[] = [];
  const why = new Map<ConflictSide[], string>();
  const side = (g: string): ConflictSide | null => (g in extras ? { extra: g } : g in groups || g === 'dev' ? { group: g } : null);
  // Packages whose pins the plan replaces (triton: the one torch needs) get one specifier everywhere: no clash.
  const reqs = (imported?.requirements ?? []).filter((r) => r.specifier && !r.viaSelfReference && !TORCH_FAMILY.has(r.name) && !replanned.has(r.name));
  // Only requirements of one package under one marker can clash: compared within those groups
  // (near-linear in the number of requirements, not every pair of them).
  const byKey = new Map<string, typeof reqs>();
  for (const r of reqs) {
    const key = `${r.name}\0${r.marker ?? ''}`;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const seenPairs = new Set<string>();
  for (const same of byKey.values()) {
    for (let i = 0; i < same.length; i++) {
      for (let j = i + 1; j < same.length; j++) {
        const [a, b] = [same[i]!, same[j]!];
        if (a.group === b.group) continue;
        if (!intersectSpecifiers(a.specifier, b.specifier).conflict) continue;
        const text = `${a.name}${a.specifier} (${a.origin.file}:${a.origin.line}) and ${a.name}${b.specifier} (${b.origin.file}:${b.origin.line}) exclude each other`;
        if (a.group === 'main' || b.group === 'main') {
          const other = a.group === 'main' ? b.group : a.group;
          const kind = other in extras ? 'extra' : 'group';
          if (!leaveOut.some((l) => l.name === other)) leaveOut.push({ kind, name: other, why: `${text}, and the main dependencies are in every environment` });
          continue;
        }
        const [x, y] = [side(a.group), side(b.group)];
        if (!x || !y) continue;
        const k1 = JSON.stringify([x, y]);
        const k2 = JSON.stringify([y, x]);
        if (seenPairs.has(k1) || seenPairs.has(k2)) continue;
        seenPairs.add(k1);
        const pair = [x, y];
        conflicts.push(pair);
        why.set(pair, text);
      }
    }
  }
  const gone = new Set(leaveOut.map((l) => l.name));
  const kept = conflicts.filter((c) => !c.some((x) => gone.has('extra' in x ? x.extra : x.group)));
  return { conflicts: kept, leaveOut, why };
}

function ownExtras(data: Obj | null): Record<string, unknown> {
  const project = isObj(data?.project) ? (data!.project as Obj) : null;
  return isObj(project?.['optional-dependencies']) ? (project!['optional-dependencies'] as Obj) : {};
}

/** [project] dynamic of the project's own pyproject.toml. */
function dynamicFields(data: Obj | null): string[] {
  const project = isObj(data?.project) ? (data!.project as Obj) : null;
  return Array.isArray(project?.dynamic) ? (project!.dynamic as unknown[]).filter((x): x is string => typeof x === 'string') : [];
}

/** The project's own [tool.uv] environments (not the ones danlu wrote), or null. */
function ownUvEnvironments(data: Obj | null, managed: Managed): string[] | null {
  const uv = isObj(data?.tool) && isObj((data!.tool as Obj).uv) ? ((data!.tool as Obj).uv as Obj) : null;
  const env = uv?.environments;
  if (!Array.isArray(env) || env.length === 0 || !env.every((e) => typeof e === 'string')) return null;
  if (managed.environments && managed.environments.join('\0') === (env as string[]).join('\0')) {
    // danlu's own: its default for the container, or the project's own narrowed by an earlier run.
    if ((env as string[]).every((e) => /^sys_platform == 'linux' and platform_machine == '[^']+' and python_version == '3\.\d+'$/.test(e))) return null;
    return (env as string[]).map(unnarrowed);
  }
  return env as string[];
}

/** The project's environment marker that `narrowed` held to one Python. */
function unnarrowed(marker: string): string {
  const m = /^(.*) and python_version == '3\.\d+'$/.exec(marker);
  if (!m) return marker;
  const base = m[1]!;
  return /^\(.*\)$/.test(base) && /\bor\b/.test(base) ? base.slice(1, -1) : base;
}

/** An environment marker held to one Python: `(marker) and python_version == '3.12'` (unchanged when it already names that Python). */
export function narrowed(marker: string, python: string): string {
  const pin = `python_version == '${python}'`;
  if (marker.includes(pin)) return marker;
  return /\bor\b/.test(marker) ? `(${marker}) and ${pin}` : `${marker} and ${pin}`;
}

/** The project routes torch to an index of its own ([tool.uv.sources] torch other than danlu's). */
function ownTorchRouting(data: Obj | null, danlu: TomlValue): boolean {
  const uv = isObj(data?.tool) && isObj((data!.tool as Obj).uv) ? ((data!.tool as Obj).uv as Obj) : null;
  const sources = uv && isObj(uv.sources) ? uv.sources : null;
  return sources !== null && sources.torch !== undefined && JSON.stringify(sources.torch) !== JSON.stringify(danlu);
}

/**
 * The project's files gave an index or a source with credentials: pyproject.toml gets the URL
 * without them (it is committed); the warning names how uv gets them, per index by its name.
 * Entries the project's own pyproject.toml holds that way are the user's, and stay as written.
 */
function credentialsWarnings(imported: ImportResult | null, files: ReturnType<typeof fromImport>): Warning[] {
  const left = imported?.credentials ?? [];
  const named = (own: boolean) => {
    const mine = left.filter((c) => (c.origin.file === 'pyproject.toml') === own);
    const indexes = [...new Set(mine.filter((c) => c.kind === 'index').flatMap((c) => files.indexes.find((i) => i.url === c.url)?.name ?? []))];
    const sources = [...new Set(mine.flatMap((c) => (c.kind === 'source' && c.package && files.sources[c.package] ? [c.package] : [])))];
    const ways = [
      ...indexes.map((n) => `${uvIndexEnvPrefix(n)}_USERNAME and ${uvIndexEnvPrefix(n)}_PASSWORD for index ${n}`),
      ...(sources.length > 0 ? [`a netrc file (~/.netrc) or git's credential helper for ${sources.join(', ')}`] : []),
    ];
    return { what: [...indexes.map((n) => `index ${n}`), ...sources].join(', '), ways: ways.join('; ') };
  };
  const out: Warning[] = [];
  const read = named(false);
  if (read.what) {
    out.push({
      id: 'credentials-left-out',
      message: `user names, passwords and tokens in the project's URLs are left out of pyproject.toml, which is committed (${read.what})`,
      fix: `give them to uv on each machine: ${read.ways}`,
    });
  }
  const own = named(true);
  if (own.what) {
    out.push({
      id: 'credentials-in-pyproject',
      message: `pyproject.toml, which is committed, holds user names, passwords or tokens in URLs (${own.what}); danlu leaves your entries as written`,
      fix: `take them out of the URLs and give them to uv on each machine: ${own.ways}`,
    });
  }
  return out;
}

/** The choice of the 'torch in dependencies' decision for a project that does not use torch. */
export const NO_TORCH = 'none added';

/** The plan adds no torch: the project names it nowhere and does not use it. */
export const plansNoTorch = (decisions: readonly Decision[]): boolean => decisions.some((d) => d.id === 'torch-in-dependencies' && d.choice === NO_TORCH);

export function planPyproject(
  input: PyprojectInput,
  project: ProjectFacts,
  options: PlanOptions,
): { pyproject: PyprojectPlan; decisions: Decision[]; warnings: Warning[] } {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  const imported = project.imported ?? null;
  const files = fromImport(imported, input);
  if (files.torchCudaLibs.length > 0)
    warnings.push({
      id: 'torch-cuda-libraries-left-out',
      message: `${files.torchCudaLibs.map((l) => `${l.raw} (${l.where})`).join(', ')}: CUDA libraries torch's wheels pin themselves; left out, torch ${input.torch.version} brings the ones it was built with`,
      fix: "to force a version over torch's pin anyway, add it to [tool.uv] override-dependencies",
    });
  const own = ownEntries(project.pyprojectData ?? null, input.backendExtras);
  warnings.push(...credentialsWarnings(imported, files));

  // A project that names torch nowhere (main, extras or groups) gets the planned torch and
  // torchvision when it uses torch all the same (its code imports it, or a package it names is built
  // on it); a package that publishes its own metadata gets them in a dependency group, so that its
  // published dependencies stay its own. A project without torch gets none: the PyTorch index stays
  // routed, so `uv add torch` takes the planned build.
  const namesTorch = (imported?.requirements.some((r) => r.name === 'torch') ?? false) || own.has('torch');
  const dependencies = [...files.dependencies];
  const addedTorch: string[] = [];
  const environmentGroup: string[] = [];
  // The torch danlu added on an earlier run and the file still holds: kept (a re-run changes
  // nothing); one the user removed stays removed.
  const earlier = managedOf(project.pyprojectData ?? null).dependencies ?? [];
  const data = project.pyprojectData ?? {};
  const stillThere = JSON.stringify([isObj(data.project) ? (data.project.dependencies ?? []) : [], data['dependency-groups'] ?? {}]);
  const keptFromEarlier = earlier.some((d) => /^torch\b/.test(d) && stillThere.includes(JSON.stringify(d)));
  if (!namesTorch) {
    const uses =
      project.torchImport === undefined
        ? 'the environment is for PyTorch'
        : project.torchImport !== null
          ? `${project.torchImport} imports torch`
          : input.packages.length > 0
            ? `${input.packages[0]!.name} is built on torch`
            : !project.hasCode && files.dependencies.length === 0
              ? 'the project is new (no code or dependencies yet): a GPU environment starts with torch'
              : keptFromEarlier
                ? 'danlu added it on an earlier run (delete it and it stays deleted)'
                : null;
    const added = [`torch${input.torch.specifier}`, `torchvision==${minor(input.torch.torchvision)}.*`];
    if (uses === null) {
      decisions.push({
        id: 'torch-in-dependencies',
        what: 'torch in dependencies',
        choice: NO_TORCH,
        why: 'the project names torch nowhere and none of its Python files imports it; the PyTorch index stays routed, so `uv add torch` takes the planned build',
        source: 'project files',
      });
    } else {
      addedTorch.push(...added);
      const published = project.publishesPackage === true;
      const into = published ? environmentGroup : dependencies;
      for (const d of added) if (!into.includes(d)) into.push(d);
      // Already there from an earlier run (danlu's own entries): the same decision, not news.
      const again = added.every((d) => earlier.includes(d));
      decisions.push({
        // Kept from an earlier run: not news, so not the decision init reports.
        ...(again ? {} : { id: 'torch-in-dependencies' as const }),
        what: again ? 'torch in dependencies (kept)' : 'torch in dependencies',
        choice: published ? `${added.join(', ')} in dependency group "environment"` : added.join(', '),
        why: published
          ? `the project names torch nowhere, but ${uses}; its package metadata stays as published, the environment's torch goes to a dependency group`
          : `the project names torch nowhere, but ${uses}; danlu adds the planned build so the environment has one`,
        source: project.torchImport ? project.torchImport : 'rule: a GPU environment gets torch',
      });
    }
  }
  const torchSources: Record<string, TomlValue> = {};
  // A companion the plan takes from PyPI (xformers before 0.0.22 was published there only) is not routed.
  const fromPypi = new Set(input.packages.filter((p) => p.resolution.kind === 'pypi').map((p) => p.resolution.name));
  for (const pkg of TORCH_ROUTED) if (!fromPypi.has(pkg)) torchSources[pkg] = [{ index: TORCH_INDEX_NAME, marker: TORCH_MARKER }];
  const sources: Record<string, TomlValue> = { ...files.sources };
  for (const pkg of TORCH_ROUTED) delete sources[pkg];
  const overrides: string[] = [];
  if (input.ncclOverride) {
    dependencies.push(NCCL_CU118.requirement.replace('==', '>='));
    overrides.push(NCCL_CU118.requirement);
    sources['nvidia-nccl-cu11'] = { url: NCCL_CU118.url };
  }
  const { dev = [], ...groups } = files.groups;
  if (environmentGroup.length > 0)
    groups.environment = [...(groups.environment ?? []), ...environmentGroup.filter((d) => !(groups.environment ?? []).includes(d))];
  let extras = files.extras;
  let mainDependencies = dependencies;
  // Metadata the project's build backend computes ([project] dynamic) cannot be given in
  // pyproject.toml too (PEP 621: the backend refuses the file). What danlu would add there goes
  // to dependency groups, which uv installs like the rest and no build backend reads.
  const dynamic = new Set(dynamicFields(project.pyprojectData ?? null));
  if (dynamic.has('dependencies') && mainDependencies.length > 0) {
    groups.environment = [...(groups.environment ?? []), ...mainDependencies.filter((d) => !(groups.environment ?? []).includes(d))];
    decisions.push({
      what: 'dependencies',
      choice: 'dependency group "environment"',
      why: "the project's [project] dependencies are dynamic (its build computes them): what danlu adds goes to a dependency group",
      source: 'pyproject.toml [project] dynamic',
    });
    mainDependencies = [];
  }
  // Extras the build itself declares (setup.py's extras_require) stay extras of the built metadata:
  // uv reads them from the build, and the README's `.[vllm]` selects one (`--extra`), no more.
  const buildExtras = new Set<string>();
  if (dynamic.has('optional-dependencies') && Object.keys(extras).length > 0) {
    const fromBuild = (name: string) => {
      const reqs = (imported?.requirements ?? []).filter((r) => r.group === name);
      return reqs.length > 0 && reqs.every((r) => BUILD_FILES.has(r.origin.file));
    };
    const moved: string[] = [];
    for (const [name, list] of Object.entries(extras)) {
      if (fromBuild(name)) buildExtras.add(name);
      else {
        groups[name] = [...new Set([...(groups[name] ?? []), ...list])];
        moved.push(name);
      }
    }
    if (moved.length > 0)
      decisions.push({
        what: 'extras',
        choice: `dependency groups ${moved.join(', ')}`,
        why: "the project's optional dependencies are dynamic: the extras read from its other files become dependency groups",
        source: 'pyproject.toml [project] dynamic',
      });
    if (buildExtras.size > 0)
      decisions.push({
        what: 'extras',
        choice: `the build's own: ${[...buildExtras].join(', ')}`,
        why: "the project's optional dependencies are dynamic: the extras its setup file declares come from its build, as they are",
        source: 'pyproject.toml [project] dynamic',
      });
    extras = {};
  }
  const dynamicExtra = (e: string) => [...buildExtras].some((b) => normalizeName(b) === normalizeName(e));

  const names0 = new Set([...(imported?.requirements ?? []).map((r) => r.name), ...own.keys()]);
  const pins = pinEdits(files.replaced, own, options);
  const constraints = withPinConstraints(files.constraints, pins);
  // Import-time caps (mmdet 3.x and mmcv<2.2.0): the lock holds them too.
  for (const cap of IMPORT_CAPS.rows) {
    if (names0.has(cap.when) && names0.has(cap.package) && !constraints.includes(`${cap.package}${cap.specifier}`))
      constraints.push(`${cap.package}${cap.specifier}`);
  }
  // The lock is held to the planned torch: whatever ranges the project's files give (and however
  // they merged), uv takes the planned minor, not the newest its range admits.
  const held = `==${minor(input.torch.version)}.*`;
  // As the entries will be written: an entry the plan rewrites or writes pinned counts as planned.
  const asWritten = (raw: string) =>
    pins.find((e) => e.name === 'torch' && (e.action === 'write' || e.action === 'rewrite') && e.from.trim() === raw.trim())?.to ?? raw;
  const torchSpecs = [
    ...(imported?.requirements ?? []).filter((r) => r.name === 'torch').map((r) => specifierOf(asWritten(r.raw))),
    ...(own.get('torch') ?? []).map((raw) => specifierOf(asWritten(raw))),
  ];
  // The project declares alternatives ([tool.uv] conflicts: an extra for another torch, say), and
  // uv applies a constraint to every one of them: the planned torch is held in danlu's dependency
  // group instead, which is declared never to be installed with those alternatives.
  // Pairs the joint solve found cannot go together count the same way (the side not installed).
  const alternatives = [
    ...new Set([
      ...(project.ownFacts?.alternatives ?? []),
      ...solvedAlternatives(
        options.solved?.conflicts ?? [],
        (imported?.selectedExtras ?? []).map((e) => e.name),
      ),
    ]),
  ];
  const holdTorch = torchSpecs.some((spec) => spec.replace(/\s+/g, '') !== held);
  const heldInGroup = holdTorch && alternatives.length > 0 ? `torch${held}` : null;
  if (heldInGroup) {
    // The torch family's constraints (a torchvision pin's torch, the paired builds) would bind the
    // alternatives as much: held in the group too.
    const family = constraints.filter((c) => TORCH_FAMILY.has(requirementName(c) ?? ''));
    for (const c of family) constraints.splice(constraints.indexOf(c), 1);
    const list = groups.environment ?? [];
    const held = [heldInGroup, ...family.filter((c) => c.replace(/\s+/g, '') !== heldInGroup)];
    groups.environment = [...list, ...held.filter((c) => !list.includes(c))];
    addedTorch.push(...held);
    for (const [i, e] of pins.entries()) if (e.action === 'constrain' && TORCH_FAMILY.has(e.name)) pins[i] = { ...e, heldIn: 'environment' };
    decisions.push({
      what: 'torch hold',
      choice: `${heldInGroup} in dependency group "environment"`,
      why:
        alternatives.length === 1
          ? `${alternatives[0]} is an alternative this machine does not install ([tool.uv] conflicts), and a constraint would bind it too: the planned torch is held in the group this machine installs, declared in conflict with it`
          : `${alternatives.join(', ')} are alternatives this machine does not install ([tool.uv] conflicts), and a constraint would bind them too: the planned torch is held in the group this machine installs, declared in conflict with them`,
      source: 'pyproject.toml [tool.uv] conflicts',
    });
  } else if (holdTorch && !constraints.includes(`torch${held}`)) constraints.push(`torch${held}`);

  const projectRoutes = ownTorchRouting(project.pyprojectData ?? null, torchSources.torch!) && !options.replaceIndex;
  if (projectRoutes) {
    decisions.push({
      what: 'torch routing',
      choice: "the project's own",
      why: 'pyproject.toml routes torch to an index of its own; kept (--backend or --torch replaces it)',
      source: 'pyproject.toml',
    });
  }

  // Extras and groups that cannot be installed together: declared as conflicts (uv then locks
  // each side apart); one that cannot be installed with the project's own dependencies is left out.
  const clash = planConflicts(imported, extras, groups, new Set(files.replaced.map((r) => r.name)));
  for (const gone of clash.leaveOut) {
    if (gone.kind === 'extra') delete extras[gone.name];
    else delete groups[gone.name];
    warnings.push({
      id: `left-out-${gone.kind}-${gone.name}`,
      message: `${gone.kind} ${gone.name} is left out of pyproject.toml: ${gone.why}`,
      fix: 'install it in an environment of its own, or loosen the pins that clash',
    });
  }
  // Extras and groups read from the project's other files that uv could not resolve (a build
  // that fails upstream, a pin no torch here satisfies): left out with uv's reason. The
  // project's own pyproject.toml extras stay (they are the user's; uv's words are in the report).
  const ownX = ownExtras(project.pyprojectData ?? null);
  for (const gone of options.solved?.leaveOut ?? []) {
    const list = gone.kind === 'extra' ? extras : groups;
    if (!(gone.name in list) || (gone.kind === 'extra' && gone.name in ownX)) continue;
    delete list[gone.name];
    warnings.push({
      id: `left-out-${gone.kind}-${gone.name}`,
      message: `${gone.kind} ${gone.name} is left out of pyproject.toml: ${gone.why}`,
      fix: 'install it in an environment of its own, or loosen the pins uv names',
    });
    // A part left out takes its conflicts along.
    clash.conflicts = clash.conflicts.filter(
      (c) => !c.some((x) => (gone.kind === 'extra' ? 'extra' in x && x.extra === gone.name : 'group' in x && x.group === gone.name)),
    );
  }
  // Groups that hold a torch-family entry (the held torch, a README's torchvision pin) are never
  // installed with the project's alternatives: uv locks those apart, with their own torch.
  const danluConflicts: string[] = [];
  // The project's extras and groups by normalized name, spelled as the project spells them (its
  // own, danlu's, and the extras a dynamic [project]'s build declares).
  const allExtras = [...Object.keys(extras), ...Object.keys(ownExtras(project.pyprojectData ?? null)), ...buildExtras];
  const extraSpelling = new Map(allExtras.map((e) => [normalizeName(e), e]));
  const ownGroupNames = Object.keys(isObj(project.pyprojectData?.['dependency-groups']) ? (project.pyprojectData!['dependency-groups'] as Obj) : {});
  const groupSpelling = new Map(['dev', ...ownGroupNames, ...Object.keys(groups)].map((g) => [normalizeName(g), g]));
  if (alternatives.length > 0) {
    // Any group this machine installs that holds one (a group of danlu's, or one of the project's
    // that is not itself an alternative): on a re-run danlu's groups are the file's, and the same.
    const holders = Object.entries(groups).filter(
      ([g, list]) => !alternatives.includes(normalizeName(g)) && list.some((d) => TORCH_FAMILY.has(requirementName(d) ?? '')),
    );
    for (const [g] of holders) {
      for (const alt of alternatives) {
        const other: ConflictSide | null = extraSpelling.has(alt)
          ? { extra: extraSpelling.get(alt)! }
          : groupSpelling.has(alt)
            ? { group: groupSpelling.get(alt)! }
            : null;
        if (!other) continue;
        const pair: ConflictSide[] = [{ group: g }, other];
        if (clash.conflicts.some((c) => conflictKey(c) === conflictKey(pair))) continue;
        clash.conflicts.push(pair);
        danluConflicts.push(conflictKey(pair)!);
        clash.why.set(
          pair,
          `group ${g} holds this machine's torch; ${'extra' in other ? `extra ${other.extra}` : `group ${other.group}`} is an alternative this machine does not install ([tool.uv] conflicts)`,
        );
      }
    }
  }
  // Pairs uv found cannot be installed together (the joint solve): declared alternatives as well,
  // named as the project spells them; each written by danlu, so its next run keeps them current.
  const fromSolve = new Set<ConflictSide[]>();
  const readmeExtras = (imported?.selectedExtras ?? []).map((e) => e.name);
  for (const found of options.solved?.conflicts ?? []) {
    // The side this machine installs first: uv-sync.sh takes the first group of a pair.
    const keep = keptSide(found.sides, readmeExtras);
    const sides = keep ? [keep, ...found.sides.filter((x) => x !== keep)] : found.sides;
    const pair: ConflictSide[] = sides.map((x) =>
      x.kind === 'extra' ? { extra: extraSpelling.get(normalizeName(x.name)) ?? x.name } : { group: groupSpelling.get(normalizeName(x.name)) ?? x.name },
    );
    const key = conflictKey(pair)!;
    const reversed = conflictKey([...pair].reverse())!;
    if (clash.conflicts.some((c) => [key, reversed].includes(conflictKey(c)!))) continue;
    if (pair.some((x) => ('extra' in x ? !extraSpelling.has(normalizeName(x.extra)) && !dynamicExtra(x.extra) : !groupSpelling.has(normalizeName(x.group)))))
      continue;
    clash.conflicts.push(pair);
    danluConflicts.push(key);
    clash.why.set(pair, found.why);
    fromSolve.add(pair);
  }
  for (const c of clash.conflicts)
    decisions.push({
      what: 'conflicting extras',
      choice: c.map((x) => ('extra' in x ? x.extra : x.group)).join(' / '),
      why: clash.why.get(c) ?? 'their pins exclude each other',
      source: fromSolve.has(c) ? 'uv lock (the joint solve)' : 'project files',
    });

  // What uv sync installs: the extras the README installs (that exist), every group, unless
  // groups conflict (then the first of each pair).
  const extraNames = new Set(allExtras);
  // `uv sync --all-extras` / `pip install -e .[*]` in the README: every extra, by name (conflicting ones follow the rule below).
  const wanted = (imported?.selectedExtras ?? []).map((e) => e.name);
  const selected = [...new Set(wanted.flatMap((e) => (e === '*' ? [...extraNames] : [e])))].filter((e) => extraNames.has(e));
  const syncExtras: string[] = [];
  // A project in uv's multi-backend shape: its backend extras are alternatives, and this machine
  // installs the one the plan takes (a README listing `.[cu128]` and `.[cpu]` names both).
  const backendChoice = project.multiBackend?.selected ?? null;
  for (const e of selected) {
    if (backendChoice && project.multiBackend!.extras.includes(e) && e !== backendChoice) {
      warnings.push({
        id: `extra-not-installed-${e}`,
        message: `the README also installs extra ${e}, another of the project's torch variants: this machine installs ${backendChoice}`,
      });
      continue;
    }
    const clashes = clash.conflicts.some((c) => c.some((x) => 'extra' in x && x.extra === e) && c.some((x) => 'extra' in x && syncExtras.includes(x.extra)));
    if (clashes)
      warnings.push({
        id: `extra-not-installed-${e}`,
        message: `the README installs extra ${e}, which conflicts with ${syncExtras.join(', ')}: uv-sync.sh installs the first only`,
      });
    else syncExtras.push(e);
  }
  const groupConflicts = clash.conflicts.filter((c) => c.some((x) => 'group' in x));
  const syncGroups: 'all' | string[] =
    groupConflicts.length === 0
      ? 'all'
      : ['dev', ...Object.keys(groups)].filter((g) => !groupConflicts.some((c) => c.slice(1).some((x) => 'group' in x && x.group === g)));
  if (syncExtras.length > 0)
    decisions.push({
      what: 'installed extras',
      choice: syncExtras.join(', '),
      why: 'the README installs them (uv-sync.sh and the runtime image pass --extra)',
      source: 'README',
    });

  // The lock covers the environment the container runs: Linux on this CPU and the planned
  // Python. A wider lock makes uv resolve (and build, to read metadata) every package for
  // platforms and Pythons nobody installs, where prebuilt wheels do not exist.
  const environment = `sys_platform == 'linux' and platform_machine == '${input.machine}' and python_version == '${input.python}'`;
  // A project's own environments (not danlu's) are kept, each narrowed to the container's Python:
  // a lock over Pythons the container does not run fails on the planned torch for nothing.
  const managedNow = managedOf(project.pyprojectData ?? null);
  const ownEnvironments = ownUvEnvironments(project.pyprojectData ?? null, managedNow);
  const environments = ownEnvironments ? ownEnvironments.map((e) => narrowed(e, input.python)) : [environment];
  decisions.push({
    what: 'lock environments',
    choice: environments.join(' | '),
    why: ownEnvironments
      ? `the project's own [tool.uv] environments, each narrowed to the container's Python ${input.python}: uv locks what the container runs`
      : `the dev container is Linux ${input.machine} with Python ${input.python}; uv lock resolves for that only, so prebuilt wheels for it are enough`,
    source: ownEnvironments ? 'pyproject.toml [tool.uv] environments' : 'rule: the lock covers the container',
  });

  // Packages whose sdist needs more to build than it says (catalog): what the build gets, and
  // their metadata, so uv does not build them (with torch) just to lock.
  const buildDependencies = withoutNoIsolation(files.buildDependencies, project.pyprojectData ?? null);
  const dependencyMetadata: PyprojectPlan['dependencyMetadata'] = [...files.dependencyMetadata];
  const names = new Set([...(imported?.requirements ?? []).map((r) => r.name), ...own.keys()]);
  for (const name of [...names].sort()) {
    const need = buildNeedOf(name);
    if (!need) continue;
    if (!buildDependencies[name])
      buildDependencies[name] = need.build.map((b): TomlValue => (b === 'torch' ? { requirement: 'torch', 'match-runtime': true } : b));
    for (const m of need.metadata ?? []) dependencyMetadata.push({ name, version: m.version, 'requires-dist': [...m.requiresDist] });
    decisions.push({
      what: `${name} build`,
      choice: need.build.join(', '),
      why: `${need.why}${need.metadata ? '; its metadata is given, so uv locks without building it' : ''}`,
      source: need.source,
    });
  }

  for (const gone of input.notOnPypi ?? []) {
    decisions.push({ what: gone.name, choice: 'left out', why: gone.why, source: 'uv lock' });
    warnings.push({ id: `not-on-pypi-${gone.name}`, message: `${gone.name} left out: ${gone.why}` });
  }
  // A build that failed for want of a module its setup.py imports (the solve read it in uv's
  // output): its build gets what provides it, beside what it already gets.
  for (const b of input.builds ?? []) {
    const requirement = b.requirement === 'torch' ? `torch==${input.torch.version}` : b.requirement;
    const have = Array.isArray(buildDependencies[b.name]) ? (buildDependencies[b.name] as TomlValue[]) : [];
    const nameOf = (v: TomlValue) => requirementName(typeof v === 'string' ? v : String((v as { requirement?: string }).requirement ?? ''));
    buildDependencies[b.name] = [...have.filter((v) => nameOf(v) !== nameOf(requirement)), requirement];
    decisions.push({ what: `${b.name} build`, choice: requirement, why: b.why, source: 'uv lock (the build output)' });
  }

  // The project's own setup.py builds against torch (`pip install -e .` in its README): uv builds
  // it only with a [build-system]; without one the project is virtual and its extensions never
  // get built (and the torch given to its build does nothing).
  const selfBuilds = imported?.buildTimeTorch.some((b) => b.name === undefined) ?? false;
  // The install guide installs the project itself from its setup.py (`pip install -e .`): so
  // does the environment, which uv does only for a project with a [build-system].
  const setupFile = imported?.files.find((f) => f.role === 'imported' && (f.file === 'setup.py' || f.file === 'setup.cfg'))?.file;
  const selfInstall = setupFile !== undefined ? imported?.selfInstalls[0] : undefined;
  const ownBuildSystem = isObj(project.pyprojectData?.['build-system']);
  const buildSystem = (selfBuilds || selfInstall) && !ownBuildSystem ? { requires: ['setuptools>=64'], backend: 'setuptools.build_meta' } : null;
  if (buildSystem) {
    decisions.push({
      what: 'build-system',
      choice: 'setuptools',
      why: selfBuilds
        ? "the project's setup.py builds against torch: uv sync builds and installs the project (editable) with the environment's torch"
        : `the install guide installs the project itself (${selfInstall!.file}:${selfInstall!.line}) from its ${setupFile}: uv sync installs it (editable) too`,
      source: selfBuilds ? 'setup.py' : `${selfInstall!.file}:${selfInstall!.line}`,
    });
  }
  // The entries danlu writes pinned for the plan (torch it adds, the planned build of a package the
  // project's other files name unpinned): its own, replaced on the next run, never read back as pins.
  const ownWrites = [...new Set([...addedTorch, ...pins.filter((e) => e.action === 'write').map((e) => e.to)])];
  // The constraints the plan itself makes (the planned torch, import caps, pins it holds), not the project's own.
  const projectConstraints = new Set(files.constraints.map((c) => c.replace(/\s+/g, '')));
  const managedConstraints = constraints.filter((c) => !projectConstraints.has(c.replace(/\s+/g, '')));
  const danlu: Record<string, TomlValue> = { 'lock-with-mirror': input.lockWithMirror };
  if (input.aptPackages.length > 0) danlu['apt-packages'] = [...input.aptPackages];

  const planned: PyprojectPlan = {
    project: {
      name: input.projectName,
      version: input.projectVersion,
      requiresPython: input.requiresPython,
      hasReadme: input.hasReadme,
      // A [project] table of danlu's next to a setup.py uv builds: its entry points stay setup.py's.
      ...(buildSystem && setupFile && !isObj(project.pyprojectData?.project) ? { dynamic: ['scripts', 'gui-scripts', 'entry-points'] } : {}),
    },
    dependencies: mainDependencies,
    devDependencies: ['ipykernel', ...dev.filter((d) => !/^ipykernel\b/.test(d))],
    groups,
    extras,
    environments,
    narrowsEnvironments: ownEnvironments && ownEnvironments.join('\0') !== environments.join('\0') ? ownEnvironments : null,
    // What danlu writes that is its own, updated by its next run ([tool.danlu.managed]).
    managed: {
      ...(project.requiresPython === null ? { 'requires-python': input.requiresPython } : {}),
      // .python-version is danlu's when the project had none of its own and the user named none
      // (`--python 3.11` is the user's choice: the file then keeps it for the next runs).
      ...(project.pythonVersion === null && !options.python ? { 'python-version': input.python } : {}),
      environments,
      ...(managedConstraints.length > 0 ? { 'constraint-dependencies': managedConstraints } : {}),
      ...(danluConflicts.length > 0 ? { conflicts: danluConflicts } : {}),
      ...(ownWrites.length > 0 ? { dependencies: ownWrites } : {}),
      // One index only (a team's torch variants have one each, named by the variant, none of them this one).
      ...(projectRoutes || input.torch.variants.length > 1 ? {} : { index: input.torch.index }),
    },
    conflicts: clash.conflicts,
    torchSources,
    torchRouting: projectRoutes ? 'project' : 'danlu',
    sources,
    index: { name: TORCH_INDEX_NAME, url: input.torch.index, explicit: true, onOtherUrl: options.replaceIndex ? 'replace' : 'conflict' },
    extraIndexes: files.indexes,
    overrides,
    constraints,
    buildDependencies,
    dependencyMetadata,
    buildSystem,
    danlu: { values: danlu, replace: options.lockWithMirror === true },
    pins,
    leftOut: [],
    sync: { extras: syncExtras, groups: syncGroups },
  };
  return { pyproject: planned, decisions, warnings };
}
