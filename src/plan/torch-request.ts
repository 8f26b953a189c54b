import { IMPORT_CAPS } from '../catalog/data/build-needs.js';
import type { Catalog } from '../catalog/index.js';
import { isCudaBackend, satisfiesOr } from '../lib/py.js';
import type { HostFacts } from '../probe/types.js';
import type { WheelTarget } from '../wheels/index.js';
import type { Origin, ProjectFacts } from '../project/types.js';
import type { HostGpuView, TorchRequest } from './choose-torch.js';
import { DEFAULT_PYTHON } from './choose-python.js';
import { derivedTorchPin } from './derived-pin.js';
import type { HostGpus } from './host-gpus.js';
import { mayCompile, preferPrebuilt } from './packages.js';
import { where } from './project-torch.js';
import type { TeamView } from './team.js';
import type { Decision, PlanOptions, PlanStep, Warning } from './types.js';

/** The project's torch pin and CUDA variant as the plan takes them (projectPins). */
export interface ProjectPins {
  torch: { specifier: string; origin: Origin; via?: string } | null;
  backend: { backend: string; origin: Origin } | null;
  /** The variant is one the project's files only hint at (not a pin). */
  fromHint?: boolean;
}

/** What the torch build is chosen from: the request, the host's side, and the base of every wheel target. */
export interface TorchRequestPlan {
  /** A Python pinned by --python, .python-version or the joint solve. */
  pythonPin: string | undefined;
  pins: ProjectPins;
  machine: { cpus: number; memoryBytes: number };
  /** The wheel target without the torch build (the planned Python replaces this one). */
  wheelBase: Omit<WheelTarget, 'torch' | 'backend' | 'abi'>;
  /** The catalog's knowledge of wheel sources (Astral's indexes: embedded, or fetched by `catalog update`). */
  wheelCtx: { astral: Catalog['astral'] };
  /** The project's requirements with the catalog's import-time caps applied. */
  requirements: ProjectFacts['requirements'];
  torchRequest: TorchRequest;
  /** The GPUs and driver the build must run on: the team's, else this machine's. */
  hostView: HostGpuView;
  /** GPUs the host has but the container does not get (--gpus none). */
  withheld: boolean;
  /** A Python the project's own files name, when nothing pins one. */
  projectPython: { minor: string; where: string } | null;
}

export interface TorchRequestInput {
  host: HostFacts;
  project: ProjectFacts;
  options: PlanOptions;
  catalog: Catalog;
  team: TeamView | null;
  gpus: HostGpus;
}

/**
 * The request the torch build is chosen by: flags, the project's pins (and the pin its companion
 * pins imply), the Python pinned, the builds the special packages have wheels for, the solve's torch.
 */
export function planTorchRequest({ host, project, options, catalog, team, gpus }: TorchRequestInput): PlanStep<TorchRequestPlan> {
  const { allGpus, gpuSel, driverCuda } = gpus;
  // A Python the joint solve found (every dependency has wheels for it) is a pin like --python.
  const pythonPin = options.python ?? project.pythonVersion ?? options.solved?.python?.version ?? project.pythonPlanned ?? undefined;
  const pinStep = projectPins(project, options, catalog);
  const pins = pinStep.value;
  const machine = { cpus: host.cpus, memoryBytes: host.memoryBytes };
  const wheelBase = {
    python: pythonPin?.match(/3\.\d+/)?.[0] ?? project.pythonHint?.version.match(/3\.\d+/)?.[0] ?? DEFAULT_PYTHON,
    platform: host.os.arch === 'arm64' ? ('linux_aarch64' as const) : ('linux_x86_64' as const),
    gpus: (team ? team.view.gpus : gpuSel.selected).map((g) => ({ computeCapability: g.computeCapability })),
    ...machine,
  };
  // Import-time caps a package puts on another (mmdet 3.x refuses mmcv 2.2): planned with them.
  const capped = withImportCaps(project.requirements);
  const wheelCtx = { astral: catalog.astral };
  const preferTest = preferPrebuilt(capped.value, wheelBase, wheelCtx);
  const torchRequest = {
    torch: options.torch,
    backend: options.backend,
    projectSpecifier: pins.torch?.specifier,
    projectSpecifierOrigin: pins.torch ? (pins.torch.via ?? where(pins.torch.origin)) : undefined,
    projectBackend: options.backend ? undefined : pins.backend?.backend,
    projectBackendOrigin: pins.backend ? where(pins.backend.origin) : undefined,
    python: pythonPin ? (pythonPin.match(/3\.\d+/)?.[0] ?? pythonPin) : undefined,
    needsTorchaudio: project.needs.torchaudio,
    preferNative: mayCompile(project, wheelBase, newestCudaBuild(catalog), wheelCtx),
    prefer: preferTest ? { test: preferTest, why: "for which the project's special packages have prebuilt wheels" } : undefined,
    // The torch uv resolved for the whole project (a --torch flag wins).
    solved: options.torch ? undefined : options.solved?.torch,
  };
  const withheld = gpuSel.selected.length === 0 && allGpus.length > 0;
  const hostView = team
    ? team.view
    : { gpus: gpuSel.selected, driverVersion: host.nvidia?.driverVersion ?? null, driverCuda, withheldGpus: withheld ? allGpus.length : 0 };
  // A Python the project names (conda's python=3.8.5, its classifiers) is honoured when some
  // torch build for it runs here: the project's other pins were made for that Python, and on a
  // newer one many have no wheels. Otherwise the plan says which Python it takes instead.
  const projectPython = pythonPin ? null : projectPythonWish(project);
  return {
    value: { pythonPin, pins, machine, wheelBase, wheelCtx, requirements: capped.value, torchRequest, hostView, withheld, projectPython },
    decisions: [...pinStep.decisions, ...capped.decisions],
    warnings: pinStep.warnings,
  };
}

/**
 * The project's torch pin and CUDA variant, as far as the catalog can honour them. A pin older
 * than every release danlu knows cannot be checked: it is reported and the plan moves on
 * (the import report shows what it became). A variant the files only hint at (conda's
 * pytorch-cuda, an index URL) is followed when some release offers it.
 */
export function projectPins(project: ProjectFacts, options: PlanOptions, catalog: Catalog): PlanStep<ProjectPins> {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  if (options.upgradeTorch) {
    if (project.torchPin || project.backendPin) {
      decisions.push({
        what: 'project pins',
        choice: 'replaced (--upgrade-torch)',
        why: `the project asked for torch${project.torchPin?.specifier ?? ''}${project.backendPin ? ` (${project.backendPin.backend})` : ''}; --upgrade-torch plans the newest torch that fits this host instead`,
        source: 'flag',
      });
    }
    return { value: { torch: null, backend: null }, decisions, warnings };
  }
  let torch: ProjectPins['torch'] = options.torch ? null : project.torchPin;
  if (!torch && !options.torch) {
    const derived = derivedTorchPin(project.requirements, catalog);
    if (derived) {
      torch = { specifier: derived.specifier, origin: derived.origin, via: derived.via };
      decisions.push(derived.decision);
    }
  }
  if (torch && !catalog.torch.releases.some((r) => releaseMatches(r.version, torch!.specifier))) {
    warnings.push({
      id: 'torch-pin-unknown',
      message: `torch${torch.specifier} (${where(torch.origin)}) names no torch release danlu knows (${catalog.torch.releases[catalog.torch.releases.length - 1]!.version} to ${catalog.torch.releases[0]!.version}): planning the newest torch that fits this host instead`,
      fix: 'keep the old pin only if you must; the import report shows what it became',
    });
    torch = null;
  }
  let backend = project.backendPin ?? null;
  const offered = (b: string) =>
    catalog.torch.releases.some((r) => (!torch || releaseMatches(r.version, torch.specifier)) && r.backends.some((x) => x.name === b));
  if (backend && !offered(backend.backend)) {
    warnings.push({
      id: 'backend-pin-unknown',
      message: `${backend.backend} (${where(backend.origin)}) is offered by no torch release danlu knows; choosing the variant by this host`,
    });
    backend = null;
  }
  const hint = project.backendHint;
  let fromHint = false;
  if (!backend && hint && offered(hint.backend)) {
    backend = hint;
    fromHint = true;
    decisions.push({
      id: 'cuda-variant-hint',
      what: 'CUDA variant hint',
      choice: hint.backend,
      why: `the project's files name it (${where(hint.origin)})`,
      source: 'project files',
    });
  }
  return { value: { torch, backend, fromHint }, decisions, warnings };
}

/** A release matches a specifier when it, or an earlier patch of its minor, satisfies it. */
export function releaseMatches(version: string, specifier: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  for (let p = patch; p >= 0; p--) {
    if (satisfiesOr(`${major}.${minor}.${p}`, specifier, false)) return true;
  }
  return false;
}

/** The requirements with the catalog's import-time caps applied to their specifiers; a decision per cap. */
export function withImportCaps(requirements: ProjectFacts['requirements']): PlanStep<ProjectFacts['requirements']> {
  const names = new Set(requirements.map((r) => r.name));
  const caps = IMPORT_CAPS.rows.filter((c) => names.has(c.when) && names.has(c.package));
  const out = requirements.map((r) => {
    const cap = caps.find((c) => c.package === r.name);
    return cap ? { ...r, specifier: r.specifier ? `${r.specifier},${cap.specifier}` : cap.specifier } : r;
  });
  const decisions = caps.map((c) => ({ what: `${c.package} range`, choice: `${c.package}${c.specifier}`, why: c.why, source: c.source }));
  return { value: out, decisions, warnings: [] };
}

/** The Python the project's own files name: conda's python=, else the newest of its classifiers. */
export function projectPythonWish(project: ProjectFacts): { minor: string; where: string } | null {
  const hinted = project.pythonHint?.version.match(/^3\.\d+/)?.[0];
  if (hinted) return { minor: hinted, where: where(project.pythonHint!.origin) };
  // Classifiers that include the default Python say nothing against it; otherwise the listed
  // version closest to it (an older one first: old pins lack wheels for newer Pythons).
  const classifiers = project.pythonClassifiers ?? [];
  if (classifiers.length === 0 || classifiers.includes(DEFAULT_PYTHON)) return null;
  const distance = (v: string) => {
    const d = Number(v.split('.')[1]) - Number(DEFAULT_PYTHON.split('.')[1]);
    return d <= 0 ? -d * 2 : d * 2 + 1;
  };
  const closest = [...classifiers].sort((a, b) => distance(a) - distance(b))[0]!;
  return { minor: closest, where: "the project's Python classifiers" };
}

/** The newest torch release's first CUDA build: what "could this package build here" is judged for. */
function newestCudaBuild(catalog: Catalog): Pick<WheelTarget, 'torch' | 'backend' | 'abi'> | null {
  for (const r of catalog.torch.releases) {
    const b = r.backends.find((x) => isCudaBackend(x.name));
    if (b) return { torch: r.version, backend: b.name, abi: b.abi };
  }
  return null;
}
