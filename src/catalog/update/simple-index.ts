/**
 * The Python simple repository API, read-only and pure: PEP 691 JSON pages, PEP 503 HTML
 * pages, and PEP 427 wheel file names.
 */

export const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/** Ask for JSON, accept HTML (download.pytorch.org serves only HTML). */
export const SIMPLE_ACCEPT = `${SIMPLE_JSON}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1`;

export interface IndexFile {
  filename: string;
  /** Absolute URL, without the hash fragment. */
  url: string;
  requiresPython: string | null;
  yanked: boolean;
  /** PEP 700, when the index gives it (JSON only). */
  uploadTime: string | null;
}

export class IndexFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexFormatError';
  }
}

import { normalizeName } from '../../lib/py.js';

export { normalizeName };

function resolveUrl(href: string, base: string): string {
  try {
    const u = new URL(href, base);
    u.hash = '';
    return u.href;
  } catch {
    return href;
  }
}

/** PEP 691 JSON page. */
export function parseSimpleJson(text: string, pageUrl: string): IndexFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new IndexFormatError(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new IndexFormatError('expected a JSON object');
  const o = data as Record<string, unknown>;
  const meta = o.meta as Record<string, unknown> | undefined;
  const api = typeof meta?.['api-version'] === 'string' ? meta['api-version'] : null;
  if (!api || !/^1\./.test(api)) throw new IndexFormatError(`unsupported simple API version ${JSON.stringify(meta?.['api-version'] ?? null)}`);
  if (!Array.isArray(o.files)) throw new IndexFormatError('"files" is not an array');
  const out: IndexFile[] = [];
  for (const f of o.files as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const file = f as Record<string, unknown>;
    if (typeof file.filename !== 'string' || typeof file.url !== 'string') continue;
    out.push({
      filename: file.filename,
      url: resolveUrl(file.url, pageUrl),
      requiresPython: typeof file['requires-python'] === 'string' ? file['requires-python'] : null,
      yanked: file.yanked === true || typeof file.yanked === 'string',
      uploadTime: typeof file['upload-time'] === 'string' ? file['upload-time'] : null,
    });
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? Number.parseInt(ent.slice(2), 16) : Number.parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ent.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const m of tag.matchAll(re)) {
    out[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** PEP 503 HTML page: one anchor per file, the text being the file name. */
export function parseSimpleHtml(text: string, pageUrl: string): IndexFile[] {
  const baseTag = /<base\b([^>]*)>/i.exec(text);
  const base = baseTag ? resolveUrl(attributes(baseTag[1]!).href ?? pageUrl, pageUrl) : pageUrl;
  const out: IndexFile[] = [];
  for (const m of text.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi)) {
    const attrs = attributes(m[1]!);
    if (!attrs.href) continue;
    const url = resolveUrl(attrs.href, base);
    let filename = decodeEntities(m[2]!.replace(/<[^>]*>/g, '')).trim();
    if (!filename) {
      const last = new URL(url).pathname.split('/').pop() ?? '';
      try {
        filename = decodeURIComponent(last);
      } catch {
        filename = last;
      }
    }
    out.push({
      filename,
      url,
      requiresPython: attrs['data-requires-python'] ?? null,
      yanked: 'data-yanked' in attrs,
      uploadTime: null,
    });
  }
  return out;
}

/** Picks the parser from the Content-Type the index answered with. */
export function parseSimplePage(contentType: string | undefined, text: string, pageUrl: string): { format: 'json' | 'html'; files: IndexFile[] } {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === SIMPLE_JSON || type === 'application/json') return { format: 'json', files: parseSimpleJson(text, pageUrl) };
  if (type === '' && /^\s*\{/.test(text)) return { format: 'json', files: parseSimpleJson(text, pageUrl) };
  if (type !== '' && !type.includes('html') && type !== 'text/plain') {
    throw new IndexFormatError(`unexpected content type ${JSON.stringify(type)}`);
  }
  return { format: 'html', files: parseSimpleHtml(text, pageUrl) };
}

export interface WheelName {
  /** Normalised distribution name. */
  name: string;
  /** Version as written, local label included: "2.9.1+cu128". */
  version: string;
  /** "2.9.1". */
  publicVersion: string;
  /** "cu128", or null. */
  local: string | null;
  build: string | null;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
}

/** PEP 427: {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl, tags possibly dotted sets. */
export function parseWheelFilename(filename: string): WheelName | null {
  if (!filename.toLowerCase().endsWith('.whl')) return null;
  const parts = filename.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [name, version] = parts as [string, string];
  const build = parts.length === 6 ? parts[2]! : null;
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  if (!name || !version || !py || !abi || !plat) return null;
  if (build !== null && !/^\d/.test(build)) return null;
  const plus = version.indexOf('+');
  return {
    name: normalizeName(name),
    version,
    publicVersion: plus >= 0 ? version.slice(0, plus) : version,
    local: plus >= 0 ? version.slice(plus + 1) : null,
    build,
    pythonTags: py.split('.'),
    abiTags: abi.split('.'),
    platformTags: plat.split('.'),
  };
}

/** "manylinux_2_28_x86_64" -> "linux_x86_64"; "macosx_11_0_arm64" -> "macosx_arm64"; "win_amd64" stays. */
export function platformFamily(tag: string): string {
  const linux = /^(?:many|musl)?linux(?:1|2010|2014|_\d+_\d+)?_(.+)$/.exec(tag);
  if (linux) return `${tag.startsWith('musllinux') ? 'musllinux' : 'linux'}_${linux[1]}`;
  const mac = /^macosx_\d+_\d+_(.+)$/.exec(tag);
  if (mac) return `macosx_${mac[1]}`;
  return tag;
}

/**
 * What a wheel's platform tags say about torch's C++ ABI: manylinux_2_28 and
 * newer wheels are built with the CXX11 ABI, manylinux1/2010/2014 (glibc 2.17) ones are not,
 * and a bare linux_x86_64 says nothing.
 */
export function abiFromPlatforms(tags: readonly string[]): 'cxx11' | 'pre-cxx11' | null {
  let verdict: 'cxx11' | 'pre-cxx11' | null = null;
  for (const tag of tags) {
    const m = /^manylinux_(\d+)_(\d+)_/.exec(tag);
    if (m && (Number(m[1]) > 2 || Number(m[2]) >= 28)) return 'cxx11';
    if (m || /^manylinux(1|2010|2014)_/.test(tag)) verdict = 'pre-cxx11';
  }
  return verdict;
}

/**
 * CPython versions a wheel installs on: "3.12", "3.13t" (free-threaded ABI), ">=3.9" (abi3),
 * none for pure-Python or other interpreters.
 */
export function wheelPythons(w: Pick<WheelName, 'pythonTags' | 'abiTags'>): string[] {
  const out = new Set<string>();
  for (const py of w.pythonTags) {
    const m = /^cp(\d)(\d+)$/.exec(py);
    if (!m) continue;
    const version = `${m[1]}.${m[2]}`;
    for (const abi of w.abiTags) {
      if (abi === 'abi3') out.add(`>=${version}`);
      else if (/^cp\d+t$/.test(abi)) out.add(`${version}t`);
      else if (/^cp\d+m?$/.test(abi) || abi === 'none') out.add(version);
    }
  }
  return [...out];
}

/** Sorts "3.9" < "3.10" < "3.13" < "3.13t". */
export function comparePython(a: string, b: string): number {
  const pa = /^(\d+)\.(\d+)(t?)$/.exec(a);
  const pb = /^(\d+)\.(\d+)(t?)$/.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]) || (pa[3] ? 1 : 0) - (pb[3] ? 1 : 0);
}
