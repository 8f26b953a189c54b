import { vendorIndexOf } from '../../catalog/data/accelerators.js';
import { MIRRORS } from '../../catalog/mirrors.js';
import { record, warn } from './emit.js';
import type { ImportOrigin, ImportResult, ImportedIndex, ImportedRequirement, IndexKind } from './types.js';
import { cudaOfBackend, indexBackend } from './url.js';

/** Hosts of package feeds that serve their own packages (Azure Artifacts, GitLab, Anaconda.org...): never a PyPI mirror. */
const FEED_HOSTS = /(^|\.)(pkgs\.visualstudio\.com|pkgs\.dev\.azure\.com|gitlab\.com|pypi\.anaconda\.org|anaconda\.org|test\.pypi\.org|wheels\.astral\.sh)$/;

function urlParts(url: string): { host: string; path: string } | null {
  try {
    const u = new URL(url.trim());
    return { host: u.hostname.toLowerCase(), path: u.pathname.replace(/\/+$/, '') };
  } catch {
    return null;
  }
}

/**
 * The paths at which mirrors and repository managers serve PyPI's simple API: a plain mirror
 * (`/simple`, `/pypi/simple`, `/pypi/web/simple`), and a repository manager's repository whose
 * name says it proxies PyPI: Nexus (`/repository/<name>/simple`), Artifactory
 * (`/artifactory/api/pypi/<name>/simple`), devpi (`/root/pypi/+simple`). A repository named for
 * anything else (a company's own packages, PyTorch's or a vendor's wheels) stays an index: its
 * packages are found nowhere else.
 */
const MIRROR_PATHS = [
  /^\/(?:pypi\/(?:web\/)?)?simple$/i,
  /^\/repository\/([^/]+)\/simple$/i,
  /^(?:\/artifactory)?\/api\/pypi\/([^/]+)\/simple$/i,
  /^\/[^/]+\/([^/]+)\/\+simple$/i,
];
const PYPI_PROXY_NAME =
  /^(pypi|python)([-_.]?(proxy|remote|mirror|public|group|virtual|all|org))?$|^(proxy|remote|mirror|public|group|virtual)[-_.]?(pypi|python)$/i;

function mirrorPath(path: string): boolean {
  return MIRROR_PATHS.some((re) => {
    const m = re.exec(path);
    return m !== null && (m[1] === undefined || PYPI_PROXY_NAME.test(m[1]));
  });
}

/**
 * What an index URL is: PyPI itself, PyTorch's wheel index, a PyPI mirror (an index at a mirror's
 * or repository manager's PyPI path on a host that is no vendor's feed, or a mirror danlu knows:
 * the machine's choice, for .env), a vendor's feed, or another index.
 */
export function indexRole(url: string): 'pypi' | 'pytorch' | 'mirror' | 'vendor' | 'other' {
  const u = urlParts(url);
  if (!u) return 'other';
  if (/^(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)$/.test(u.host)) return 'pypi';
  if (u.host === 'download.pytorch.org') return 'pytorch';
  if (vendorIndexOf(url) || FEED_HOSTS.test(u.host)) return 'vendor';
  const known = MIRRORS.candidates.some((c) => c.kind === 'pypi' && c.url !== null && urlParts(c.url)?.host === u.host);
  if (known || mirrorPath(u.path)) return 'mirror';
  return 'other';
}

/** Name tokens (`onnxruntime-gpu` -> onnxruntime, gpu) of at least 4 letters. */
const tokens = (s: string) =>
  s
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length >= 4 && !/^(simple|pypi|whl|wheels|index|packages|html|https?|cuda\d*|torch\d*)$/.test(t));

/**
 * A feed a requirements file names on a line of its own (`--extra-index-url URL`) is for the
 * packages whose name its URL names (`.../onnxruntime-cuda-12/pypi/simple/` serves
 * onnxruntime-gpu): those are routed to it, so uv does not ask it for every other package.
 */
export function routeFeeds(indexes: ImportedIndex[], requirements: ImportedRequirement[]): void {
  for (const idx of indexes) {
    if (idx.packages?.length || idx.kind === 'find-links' || !['vendor', 'other'].includes(indexRole(idx.url))) continue;
    const u = urlParts(idx.url);
    if (!u) continue;
    const inUrl = new Set(tokens(`${u.host} ${u.path}`));
    const routed = requirements.filter((q) => !q.source && tokens(q.name).some((t) => inUrl.has(t)));
    if (routed.length) idx.packages = [...new Set(routed.map((q) => q.name))].map((name) => ({ name }));
  }
}

export interface IndexInput {
  url: string;
  kind: IndexKind;
  origin: ImportOrigin;
  /** The input line (for the report); no report line when absent. */
  text?: string;
  name?: string;
  explicit?: boolean;
  packages?: { name: string; marker?: string; extra?: string }[];
}

const KIND_WORDS: Record<IndexKind, string> = {
  'index-url': 'package index (replaces PyPI)',
  'extra-index-url': 'extra package index',
  'find-links': 'find-links page',
};

/** Records an index / find-links URL, and the CUDA variant its URL names. */
export function addIndex(out: ImportResult, input: IndexInput): ImportedIndex | null {
  const url = input.url.trim();
  if (input.kind !== 'find-links' && indexRole(url) === 'mirror') {
    out.mirrors.push({ url, origin: { ...input.origin } });
    if (input.text !== undefined)
      record(
        out,
        input.origin,
        input.text,
        'index',
        `PyPI mirror ${url}: this machine's choice, not a project index (set PYPI_MIRROR in .env, or \`danlu mirrors\`)`,
        "a mirror in pyproject.toml would become every user's index",
      );
    return null;
  }
  const index: ImportedIndex = { url, kind: input.kind, origin: { ...input.origin } };
  if (indexRole(url) === 'vendor' && input.explicit === undefined) index.explicit = true;
  if (input.name !== undefined) index.name = input.name;
  if (input.explicit !== undefined) index.explicit = input.explicit;
  if (input.packages?.length) index.packages = input.packages;
  out.indexes.push(index);
  const variant = indexBackend(url);
  let became = `${KIND_WORDS[input.kind]} ${url}`;
  if (input.packages?.length) became += ` for ${input.packages.map((p) => p.name).join(', ')}`;
  if (variant) {
    const cuda = cudaOfBackend(variant.backend);
    out.cudaHints.push({ backend: variant.backend, ...(cuda ? { cuda } : {}), origin: { ...input.origin }, text: (input.text ?? url).trim() });
    became += ` (CUDA hint ${variant.backend}${variant.torch ? `, built for torch ${variant.torch}` : ''})`;
    if (variant.nightly) warn(out, 'nightly-index', `${url} serves nightly builds`, input.origin);
  }
  if (/^http:\/\//i.test(url)) warn(out, 'insecure-index', `${url} is plain http`, input.origin);
  if (input.text !== undefined) record(out, input.origin, input.text, 'index', became);
  return index;
}
