import { satisfiesOr } from '../lib/py.js';
import { compare as pepCompare } from '@renovatebot/pep440';
import { CAUSAL_CONV1D_WHEELS, MAMBA_SSM_WHEELS, type DaoExtensionWheels, type DaoWheelTag } from '../catalog/data/dao-extension-wheels.js';
import { minorOf } from '../catalog/torch.js';
import { runsOn, smName } from '../catalog/gpu-arch.js';
import { astralIndexResolution } from './astral.js';
import { backendCuda, majorOf } from '../lib/version.js';
import { describeParallelism, extensionBuild, gpuCapabilities } from './build.js';
import { cpTag } from './flash-attn-assets.js';
import { wheelMarker } from './flash-attn.js';
import type { Confidence } from '../catalog/types.js';
import type { Resolution, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

export type DaoPackage = 'mamba-ssm' | 'causal-conv1d';

const TABLES: Record<DaoPackage, DaoExtensionWheels> = { 'mamba-ssm': MAMBA_SSM_WHEELS, 'causal-conv1d': CAUSAL_CONV1D_WHEELS };
const REPOS: Record<DaoPackage, string> = { 'mamba-ssm': 'state-spaces/mamba', 'causal-conv1d': 'Dao-AILab/causal-conv1d' };
const PREFIXES: Record<DaoPackage, string> = { 'mamba-ssm': 'MAMBA', 'causal-conv1d': 'CAUSAL_CONV1D' };

/** A release wheel that exists and installs on the target (torch minor, CUDA major, Python, C++ ABI). */
export interface DaoCandidate {
  package: DaoPackage;
  tag: string;
  date: string;
  version: string;
  /** CUDA field of the file name ("12", or "122" at older tags). */
  cuda: string;
  url: string;
  filename: string;
  archs: readonly string[];
  confidence: Confidence;
}

/** The CUDA major a file-name field stands for: "122" -> 12, "12" -> 12. */
const fieldMajor = (field: string): number => Number(field.length > 2 ? field.slice(0, -1) : field);

function excluded(tag: DaoWheelTag, torch: string, python: string, cuda: string, abi: 'TRUE' | 'FALSE'): boolean {
  const ex = tag.exclude.some(
    (e) => (!e.torch || e.torch === torch) && (!e.python || e.python === python) && (!e.cuda || e.cuda === cuda) && (!e.abi || e.abi === abi),
  );
  return ex || (tag.notBuilt ?? []).some((n) => n.torch === torch && (!n.cuda || n.cuda === cuda));
}

/** The file name the publish workflow gives a (tag, cell) wheel. */
export function daoWheelName(pkg: DaoPackage, tag: DaoWheelTag, cuda: string, torch: string, abi: 'TRUE' | 'FALSE', python: string): string {
  const cp = cpTag(python);
  return `${TABLES[pkg].dist}-${tag.version}+cu${cuda}torch${torch}cxx11abi${abi}-${cp}-${cp}-linux_x86_64.whl`;
}

/** Every wheel of `pkg` in the table that installs on the target, in table order. */
export function daoCandidates(pkg: DaoPackage, target: WheelTarget): DaoCandidate[] {
  const cudaVersion = backendCuda(target.backend);
  if (!cudaVersion || target.platform !== 'linux_x86_64') return [];
  const table = TABLES[pkg];
  const torch = minorOf(target.torch);
  const abi = target.abi === 'cxx11' ? 'TRUE' : 'FALSE';
  const out: DaoCandidate[] = [];
  for (const tag of table.tags) {
    if (!tag.torch.includes(torch) || !tag.python.includes(target.python)) continue;
    const cuda = Object.keys(tag.cuda).find((f) => fieldMajor(f) === majorOf(cudaVersion));
    if (!cuda || excluded(tag, torch, target.python, cuda, abi)) continue;
    // A FALSE wheel compiled against an ABI=1 torch does not load on a pre-cxx11 torch.
    if (abi === 'FALSE' && tag.abiTrueOnly?.some((c) => c.torch === torch && c.cuda === cuda)) continue;
    const filename = daoWheelName(pkg, tag, cuda, torch, abi, target.python);
    out.push({
      package: pkg,
      tag: tag.tag,
      date: tag.date,
      version: tag.version,
      cuda,
      url: table.urlPattern.replace('{tag}', tag.tag).replace('{file}', filename),
      filename,
      archs: tag.archs[cuda] ?? [],
      confidence: tag.confidence ?? table.confidence,
    });
  }
  return out;
}

const safeSatisfies = (version: string, spec: string): boolean => !spec || satisfiesOr(version, spec, false);

export interface DaoSearch {
  /** Matching wheels, best (newest version, then newest tag) first. */
  candidates: DaoCandidate[];
  /** What was looked for, for `why`. */
  lookedFor: string;
  /** Wheels dropped because they lack the GPUs' architectures. */
  archMisses: string[];
}

/** The wheels of `pkg` that install on the target, satisfy the project's specifier and run on its GPUs. */
export function searchDaoExtension(pkg: DaoPackage, spec: string, target: WheelTarget): DaoSearch {
  const { ccs } = gpuCapabilities(target);
  const archMisses: string[] = [];
  const candidates = daoCandidates(pkg, target)
    .filter((c) => safeSatisfies(c.version, spec))
    .filter((c) => {
      const missing = ccs.filter((cc) => !runsOn(cc, c.archs, null));
      if (missing.length > 0) archMisses.push(`${c.version} (${c.tag}) has no ${missing.map(smName).join('/')} code`);
      return missing.length === 0;
    })
    .sort((a, b) => pepCompare(b.version, a.version) || b.date.localeCompare(a.date));
  const table = TABLES[pkg];
  const torchMax = [...new Set(table.tags.flatMap((t) => t.torch))].sort((a, b) => pepCompare(a, b)).at(-1);
  const abi = target.abi === 'cxx11' ? 'cxx11abiTRUE' : 'cxx11abiFALSE';
  const lookedFor =
    `torch ${minorOf(target.torch)} + ${target.backend} + ${cpTag(target.python)} + ${abi}` +
    (spec ? ` + ${pkg}${spec}` : '') +
    ` among the github.com/${REPOS[pkg]} release wheels (torch <= ${torchMax})`;
  return { candidates, lookedFor, archMisses: [...new Set(archMisses)] };
}

/**
 * The named release wheel setup.py would download for this target is one whose FALSE name hides
 * an ABI=1 build (torch 2.6 +cu126 in the job): the download installs and then fails to import.
 */
function brokenDownload(pkg: DaoPackage, target: WheelTarget): boolean {
  const cudaVersion = backendCuda(target.backend);
  if (!cudaVersion || target.abi === 'cxx11') return false;
  const torch = minorOf(target.torch);
  return TABLES[pkg].tags.some((t) => t.abiTrueOnly?.some((c) => c.torch === torch && fieldMajor(c.cuda) === majorOf(cudaVersion)));
}

/**
 * mamba-ssm, causal-conv1d: the matching prebuilt release wheel by URL, else a source build
 * against the runtime torch (setup.py first tries to download the release wheel of that name).
 */
export function resolveDaoExtension(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const pkg: DaoPackage = req.name === 'mamba-ssm' ? 'mamba-ssm' : 'causal-conv1d';
  const prefix = PREFIXES[pkg];
  const repo = REPOS[pkg];
  if (!backendCuda(target.backend)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `${req.name} is a CUDA extension; the plan's torch is ${target.backend}.`,
      fix: `Plan an NVIDIA GPU, or drop ${req.name} (transformers has a slow pure-PyTorch Mamba path).`,
      source: `github.com/${repo} setup.py`,
      confidence: 'V',
    };
  }
  const astral = astralIndexResolution(pkg, req.specifier, target, ctx);
  if (astral) return astral;
  const table = TABLES[pkg];
  const search = searchDaoExtension(pkg, req.specifier, target);
  const best = search.candidates[0];
  if (best) {
    const abi = target.abi === 'cxx11' ? 'cxx11abiTRUE' : 'cxx11abiFALSE';
    return {
      kind: 'wheel',
      name: req.name,
      version: best.version,
      url: best.url,
      filename: best.filename,
      marker: wheelMarker(target.python, target.platform),
      origin: 'official',
      why:
        `Searched ${search.lookedFor}; the ${best.tag} release wheel ${best.version} (cu${best.cuda}, ${abi}, ` +
        `matching torch ${target.torch}+${target.backend}) is the newest match, so nothing compiles.`,
      source: `${table.source} (as of ${table.asOf})`,
      confidence: best.confidence,
    };
  }
  const broken = brokenDownload(pkg, target);
  const spec = extensionBuild(target, { gbPerJob: 4, ...(broken ? { variables: { [`${prefix}_FORCE_BUILD`]: 'TRUE' } } : {}) });
  const misses = search.archMisses.length > 0 ? `: ${search.archMisses.join('; ')}` : '';
  return {
    kind: 'build',
    name: req.name,
    specifier: req.specifier,
    ...spec,
    why:
      `No release wheel in danlu's catalog matches ${search.lookedFor}${misses}; ` +
      `${req.name}'s setup.py first downloads the github.com/${repo} release wheel named for torch ${target.torch.split('.').slice(0, 2).join('.')}, ` +
      `the CUDA major, the C++ ABI and Python, and compiles only when there is none; ` +
      `torch must match the runtime for that (${describeParallelism(target, spec.buildVariables)}; ${prefix}_FORCE_BUILD=TRUE skips the download).`,
    source: `github.com/${repo} setup.py (CachedWheelsCommand, ${prefix}_FORCE_BUILD); same scheme as flash-attn; wheels: ${table.source}`,
    confidence: 'S',
    ...(broken
      ? {
          warning:
            `The ${repo} release wheels named cxx11abiFALSE for torch ${minorOf(target.torch)} + CUDA ${majorOf(backendCuda(target.backend)!)} ` +
            `were compiled against a C++11-ABI torch build and fail to import on this pre-cxx11 torch, ` +
            `so ${prefix}_FORCE_BUILD=TRUE makes setup.py compile instead of downloading one.`,
        }
      : {}),
  };
}
