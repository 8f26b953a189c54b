import { readFile } from 'node:fs/promises';
import { CANONICAL, MIRRORS, type MirrorCandidate, type MirrorKind } from '../catalog/mirrors.js';
import { DanluError } from '../lib/errors.js';

/** Every kind, in the order reports list them. */
export const MIRROR_KINDS: readonly MirrorKind[] = ['apt', 'pypi', 'pytorch', 'huggingface', 'dockerhub', 'ghcr', 'python'];

/** One endpoint to probe: a catalog candidate, with the URL to start from. */
export interface ProbeTarget {
  kind: MirrorKind;
  name: string;
  /** The value danlu writes to .env when this one wins; null = the upstream (no override). */
  url: string | null;
  /** Where probing starts: the mirror's URL, or the upstream's, with a scheme. */
  base: string;
  upstream: boolean;
  purpose: string;
  source?: string;
}

/**
 * Hosts that serve the upstream itself. A mirror whose answer is a redirect to one of them is
 * no mirror for that request (pain point 19: some PyTorch mirrors 301 back to download.pytorch.org).
 */
export const ORIGIN_HOSTS: Record<MirrorKind, readonly string[]> = {
  apt: ['archive.ubuntu.com', 'security.ubuntu.com', 'ports.ubuntu.com'],
  pypi: ['pypi.org', 'files.pythonhosted.org', 'pypi.python.org'],
  pytorch: ['download.pytorch.org', 'download-r2.pytorch.org'],
  huggingface: ['huggingface.co', 'cdn-lfs.huggingface.co', 'cdn-lfs-us-1.huggingface.co', 'cas-bridge.xethub.hf.co'],
  dockerhub: ['registry-1.docker.io', 'docker.io', 'index.docker.io', 'production.cloudflare.docker.com'],
  ghcr: ['ghcr.io', 'pkg-containers.githubusercontent.com'],
  python: ['github.com', 'objects.githubusercontent.com', 'release-assets.githubusercontent.com'],
};

/** Docker Hub's registry API does not live at docker.io itself. */
const REGISTRY_ENDPOINT: Record<string, string> = { 'docker.io': 'https://registry-1.docker.io' };

const hasScheme = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** The base URL to probe for a kind's configured value (a URL, or a registry host). */
export function probeBase(kind: MirrorKind, value: string): string {
  const v = value.trim().replace(/\/+$/, '');
  if (kind === 'dockerhub' || kind === 'ghcr') {
    if (hasScheme(v)) return v;
    return REGISTRY_ENDPOINT[v] ?? `https://${v}`;
  }
  return hasScheme(v) ? v : `https://${v}`;
}

/** `host[:port]` of a URL or registry host, lower case; null when it does not parse. */
export function hostOf(value: string): string | null {
  try {
    return new URL(hasScheme(value) ? value : `https://${value}`).host.toLowerCase();
  } catch {
    return null;
  }
}

/** An origin entry with a port matches host:port exactly; one without matches the host name. */
export function isOriginUrl(url: URL, origins: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  const name = url.hostname.toLowerCase();
  return origins.some((o) => {
    const e = o.toLowerCase();
    return /:\d+$/.test(e) ? e === host : e === name;
  });
}

export interface CandidateSet {
  candidates: readonly MirrorCandidate[];
  canonical: Record<MirrorKind, string>;
  /** Origin hosts per kind, for redirect detection. */
  origins: Record<MirrorKind, readonly string[]>;
  /** Where the set came from: "catalog" or a file. */
  from: string;
}

export const CATALOG_SET: CandidateSet = { candidates: MIRRORS.candidates, canonical: CANONICAL, origins: ORIGIN_HOSTS, from: 'catalog' };

/** Probe targets for a candidate set, optionally only some kinds. */
export function targetsOf(set: CandidateSet, kinds: readonly MirrorKind[] = MIRROR_KINDS): ProbeTarget[] {
  return set.candidates
    .filter((c) => kinds.includes(c.kind))
    .map((c) => ({
      kind: c.kind,
      name: c.name,
      url: c.url,
      base: probeBase(c.kind, c.url ?? set.canonical[c.kind]),
      upstream: c.url === null,
      purpose: c.purpose,
      ...(c.source ? { source: c.source } : {}),
    }));
}

/**
 * DANLU_MIRROR_CANDIDATES=FILE replaces the catalog's candidates: a private mirror list, or
 * local servers in tests. The file: {"candidates": [{kind, name, url, purpose}], "canonical"?:
 * {kind: url}, "origins"?: {kind: [host]}}. Canonical URLs given there also count as origin hosts.
 */
export async function loadCandidateSet(env: NodeJS.ProcessEnv = process.env): Promise<CandidateSet> {
  const file = env.DANLU_MIRROR_CANDIDATES;
  if (!file) return CATALOG_SET;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new DanluError(`DANLU_MIRROR_CANDIDATES: cannot read ${file}: ${(e as Error).message}`, { location: { file } });
  }
  return parseCandidateSet(data, file);
}

export function parseCandidateSet(data: unknown, file: string): CandidateSet {
  const bad = (what: string) =>
    new DanluError(`${what}`, { location: { file }, hint: 'expected {"candidates": [{"kind", "name", "url", "purpose"}], "canonical"?: {kind: url}}' });
  const d = data as { candidates?: unknown; canonical?: unknown; origins?: unknown } | null;
  if (!d || !Array.isArray(d.candidates)) throw bad('no "candidates" list');
  const candidates: MirrorCandidate[] = d.candidates.map((c: unknown, i: number) => {
    const o = c as Partial<MirrorCandidate> | null;
    if (!o || !MIRROR_KINDS.includes(o.kind as MirrorKind)) throw bad(`candidates[${i}]: kind must be one of ${MIRROR_KINDS.join(', ')}`);
    if (typeof o.name !== 'string' || o.name === '') throw bad(`candidates[${i}]: name must be a string`);
    if (o.url !== null && typeof o.url !== 'string') throw bad(`candidates[${i}]: url must be a string or null`);
    return {
      kind: o.kind!,
      name: o.name,
      url: o.url ?? null,
      purpose: typeof o.purpose === 'string' ? o.purpose : o.name,
      ...(typeof o.source === 'string' ? { source: o.source } : {}),
    };
  });
  const canonical = { ...CANONICAL };
  const origins: Record<MirrorKind, string[]> = Object.fromEntries(MIRROR_KINDS.map((k) => [k, [...ORIGIN_HOSTS[k]]])) as Record<MirrorKind, string[]>;
  if (d.canonical && typeof d.canonical === 'object') {
    for (const [k, v] of Object.entries(d.canonical as Record<string, unknown>)) {
      if (!MIRROR_KINDS.includes(k as MirrorKind) || typeof v !== 'string') throw bad(`canonical.${k}: expected a kind and a URL`);
      canonical[k as MirrorKind] = v;
      const host = hostOf(probeBase(k as MirrorKind, v));
      if (host) origins[k as MirrorKind].push(host);
    }
  }
  if (d.origins && typeof d.origins === 'object') {
    for (const [k, v] of Object.entries(d.origins as Record<string, unknown>)) {
      if (!MIRROR_KINDS.includes(k as MirrorKind) || !Array.isArray(v)) throw bad(`origins.${k}: expected a kind and a list of hosts`);
      origins[k as MirrorKind].push(...v.map(String));
    }
  }
  return { candidates, canonical, origins, from: file };
}
