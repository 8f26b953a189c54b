import { distributionOfRepository } from '../../catalog/data/repositories.js';
import { checkMarker } from './marker.js';
import { isValidName, normalize, parsePep508, type Outcome } from './pep508.js';
import type { RequirementSource } from './types.js';
import { archiveName, eggName, isArchive, parseGitUrl, repoBasename, wheelPlatformNote } from './url.js';

/** What one requirement-like word of pip (a name, a URL, a path) stands for. */
export interface Spec {
  /** Normalized name; null for a folder whose name cannot be known without building it (`.`). */
  name: string | null;
  nameGuessed: boolean;
  extras: string[];
  specifier: string;
  localVersion?: string;
  marker: string | null;
  source?: RequirementSource;
  /** Wheel tags of a wheel file / URL. */
  wheel?: { python?: string; platform?: string };
  notes: string[];
}

const VCS = /^(git|hg|svn|bzr)\+/i;
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const NAMED_URL = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/;

function splitExtras(text: string): { base: string; extras: string[] } | null {
  const m = /^(.*?)\[([^\]]*)\]$/.exec(text);
  if (!m) return { base: text, extras: [] };
  const extras = m[2]!
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (!extras.every(isValidName)) return null;
  return { base: m[1]!, extras: [...new Set(extras.map(normalize))].sort() };
}

function splitMarker(text: string): Outcome<{ body: string; marker: string | null; notes: string[] }> {
  const semi = /\s;|;\s/.exec(text);
  if (!semi) return { ok: true, body: text.trim(), marker: null, notes: [] };
  const at = semi.index + semi[0].indexOf(';');
  const checked = checkMarker(text.slice(at + 1));
  if (!checked.ok) return { ok: false, reason: `invalid environment marker "${text.slice(at + 1).trim()}"` };
  return { ok: true, body: text.slice(0, at).trim(), marker: checked.marker, notes: checked.notes };
}

/** A direct URL (with or without `name @`) to a source. */
function fromUrl(url: string, givenName: string | null, editable: boolean): Outcome<Omit<Spec, 'extras' | 'marker'>> {
  const notes: string[] = [];
  if (VCS.test(url)) {
    if (!/^git\+/i.test(url)) return { ok: false, reason: `${url.split('+')[0]} repositories are not supported by uv (git only)` };
    const git = parseGitUrl(url);
    if (!git) return { ok: false, reason: `"${url}" is not a git URL pip or uv can use (write git+https:// or git+ssh://)` };
    const name = givenName ?? (git.egg ? normalize(git.egg) : null);
    const source: RequirementSource = { kind: 'git', url: git.url };
    if (git.rev) source.rev = git.rev;
    if (git.subdirectory) source.subdirectory = git.subdirectory;
    if (editable) notes.push('editable git install: uv installs it as a regular git dependency');
    if (name) return { ok: true, name, nameGuessed: false, specifier: '', source, notes };
    // A repository whose distribution has another name (Dao-AILab/flash-attention is flash-attn).
    const known = distributionOfRepository(git.url, git.subdirectory ?? '');
    if (known) {
      notes.push(`${repoBasename(git.url)} installs the distribution ${known} (its own metadata names it)`);
      return { ok: true, name: known, nameGuessed: false, specifier: '', source, notes };
    }
    // A subdirectory's folder (`bindings/torch`, `python`) names a place in the repository, not the package.
    const guess = normalize(repoBasename(git.url));
    if (!isValidName(guess)) return { ok: false, reason: 'git URL without a package name (add #egg=NAME or write NAME @ git+...)' };
    notes.push(
      git.subdirectory
        ? `name "${guess}" taken from the repository URL, not from its subdirectory ${git.subdirectory} (write NAME @ git+... if the package is named otherwise)`
        : `name "${guess}" taken from the repository URL (not written in the input)`,
    );
    return { ok: true, name: guess, nameGuessed: true, specifier: '', source, notes };
  }
  if (/^file:/i.test(url)) {
    const path = url.replace(/^file:(\/\/)?/i, '');
    return fromPath(path, givenName, editable);
  }
  const clean = url.replace(/#.*$/, '');
  const archive = archiveName(clean);
  const name = givenName ?? (eggName(url) ? normalize(eggName(url)!) : archive ? normalize(archive.name) : null);
  if (!name || !isValidName(name)) return { ok: false, reason: 'URL without a package name (write NAME @ URL)' };
  const out: Omit<Spec, 'extras' | 'marker'> = { name, nameGuessed: false, specifier: '', source: { kind: 'url', url: clean }, notes };
  if (archive?.kind === 'wheel') {
    out.wheel = { python: archive.python, platform: archive.platform };
    const note = wheelPlatformNote(archive.platform);
    // A wheel for Windows or macOS never installs in the Linux container: the package comes
    // from PyPI there, and the URL is not written.
    if (note) return { ok: true, name, nameGuessed: false, specifier: '', notes: [...notes, `${note}: ${name} comes from PyPI there, the URL is not written`] };
  }
  if (!isArchive(clean)) notes.push('the URL is not a wheel or source archive');
  return { ok: true, ...out };
}

function fromPath(path: string, givenName: string | null, editable: boolean): Outcome<Omit<Spec, 'extras' | 'marker'>> {
  const clean = path.replace(/\/+$/, '').replace(/^(\.\/)+(?=.)/, '') || (path.startsWith('/') ? '/' : '.');
  const archive = isArchive(clean) ? archiveName(clean) : null;
  const source: RequirementSource = { kind: 'path', path: clean, editable };
  const notes: string[] = [];
  if (archive?.kind === 'wheel') {
    const note = wheelPlatformNote(archive.platform);
    if (note) notes.push(note);
  }
  if (givenName) return { ok: true, name: givenName, nameGuessed: false, specifier: '', source, notes };
  if (archive) return { ok: true, name: normalize(archive.name), nameGuessed: false, specifier: '', source, notes };
  if (clean === '.' || clean === './') return { ok: true, name: null, nameGuessed: false, specifier: '', source, notes };
  const base = normalize(
    clean
      .split(/[\\/]/)
      .filter((p) => p !== '' && p !== '.' && p !== '..')
      .pop() ?? '',
  );
  if (!base || !isValidName(base)) return { ok: true, name: null, nameGuessed: false, specifier: '', source, notes };
  notes.push(`name "${base}" taken from the folder name (the package's own metadata may differ)`);
  return { ok: true, name: base, nameGuessed: true, specifier: '', source, notes };
}

function looksLikePath(text: string): boolean {
  return text.startsWith('.') || text.startsWith('/') || text.startsWith('~') || /[\\/]/.test(text) || isArchive(text);
}

/**
 * Parses one pip requirement (a PEP 508 string, `name @ URL`, a VCS or archive URL, a local
 * path, with `[extras]` and `; marker`); `editable` for `-e`. Never throws.
 */
export function parseSpec(input: string, editable = false): Outcome<Spec> {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty requirement' };
  if (/\$\{?[A-Za-z_]/.test(text)) return { ok: false, reason: 'uses an environment variable, which danlu does not expand' };
  if (NAMED_URL.test(text) && !URL_SCHEME.test(text)) {
    const r = parsePep508(text);
    if (!r.ok) return r;
    const src = fromUrl(r.url!, r.name, editable);
    if (!src.ok) return src;
    return { ...src, extras: r.extras, marker: r.marker, notes: [...r.notes, ...src.notes] };
  }
  if (VCS.test(text) || URL_SCHEME.test(text) || /^file:/i.test(text)) {
    const split = splitMarker(text);
    if (!split.ok) return split;
    // `git+...#egg=name[extra]` is legacy but seen.
    const extrasIn = /^(.*#egg=[^&[]+)\[([^\]]*)\](.*)$/.exec(split.body);
    const body = extrasIn ? extrasIn[1]! + extrasIn[3]! : split.body;
    const extras = extrasIn ? (splitExtras(`x[${extrasIn[2]}]`)?.extras ?? []) : [];
    const src = fromUrl(body, null, editable);
    if (!src.ok) return src;
    return { ...src, extras, marker: split.marker, notes: [...split.notes, ...src.notes] };
  }
  if (looksLikePath(text)) {
    const split = splitMarker(text);
    if (!split.ok) return split;
    const ex = splitExtras(split.body);
    if (!ex) return { ok: false, reason: 'invalid [extras] after a path' };
    const src = fromPath(ex.base, null, editable);
    if (!src.ok) return src;
    return { ...src, extras: ex.extras, marker: split.marker, notes: [...split.notes, ...src.notes] };
  }
  if (editable) return { ok: false, reason: '-e needs a local folder or a VCS URL' };
  const r = parsePep508(text);
  if (!r.ok) return r;
  const out: Spec = { name: r.name, nameGuessed: false, extras: r.extras, specifier: r.specifier, marker: r.marker, notes: r.notes };
  if (r.localVersion !== undefined) out.localVersion = r.localVersion;
  return { ok: true, ...out };
}
