import { readYamlDoc } from './yaml-doc.js';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { DanluError } from '../../lib/errors.js';
import { condaKey, mapCondaName, WINDOWS_ONLY } from './conda-map.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { normalize, normalizeSpecifier, type Outcome } from './pep508.js';
import { parseRequirementLine } from './requirements.js';
import { emptyResult, type Group, type ImportOrigin, type ImportResult, type ReadInclude } from './types.js';

export interface CondaSpec {
  channel?: string;
  name: string;
  /** PEP 440 specifier ("" when unpinned). */
  specifier: string;
  build?: string;
  notes: string[];
}

function versionToPep440(version: string, fuzzy: boolean): string {
  if (/^[<>=!~]/.test(version)) return version;
  if (version.endsWith('*')) return `==${version.replace(/\.?\*$/, '')}.*`;
  if (fuzzy && version.split('.').length < 3) return `==${version}.*`;
  return `==${version}`;
}

/**
 * A conda match spec (`name`, `name=1.2`, `name==1.2.3`, `name>=1,<2`, `name 1.2 build`,
 * `name=1.2.3=build_string`, `channel::name`) as a PEP 440 specifier; never throws.
 */
export function parseCondaSpec(input: string): Outcome<CondaSpec> {
  const text = input.trim();
  const m = /^(?:([^\s:]+)::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)(.*)$/.exec(text);
  if (!m) return { ok: false, reason: 'not a conda package spec' };
  // `pytorch...` or `pytorch…` in prose: an elided example, not a package name.
  if (/(\.\.\.|…)$/.test(m[2]!) || m[3]!.startsWith('…')) return { ok: false, reason: `"${text}" is an elided example ("..."), not a package` };
  if (/[._-]$/.test(m[2]!)) return { ok: false, reason: `"${m[2]}" is not a valid package name (it must end with a letter or digit)` };
  const notes: string[] = [];
  // MatchSpec allows spaces around operators (`python >= 3.8`, `numpy >=1.20, <2`).
  const rest = m[3]!.replace(/([<>=!~]=?|==)\s+(?=[\d*])/g, '$1').replace(/\s*,\s*/g, ',');
  let version = '';
  let build: string | undefined;
  let fuzzy = false;
  if (rest.trim() === '') version = '';
  else if (/^\s/.test(rest)) [version = '', build] = rest.trim().split(/\s+/);
  else if (rest.startsWith('==')) [version = '', build] = rest.slice(2).split('=');
  else if (rest.startsWith('=')) {
    [version = '', build] = rest.slice(1).split('=');
    fuzzy = true;
  } else if (/^[<>!~]/.test(rest)) [version = '', build] = rest.split(/\s+/);
  else return { ok: false, reason: `"${rest}" is not a conda version` };
  if (version.includes('|')) return { ok: false, reason: `"${version}": conda "or" versions have no PEP 440 form` };
  const pep =
    version === ''
      ? ''
      : version
          .split(',')
          .map((v) => versionToPep440(v.trim(), fuzzy))
          .join(',');
  const spec = normalizeSpecifier(pep);
  if (!spec.ok) return { ok: false, reason: `version "${version}": ${spec.reason}` };
  if (build) notes.push(`build string ${build} dropped`);
  if (spec.localVersion) notes.push(`local version +${spec.localVersion} dropped`);
  const out: CondaSpec = { name: m[2]!, specifier: spec.specifier, notes };
  if (m[1]) out.channel = m[1];
  if (build) out.build = build;
  return { ok: true, ...out };
}

/** The first version in a specifier ("==11.8.*" -> "11.8"). */
function versionOf(specifier: string): string | undefined {
  return /(\d+(?:\.\d+)*)/.exec(specifier)?.[1];
}

/** Imports one conda package (from an environment file or a `conda install` line). */
export function importCondaPackage(out: ImportResult, specText: string, origin: ImportOrigin, text: string, group: Group): void {
  const spec = parseCondaSpec(specText);
  if (!spec.ok) return leftOut(out, origin, text, spec.reason);
  const { action, known } = mapCondaName(spec.name, spec.build);
  const version = versionOf(spec.specifier);
  switch (action.kind) {
    case 'pypi': {
      const name = normalize(action.pypi);
      const notes = [...spec.notes];
      if (name !== normalize(spec.name)) notes.push(`conda ${spec.name} is ${name} on PyPI`);
      if (action.note) notes.push(action.note);
      addSpec(out, { name, nameGuessed: false, extras: [], specifier: spec.specifier, marker: null, notes: [] }, { origin, text, group, notes });
      return;
    }
    case 'cuda': {
      if (!version) return void record(out, origin, text, 'hint', 'CUDA toolkit without a version: the image provides it');
      const [major, minor] = version.split('.');
      const selects = /^(pytorch-cuda|cudatoolkit)$/.test(spec.name.toLowerCase()) && minor !== undefined;
      const backend = selects ? `cu${major}${minor}` : undefined;
      out.cudaHints.push({
        cuda: minor === undefined ? major! : `${major}.${minor}`,
        ...(backend ? { backend } : {}),
        origin: { ...origin },
        text: text.trim(),
      });
      return void record(
        out,
        origin,
        text,
        'hint',
        `CUDA hint ${version}${backend ? ` (PyTorch ${backend} build)` : ''}`,
        'the image provides the CUDA toolkit; PyTorch wheels bring their own runtime',
      );
    }
    case 'backend':
      out.cudaHints.push({ backend: action.backend, origin: { ...origin }, text: text.trim() });
      return void record(out, origin, text, 'hint', `PyTorch ${action.backend} build`);
    case 'python':
      if (!version) return ignored(out, origin, text, 'python without a version');
      out.pythonHints.push(
        spec.specifier.startsWith('==')
          ? { version, origin: { ...origin }, text: text.trim() }
          : { specifier: spec.specifier, origin: { ...origin }, text: text.trim() },
      );
      return void record(out, origin, text, 'hint', `Python hint ${version}`, 'uv installs the interpreter (.python-version)');
    case 'ignore':
      return ignored(out, origin, text, action.reason);
    case 'conda-only': {
      const equivalent = { ...(action.apt ? { apt: action.apt } : {}), ...(action.pypi ? { pypi: action.pypi } : {}) };
      out.condaOnly.push({ name: spec.name, origin: { ...origin }, ...(action.apt || action.pypi ? { equivalent } : {}), note: action.reason });
      const instead = [action.apt ? `apt ${action.apt}` : '', action.pypi ? `PyPI ${action.pypi}` : ''].filter(Boolean).join(', ');
      if (!known) warn(out, 'conda-unknown', `conda package ${spec.name} is left out: ${action.reason}`, origin, condaKey(spec.name));
      return leftOut(out, origin, text, `conda-only: ${action.reason}${instead ? ` (instead: ${instead})` : ''}`);
    }
  }
}

/** A conda channel: a CUDA label is a hint; the rest only says where conda looked. */
export function importCondaChannel(out: ImportResult, channel: string, origin: ImportOrigin, text: string): void {
  const label = /nvidia\/label\/cuda-(\d+)\.(\d+)(?:\.\d+)?/.exec(channel);
  if (label) {
    out.cudaHints.push({ cuda: `${label[1]}.${label[2]}`, origin: { ...origin }, text: text.trim() });
    return void record(out, origin, text, 'hint', `CUDA hint ${label[1]}.${label[2]} (conda channel label)`);
  }
  if (/nightly/.test(channel)) warn(out, 'nightly-channel', `conda channel ${channel} serves nightly builds`, origin);
  ignored(out, origin, text, 'conda channel; a uv project installs from PyPI and the PyTorch wheel index');
}

/**
 * An environment `conda env export` wrote on Windows: it names Windows-only packages (vc, ucrt,
 * m2w64-*, pywin32...) or a Windows prefix. Its pins are Windows builds.
 */
export function isWindowsExport(text: string): boolean {
  if (/^prefix:\s*['"]?[A-Za-z]:[\\/]/m.test(text)) return true;
  for (const m of text.matchAll(/^\s*-\s*(?:[^\s:]+::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)/gm)) if (WINDOWS_ONLY.test(condaKey(m[1]!))) return true;
  return false;
}

/**
 * Parses a conda environment file: channels, dependencies (mapped to PyPI names, CUDA and
 * Python hints, or reported as conda-only), the `pip:` section (requirement lines, `-r`
 * relative to the environment file) and `variables:`. Invalid YAML stops with a DanluError
 * at file:line:column.
 */
export function parseCondaEnv(text: string, file: string, readInclude: ReadInclude = () => null, opts: { group?: Group } = {}): ImportResult {
  const out = emptyResult();
  const group = opts.group ?? 'main';
  const { doc, lineOf } = readYamlDoc(text, file);
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    warn(out, 'empty-file', `${file} is empty`, { file, line: 1 });
    return out;
  }
  if (!isMap(contents)) {
    throw new DanluError('expected a conda environment (a mapping with "dependencies:")', { location: { file, line: lineOf(contents), column: 1 } });
  }
  const lines = text.split(/\r\n|\n|\r/);
  const textAt = (node: Node | null | undefined) => (lines[lineOf(node) - 1] ?? '').trim().replace(/^-\s*/, '');
  const ctx = { file, readInclude, group, constraint: false, visited: new Set([file]), stack: [file] };
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const keyNode = pair.key as Node;
    const value = pair.value as Node | null;
    const origin = { file, line: lineOf(keyNode) };
    if (key === 'name' || key === 'prefix') {
      ignored(out, origin, textAt(keyNode), key === 'name' ? 'conda environment name' : 'conda environment location');
    } else if (key === 'channels' && isSeq(value)) {
      for (const item of value.items as Node[]) {
        const o = { file, line: lineOf(item) };
        if (isScalar(item) && typeof item.value === 'string') importCondaChannel(out, item.value, o, textAt(item));
        else leftOut(out, o, textAt(item), 'a channel must be a name');
      }
    } else if (key === 'dependencies' && isSeq(value)) {
      for (const item of value.items as Node[]) {
        const o = { file, line: lineOf(item) };
        if (isScalar(item) && (typeof item.value === 'string' || typeof item.value === 'number')) {
          importCondaPackage(out, String(item.value), o, textAt(item), group);
        } else if (isMap(item) && item.items.length === 1 && isScalar(item.items[0]!.key) && item.items[0]!.key.value === 'pip') {
          const pip = item.items[0]!.value as Node | null;
          if (!isSeq(pip)) {
            ignored(out, o, textAt(item), 'empty pip: section');
            continue;
          }
          for (const p of pip.items as Node[]) {
            const po = { file, line: lineOf(p) };
            if (isScalar(p) && (typeof p.value === 'string' || typeof p.value === 'number')) parseRequirementLine(ctx, out, po, String(p.value));
            else leftOut(out, po, textAt(p), 'a pip: entry must be a requirement line');
          }
        } else leftOut(out, o, textAt(item), 'not a conda package spec or a pip: section');
      }
    } else if (key === 'variables' && isMap(value)) {
      for (const v of value.items) {
        const o = { file, line: lineOf(v.key as Node) };
        const name = isScalar(v.key) ? String(v.key.value) : '';
        const val = isScalar(v.value) ? String(v.value.value) : '';
        out.buildEnv.push({ name, value: val, origin: o });
        record(out, o, textAt(v.key as Node), 'hint', `environment variable ${name}`);
      }
    } else {
      leftOut(out, origin, textAt(keyNode), `"${key}" is not a conda environment key danlu reads`);
    }
  }
  if (isWindowsExport(text))
    warn(out, 'windows-export', `${file} was exported on Windows: its Windows-only packages are left out, and its pins are those of Windows builds`, {
      file,
      line: 1,
    });
  return out;
}
