import { vendorIndexOf } from '../../catalog/data/accelerators.js';
import { MIRRORS } from '../../catalog/mirrors.js';
import type { ImportResult, ImportedRequirement, RequirementSource } from '../../project/import/types.js';
import { normalize as normalizeName } from '../../project/import/pep508.js';
import type { PyprojectInput } from './plan-pyproject.js';
import type { DependencyMetadata, IndexEntry, PinEdit, TomlValue } from './types.js';
import { PKG_RESOURCES_SETUPTOOLS, torchImportsPkgResources } from '../../wheels/index.js';

type Plan = Pick<PyprojectInput, 'torch' | 'packages' | 'projectName' | 'backendExtras' | 'relax' | 'notOnPypi'>;

/** What the imported files add to pyproject.toml. */
export interface ImportedWants {
  /** Main dependencies, as PEP 508 strings. */
  dependencies: string[];
  /** [dependency-groups]: dev and other groups. */
  groups: Record<string, string[]>;
  /** [project.optional-dependencies]. */
  extras: Record<string, string[]>;
  sources: Record<string, TomlValue>;
  indexes: IndexEntry[];
  constraints: string[];
  /** [tool.uv.extra-build-dependencies]: packages that import torch while they build. */
  buildDependencies: Record<string, TomlValue>;
  /** Torch-family requirements whose pins the plan replaced (old -> new). */
  replaced: Omit<PinEdit, 'action'>[];
  /** Local checkouts that build against torch, with their setup.py's static metadata. */
  dependencyMetadata: DependencyMetadata[];
  /** Pins of the CUDA libraries torch's wheels pin themselves, left out (where they were read). */
  torchCudaLibs: { raw: string; where: string }[];
}

/** The CUDA libraries PyTorch's wheels depend on with exact pins (nvidia-cublas-cu12, nvidia-cudnn-cu11...). */
const TORCH_CUDA_LIB = /^nvidia-(cublas|cuda-runtime|cuda-nvrtc|cuda-cupti|cudnn|cufft|curand|cusolver|cusparse|cusparselt|nccl|nvtx|nvjitlink|cufile)-cu\d+$/;

const PYTORCH_INDEX = /download\.pytorch\.org\/whl/;
const PYPI = /^https?:\/\/(pypi\.org|pypi\.python\.org)\/simple\/?$/;
/** Pages per torch/CUDA build (PyG, OpenMMLab): danlu picks the one for the planned torch itself. */
const PER_BUILD_PAGES = /data\.pyg\.org\/whl|download\.openmmlab\.com\/mmcv/;

function isMirror(url: string): boolean {
  const host = (u: string) => {
    try {
      return new URL(u.includes('://') ? u : `https://${u}`).host;
    } catch {
      return u;
    }
  };
  return MIRRORS.candidates.some((c) => c.url !== null && host(c.url) === host(url));
}

function indexName(url: string, taken: Set<string>): string {
  let base = 'index';
  try {
    base = new URL(url).host
      .replace(/^www\./, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .toLowerCase();
  } catch {
    /* keep the default */
  }
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

function sourceEntry(s: RequirementSource): TomlValue {
  if (s.kind === 'git') {
    const e: Record<string, TomlValue> = { git: s.url };
    if (s.rev) e.rev = s.rev;
    if (s.branch) e.branch = s.branch;
    if (s.tag) e.tag = s.tag;
    if (s.subdirectory) e.subdirectory = s.subdirectory;
    return e;
  }
  if (s.kind === 'url') return { url: s.url };
  return s.editable ? { path: s.path, editable: true } : { path: s.path };
}

const minor = (v: string) => v.split('.').slice(0, 2).join('.');

/** torch and its companions, moved to the plan's versions when the plan did not keep the project's pin. */
function torchFamily(req: ImportedRequirement, plan: Plan): { raw: string; replaced?: Omit<PinEdit, 'action'> } {
  const keep = plan.torch.projectSpecifier !== null && plan.torch.specifier === plan.torch.projectSpecifier && req.specifier !== '';
  if (keep) return { raw: req.raw };
  const paired: Record<string, string | null> = {
    torch: plan.torch.specifier,
    torchvision: `==${minor(plan.torch.torchvision)}.*`,
    torchaudio: plan.torch.torchaudio ? `==${minor(plan.torch.torchaudio)}.*` : null,
  };
  const spec = paired[req.name];
  if (spec === undefined || spec === null) return { raw: req.raw };
  const marker = req.marker ? ` ; ${req.marker}` : '';
  const extras = req.extras.length ? `[${req.extras.join(',')}]` : '';
  const raw = `${req.name}${extras}${spec}${marker}`;
  const why = req.specifier
    ? `torch ${plan.torch.version} (${plan.torch.backend}) is what fits this host`
    : `unpinned: pinned to the plan's torch ${plan.torch.version} (${plan.torch.backend}) so every machine gets the same build`;
  return { raw, replaced: { name: req.name, from: req.raw, to: raw, specifier: spec, why } };
}

/** What the imported files add to pyproject.toml, beyond danlu's own torch routing. */
export function fromImport(imported: ImportResult | null | undefined, plan: Plan): ImportedWants {
  const projectName = plan.projectName;
  const out: ImportedWants = {
    dependencies: [],
    groups: {},
    extras: {},
    sources: {},
    indexes: [],
    constraints: [],
    buildDependencies: {},
    replaced: [],
    dependencyMetadata: [],
    torchCudaLibs: [],
  };
  if (!imported) return out;
  const hasTorch = imported.requirements.some((r) => r.name === 'torch');
  // One set beside each list: adding stays linear in the number of requirements.
  const seen = new WeakMap<string[], Set<string>>();
  const add = (list: string[], raw: string) => {
    let set = seen.get(list);
    if (!set) seen.set(list, (set = new Set(list)));
    if (set.has(raw)) return;
    set.add(raw);
    list.push(raw);
  };
  const special = new Map(plan.packages.map((p) => [p.name, p.resolution]));
  for (const req of imported.requirements) {
    // The self reference stays in the file as written; its copies are for planning only.
    if (req.viaSelfReference) continue;
    // A package the plan found cannot work here (xformers without kernels for these GPUs) is not written.
    const resolved = special.get(req.name);
    if (resolved?.kind === 'conflict' && resolved.leaveOut) continue;
    // A conda package's name PyPI does not have (the solve found it missing): a conda-only package.
    if (plan.notOnPypi?.some((x) => x.name === req.name)) continue;
    // torch's wheels pin their CUDA libraries exactly: a pin of the project's own (a README's
    // troubleshooting line, a `pip freeze` of another torch) contradicts the planned torch's.
    if (hasTorch && TORCH_CUDA_LIB.test(req.name) && req.specifier !== '' && !req.source) {
      out.torchCudaLibs.push({ raw: req.raw, where: `${req.origin.file}${req.origin.line ? `:${req.origin.line}` : ''}` });
      continue;
    }
    let raw = req.raw;
    // The project's own backend extras (uv's multi-backend shape) keep their torch family as written.
    const ownBackend = plan.backendExtras.includes(req.group);
    if (ownBackend && (req.name === 'torch' || req.name === 'torchvision' || req.name === 'torchaudio')) {
      // kept
    } else if (req.name === 'torch' || req.name === 'torchvision' || req.name === 'torchaudio') {
      const t = torchFamily(req, plan);
      raw = t.raw;
      if (t.replaced) out.replaced.push(t.replaced);
    } else {
      const r = special.get(req.name);
      // An exact pin no Python of this host's torch has a wheel for: its version as a lower bound.
      const relax = plan.relax?.find((x) => x.name === req.name);
      const exact = /^===?\s*([^,;*\s]+)$/.exec(req.specifier.trim());
      if (relax && exact) {
        const next = `${req.name}${req.extras.length ? `[${req.extras.join(',')}]` : ''}>=${exact[1]}${req.marker ? ` ; ${req.marker}` : ''}`;
        out.replaced.push({ name: req.name, from: raw, to: next, specifier: `>=${exact[1]}`, why: relax.why });
        raw = next;
      }
      if (r && r.kind !== 'conflict' && r.rename) raw = raw.replace(new RegExp(`^${req.name.replace(/[-_.]/g, '[-_.]')}`, 'i'), r.rename);
      // A specifier the plan writes: the torch index's (triton) or the build an index serves for this torch (Astral).
      const planned = r?.kind === 'torch-index' ? r.specifier : r?.kind === 'index' && r.pinLocal ? r.specifier : null;
      if (r && r.kind !== 'conflict' && planned && req.specifier !== planned) {
        const next = `${req.name}${req.extras.length ? `[${req.extras.join(',')}]` : ''}${planned}${req.marker ? ` ; ${req.marker}` : ''}`;
        out.replaced.push({ name: req.name, from: raw, to: next, specifier: planned, why: r.why });
        raw = next;
      }
    }
    if (req.group === 'main') add(out.dependencies, raw);
    else if (req.groupKind === 'extra') add((out.extras[req.group] ??= []), raw);
    else add((out.groups[req.group] ??= []), raw);
    if (req.source && !out.sources[req.name]) out.sources[req.name] = sourceEntry(req.source);
  }
  for (const c of imported.constraints) add(out.constraints, c.raw);
  const taken = new Set(['pytorch']);
  for (const index of imported.indexes) {
    if (PYTORCH_INDEX.test(index.url) || PYPI.test(index.url) || PER_BUILD_PAGES.test(index.url) || isMirror(index.url)) continue;
    if (out.indexes.some((i) => i.url === index.url)) continue;
    const name = index.name && !taken.has(index.name) ? (taken.add(index.name), index.name) : indexName(index.url, taken);
    // A vendor's index (pypi.nvidia.com) is for the vendor's packages: those the project names
    // are routed to it, so uv does not ask it for every other package.
    const vendor = vendorIndexOf(index.url);
    const named: { name: string; marker?: string }[] = index.packages?.length
      ? index.packages
      : vendor
        ? [...new Set(imported.requirements.map((r) => r.name))].filter((n) => vendor.packages.test(n)).map((n) => ({ name: n }))
        : [];
    const routed = named.filter((p) => !out.sources[p.name]);
    const entry: ImportedWants['indexes'][number] = { name, url: index.url };
    if (index.kind === 'find-links') entry.format = 'flat';
    if (routed.length > 0) {
      entry.explicit = true;
      for (const p of routed) out.sources[p.name] = p.marker ? [{ index: name, marker: p.marker }] : [{ index: name }];
    }
    out.indexes.push(entry);
  }
  applyResolutions(out, plan);
  const needsTorch = new Set(imported.buildTimeTorch.map((b) => b.name).filter((n): n is string => Boolean(n) && n !== '*'));
  for (const b of imported.noBuildIsolation) if (b.name && b.name !== '*') needsTorch.add(b.name);
  // A package the plan leaves out (flash-attn on GPUs it cannot run on) gets no build settings either.
  const declared = new Set(
    imported.requirements
      .map((r) => r.name)
      .filter((n) => {
        const r = special.get(n);
        return !(r?.kind === 'conflict' && r.leaveOut);
      }),
  );
  // torch older than 2.2 imports pkg_resources while building an extension: setuptools without it cannot build them.
  const oldTorch = torchImportsPkgResources(plan.torch.version) ? [PKG_RESOURCES_SETUPTOOLS] : [];
  for (const name of needsTorch) {
    if (declared.has(name) && !out.buildDependencies[name] && !isPrebuiltSource(out.sources[name])) {
      // A git or path checkout (a setup.py package, often a submodule) has no static metadata
      // for uv to read, and uv refuses match-runtime without it: the planned torch exactly.
      // When its setup.py states name, version and requirements as literals, they are given to
      // uv, which then locks without building it (a build would need torch, at lock time).
      const meta = imported.requirements.find((r) => r.name === name && r.staticMetadata)?.staticMetadata;
      if (meta && !out.dependencyMetadata.some((m) => m.name === name)) {
        out.dependencyMetadata.push({ name, version: meta.version, 'requires-dist': meta.requiresDist });
        out.buildDependencies[name] = [{ requirement: 'torch', 'match-runtime': true }, ...oldTorch];
      } else
        out.buildDependencies[name] = isCheckoutSource(out.sources[name])
          ? [`torch==${plan.torch.version}`, ...oldTorch]
          : [{ requirement: 'torch', 'match-runtime': true }, ...oldTorch];
    }
  }
  // The project itself imports torch to build (setup.py with CUDAExtension, torch in
  // [build-system]): uv builds it against the torch of the environment, not whatever torch an
  // isolated build would fetch (a C++ ABI or version mismatch at import: pain point 7).
  // match-runtime needs static metadata (uv refuses it otherwise, at lock time): a project with
  // `dynamic` fields gets the planned torch version itself instead.
  if (imported.buildTimeTorch.some((b) => b.name === undefined)) {
    // (Only the fields uv locks from: console scripts and entry points may come from setup.py.)
    const exact = (imported.projectDynamic ?? []).some((f) => STATIC_FOR_UV.has(f));
    out.buildDependencies[normalizeName(projectName)] ??= exact
      ? [`torch==${plan.torch.version}`, ...oldTorch]
      : [{ requirement: 'torch', 'match-runtime': true }, ...oldTorch];
  }
  return out;
}

/** The core metadata uv needs static to match a build's torch to the runtime's. */
const STATIC_FOR_UV = new Set(['version', 'dependencies', 'optional-dependencies', 'requires-python']);

const isPrebuiltSource = (s: TomlValue | undefined): boolean => JSON.stringify(s ?? '').includes('"url"');
const isCheckoutSource = (s: TomlValue | undefined): boolean => /"(git|path)"/.test(JSON.stringify(s ?? ''));

/**
 * uv allows match-runtime only for a package with static metadata, which an sdist built by
 * setup.py (mmcv, flash-attn...) does not have: uv refuses the lock ("does not declare static
 * metadata, making runtime-matching impossible"). Those builds get the planned torch exactly.
 */
function buildDeps(deps: readonly { requirement: string; matchRuntime?: boolean }[], torch: string): TomlValue {
  return deps.map((d) => (d.matchRuntime ? (d.requirement === 'torch' ? `torch==${torch}` : d.requirement) : d.requirement));
}

/** Special packages (flash-attn, PyG, apex...): wheels, pages, git sources and build settings. */
function applyResolutions(out: ImportedWants, plan: Plan): void {
  for (const { name, resolution: r } of plan.packages) {
    const key = r.kind !== 'conflict' && r.rename ? r.rename : name;
    switch (r.kind) {
      case 'wheel':
        out.sources[key] = [{ url: r.url, marker: r.marker }];
        break;
      case 'index':
        if (!out.indexes.some((i) => i.url === r.url)) {
          out.indexes.push(
            r.format === 'flat' ? { name: r.indexName, url: r.url, explicit: true, format: 'flat' } : { name: r.indexName, url: r.url, explicit: true },
          );
        }
        out.sources[key] = [{ index: out.indexes.find((i) => i.url === r.url)!.name }];
        break;
      case 'git': {
        // A git source the project gave (a fork, a branch, a pinned commit) is kept as it is.
        const own = out.sources[key];
        const ownGit = typeof own === 'object' && own !== null && !Array.isArray(own) && typeof own.git === 'string';
        if (!ownGit) {
          const e: Record<string, TomlValue> = { git: r.git };
          if (r.rev) e.rev = r.rev;
          if (r.branch) e.branch = r.branch;
          if (r.tag) e.tag = r.tag;
          if (r.subdirectory) e.subdirectory = r.subdirectory;
          out.sources[key] = e;
        }
        if (r.build) addBuild(out, key, r.build, plan.torch.version);
        break;
      }
      case 'build':
        addBuild(out, key, r, plan.torch.version);
        break;
      case 'pypi':
        if (r.build) addBuild(out, key, r.build, plan.torch.version);
        break;
      default:
        break;
    }
  }
}

function addBuild(out: ImportedWants, name: string, b: { buildDependencies: readonly { requirement: string; matchRuntime?: boolean }[] }, torch: string): void {
  if (b.buildDependencies.length > 0) out.buildDependencies[name] = buildDeps(b.buildDependencies, torch);
}
