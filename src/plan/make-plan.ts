import type { Catalog } from '../catalog/index.js';
import { presetNamed, type MirrorKind } from '../catalog/mirrors.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';
import { ENV_MIRROR_KEYS, mirrorOfEnvValue } from '../project/dotenv.js';
import { backendCuda, compareDotted } from '../lib/version.js';
import { planAlternatives } from './alternatives.js';
import { chooseImage } from './choose-image.js';
import { choosePython, DEFAULT_PYTHON } from './choose-python.js';
import { planPythonSource } from './python-source.js';
import { splitByVariant } from './pyproject/torch-variants.js';
import { satisfiesOr, TORCH_FAMILY } from '../lib/py.js';
import { requirementName } from '../project/toml.js';
import { planContainerUser, planShm } from './resources.js';
import { enrichGpus, planHostGpus } from './host-gpus.js';
import { planTeamTorch } from './team-torch.js';
import { planProjectTorch, where } from './project-torch.js';
import { hostFitVersions, specifierFor } from './choose-torch.js';
import type { Decision, MirrorPlan, Plan, PlanOptions, Warning } from './types.js';
import { planPackages, preferPrebuilt } from './packages.js';
import { derivedTorchPin } from './derived-pin.js';
import { NCCL_CU118, planPyproject } from './pyproject/plan-pyproject.js';
import { isTeamMember, notMemberWarning, teamView } from './team.js';
import { IMPORT_CAPS } from '../catalog/data/build-needs.js';
import { sourceBuildEnv } from '../wheels/index.js';

export interface PlanInput {
  host: HostFacts;
  project: ProjectFacts;
  options: PlanOptions;
  catalog: Catalog;
}

export { ENV_MIRROR_KEYS } from '../project/dotenv.js';

function planMirrors(options: PlanOptions, env: Record<string, string>): { mirrors: MirrorPlan; decisions: Decision[] } {
  const decisions: Decision[] = [];
  const presetName = options.mirror ?? (env.DANLU_MIRROR_PRESET === 'cn' ? 'cn' : 'global');
  const preset = presetNamed(presetName)!;
  const urls = { ...preset.choice };
  let custom = false;
  if (!options.mirror) {
    for (const [kind, key] of Object.entries(ENV_MIRROR_KEYS) as [MirrorKind, string][]) {
      if (!(key in env)) continue;
      const current = mirrorOfEnvValue(kind, env[key]);
      if (current !== urls[kind]) custom = true;
      urls[kind] = current;
    }
  }
  decisions.push({
    what: 'mirrors',
    choice: custom ? `${presetName} with edits kept from .env` : presetName,
    why: options.mirror
      ? `--mirror ${options.mirror}: ${preset.description}`
      : custom
        ? 'values already in .env are kept (per-machine settings)'
        : `${preset.description}; per machine, in .env only`,
    source: 'catalog: mirror presets',
  });
  return { mirrors: { preset: custom ? 'custom' : preset.name, urls }, decisions };
}

/** The shapes of the images danlu writes into .env (any registry or mirror in front). */
const DANLU_BASE_IMAGE = /^(?:[^/\s]+\/)*(?:nvidia\/cuda:\d+\.\d+(?:\.\d+)?-devel-ubuntu\d+\.\d+|(?:library\/)?ubuntu:\d+\.\d+)$/;
const DANLU_UV_IMAGE = /^(?:[^/\s]+\/)*astral-sh\/uv:[A-Za-z0-9._-]+$/;

/** BASE_IMAGE / UV_IMAGE values of the user's own in .env: kept, and said. */
function userImagesOf(env: Record<string, string>, decisions: Decision[]): { base?: string; uv?: string } | null {
  const out: { base?: string; uv?: string } = {};
  const base = env.BASE_IMAGE?.trim();
  const uv = env.UV_IMAGE?.trim();
  if (base && !DANLU_BASE_IMAGE.test(base)) out.base = base;
  if (uv && !DANLU_UV_IMAGE.test(uv)) out.uv = uv;
  for (const [key, value] of [
    ['BASE_IMAGE', out.base],
    ['UV_IMAGE', out.uv],
  ] as const)
    if (value)
      decisions.push({
        what: key === 'BASE_IMAGE' ? 'base image' : 'uv image',
        choice: `${value} (kept)`,
        why: `.env's ${key} is not an image danlu writes: your own image stays; the Dockerfile's default is the planned one`,
        source: `.env ${key}`,
      });
  return out.base || out.uv ? out : null;
}

/**
 * The project's torch pin and CUDA variant, as far as the catalog can honour them. A pin older
 * than every release danlu knows cannot be checked: it is reported and the plan moves on
 * (the import report shows what it became). A variant the files only hint at (conda's
 * pytorch-cuda, an index URL) is followed when some release offers it.
 */
function projectPins(project: ProjectFacts, options: PlanOptions, catalog: Catalog, warnings: Warning[], decisions: Decision[]) {
  if (options.upgradeTorch) {
    if (project.torchPin || project.backendPin) {
      decisions.push({
        what: 'project pins',
        choice: 'replaced (--upgrade-torch)',
        why: `the project asked for torch${project.torchPin?.specifier ?? ''}${project.backendPin ? ` (${project.backendPin.backend})` : ''}; --upgrade-torch plans the newest torch that fits this host instead`,
        source: 'flag',
      });
    }
    return { torch: null, backend: null };
  }
  let torch: { specifier: string; origin: { file: string; line?: number }; via?: string } | null = options.torch ? null : project.torchPin;
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
      message: `torch${torch.specifier} (${where(torch.origin)}) is older than every release danlu knows (${catalog.torch.releases[catalog.torch.releases.length - 1]!.version}+): planning the newest torch that fits this host instead`,
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
    decisions.push({ what: 'CUDA variant hint', choice: hint.backend, why: `the project's files name it (${where(hint.origin)})`, source: 'project files' });
  }
  return { torch, backend, fromHint };
}

/**
 * The Python range the project states elsewhere (Poetry's `python = "^3.10"`, setup.cfg's
 * python_requires) for the requires-python of a [project] danlu writes, when the planned
 * Python is in it; a range of the project's own beats ">=<planned>", which would shut out
 * older Pythons the project supports.
 */
function ownPythonRange(project: ProjectFacts, python: string, torchPythons: readonly string[]): string | null {
  // uv locks for every Python the range admits: one below what the planned torch has wheels for
  // makes `uv lock` fail ("torch==X depends on Python>=3.10"), so such a range is not used.
  const torchMin = [...torchPythons].sort((a, b) => compareDotted(a, b))[0];
  for (const hint of project.imported?.pythonHints ?? []) {
    if (!hint.specifier) continue;
    const lower = /(?:^|,)\s*(?:>=|~=|==)\s*(\d+\.\d+)/.exec(hint.specifier)?.[1];
    if (!lower || (torchMin && compareDotted(lower, torchMin) < 0)) continue;
    // An unreadable range says nothing.
    if (satisfiesOr(`${python}.0`, hint.specifier, false)) return hint.specifier;
  }
  return null;
}

function releaseMatches(version: string, specifier: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  for (let p = patch; p >= 0; p--) {
    if (satisfiesOr(`${major}.${minor}.${p}`, specifier, false)) return true;
  }
  return false;
}

/** The requirements with the catalog's import-time caps applied to their specifiers. */
function withImportCaps(requirements: ProjectFacts['requirements']) {
  const names = new Set(requirements.map((r) => r.name));
  const caps = IMPORT_CAPS.rows.filter((c) => names.has(c.when) && names.has(c.package));
  const out = requirements.map((r) => {
    const cap = caps.find((c) => c.package === r.name);
    return cap ? { ...r, specifier: r.specifier ? `${r.specifier},${cap.specifier}` : cap.specifier } : r;
  });
  return { requirements: out, caps };
}

/** The Python the project's own files name: conda's python=, else the newest of its classifiers. */
function projectPythonWish(project: ProjectFacts): { minor: string; where: string } | null {
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

export function makePlan({ host, project: given, options, catalog }: PlanInput): Plan {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];

  const gpuStep = planHostGpus(host, options, catalog);
  decisions.push(...gpuStep.decisions);
  warnings.push(...gpuStep.warnings);
  const { allGpus, gpuSel, driverCuda: dCuda } = gpuStep.value;

  // One requirements file per accelerator: the one for this machine is the project's.
  const altStep = planAlternatives(given, { gpus: gpuSel.selected.length, driverCuda: dCuda });
  decisions.push(...altStep.decisions);
  warnings.push(...altStep.warnings);
  const project = altStep.value;

  // A team's hosts (.devcontainer/hosts): the torch build is chosen for all of them, so every
  // machine of the set writes the same committed files; the rest of the plan stays this machine's.
  const team = options.team && options.team.length > 0 ? teamView(options.team, catalog, enrichGpus) : null;
  if (team) decisions.push(...team.decisions);
  if (team && !isTeamMember(host, options.team!)) warnings.push(notMemberWarning(options.team!));

  // A Python the joint solve found (every dependency has wheels for it) is a pin like --python.
  const pythonPin = options.python ?? project.pythonVersion ?? options.solved?.python?.version ?? undefined;
  const pins = projectPins(project, options, catalog, warnings, decisions);
  const machine = { cpus: host.cpus, memoryBytes: host.memoryBytes };
  const wheelBase = {
    python: pythonPin?.match(/3\.\d+/)?.[0] ?? project.pythonHint?.version.match(/3\.\d+/)?.[0] ?? '3.12',
    platform: 'linux_x86_64' as const,
    gpus: (team ? team.view.gpus : gpuSel.selected).map((g) => ({ computeCapability: g.computeCapability })),
    ...machine,
  };
  // Import-time caps a package puts on another (mmdet 3.x refuses mmcv 2.2): planned with them.
  const capped = withImportCaps(project.requirements);
  for (const c of capped.caps) decisions.push({ what: `${c.package} range`, choice: `${c.package}${c.specifier}`, why: c.why, source: c.source });
  // The catalog's knowledge of wheel sources (Astral's indexes: embedded, or fetched by `catalog update`).
  const wheelCtx = { astral: catalog.astral };
  const preferTest = preferPrebuilt(capped.requirements, wheelBase, wheelCtx);
  const torchRequest = {
    torch: options.torch,
    backend: options.backend,
    projectSpecifier: pins.torch?.specifier,
    projectSpecifierOrigin: pins.torch ? (pins.torch.via ?? where(pins.torch.origin)) : undefined,
    projectBackend: options.backend ? undefined : pins.backend?.backend,
    projectBackendOrigin: pins.backend ? where(pins.backend.origin) : undefined,
    python: pythonPin ? (pythonPin.match(/3\.\d+/)?.[0] ?? pythonPin) : undefined,
    needsTorchaudio: project.needs.torchaudio,
    preferNative: project.compilesCuda.value,
    prefer: preferTest ? { test: preferTest, why: "for which the project's special packages have prebuilt wheels" } : undefined,
    // The torch uv resolved for the whole project (a --torch flag wins).
    solved: options.torch ? undefined : options.solved?.torch,
  };
  // GPUs the host has but the container does not get (--gpus none).
  const withheld = gpuSel.selected.length === 0 && allGpus.length > 0;
  const hostView = team
    ? team.view
    : { gpus: gpuSel.selected, driverVersion: host.nvidia?.driverVersion ?? null, driverCuda: dCuda, withheldGpus: withheld ? allGpus.length : 0 };
  // A Python the project names (conda's python=3.8.5, its classifiers) is honoured when some
  // torch build for it runs here: the project's other pins were made for that Python, and on a
  // newer one many have no wheels. Otherwise the plan says which Python it takes instead.
  const projectPython = pythonPin ? null : projectPythonWish(project);
  const torchStep = planProjectTorch({ catalog, hostView, torchRequest, hint: pins.fromHint && !options.backend ? pins.backend! : null, projectPython });
  decisions.push(...torchStep.decisions);
  warnings.push(...torchStep.warnings);
  let torch = torchStep.value;
  // Each team host: does the build run there; if not for all, one extra per CUDA variant.
  const teamStep = planTeamTorch({
    catalog,
    host,
    team,
    members: options.team ?? [],
    torchRequest,
    torch,
    ownView: { gpus: gpuSel.selected, driverVersion: host.nvidia?.driverVersion ?? null, driverCuda: dCuda },
  });
  decisions.push(...teamStep.decisions);
  warnings.push(...teamStep.warnings);
  const { split, variant } = teamStep.value;
  torch = teamStep.value.torch;

  decisions.push(...torch.decisions);
  warnings.push(...torch.warnings);

  const py = choosePython(torch.release, {
    flag: options.python,
    file: project.pythonVersion,
    hint: projectPython ? { version: projectPython.minor, where: projectPython.where } : undefined,
    requiresPython: project.requiresPython,
    solved: options.solved?.python,
  });
  decisions.push(...py.decisions);
  warnings.push(...py.warnings);

  // When the plan does not keep the project's torch pin, the companions' pins are replaced by
  // the paired versions too (render/pyproject-import.ts): plan them as such, not as conflicts.
  const keepsPin = Boolean(pins.torch && torch.pinned);
  const companions = new Set(['torchvision', 'torchaudio']);
  const requirements = keepsPin ? capped.requirements : capped.requirements.map((r) => (companions.has(r.name) ? { ...r, specifier: '' } : r));
  const special = planPackages(
    requirements,
    {
      ...wheelBase,
      python: py.python,
      torch: torch.version,
      backend: torch.backend.name,
      abi: torch.backend.abi,
    },
    wheelCtx,
  );
  decisions.push(...special.decisions);
  warnings.push(...special.warnings);
  const compiles = project.compilesCuda.value || special.packages.some((p) => p.resolution.kind === 'build' && p.resolution.needsDevel);
  if (project.compilesCuda.value && !backendCuda(torch.backend.name)) {
    warnings.push({
      id: 'cuda-compile-on-cpu',
      message: `the project compiles CUDA code (${project.compilesCuda.why}), but the plan's torch is ${torch.backend.name}: the image has no CUDA toolkit and the extensions will not build`,
      fix: withheld
        ? 'plan with the GPUs (drop --gpus none), or pass --backend with a CUDA variant'
        : 'plan on the GPU machine (`danlu host --json > host.json`, then `danlu init --host host.json`), or pass --backend cu128',
    });
  }

  const image = chooseImage(catalog, {
    backend: torch.backend.name,
    cuda: options.cuda,
    ubuntu: options.ubuntu,
    driverCuda: dCuda,
    driverVersion: host.nvidia?.driverVersion ?? null,
    gpus: gpuSel.selected,
    compilesCuda: project.compilesCuda.value,
  });
  decisions.push(...image.decisions);
  warnings.push(...image.warnings);
  // With torch variants the committed defaults are the default variant's image (as for a machine
  // with no driver known: the image of the wheel's CUDA), the same on every machine.
  const committedImage = split
    ? chooseImage(catalog, {
        backend: split.variants[0]!.backend,
        cuda: options.cuda,
        ubuntu: options.ubuntu,
        driverCuda: null,
        gpus: [],
        compilesCuda: project.compilesCuda.value,
      }).cuda
    : image.cuda;
  const committed: Plan['committed'] = {
    image: committedImage.image,
    cudaVersion: committedImage.version,
    pytorchIndex: split ? split.variants[0]!.index : `${catalog.torch.indexBase}/${torch.backend.name}`,
    torchExtra: split ? split.variants[0]!.extra : null,
  };
  if (image.cuda.version && gpuSel.selected.some((g) => g.class === 'datacenter')) {
    decisions.push({
      what: 'forward compatibility',
      choice: 'not used',
      why: "data-center GPUs may run images newer than the driver through cuda-compat; consumer and RTX workstation cards may not, so danlu keeps the image within the driver's CUDA",
      source: 'NVIDIA forward-compatibility guide',
    });
  }
  if (project.compilesCuda.value) {
    decisions.push({ what: 'CUDA compilation', choice: 'yes', why: project.compilesCuda.why, source: 'project files' });
  }

  decisions.push(...gpuSel.decisions);

  const shmStep = planShm(options.shm, project.env.SHM_SIZE, host.memoryBytes);
  decisions.push(...shmStep.decisions);
  warnings.push(...shmStep.warnings);
  const shmSize = shmStep.value;

  const { mirrors, decisions: mirrorDecisions } = planMirrors(options, project.env);
  decisions.push(...mirrorDecisions);
  const pythonSource = planPythonSource(image.cuda.ubuntu, py.python, mirrors);
  decisions.push(pythonSource.decision);

  const userStep = planContainerUser(options.user, host);
  decisions.push(...userStep.decisions);
  const { name: userName, containerName } = userStep.value;

  const ncclOverride = torch.backend.name === 'cu118' && gpuSel.selected.length > 1;
  if (ncclOverride) {
    decisions.push({
      what: 'NCCL',
      choice: 'override nvidia-nccl-cu11 with a cu118 build',
      why: 'the nvidia-nccl-cu11 wheel torch depends on is built for cu110 and fails multi-GPU on CUDA 11.8',
      source: NCCL_CU118.source,
    });
  }

  const starship = options.starship ?? project.env.INSTALL_STARSHIP !== 'false';
  const userImages = userImagesOf(project.env, decisions);
  const lockWithMirror = options.lockWithMirror ?? project.lockWithMirror ?? false;
  const requiresPython = project.requiresPython ?? ownPythonRange(project, py.python, torch.release.python) ?? `>=${py.python}`;
  // The host's side of the joint solve: every torch version with a build that runs on the planned
  // GPUs and driver (within --backend, or the variant the project pins).
  const fitBackend = options.backend ?? (pins.backend && !pins.fromHint ? pins.backend.backend : undefined);
  const hostFit = specifierFor(hostFitVersions(catalog, hostView, { backend: fitBackend }), catalog);
  const torchPlan: Plan['torch'] = {
    hostFit,
    version: torch.version,
    backend: torch.backend.name,
    index: `${catalog.torch.indexBase}/${torch.backend.name}`,
    abi: torch.backend.abi,
    specifier: pins.torch && torch.pinned ? pins.torch.specifier : `==${torch.version.split('.').slice(0, 2).join('.')}.*`,
    // The pin the plan honoured (the project's, or one its companion pins imply), else the project's own.
    projectSpecifier: (pins.torch && torch.pinned ? pins.torch.specifier : null) ?? project.torchPin?.specifier ?? null,
    torchvision: torch.release.torchvision,
    torchaudio: torch.release.torchaudio,
    xformers: torch.release.xformers,
    archs: torch.backend.archs,
    ptx: torch.backend.ptx ?? null,
    variants: split?.variants ?? [],
    extra: variant?.extra ?? null,
  };
  const aptPackages = [
    ...new Set([...(project.aptPackages ?? []), ...special.packages.flatMap((p) => ('aptPackages' in p.resolution ? (p.resolution.aptPackages ?? []) : []))]),
  ].sort();
  const pyproject = planPyproject(
    {
      projectName: project.name,
      backendExtras: project.multiBackend?.extras ?? [],
      ...(options.solved?.relax?.length ? { relax: options.solved.relax } : {}),
      projectVersion: project.imported?.packageMetadata?.version ?? '0.1.0',
      hasReadme: project.hasReadme ?? false,
      python: py.python,
      requiresPython,
      torch: torchPlan,
      packages: special.packages,
      ncclOverride,
      aptPackages,
      lockWithMirror,
      machine: host.os.arch === 'arm64' ? 'aarch64' : 'x86_64',
    },
    project,
    options,
  );
  decisions.push(...pyproject.decisions);
  // A team's torch variants: torch moves into one extra per variant.
  if (torchPlan.variants.length > 1) {
    const split = splitByVariant(pyproject.pyproject, torchPlan.variants, [
      `torch${torchPlan.specifier}`,
      `torchvision==${torchPlan.torchvision.split('.').slice(0, 2).join('.')}.*`,
    ]);
    pyproject.pyproject = split.pyproject;
    decisions.push(split.decision);
    // A line of the user's own [project] dependencies is not moved: they are told to.
    const own = (project.pyprojectData as { project?: { dependencies?: unknown } } | null | undefined)?.project?.dependencies;
    const ownTorch = (Array.isArray(own) ? own : []).filter((d): d is string => typeof d === 'string' && TORCH_FAMILY.has(requirementName(d) ?? ''));
    if (ownTorch.length > 0) {
      warnings.push({
        id: 'team-variants-own-torch',
        message: `pyproject.toml lists ${ownTorch.join(', ')} in [project] dependencies: with one extra per CUDA variant they belong in the extras (${torchPlan.variants.map((v) => v.extra).join(', ')}), or uv installs PyPI's build next to the variant's`,
        fix: `move ${ownTorch.map((d) => requirementName(d)).join(', ')} out of [project] dependencies (the extras already list them), then \`danlu init\` again`,
      });
    }
  }
  const buildEnv = sourceBuildEnv(special.packages, project, {
    ...wheelBase,
    python: py.python,
    torch: torch.version,
    backend: torch.backend.name,
    abi: torch.backend.abi,
  });
  if (Object.keys(buildEnv).length > 0) {
    decisions.push({
      what: 'source builds',
      choice: Object.entries(buildEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      why: "the extensions the project builds from source: parallel jobs from this machine's memory, architectures from its GPUs; in the container environment of this machine (.devcontainer/docker-compose.extend.yml), not in pyproject.toml",
      source: 'rule: per-machine build settings',
    });
  }
  warnings.push(...pyproject.warnings);

  return {
    project: { name: project.name, slug: project.slug, workspace: `/workspace/${project.slug}` },
    python: py.python,
    pythonSource: pythonSource.value,
    requiresPython,
    cuda: image.cuda,
    torch: torchPlan,
    committed,
    gpus: gpuSel.selected,
    gpu: gpuSel.request,
    user: { ...host.user, name: userName, containerName },
    shmSize,
    mirrors,
    starship,
    ...(userImages ? { userImages } : {}),
    compilesCuda: compiles,
    aptPackages,
    packages: special.packages,
    machine,
    ncclOverride,
    // Per-machine values the user set in .env stay (a re-run does not reset them).
    timezone: project.env.TZ?.trim() || host.timezone || 'Etc/UTC',
    extraAptPackages: project.env.EXTRA_APT_PACKAGES?.trim() ?? '',
    buildEnv,
    lockWithMirror,
    pythonFile: options.replacePythonFile ? 'replace' : 'keep',
    pyproject: pyproject.pyproject,
    warnings,
    decisions,
    catalog: { name: catalog.name, asOf: catalog.asOf },
  };
}
