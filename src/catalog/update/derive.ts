import { compare as pepCompare, valid as pepValid } from '@renovatebot/pep440';
import type { CudaImageRow, WheelImageRow } from '../cuda-images.js';
import { minorOf, type CxxAbi, type TorchBackend, type TorchMatrix, type TorchRelease } from '../torch.js';
import type { Confidence, Table } from '../types.js';
import { backendCuda, compareDotted, majorMinor, majorOf } from '../../lib/version.js';
import { abiFromPlatforms, comparePython, platformFamily, wheelPythons, type WheelName } from './simple-index.js';

/**
 * Pure: turns what the indexes list into catalog parts. What an index cannot say (GPU
 * architectures, the PyPI default variant, curated notes) comes from the base catalog; a
 * release the base does not know inherits them from the nearest older release (confidence ?).
 */

export const INDEX_PACKAGES = ['torch', 'torchvision', 'torchaudio', 'xformers'] as const;
export type IndexPackage = (typeof INDEX_PACKAGES)[number];

/** Per variant ("cu128"), per package: the wheels its index page lists. A missing package had no page (404). */
export type IndexListing = Record<string, Partial<Record<IndexPackage, readonly WheelName[]>>>;

export const TORCH_SOURCE =
  'download.pytorch.org/whl simple indexes (versions, variants, Python tags, platforms, torchvision/torchaudio/xformers builds); ' +
  'architecture lists, PyPI default variants and notes curated from PyTorch RELEASE.md, RFCs and build scripts';

const STABLE = /^\d+\.\d+(\.\d+)?$/;
const isLinuxX64 = (w: WheelName) => w.platformTags.some((t) => platformFamily(t) === 'linux_x86_64');

/** cu118 < cu126 < cu130 < rocm… < xpu < cpu: the order the embedded tables use. */
export function compareVariants(a: string, b: string): number {
  const rank = (v: string) => (backendCuda(v) ? 0 : v === 'cpu' ? 2 : 1);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return compareDotted(backendCuda(a)!, backendCuda(b)!);
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePep(a: string, b: string): number {
  if (pepValid(a) && pepValid(b)) return pepCompare(a, b);
  return compareDotted(a, b);
}

function newest(versions: Iterable<string>): string | null {
  let best: string | null = null;
  for (const v of versions) if (best === null || comparePep(v, best) > 0) best = v;
  return best;
}

function sortedUnique(values: Iterable<string>, cmp: (a: string, b: string) => number = (a, b) => (a < b ? -1 : a > b ? 1 : 0)): string[] {
  return [...new Set(values)].sort(cmp);
}

interface Donor {
  archs: readonly string[];
  ptx?: string;
  abi: CxxAbi;
  from: string;
}

/** Arch list for a variant the base does not know for this release: the nearest older release's. */
function inheritArchs(variant: string, older: readonly TorchRelease[]): Donor | null {
  for (const r of older) {
    const same = r.backends.find((b) => b.name === variant);
    if (same) return { archs: same.archs, ptx: same.ptx, abi: same.abi, from: `${r.version} ${variant}` };
  }
  const cuda = backendCuda(variant);
  if (!cuda) return null;
  // A variant new to every release: the closest older CUDA variant of the same major, else any.
  for (const r of older) {
    const cudaBackends = r.backends.filter((b) => backendCuda(b.name)).sort((a, b) => compareVariants(b.name, a.name));
    const sameMajor = cudaBackends.find((b) => majorOf(backendCuda(b.name)!) === majorOf(cuda) && compareVariants(b.name, variant) <= 0);
    const pick = sameMajor ?? cudaBackends[0];
    if (pick) return { archs: pick.archs, ptx: pick.ptx, abi: pick.abi, from: `${r.version} ${pick.name}` };
  }
  return null;
}

export interface DeriveTorchOptions {
  asOf: string;
  /** Base URL written into the matrix (the canonical index, not a mirror). */
  indexBase: string;
}

export interface Derived<T> {
  value: T;
  /** Rows that came from the fetched data. */
  items: number;
  notes: string[];
}

/** The release matrix from the index listing, keeping what only the base knows. */
export function deriveTorchMatrix(listing: IndexListing, base: TorchMatrix, options: DeriveTorchOptions): Derived<TorchMatrix> {
  const notes: string[] = [];
  // minor -> version -> variant -> wheels
  const byMinor = new Map<string, Map<string, Map<string, WheelName[]>>>();
  for (const [variant, pages] of Object.entries(listing)) {
    for (const w of pages.torch ?? []) {
      if (w.name !== 'torch' || !STABLE.test(w.publicVersion) || majorOf(w.publicVersion) < 2) continue;
      const minor = minorOf(w.publicVersion);
      const versions = byMinor.get(minor) ?? new Map<string, Map<string, WheelName[]>>();
      byMinor.set(minor, versions);
      const variants = versions.get(w.publicVersion) ?? new Map<string, WheelName[]>();
      versions.set(w.publicVersion, variants);
      variants.set(variant, [...(variants.get(variant) ?? []), w]);
    }
  }

  const baseByMinor = new Map(base.releases.map((r) => [minorOf(r.version), r]));
  const minors = sortedUnique([...byMinor.keys(), ...baseByMinor.keys()], compareDotted);
  const history: TorchRelease[] = []; // finished releases, newest first, older than the one at hand
  let fromIndex = 0;

  for (const minor of minors) {
    const baseRel = baseByMinor.get(minor);
    const versions = byMinor.get(minor);
    const version = versions ? newest([...versions.entries()].filter(([, vs]) => [...vs.values()].some((ws) => ws.some(isLinuxX64))).map(([v]) => v)) : null;
    if (!versions || !version) {
      if (baseRel) history.unshift(baseRel);
      continue;
    }
    fromIndex++;
    const perVariant = versions.get(version)!;
    const variants = [...perVariant.entries()]
      .filter(([, ws]) => ws.some(isLinuxX64))
      .map(([v]) => v)
      .sort(compareVariants);

    const backends: TorchBackend[] = variants.map((variant) => {
      const files = perVariant.get(variant)!;
      const linux = files.filter(isLinuxX64);
      const baseB = baseRel?.backends.find((b) => b.name === variant);
      let archs: readonly string[];
      let ptx: string | undefined;
      let confidence: Confidence;
      let inheritedAbi: CxxAbi | null = null;
      if (baseB) {
        archs = baseB.archs;
        ptx = baseB.ptx;
        confidence = baseB.confidence;
      } else if (!backendCuda(variant)) {
        archs = [];
        confidence = variant === 'cpu' ? 'V' : '?';
      } else {
        const donor = inheritArchs(variant, history);
        archs = donor?.archs ?? [];
        ptx = donor?.ptx;
        inheritedAbi = donor?.abi ?? null;
        confidence = '?';
        notes.push(
          donor
            ? `torch ${version} ${variant}: architectures not published by the index; inherited from ${donor.from} (?)`
            : `torch ${version} ${variant}: no architecture list known; no GPU is assumed to fit it`,
        );
      }
      const abi =
        abiFromPlatforms(linux.flatMap((w) => w.platformTags)) ?? baseB?.abi ?? inheritedAbi ?? (compareDotted(version, '2.7') >= 0 ? 'cxx11' : 'pre-cxx11');
      const python = sortedUnique(
        linux.flatMap(wheelPythons).filter((p) => /^\d+\.\d+t?$/.test(p)),
        comparePython,
      );
      const platforms = sortedUnique(files.flatMap((w) => w.platformTags.map(platformFamily)));
      const b: TorchBackend = { name: variant, archs, abi, confidence };
      if (ptx) b.ptx = ptx;
      if (python.length > 0) b.python = python;
      if (platforms.length > 0) b.platforms = platforms;
      return b;
    });

    if (baseRel) {
      const gone = baseRel.backends.map((b) => b.name).filter((n) => !variants.includes(n));
      const added = variants.filter((n) => !baseRel.backends.some((b) => b.name === n));
      if (gone.length > 0)
        notes.push(`torch ${version}: ${gone.join(', ')} not on the index (the embedded catalog lists ${gone.length === 1 ? 'it' : 'them'})`);
      if (added.length > 0) notes.push(`torch ${version}: also built for ${added.join(', ')}`);
      if (baseRel.version !== version) notes.push(`torch ${minor}: newest patch ${version} (was ${baseRel.version})`);
    } else {
      notes.push(`new torch release ${version} [${variants.join(' ')}]`);
    }

    const pythonAll = sortedUnique(
      backends.flatMap((b) => b.python ?? []).filter((p) => !p.endsWith('t')),
      comparePython,
    );
    const python = pythonAll.length > 0 ? pythonAll : (baseRel?.python ?? history[0]?.python ?? []);

    const companions = (pkg: IndexPackage): string[] => {
      const out: string[] = [];
      for (const variant of variants) {
        for (const w of listing[variant]?.[pkg] ?? []) {
          if (w.name === pkg && isLinuxX64(w) && pepValid(w.publicVersion) && !/[a-z]/i.test(w.publicVersion.replace(/\.post\d+$/, '')))
            out.push(w.publicVersion);
        }
      }
      return out;
    };
    const [major, minorN] = minor.split('.').map(Number) as [number, number];

    // torchvision 0.(minor+15).x pairs with torch 2.minor.
    const tvWanted = major === 2 ? `0.${minorN + 15}` : null;
    const tvFound = tvWanted ? newest(companions('torchvision').filter((v) => majorMinor(v) === tvWanted)) : null;
    const torchvision = tvFound ?? baseRel?.torchvision ?? (tvWanted ? `${tvWanted}.0` : '');
    let notDefault: string | undefined;
    if (tvFound) notDefault = undefined;
    else if (baseRel) notDefault = baseRel.notDefault;
    else notDefault = `no torchvision${tvWanted ? ` ${tvWanted}` : ''} build on the PyTorch index yet (as of ${options.asOf})`;

    // torchaudio shares torch's major.minor; it ends at 2.11.
    const taFound = newest(companions('torchaudio').filter((v) => majorMinor(v) === minor));
    const torchaudio = taFound ?? (baseRel ? baseRel.torchaudio : null);

    // xformers pins torch exactly up to 0.0.33; from 0.0.34 it needs torch >= 2.10.
    let xformers = baseRel ? baseRel.xformers : null;
    if (compareDotted(minor, '2.10') >= 0) {
      const stableAbi = newest(companions('xformers').filter((v) => comparePep(v, '0.0.34') >= 0));
      if (stableAbi && (!xformers || comparePep(stableAbi, xformers) > 0)) xformers = stableAbi;
    }

    const pypiDefault =
      (baseRel && variants.includes(baseRel.pypiDefault) ? baseRel.pypiDefault : null) ??
      (history[0] && variants.includes(history[0].pypiDefault) ? history[0].pypiDefault : null) ??
      [...variants].reverse().find((v) => backendCuda(v)) ??
      variants[0]!;

    const release: TorchRelease = {
      version,
      released: baseRel?.released ?? options.asOf.slice(0, 7),
      python,
      backends,
      pypiDefault,
      torchvision,
      torchaudio,
      xformers,
    };
    if (notDefault) release.notDefault = notDefault;
    history.unshift(release);
  }

  return {
    value: { source: TORCH_SOURCE, asOf: options.asOf, confidence: 'S', indexBase: options.indexBase, releases: history },
    items: fromIndex,
    notes,
  };
}

// ---------------------------------------------------------------------------------------------
// nvidia/cuda tags

export interface CudaTag {
  /** "12.8.1" */
  version: string;
  /** "devel", "cudnn-devel", "runtime", "tensorrt-devel", … */
  flavour: string;
  /** "ubuntu", "ubi", "rockylinux", … */
  distro: string;
  /** "24.04", "9" */
  release: string;
}

/** "12.8.1-cudnn-devel-ubuntu24.04" -> {12.8.1, cudnn-devel, ubuntu, 24.04}; null for other shapes. */
export function parseCudaTag(tag: string): CudaTag | null {
  const m = /^(\d+\.\d+\.\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)-([a-z]+)(\d+(?:\.\d+)*)$/.exec(tag);
  if (!m) return null;
  return { version: m[1]!, flavour: m[2]!, distro: m[3]!, release: m[4]! };
}

export interface HubTag {
  name: string;
  /** Image architectures ("amd64", "arm64"). */
  arch: string[];
}

export const CUDA_IMAGES_SOURCE = 'Docker Hub tag list of nvidia/cuda (hub.docker.com/v2/repositories/nvidia/cuda/tags?name=devel-ubuntu)';

/**
 * `<X.Y.Z>-devel-ubuntu<YY.MM>` rows from the tags Docker Hub lists now: a tag no longer listed
 * is gone (end-of-life tags are deleted). `supported`: the newest patch of its
 * minor, and not marked end of life in the base.
 */
export function deriveCudaImages(tags: readonly HubTag[], base: Table<CudaImageRow>, asOf: string): Derived<Table<CudaImageRow>> {
  const notes: string[] = [];
  const rows = new Map<string, { ubuntu: Set<string>; arch: Set<string> }>();
  const others = new Map<string, number>();
  for (const t of tags) {
    const tag = parseCudaTag(t.name);
    if (!tag) continue;
    if (tag.flavour === 'devel' && tag.distro === 'ubuntu') {
      const row = rows.get(tag.version) ?? { ubuntu: new Set<string>(), arch: new Set<string>() };
      rows.set(tag.version, row);
      row.ubuntu.add(tag.release);
      for (const a of t.arch) row.arch.add(a);
    } else {
      const key = `${tag.flavour}-${tag.distro}`;
      others.set(key, (others.get(key) ?? 0) + 1);
    }
  }
  const versions = [...rows.keys()].sort(compareDotted);
  const newestPatch = new Map<string, string>();
  for (const v of versions) newestPatch.set(majorMinor(v), v);
  const majors = sortedUnique(
    versions.map((v) => String(majorOf(v))),
    (a, b) => Number(b) - Number(a),
  ).slice(0, 2);
  const out: CudaImageRow[] = versions.map((version) => {
    const row = rows.get(version)!;
    const baseRow = base.rows.find((r) => r.version === version);
    const isNewestPatch = newestPatch.get(majorMinor(version)) === version;
    const supported = baseRow ? baseRow.supported && isNewestPatch : isNewestPatch && majors.includes(String(majorOf(version)));
    const r: CudaImageRow = { version, ubuntu: sortedUnique(row.ubuntu, compareDotted), supported };
    if (row.arch.size > 0) r.arch = sortedUnique(row.arch);
    return r;
  });
  const gone = base.rows.filter((r) => !rows.has(r.version)).map((r) => r.version);
  const added = versions.filter((v) => !base.rows.some((r) => r.version === v));
  if (gone.length > 0) notes.push(`no longer on Docker Hub: ${gone.join(', ')}`);
  if (added.length > 0) notes.push(`new devel-ubuntu tags: ${added.join(', ')}`);
  if (others.size > 0) {
    notes.push(
      `also listed: ${[...others.entries()]
        .sort()
        .map(([k, n]) => `${k} (${n})`)
        .join(', ')}`,
    );
  }
  return { value: { source: CUDA_IMAGES_SOURCE, asOf, confidence: 'V', rows: out }, items: out.length, notes };
}

/**
 * The image for each wheel variant: the curated tag while it exists, else the newest patch of
 * the same CUDA minor; variants new in the torch matrix get the newest patch of their minor.
 */
export function deriveWheelImage(base: Table<WheelImageRow>, torch: TorchMatrix, images: Table<CudaImageRow>, asOf: string): Derived<Table<WheelImageRow>> {
  const notes: string[] = [];
  const exists = new Set(images.rows.map((r) => r.version));
  const newestOfMinor = (cuda: string) => [...images.rows].reverse().find((r) => majorMinor(r.version) === cuda)?.version ?? null;
  const rows: WheelImageRow[] = [];
  const variants = sortedUnique(
    [...base.rows.map((r) => r.backend), ...torch.releases.flatMap((r) => r.backends.map((b) => b.name))].filter((v) => backendCuda(v)),
    compareVariants,
  );
  for (const backend of variants) {
    const cuda = backendCuda(backend)!;
    const curated = base.rows.find((r) => r.backend === backend)?.image;
    if (curated && exists.has(curated)) {
      rows.push({ backend, image: curated });
      continue;
    }
    const replacement = newestOfMinor(cuda);
    if (replacement) {
      rows.push({ backend, image: replacement });
      notes.push(curated ? `${backend}: ${curated} is gone; using ${replacement}` : `${backend}: ${replacement}`);
    } else if (curated) {
      notes.push(`${backend}: ${curated} is gone and no other CUDA ${cuda} image exists`);
    }
  }
  return {
    value: {
      source: `${base.source.replace(/; tags checked against Docker Hub.*$/, '')}; tags checked against Docker Hub`,
      asOf,
      confidence: base.confidence,
      rows,
    },
    items: rows.length,
    notes,
  };
}
