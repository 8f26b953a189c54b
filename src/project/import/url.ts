import { BACKEND_SOURCE } from '../../lib/py.js';

/** Direct references: VCS URLs, archive URLs, wheel and sdist file names. */

export interface GitRef {
  /** The repository URL without `git+`, `@ref` or fragment. */
  url: string;
  rev?: string;
  subdirectory?: string;
  /** `#egg=name`. */
  egg?: string;
}

/** `key=value&...` after `#`. */
function fragmentOf(url: string): { base: string; params: Map<string, string> } {
  const hash = url.indexOf('#');
  const params = new Map<string, string>();
  if (hash < 0) return { base: url, params };
  for (const part of url.slice(hash + 1).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return { base: url.slice(0, hash), params };
}

/** The package name in `#egg=name` (legacy `name-1.0` forms lose the version). */
export function eggName(url: string): string | undefined {
  const egg = fragmentOf(url).params.get('egg');
  if (!egg) return undefined;
  return egg.replace(/-\d.*$/, '') || undefined;
}

/** Parses `git+https://host/org/repo.git@ref#egg=x&subdirectory=y`; null when not a usable git URL. */
export function parseGitUrl(text: string): GitRef | null {
  if (!/^git\+/i.test(text)) return null;
  const { base, params } = fragmentOf(text.slice(4));
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(base);
  if (!scheme) return null;
  const afterScheme = base.slice(scheme[0].length);
  const slash = afterScheme.indexOf('/');
  if (slash <= 0 && scheme[1]!.toLowerCase() !== 'file') return null;
  const host = slash < 0 ? afterScheme : afterScheme.slice(0, slash);
  const path = slash < 0 ? '' : afterScheme.slice(slash);
  const at = path.lastIndexOf('@');
  const repoPath = at >= 0 ? path.slice(0, at) : path;
  const rev = at >= 0 ? path.slice(at + 1) : undefined;
  if (repoPath.replace(/\/+$/, '') === '' || /\s/.test(base)) return null;
  const out: GitRef = { url: `${scheme[0]}${host}${repoPath}` };
  if (rev) out.rev = rev;
  const sub = params.get('subdirectory');
  if (sub) out.subdirectory = sub;
  const egg = eggName(text);
  if (egg) out.egg = egg;
  return out;
}

/** `CLIP` from `https://github.com/openai/CLIP.git`. */
export function repoBasename(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1).replace(/^.*:/, '');
  return last.replace(/\.git$/i, '');
}

export interface ArchiveName {
  kind: 'wheel' | 'sdist';
  name: string;
  version?: string;
  /** Wheel tags: python (cp311, py3), abi, platform (linux_x86_64, win_amd64, any). */
  python?: string;
  abi?: string;
  platform?: string;
}

const SDIST = /\.(tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$/i;

export function isArchive(path: string): boolean {
  const name = path.replace(/[?#].*$/, '');
  return /\.whl$/i.test(name) || SDIST.test(name);
}

/** Name, version and tags from a wheel or sdist file name; null when the name says nothing. */
export function archiveName(pathOrUrl: string): ArchiveName | null {
  const clean = pathOrUrl.replace(/[?#].*$/, '');
  let file = clean.slice(clean.lastIndexOf('/') + 1);
  try {
    file = decodeURIComponent(file);
  } catch {
    // keep it as written
  }
  if (/\.whl$/i.test(file)) {
    const parts = file.slice(0, -4).split('-');
    if (parts.length < 5) return null;
    const [name, version] = parts;
    const [python, abi, platform] = parts.slice(-3);
    return { kind: 'wheel', name: name!, version, python, abi, platform };
  }
  const m = SDIST.exec(file);
  if (!m) return null;
  const stem = file.slice(0, -m[0].length);
  const split = /^(.+?)-(\d[^-]*)$/.exec(stem);
  if (!split) return null;
  return { kind: 'sdist', name: split[1]!, version: split[2]! };
}

/** What a wheel's platform tag means for a Linux container ("" when it installs there). */
export function wheelPlatformNote(platform: string | undefined): string {
  if (!platform || platform === 'any' || /linux/.test(platform)) return '';
  if (/^win/.test(platform)) return `this wheel is for Windows (${platform}); it does not install in the Linux container`;
  if (/^macosx/.test(platform)) return `this wheel is for macOS (${platform}); it does not install in the Linux container`;
  return `wheel platform ${platform} is not Linux`;
}

/**
 * The CUDA variant (and torch version) an index / find-links URL is built for: PyTorch's
 * `/whl/cu128`, `/whl/nightly/rocm6.3`; OpenMMLab's `/mmcv/dist/cu113/torch1.10/`; PyG's
 * `/whl/torch-2.1.0+cu121.html`.
 */
export function indexBackend(url: string): { backend: string; nightly: boolean; torch?: string } | null {
  const u = url.trim();
  const pt = new RegExp(`download\\.pytorch\\.org\\/whl\\/(nightly\\/|test\\/)?(${BACKEND_SOURCE})(\\/|\\/torch.*)?$`, 'i').exec(u);
  if (pt) return { backend: pt[2]!.toLowerCase(), nightly: !!pt[1] };
  const mm = new RegExp(`\\/(${BACKEND_SOURCE})\\/torch(\\d+(?:\\.\\d+)*)(\\/|$)`, 'i').exec(u);
  if (mm) return { backend: mm[1]!.toLowerCase(), nightly: false, torch: mm[2]! };
  const pyg = new RegExp(`\\/torch-(\\d+(?:\\.\\d+)*)\\+(${BACKEND_SOURCE})(\\.html)?\\/?$`, 'i').exec(u);
  if (pyg) return { backend: pyg[2]!.toLowerCase(), nightly: false, torch: pyg[1]! };
  return null;
}

/** CUDA version in `cu118` / `cu12` (11.8 / 12). */
export function cudaOfBackend(backend: string): string | undefined {
  const m = /^cu(\d{2})(\d?)$/.exec(backend);
  if (!m) return undefined;
  return m[2] ? `${Number(m[1])}.${m[2]}` : String(Number(m[1]));
}
