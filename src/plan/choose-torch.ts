import { satisfiesOr } from '../lib/py.js';
import type { Catalog } from '../catalog/index.js';
import type { TorchBackend, TorchRelease } from '../catalog/torch.js';
import { minorOf } from '../catalog/torch.js';
import type { GpuFacts } from '../probe/types.js';
import { backendCuda, compareDotted, parseDotted } from '../lib/version.js';
import { driverVerdict, minDriverFor, type DriverVerdict } from './driver.js';
import { matchingArch, runsOn, smName } from '../catalog/gpu-arch.js';
import type { Decision, Warning } from './types.js';
import { DanluError } from '../lib/errors.js';

export interface TorchRequest {
  /** --torch: "2.9" or "2.9.1". */
  torch?: string;
  /** --backend: "cu128", "cpu". */
  backend?: string;
  /** The project's own torch specifier, e.g. "==2.1.2". */
  projectSpecifier?: string;
  projectSpecifierOrigin?: string;
  /** The CUDA variant the project already uses (pyproject index or +cuXXX pin). */
  projectBackend?: string;
  projectBackendOrigin?: string;
  /** A Python version that must be supported (flag or .python-version). */
  python?: string;
  needsTorchaudio: boolean;
  /**
   * The project compiles CUDA code on a GPU that cannot use forward compatibility: nvcc in the
   * image must equal torch's CUDA and the image must not exceed the driver, so variants the
   * driver runs natively are preferred over newer releases that need minor-version compatibility.
   */
  preferNative?: boolean;
  /** Builds to try first (the project's special packages have prebuilt wheels for them). */
  prefer?: { test: (release: TorchRelease, backend: TorchBackend) => boolean; why: string };
  /** The torch version uv solved for the project's whole dependency graph within what runs here; with why. */
  solved?: { version: string; why: string };
}

export interface HostGpuView {
  gpus: GpuFacts[];
  driverVersion: string | null;
  driverCuda: string | null;
  /** NVIDIA GPUs the host has but the container does not get (--gpus none). */
  withheldGpus?: number;
}

export interface TorchChoice {
  release: TorchRelease;
  version: string;
  backend: TorchBackend;
  /** True when the project or a flag pinned the version. */
  pinned: boolean;
  verdict: DriverVerdict | 'no-gpu';
  decisions: Decision[];
  warnings: Warning[];
  /** Why the build does not run on the host (driver, architectures); absent when it does. */
  problems?: readonly string[];
}

interface Candidate {
  release: TorchRelease;
  version: string;
}

const MATRIX = 'catalog: PyTorch release matrix';

/** Every patch version of a release up to the newest one the catalog knows. */
function patchVersions(release: TorchRelease): string[] {
  const [major = 0, minor = 0, patch = 0] = parseDotted(release.version);
  const out: string[] = [];
  for (let p = patch; p >= 0; p--) out.push(`${major}.${minor}.${p}`);
  return out;
}

const safeSatisfies = (version: string, specifier: string): boolean => satisfiesOr(version, specifier, false);

/** "pinned by torch==2.1.2 (...)" for a pin, "within torch>=2.0 (...)" for a range: a range is not a pin. */
const held = (pinText: string | null): string => {
  if (!pinText) return 'pinned';
  // uv's own finding reads as it is; a flag or an exact specifier is a pin; a range is a range.
  if (pinText.startsWith('solved with uv')) return pinText;
  if (!pinText.startsWith('torch') || /^torch(===?|~=)[^,<>!]*( \(|$)/.test(pinText)) return `pinned by ${pinText}`;
  return `within ${pinText}`;
};

function candidates(catalog: Catalog, req: TorchRequest): { list: Candidate[]; pinned: boolean; pinText: string | null } {
  const releases = catalog.torch.releases;
  if (req.torch) {
    const wanted = req.torch.trim().replace(/^v/, '');
    const hasPatch = parseDotted(wanted).length >= 3;
    const list: Candidate[] = [];
    for (const release of releases) {
      if (minorOf(release.version) !== minorOf(wanted)) continue;
      const versions = patchVersions(release);
      const version = hasPatch ? versions.find((v) => compareDotted(v, wanted) === 0) : release.version;
      if (version) list.push({ release, version });
    }
    return { list, pinned: true, pinText: `--torch ${req.torch}` };
  }
  if (req.solved) {
    const list: Candidate[] = [];
    for (const release of releases) {
      const version = patchVersions(release).find((v) => compareDotted(v, req.solved!.version) === 0);
      if (version) list.push({ release, version });
    }
    return { list, pinned: Boolean(req.projectSpecifier), pinText: req.solved.why };
  }
  if (req.projectSpecifier) {
    const list: Candidate[] = [];
    for (const release of releases) {
      const version = patchVersions(release).find((v) => safeSatisfies(v, req.projectSpecifier!));
      if (version) list.push({ release, version });
    }
    // Within a range, releases that are not defaults yet (companions unpublished) come last, and
    // so do releases without a torchaudio when the project needs one.
    const late = (c: Candidate) => Number(Boolean(c.release.notDefault)) + Number(req.needsTorchaudio && c.release.torchaudio === null);
    list.sort((a, b) => late(a) - late(b));
    return { list, pinned: true, pinText: `torch${req.projectSpecifier} (${req.projectSpecifierOrigin ?? 'project'})` };
  }
  const list = releases
    .filter((r) => !r.notDefault)
    .filter((r) => !req.needsTorchaudio || r.torchaudio !== null)
    .map((release) => ({ release, version: release.version }));
  return { list, pinned: false, pinText: null };
}

function archRange(b: TorchBackend): string {
  if (b.archs.length === 0) return 'no GPU code';
  const first = smName(b.archs[0]!);
  const last = smName(b.archs[b.archs.length - 1]!);
  return `${first === last ? first : `${first}–${last}`}${b.ptx ? ` (+PTX ${b.ptx})` : ''}`;
}

function gpuLabel(gpu: GpuFacts): string {
  return `${gpu.name} (${gpu.computeCapability ? smName(gpu.computeCapability) : 'unknown arch'})`;
}

interface Fit {
  ok: boolean;
  verdict: DriverVerdict;
  problems: string[];
}

function fit(backend: TorchBackend, host: HostGpuView, catalog: Catalog): Fit {
  const problems: string[] = [];
  let verdict: DriverVerdict = 'native';
  if (host.driverVersion) {
    verdict = driverVerdict(backend.name, host.driverVersion, host.driverCuda, catalog);
    if (verdict === 'too-old') {
      problems.push(`${backend.name} wheels need driver >= ${minDriverFor(backend.name, catalog)}, this host has ${host.driverVersion}`);
    }
  }
  for (const gpu of host.gpus) {
    if (!gpu.computeCapability) continue;
    if (!runsOn(gpu.computeCapability, backend.archs, backend.ptx)) {
      problems.push(`${backend.name} wheels carry ${archRange(backend)}, not ${gpuLabel(gpu)}`);
    }
  }
  return { ok: problems.length === 0, verdict, problems };
}

/** Order CUDA variants: ones the driver runs natively, newest first; then minor-compat ones, oldest first. */
function orderBackends(backends: readonly TorchBackend[], host: HostGpuView, catalog: Catalog): TorchBackend[] {
  const cudaOnes = backends.filter((b) => backendCuda(b.name) !== null);
  const scored = cudaOnes.map((b) => ({ b, f: fit(b, host, catalog) }));
  const native = scored.filter((s) => s.f.verdict === 'native').sort((x, y) => compareDotted(backendCuda(y.b.name)!, backendCuda(x.b.name)!));
  const compat = scored.filter((s) => s.f.verdict === 'minor-compat').sort((x, y) => compareDotted(backendCuda(x.b.name)!, backendCuda(y.b.name)!));
  const old = scored.filter((s) => s.f.verdict === 'too-old');
  return [...native, ...compat, ...old].map((s) => s.b);
}

function describeFit(backend: TorchBackend, host: HostGpuView, verdict: DriverVerdict): string {
  const parts: string[] = [];
  for (const gpu of host.gpus) {
    if (!gpu.computeCapability) continue;
    const arch = matchingArch(gpu.computeCapability, backend.archs, backend.ptx);
    parts.push(`${gpu.name} (${smName(gpu.computeCapability)}) runs its ${arch} code`);
  }
  const cuda = backendCuda(backend.name);
  if (host.driverVersion && cuda) {
    parts.push(
      verdict === 'native'
        ? `driver ${host.driverVersion} supports CUDA ${host.driverCuda ?? '?'} >= ${cuda}`
        : `driver ${host.driverVersion} (CUDA ${host.driverCuda ?? '?'}) runs CUDA ${cuda} wheels through minor-version compatibility`,
    );
  }
  return parts.join('; ');
}

export function chooseTorch(catalog: Catalog, host: HostGpuView, req: TorchRequest): TorchChoice {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  const { list, pinned, pinText } = candidates(catalog, req);
  if (list.length === 0) {
    const known = catalog.torch.releases.map((r) => r.version).join(', ');
    throw new DanluError(`no PyTorch release in the catalog (as of ${catalog.torch.asOf}) matches ${pinText}`, {
      hint: `known releases: ${known}`,
    });
  }
  const pythonOk = (r: TorchRelease) => !req.python || r.python.includes(req.python);
  const byPython = list.filter((c) => pythonOk(c.release));
  if (byPython.length === 0 && req.python) {
    warnings.push({
      id: 'python-unsupported-by-torch',
      message: `Python ${req.python} has no wheels for torch ${list[0]!.version} (supports ${list[0]!.release.python.join(', ')})`,
      fix: `choose a supported Python with --python, or another torch with --torch`,
    });
  }
  const pool = byPython.length > 0 ? byPython : list;
  const wantedBackend = req.backend ?? req.projectBackend;
  const backendFilter = (b: TorchBackend) => !wantedBackend || b.name === wantedBackend;

  // No GPU: a CPU plan unless the project or a flag names a CUDA variant.
  if (host.gpus.length === 0) {
    // With a preference (special packages with prebuilt wheels), first the newest release that has them.
    for (const prefer of req.prefer ? [true, false] : [false]) {
      for (const c of pool) {
        const backend = wantedBackend ? c.release.backends.find(backendFilter) : c.release.backends.find((b) => b.name === 'cpu');
        if (!backend) continue;
        if (prefer && !req.prefer!.test(c.release, backend)) continue;
        decisions.push({
          id: 'torch',
          what: 'torch',
          choice: `${c.version} (${backend.name})`,
          why: pinned
            ? `${held(pinText)}${prefer ? `; within it the newest release ${req.prefer!.why}` : ''}`
            : `newest release in the catalog${req.needsTorchaudio ? ' with a torchaudio build' : ''}${prefer ? `, ${req.prefer!.why}` : ''}`,
          source: MATRIX,
        });
        if (wantedBackend && backend.name !== 'cpu') {
          decisions.push({
            what: 'torch backend',
            choice: backend.name,
            why: `named by ${req.backend ? '--backend' : (req.projectBackendOrigin ?? 'the project')}; no NVIDIA GPU here to check it against`,
            source: req.backend ? 'flag' : 'project',
          });
        } else {
          const withheld = host.withheldGpus ?? 0;
          decisions.push({
            what: 'torch backend',
            choice: 'cpu',
            // GPUs the container does not get (--gpus none): say so, not "no GPU here".
            why:
              withheld > 0
                ? `--gpus none: the container gets none of this host's ${withheld} NVIDIA GPU${withheld === 1 ? '' : 's'}, so CPU wheels`
                : 'no NVIDIA GPU on this host: CPU wheels',
            source: withheld > 0 ? 'flag' : 'host probe',
          });
        }
        return { release: c.release, version: c.version, backend, pinned, verdict: 'no-gpu', decisions, warnings };
      }
    }
    const c = pool[0]!;
    const backend = c.release.backends.find((b) => b.name === 'cpu') ?? c.release.backends[0]!;
    warnings.push({
      id: 'backend-unknown',
      message: `torch ${c.version} has no ${wantedBackend} wheels; using ${backend.name}`,
    });
    return { release: c.release, version: c.version, backend, pinned, verdict: 'no-gpu', decisions, warnings };
  }

  // CPU wheels on a GPU host, because the project's index or --backend says so: they run
  // anywhere, so the choice is kept; a project's choice gets a warning naming the GPU build.
  if (wantedBackend === 'cpu') {
    const cpu = cpuOnGpuHost(catalog, host, req, pool, pinned, pinText);
    if (cpu) return cpu;
  }

  // With GPUs: the newest candidate release with a variant that fits driver and every GPU.
  const base: DriverVerdict[][] = req.preferNative ? [['native'], ['native', 'minor-compat']] : [['native', 'minor-compat']];
  // With a preference, every pass is first tried with it, then without.
  const passes = req.prefer
    ? [...base.map((a) => ({ allowed: a, prefer: true })), ...base.map((a) => ({ allowed: a, prefer: false }))]
    : base.map((a) => ({ allowed: a, prefer: false }));
  for (const { allowed, prefer } of passes) {
    const skipped = new Map<string, Set<string>>();
    for (const c of pool) {
      for (const backend of orderBackends(c.release.backends.filter(backendFilter), host, catalog)) {
        const f = fit(backend, host, catalog);
        if (!f.ok) for (const problem of f.problems) (skipped.get(c.version) ?? skipped.set(c.version, new Set()).get(c.version)!).add(problem);
        if (!f.ok || !allowed.includes(f.verdict)) continue;
        if (req.preferNative && allowed.length === 1 && cxx17Trouble(c.release, backend)) continue;
        if (prefer && (backend.name === 'cpu' || !req.prefer!.test(c.release, backend))) continue;
        decisions.push({
          id: 'torch',
          what: 'torch',
          choice: c.version,
          why: pinned
            ? `${held(pinText)}${prefer ? `; within it the newest release ${req.prefer!.why}` : ''}`
            : `newest release whose wheels fit this host${req.needsTorchaudio ? ' and that has a torchaudio build' : ''}${
                req.preferNative && allowed.length === 1 ? ', with a CUDA the driver runs natively (the project compiles CUDA code)' : ''
              }${prefer ? `, ${req.prefer!.why}` : ''}${describeSkipped(skipped, c.version)}`,
          source: MATRIX,
        });
        decisions.push({
          what: 'torch backend',
          choice: backend.name,
          why: describeFit(backend, host, f.verdict),
          source: `${MATRIX} (arch lists); catalog: CUDA minor-version compatibility`,
        });
        if (f.verdict === 'minor-compat') {
          warnings.push({
            id: 'driver-minor-compat',
            message: `driver ${host.driverVersion} reports CUDA ${host.driverCuda}; ${backend.name} wheels run through minor-version compatibility, without JIT of newer PTX`,
            fix: 'update the NVIDIA driver to get native support',
          });
        }
        return { release: c.release, version: c.version, backend, pinned, verdict: f.verdict, decisions, warnings };
      }
    }
  }

  // Nothing fits. Respect a pin, and say what would work instead.
  const c = pool[0]!;
  const ordered = orderBackends(c.release.backends.filter(backendFilter), host, catalog);
  const backend = ordered[0] ?? c.release.backends[0]!;
  const f = fit(backend, host, catalog);
  const alternative = pinned || wantedBackend ? safeAlternative(catalog, host, req) : null;
  const problems = f.problems.length > 0 ? f.problems : [`the project asks for ${wantedBackend ?? backend.name}, which has no build that fits`];
  warnings.push({
    id: 'torch-does-not-fit-host',
    message: `torch ${c.version} (${backend.name}) will not run on this host: ${problems.join('; ')}`,
    fix: alternative
      ? `nearest working choice: torch ${alternative.version} with ${alternative.backend} (danlu init --torch ${minorOf(alternative.version)} --backend ${alternative.backend})`
      : 'update the NVIDIA driver, or plan for another machine with --host FILE',
  });
  decisions.push({
    id: 'torch',
    what: 'torch',
    choice: `${c.version} (${backend.name})`,
    why: pinned ? `${held(pinText)}, although it does not fit this host` : 'no release fits this host; closest one',
    source: MATRIX,
  });
  return { release: c.release, version: c.version, backend, pinned, verdict: f.verdict, decisions, warnings, problems };
}

function cpuOnGpuHost(catalog: Catalog, host: HostGpuView, req: TorchRequest, pool: Candidate[], pinned: boolean, pinText: string | null): TorchChoice | null {
  const c = pool.find((x) => x.release.backends.some((b) => b.name === 'cpu'));
  if (!c) return null;
  const backend = c.release.backends.find((b) => b.name === 'cpu')!;
  const gpus = `${host.gpus.length} NVIDIA GPU${host.gpus.length === 1 ? '' : 's'}`;
  const stay = host.gpus.length === 1 ? 'stays' : 'stay';
  const byFlag = req.backend === 'cpu';
  const origin = req.projectBackendOrigin ?? 'the project';
  const decisions: Decision[] = [
    {
      id: 'torch',
      what: 'torch',
      choice: `${c.version} (cpu)`,
      why: pinned ? held(pinText) : `newest release in the catalog${req.needsTorchaudio ? ' with a torchaudio build' : ''}`,
      source: MATRIX,
    },
    {
      what: 'torch backend',
      choice: 'cpu',
      why: byFlag
        ? `--backend cpu; the ${gpus} of this host ${stay} unused`
        : `named by ${origin} (its PyTorch index serves CPU wheels); the ${gpus} of this host ${stay} unused`,
      source: byFlag ? 'flag' : 'project',
    },
  ];
  const warnings: Warning[] = [];
  if (!byFlag) {
    const gpu = chooseTorch(catalog, host, { ...req, projectBackend: undefined, projectBackendOrigin: undefined });
    const fits = gpu.backend.name !== 'cpu' && !gpu.warnings.some((w) => w.id === 'torch-does-not-fit-host');
    warnings.push({
      id: 'cpu-wheels-on-gpu-host',
      message: `the project installs torch's CPU wheels (${origin}): the ${gpus} of this host ${stay} unused`,
      fix: fits
        ? `danlu init --backend ${gpu.backend.name} routes torch to the ${gpu.backend.name} wheels (torch ${gpu.version}) that fit this host`
        : 'keep CPU wheels, or update the NVIDIA driver and plan again',
      ...(fits ? { command: `danlu init --backend ${gpu.backend.name}` } : {}),
    });
  }
  return { release: c.release, version: c.version, backend, pinned, verdict: 'no-gpu', decisions, warnings };
}

/** "; newer 2.14.0, 2.13.0 do not fit: cu126 wheels carry ...; cu130 wheels need ..." */
function describeSkipped(skipped: Map<string, Set<string>>, chosen: string): string {
  const versions = [...skipped.keys()].filter((v) => v !== chosen);
  if (versions.length === 0) return '';
  const problems = new Set<string>();
  for (const v of versions) for (const p of skipped.get(v)!) problems.add(p);
  return `; newer ${versions.join(', ')} do not fit: ${[...problems].join('; ')}`;
}

/**
 * Extensions for torch >= 2.5 need C++17, which nvcc 11.8 handles badly: compiling
 * projects avoid CUDA 11 variants of those releases when anything else fits (seed 000).
 */
function cxx17Trouble(release: TorchRelease, backend: TorchBackend): boolean {
  const cuda = backendCuda(backend.name);
  return cuda?.startsWith('11.') === true && compareDotted(release.version, '2.5') >= 0;
}

function safeAlternative(catalog: Catalog, host: HostGpuView, req: TorchRequest): { version: string; backend: string } | null {
  const unpinned: TorchRequest = { needsTorchaudio: req.needsTorchaudio, python: req.python };
  // Prefer the nearest release to the pinned one, then anything that fits.
  const pinnedMinor = req.torch ?? req.projectSpecifier?.match(/\d+\.\d+/)?.[0];
  const releases = [...catalog.torch.releases];
  if (pinnedMinor) {
    releases.sort((a, b) => Math.abs(minorDistance(a.version, pinnedMinor)) - Math.abs(minorDistance(b.version, pinnedMinor)));
  }
  for (const release of releases) {
    if (release.notDefault) continue;
    if (unpinned.python && !release.python.includes(unpinned.python)) continue;
    for (const backend of orderBackends(release.backends, host, catalog)) {
      if (fit(backend, host, catalog).ok) return { version: release.version, backend: backend.name };
    }
  }
  return null;
}

function minorDistance(version: string, minor: string): number {
  const [a = 0, b = 0] = parseDotted(version);
  const [c = 0, d = 0] = parseDotted(minor);
  return (a - c) * 100 + (b - d);
}

/**
 * Every torch version (patch versions included) with a build that runs on the host (every GPU,
 * the driver), newest first: the host's side of the joint solve. With `backend`, only builds of
 * that variant; with no GPU, every version that has CPU wheels.
 */
export function hostFitVersions(catalog: Catalog, host: HostGpuView, req: { backend?: string; python?: string }): string[] {
  const out: string[] = [];
  for (const release of catalog.torch.releases) {
    // A release the catalog does not plan by default (its companions unpublished) is not offered either.
    if (release.notDefault) continue;
    if (req.python && !release.python.includes(req.python)) continue;
    const backends = release.backends.filter((b) => !req.backend || b.name === req.backend);
    const runs =
      host.gpus.length === 0
        ? backends.some((b) => b.name === (req.backend ?? 'cpu'))
        : backends.some((b) => backendCuda(b.name) !== null && fit(b, host, catalog).ok);
    if (runs) out.push(...patchVersions(release));
  }
  return out.sort((a, b) => compareDotted(b, a));
}

/**
 * A specifier that admits exactly `versions` among the versions the catalog knows: the range
 * from the oldest to the newest, less the known versions inside it that are not listed. Explicit
 * caps, so that an index holding more versions (a lagging mirror, a test index) cannot widen it.
 */
export function specifierFor(versions: readonly string[], catalog: Catalog): string | null {
  if (versions.length === 0) return null;
  const sorted = [...versions].sort(compareDotted);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const keep = new Set(sorted);
  const holes = catalog.torch.releases
    .flatMap(patchVersions)
    .filter((v) => compareDotted(v, lo) > 0 && compareDotted(v, hi) < 0 && !keep.has(v))
    .sort(compareDotted);
  return [`>=${lo}`, `<=${hi}`, ...holes.map((v) => `!=${v}`)].join(',');
}
