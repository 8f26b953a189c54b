import communityData from '../catalog/data/flash-attn-community.json' with { type: 'json' };
import { OFFICIAL_FLASH_ATTN, type OfficialFlashAttnTag } from '../catalog/data/flash-attn-official.js';
import { FA_COMMUNITY_NAMING } from '../catalog/data/special-packages.js';
import { minorOf } from '../catalog/torch.js';
import type { WheelAsset } from '../catalog/wheels.js';
import { backendCuda, compareDotted, majorOf } from '../lib/version.js';
import type { WheelTarget } from './types.js';

/** A wheel that exists and could be installed for some target. */
export interface FaCandidate {
  package: 'flash-attn' | 'flash-attn-3';
  version: string;
  url: string;
  filename: string;
  origin: 'official' | 'community';
  /** 0 = plain linux_x86_64, then manylinux tags (the preference order). */
  platformRank: number;
  /** SASS compute capabilities in the wheel, when known (official; community FA2 by rule). */
  archs?: readonly string[];
  /** The wheel is abi3 (any CPython >= 3.9). */
  abi3: boolean;
}

interface CommunityFile {
  source: string;
  asOf: string;
  urlPattern: string;
  platforms: Record<string, string>;
  rows: string[];
}

const COMMUNITY = communityData as CommunityFile;
export const COMMUNITY_SOURCE = `${COMMUNITY.source} (as of ${COMMUNITY.asOf})`;

const PLATFORM_RANK: Record<string, number> = { L: 0, M24: 1, M2014: 2 };

/** "3.12" -> "cp312". */
export const cpTag = (python: string): string => `cp${python.replace('.', '')}`;

/** Newest torch minor with an official wheel ("2.8"), for explanations. */
// The lists are constant: their newest torch is worked out once (the planner asks per candidate build).
let officialMax: string | undefined;
const communityMax = new Map<string, string>();

export function officialTorchMax(): string {
  officialMax ??=
    OFFICIAL_FLASH_ATTN.tags
      .flatMap((t) => t.torch)
      .sort(compareDotted)
      .at(-1) ?? 'none';
  return officialMax;
}

export function communityTorchMax(pkg: 'fa2' | 'fa3'): string {
  let max = communityMax.get(pkg);
  if (max === undefined) {
    const minors = [...new Set(COMMUNITY.rows.filter((r) => r.startsWith(`${pkg}|`)).map((r) => r.split('|')[2]!))];
    max = minors.sort(compareDotted).at(-1) ?? 'none';
    communityMax.set(pkg, max);
  }
  return max;
}

function excluded(tag: OfficialFlashAttnTag, torch: string, python: string, cuda: string): boolean {
  return tag.exclude.some((e) => (!e.torch || e.torch === torch) && (!e.python || e.python === python) && (!e.cuda || e.cuda === cuda));
}

/**
 * Official wheels for the target's torch minor, CUDA major, Python and C++ ABI, from the
 * per-tag build matrix (src/catalog/data/flash-attn-official.ts).
 */
export function officialCandidates(target: WheelTarget): FaCandidate[] {
  const cuda = backendCuda(target.backend);
  // The release wheels are linux_x86_64 only.
  if (!cuda || target.platform !== 'linux_x86_64') return [];
  const torch = minorOf(target.torch);
  const abi = target.abi === 'cxx11' ? 'TRUE' : 'FALSE';
  const out: FaCandidate[] = [];
  for (const tag of OFFICIAL_FLASH_ATTN.tags) {
    if (!tag.torch.includes(torch) || !tag.python.includes(target.python)) continue;
    if (abi === 'FALSE' && tag.abiTrueOnly?.includes(torch)) continue;
    // Up to v2.6.3 the field is major+minor ("118", "123"); setup.py maps any 12.x torch to it.
    const field = tag.cuda.find((c) => Number(c.length > 2 ? c.slice(0, -1) : c) === majorOf(cuda));
    if (!field || excluded(tag, torch, target.python, field)) continue;
    const version = tag.tag.slice(1);
    const cp = cpTag(target.python);
    const filename = `flash_attn-${version}+cu${field}torch${torch}cxx11abi${abi}-${cp}-${cp}-linux_x86_64.whl`;
    out.push({
      package: 'flash-attn',
      version,
      // The `+` is written as GitHub's release links and flash-attn's own setup.py write it; uv
      // reads the file name from the URL path and accepts `+` or `%2B` alike (uv #1553).
      url: OFFICIAL_FLASH_ATTN.urlPattern.replace('{tag}', tag.tag).replace('{file}', filename),
      filename,
      origin: 'official',
      platformRank: 0,
      archs: tag.archs,
      abi3: false,
    });
  }
  return out;
}

/**
 * SASS in a FA2 wheel built with nvcc `cudaDigits` and flash-attn's default FLASH_ATTN_CUDA_ARCHS
 * (the community builds set none): setup.py adds sm_100/sm_120 from v2.7.3 on, and only when
 * nvcc >= 12.8 (git show v2.7.3:setup.py); before that sm_80 and sm_90.
 */
export function fa2Archs(version: string, cudaDigits: string): string[] {
  const cuda = `${cudaDigits.slice(0, -1)}.${cudaDigits.slice(-1)}`;
  const blackwell = compareDotted(version, '2.7.3') >= 0 && compareDotted(cuda, '12.8') >= 0;
  return blackwell ? ['8.0', '9.0', '10.0', '12.0'] : ['8.0', '9.0'];
}

// The planner asks for many candidate builds: the rows are split and grouped once.
let communityIndex: Map<string, string[][]> | undefined;

/** Community rows of one package code, torch minor and CUDA digits, split into fields. */
function communityRows(code: string, torch: string, digits: string): readonly string[][] {
  if (!communityIndex) {
    communityIndex = new Map();
    for (const row of COMMUNITY.rows) {
      const f = row.split('|');
      const key = `${f[0]}|${f[2]}|${f[3]}`;
      const list = communityIndex.get(key);
      if (list) list.push(f);
      else communityIndex.set(key, [f]);
    }
  }
  return communityIndex.get(`${code}|${torch}|${digits}`) ?? [];
}

/**
 * Community wheels (mjun0812/flash-attention-prebuild-wheels) for the target's torch minor,
 * exact CUDA variant and Python. The list keeps one Python column, so a free-threaded build
 * (cp313t) and the normal one look alike; when such a pair sits in two different releases the
 * URL of the normal one cannot be told apart, and the pair is skipped rather than guessed.
 * (A list whose Python column holds the ABI tag, "cp313t", needs no such care and is read as is.)
 */
export function communityCandidates(target: WheelTarget, pkg: 'flash-attn' | 'flash-attn-3'): FaCandidate[] {
  const code = pkg === 'flash-attn' ? 'fa2' : 'fa3';
  const digits = /^cu(\d+)$/.exec(target.backend)?.[1];
  // The community list's platforms are all x86_64.
  if (!digits || target.platform !== 'linux_x86_64') return [];
  const torch = minorOf(target.torch);
  const cp = cpTag(target.python);
  const releases = new Map<string, Set<string>>();
  const rows: string[][] = [];
  for (const f of communityRows(code, torch, digits)) {
    const py = f[4];
    if (py !== cp && !(py === 'abi3' && compareDotted(target.python, '3.9') >= 0)) continue;
    const key = f.slice(0, 6).join('|');
    if (!releases.has(key)) releases.set(key, new Set());
    releases.get(key)!.add(f[6]!);
    rows.push(f);
  }
  const out: FaCandidate[] = [];
  const seen = new Set<string>();
  for (const f of rows) {
    const key = f.slice(0, 6).join('|');
    if (seen.has(key) || releases.get(key)!.size > 1) continue;
    seen.add(key);
    const [, version, t, cu, py, plat, release] = f as [string, string, string, string, string, string, string];
    const platform = COMMUNITY.platforms[plat];
    if (!platform || PLATFORM_RANK[plat] === undefined) continue;
    const filename =
      code === 'fa2'
        ? `flash_attn-${version}+cu${cu}torch${t}-${py.replace(/t$/, '')}-${py}-${platform}.whl`
        : `flash_attn_3-${version}+cu${cu}torch${t}${FA_COMMUNITY_NAMING.fa3LocalSuffix}-${FA_COMMUNITY_NAMING.fa3PythonTag}-${platform}.whl`;
    out.push({
      package: pkg,
      version,
      url: COMMUNITY.urlPattern.replace('{release}', release).replace('{file}', filename),
      filename,
      origin: 'community',
      platformRank: PLATFORM_RANK[plat]!,
      ...(code === 'fa2' ? { archs: fa2Archs(version, cu) } : {}),
      abi3: py === 'abi3',
    });
  }
  return out;
}

/**
 * Candidates from release assets a refreshed catalog fetched (src/catalog/update/github.ts).
 * Official names carry the ABI and the CUDA major; community names the exact CUDA variant.
 */
export function catalogCandidates(target: WheelTarget, assets: readonly WheelAsset[], pkg: 'flash-attn' | 'flash-attn-3'): FaCandidate[] {
  const cuda = backendCuda(target.backend);
  if (!cuda) return [];
  const torch = minorOf(target.torch);
  const out: FaCandidate[] = [];
  for (const a of assets) {
    if (a.package !== pkg || a.torch !== torch) continue;
    if (!/linux/.test(a.platform) || !a.platform.includes(target.platform.replace(/^linux_/, ''))) continue;
    const abi3 = a.python.startsWith('>=');
    if (abi3 ? compareDotted(target.python, a.python.slice(2)) < 0 : a.python !== target.python) continue;
    if (a.cxx11abi !== null && a.cxx11abi !== (target.abi === 'cxx11')) continue;
    const cudaOk = a.channel === 'official' ? majorOf(a.cuda) === majorOf(cuda) : a.cuda === cuda;
    if (!cudaOk) continue;
    const tag = a.channel === 'official' ? OFFICIAL_FLASH_ATTN.tags.find((t) => t.tag === a.release) : undefined;
    if (a.cxx11abi === false && tag?.abiTrueOnly?.includes(torch)) continue;
    out.push({
      package: pkg,
      version: a.version,
      url: a.url,
      filename: a.filename,
      origin: a.channel,
      platformRank: a.platform === target.platform ? 0 : 1,
      ...(tag ? { archs: tag.archs } : {}),
      abi3,
    });
  }
  return out;
}
