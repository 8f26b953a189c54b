import { isCudaBackend, satisfiesOr } from '../lib/py.js';
import { compare as pepCompare } from '@renovatebot/pep440';
import { OFFICIAL_FLASH_ATTN } from '../catalog/data/flash-attn-official.js';
import { minorOf } from '../catalog/torch.js';
import { runsOn, smName } from '../catalog/gpu-arch.js';
import { astralIndexResolution } from './astral.js';
import { backendCuda, compareDotted, majorOf } from '../lib/version.js';
import {
  describeParallelism,
  extensionBuildDeps,
  flashAttnArchs,
  flashAttnParallelism,
  gpuCapabilities,
  pkgResourcesNote,
  torchImportsPkgResources,
} from './build.js';
import {
  catalogCandidates,
  communityCandidates,
  communityTorchMax,
  COMMUNITY_SOURCE,
  cpTag,
  officialCandidates,
  officialTorchMax,
  type FaCandidate,
} from './flash-attn-assets.js';
import type { BuildResolution, ConflictResolution, Resolution, ResolveContext, SpecialRequirement, WheelPlatform, WheelTarget } from './types.js';

const OFFICIAL_SOURCE = OFFICIAL_FLASH_ATTN.source;
const BUILD_SOURCE =
  'flash-attn setup.py (FLASH_ATTN_CUDA_ARCHS, FLASH_ATTENTION_FORCE_BUILD) and README (MAX_JOBS below 96 GB); ' +
  'MAX_JOBS x NVCC_THREADS rule of mjun0812/flash-attention-prebuild-wheels build_linux.sh; uv docs (extra-build-dependencies match-runtime)';

/** Marker that limits a direct wheel URL to the platform (and Python) it was built for. */
export function wheelMarker(python: string | null, platform: WheelPlatform = 'linux_x86_64'): string {
  const base = `sys_platform == 'linux' and platform_machine == '${platform.replace(/^linux_/, '')}'`;
  return python ? `${base} and python_version == '${python}'` : base;
}

const safeSatisfies = (version: string, spec: string): boolean => !spec || satisfiesOr(version, spec, false);

/** Newest version first; official before community for one version; plain linux tag first. */
function byPreference(a: FaCandidate, b: FaCandidate): number {
  return pepCompare(b.version, a.version) || (a.origin === b.origin ? 0 : a.origin === 'official' ? -1 : 1) || a.platformRank - b.platformRank;
}

export interface FaSearch {
  /** Matching wheels, best first. */
  candidates: FaCandidate[];
  /** What was looked for, for `why`. */
  lookedFor: string;
  /** Wheels dropped because they lack the GPUs' architectures. */
  archMisses: string[];
}

/** Every existing wheel of `pkg` that installs on the target and satisfies the user's specifier. */
export function searchFlashAttn(pkg: 'flash-attn' | 'flash-attn-3', spec: string, target: WheelTarget, ctx: ResolveContext = {}): FaSearch {
  const assets = ctx.flashAttnAssets && ctx.flashAttnAssets.length > 0 ? ctx.flashAttnAssets : null;
  const all = assets
    ? catalogCandidates(target, assets, pkg)
    : [...(pkg === 'flash-attn' ? officialCandidates(target) : []), ...communityCandidates(target, pkg)];
  const { ccs } = gpuCapabilities(target);
  const archMisses: string[] = [];
  const candidates = all
    .filter((c) => safeSatisfies(c.version, spec))
    .filter((c) => {
      const missing = c.archs ? ccs.filter((cc) => !runsOn(cc, c.archs!, null)) : [];
      if (missing.length > 0) archMisses.push(`${c.origin} ${c.version} has no ${missing.map(smName).join('/')} code`);
      return missing.length === 0;
    })
    .sort(byPreference);
  const abi = target.abi === 'cxx11' ? 'cxx11abiTRUE' : 'cxx11abiFALSE';
  const where = assets
    ? 'the release assets of the refreshed catalog'
    : pkg === 'flash-attn'
      ? `official (torch <= ${officialTorchMax()}) and community (torch <= ${communityTorchMax('fa2')}) builds`
      : `community FA3 builds (torch <= ${communityTorchMax('fa3')})`;
  const lookedFor =
    `torch ${minorOf(target.torch)} + ${target.backend} + ${cpTag(target.python)}` +
    (pkg === 'flash-attn' ? ` (${abi} for official names)` : '') +
    (spec ? ` + ${pkg}${spec}` : '') +
    ` among ${where}`;
  return { candidates, lookedFor, archMisses: [...new Set(archMisses)] };
}

function noCuda(name: string, target: WheelTarget): ConflictResolution | null {
  if (isCudaBackend(target.backend)) return null;
  return {
    kind: 'conflict',
    name,
    message: `${name} is CUDA-only, and the plan's torch is the ${target.backend} build: there is no wheel and a source build cannot compile.`,
    fix: `Plan for an NVIDIA GPU (a cuXXX torch), or drop ${name} (transformers falls back to attn_implementation="sdpa").`,
    source: 'flash-attn setup.py (CUDA extension; ROCm builds need a ROCm torch)',
    confidence: 'V',
  };
}

function faBuild(name: string, spec: string, target: WheelTarget, lookedFor: string, extra: string): BuildResolution {
  const { maxJobs, nvccThreads } = flashAttnParallelism(target.memoryBytes, target.cpus);
  const { archs } = flashAttnArchs(target);
  const vars: Record<string, string> = {
    MAX_JOBS: String(maxJobs),
    NVCC_THREADS: String(nvccThreads),
    // No wheel exists, so skip setup.py's download attempt (a 404, or a hang behind a firewall).
    FLASH_ATTENTION_FORCE_BUILD: 'TRUE',
  };
  if (archs) vars.FLASH_ATTN_CUDA_ARCHS = archs;
  const buildDependencies = extensionBuildDeps(['psutil'], torchImportsPkgResources(target.torch));
  return {
    kind: 'build',
    name,
    specifier: spec,
    why:
      `No prebuilt ${name} wheel for ${lookedFor}${extra}, so it builds from source against the runtime torch ` +
      `in the devel image (${describeParallelism(target, vars)}); expect tens of minutes.${pkgResourcesNote({ buildDependencies }, target)}`,
    source: `${BUILD_SOURCE}; wheels: ${OFFICIAL_SOURCE}; ${COMMUNITY_SOURCE}`,
    confidence: 'S',
    buildDependencies,
    buildVariables: vars,
    needsDevel: true,
  };
}

/** flash-attn (FlashAttention-2): official wheel, else community wheel, else a configured source build. */
export function resolveFlashAttn(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const cpu = noCuda(req.name, target);
  if (cpu) return cpu;
  const { ccs } = gpuCapabilities(target);
  const old = ccs.filter((cc) => majorOf(cc) < 8);
  if (ccs.length > 0 && old.length === ccs.length) {
    // flash-attn 1.x ran on Turing (sm_75) too; nothing of it runs on Volta or older. What cannot
    // run here is left out of the environment, as xformers without kernels for these GPUs is: a
    // source build (or an sdist uv builds at sync) of kernels these GPUs cannot execute only fails.
    const turing = old.every((cc) => cc === '7.5');
    const onlyV1 = turing && req.specifier !== '' && !safeSatisfies('2.0.0', req.specifier) && safeSatisfies('1.0.9', req.specifier);
    return {
      kind: 'conflict',
      name: req.name,
      message:
        `FlashAttention-2 runs on Ampere (sm_80) and newer; this machine's GPUs are ${old.map(smName).join(', ')}` +
        (onlyV1
          ? ` (${req.name}${req.specifier} is FlashAttention 1.x, which supports Turing: kept as written).`
          : ': left out of the environment for these GPUs.'),
      fix: turing
        ? 'Use PyTorch SDPA (attn_implementation="sdpa"), or pin flash-attn<2 (1.x supports Turing).'
        : 'Use PyTorch SDPA (attn_implementation="sdpa"): no flash-attn release runs on these GPUs.',
      source: 'flash-attn README and setup.py (FLASH_ATTN_CUDA_ARCHS accepts 80, 90, 100, 110, 120)',
      confidence: 'V',
      ...(onlyV1 ? {} : { leaveOut: true as const }),
    };
  }
  const mixed = old.length > 0 ? `The ${old.map(smName).join(', ')} GPUs cannot run FlashAttention-2 kernels.` : undefined;
  // An index that serves the build for this torch comes before a single release-wheel URL.
  const astral = astralIndexResolution('flash-attn', req.specifier, target, ctx);
  if (astral) return { ...astral, ...(mixed ? { warning: mixed } : {}) };
  const search = searchFlashAttn('flash-attn', req.specifier, target, ctx);
  const best = search.candidates[0];
  if (!best) {
    const misses = search.archMisses.length > 0 ? ` (${search.archMisses.join('; ')})` : '';
    const r = faBuild(req.name, req.specifier, target, search.lookedFor, misses);
    const astral = isCudaBackend(target.backend)
      ? `Unverified alternative: Astral's GPU index https://wheels.astral.sh/simple/${target.backend}/ serves flash-attn builds (local version +cu.X.Y.torch.X.Y).`
      : '';
    return { ...r, warning: [mixed, astral].filter(Boolean).join(' ') };
  }
  const abi = target.abi === 'cxx11' ? 'cxx11abiTRUE' : 'cxx11abiFALSE';
  const kind =
    best.origin === 'official'
      ? `the official ${best.version} wheel (cu${majorOf(backendCuda(target.backend) ?? '0')}, ${abi}, matching torch ${target.torch}+${target.backend})`
      : `a community ${best.version} wheel built against the official torch ${minorOf(target.torch)}+${target.backend}` +
        (compareDotted(minorOf(target.torch), officialTorchMax()) > 0 ? ` (official wheels stop at torch ${officialTorchMax()})` : '');
  return {
    kind: 'wheel',
    name: req.name,
    version: best.version,
    url: best.url,
    filename: best.filename,
    marker: wheelMarker(target.python, target.platform),
    origin: best.origin,
    why: `Searched ${search.lookedFor}; ${kind} is the newest match, so nothing compiles.`,
    source: best.origin === 'official' ? OFFICIAL_SOURCE : COMMUNITY_SOURCE,
    confidence: best.origin === 'official' ? 'V' : 'S',
    ...(mixed ? { warning: mixed } : {}),
  };
}

/** flash-attn-3 (FA3, Hopper): community abi3 wheels, else a build from the repo's hopper/ directory. */
export function resolveFlashAttn3(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const cpu = noCuda(req.name, target);
  if (cpu) return cpu;
  const { ccs } = gpuCapabilities(target);
  const notHopper = ccs.filter((cc) => majorOf(cc) !== 9);
  const source = `${COMMUNITY_SOURCE}; FA3 needs Hopper, sm_90`;
  if (ccs.length > 0 && ccs.every((cc) => majorOf(cc) < 9)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `FlashAttention-3 kernels are written for Hopper (sm_90); this machine's GPUs are ${ccs.map(smName).join(', ')}: left out of the environment for these GPUs.`,
      fix: 'Use flash-attn (FlashAttention-2) or PyTorch SDPA on these GPUs.',
      source,
      confidence: 'S',
      leaveOut: true,
    };
  }
  const warning = notHopper.length > 0 ? `FA3 targets sm_90; ${notHopper.map(smName).join(', ')} may not run its kernels.` : undefined;
  const search = searchFlashAttn('flash-attn-3', req.specifier, target, ctx);
  const best = search.candidates[0];
  if (best) {
    return {
      kind: 'wheel',
      name: req.name,
      version: best.version,
      url: best.url,
      filename: best.filename,
      marker: wheelMarker(null, target.platform),
      origin: best.origin,
      why: `Searched ${search.lookedFor}; the ${best.version} abi3 wheel for torch ${minorOf(target.torch)}+${target.backend} works on any CPython >= 3.9.`,
      source,
      confidence: 'S',
      ...(warning ? { warning } : {}),
    };
  }
  const build = faBuild(req.name, req.specifier, target, search.lookedFor, '');
  return {
    kind: 'git',
    name: req.name,
    git: 'https://github.com/Dao-AILab/flash-attention',
    subdirectory: 'hopper',
    why: `${build.why} FA3 has no package on PyPI: it builds from the repository's hopper/ directory (PyTorch also hosts cu126/cu130 FA3 wheels at download.pytorch.org/whl/<variant>/flash-attn-3/).`,
    source: `${source}; ${BUILD_SOURCE}`,
    confidence: '?',
    build: { buildDependencies: build.buildDependencies, buildVariables: build.buildVariables, needsDevel: true },
    ...(warning ? { warning } : {}),
  };
}
