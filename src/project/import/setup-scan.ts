import { lineColumnAt } from '../../lib/errors.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { normalize } from './pep508.js';
import { blankComments, PyReader, type PyValue } from './py-literals.js';
import { parseSpec } from './spec.js';
import { emptyResult, type Group, type ImportOrigin, type ImportResult } from './types.js';

export interface SetupFile {
  file: string;
  text: string;
}

function addStrings(out: ImportResult, file: string, items: { value: string; line: number }[], group: Group): void {
  for (const item of items) {
    const origin: ImportOrigin = { file, line: item.line };
    const spec = parseSpec(item.value);
    if (!spec.ok) leftOut(out, origin, item.value, spec.reason);
    else if (spec.name === null) leftOut(out, origin, item.value, 'no package name');
    else addSpec(out, { ...spec, name: spec.name }, { origin, text: item.value, group });
  }
}

function withLines(text: string, items: { value: string; offset: number }[]): { value: string; line: number }[] {
  return items.map((i) => ({ value: i.value, line: lineColumnAt(text, i.offset).line }));
}

const TORCH_BUILD: { re: RegExp; why: string }[] = [
  { re: /^\s*(import\s+torch\b|from\s+torch(\.[\w.]+)?\s+import\b)/m, why: 'imports torch' },
  { re: /\b(CUDAExtension|CppExtension|BuildExtension|torch\.utils\.cpp_extension)\b/, why: 'builds torch C++/CUDA extensions' },
];

/** A string keyword argument of setup() (`name="SAM-2"`, `name=NAME` with `NAME = "SAM-2"`, `name=open("NAME").read().strip()`). */
export function stringArgument(code: string, keyword: string, py: PyReader = new PyReader(code)): string | null {
  // setup()'s own keyword first: a helper's `name=` before it (`make_cuda_ext(name='deform_conv_ext')`,
  // `CUDAExtension(name=...)` inside it) names an extension, not the package.
  const own = setupKeywordAt(code, keyword);
  if (own !== null) {
    const v = py.parse(own);
    if (v?.value.kind === 'str' && v.value.value.trim() && !/\n/.test(v.value.value)) return v.value.value.trim();
  }
  for (const m of code.matchAll(new RegExp(`\\b${keyword}\\s*=(?!=)\\s*`, 'g'))) {
    const v = py.parse(m.index + m[0].length);
    if (v?.value.kind === 'str' && v.value.value.trim() && !/\n/.test(v.value.value)) return v.value.value.trim();
  }
  return null;
}

/**
 * Where the value of `keyword=` given directly to the last `setup(...)` call starts (depth 1 of
 * its parentheses, strings and comments skipped), or null.
 */
function setupKeywordAt(code: string, keyword: string): number | null {
  const calls = [...code.matchAll(/(?<![\w.])(?:setuptools\.)?setup\s*\(/g)].filter((m) => !/def\s+$/.test(code.slice(Math.max(0, m.index - 8), m.index)));
  const call = calls.at(-1);
  if (!call) return null;
  let depth = 1;
  for (let i = call.index + call[0].length; i < code.length && depth > 0; i++) {
    const c = code[i]!;
    if (c === '#') {
      const nl = code.indexOf('\n', i);
      i = nl < 0 ? code.length : nl;
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < code.length && !code.startsWith(quote, j)) j += code[j] === '\\' ? 2 : 1;
      i = j + quote.length - 1;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 1 && /[\w]/.test(c) && !/[\w.]/.test(code[i - 1] ?? '')) {
      const m = new RegExp(`^${keyword}\\s*=(?!=)\\s*`).exec(code.slice(i));
      if (m) return i + m[0].length;
    }
  }
  return null;
}

const VERSION = /^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$/i;
const VERSION_FILE = /(^|\/)(version(\.txt)?|_?_?version_?_?\.py|__about__\.py|__init__\.py)$/i;

/**
 * A computed version (`version=get_version()`) whose literal is in a file setup.py names
 * (`open("VERSION")`, `version_file = "pkg/version.py"`), imports (`from pkg.version import
 * __version__`) or the package folder holds: the first one found, with where it is.
 */
function reachableVersion(code: string, name: string | null, read: (path: string) => string | null): { version: string; file: string } | null {
  const candidates: string[] = [];
  for (const m of code.matchAll(/["']([\w./-]+)["']/g)) if (VERSION_FILE.test(m[1]!)) candidates.push(m[1]!);
  for (const m of code.matchAll(/os\.path\.join\(([^)]*)\)/g)) {
    const parts = [...m[1]!.matchAll(/["']([\w.-]+)["']/g)].map((p) => p[1]!);
    if (parts.length > 1 && VERSION_FILE.test(parts.join('/'))) candidates.push(parts.join('/'));
  }
  for (const m of code.matchAll(/^\s*from\s+([\w.]+)\s+import\s+[^\n]*__version__/gm)) {
    const path = m[1]!.replace(/\./g, '/');
    candidates.push(`${path}.py`, `${path}/__init__.py`, `src/${path}.py`, `src/${path}/__init__.py`);
  }
  if (name) {
    const pkg = name.replace(/-/g, '_');
    for (const dir of [pkg, `src/${pkg}`])
      for (const f of ['version.py', '_version.py', '__version__.py', '__about__.py', '__init__.py']) candidates.push(`${dir}/${f}`);
  }
  for (const file of [...new Set(candidates.map((c) => c.replace(/^\.\//, '')))]) {
    const text = read(file);
    if (text === null) continue;
    const whole = text.trim();
    if (VERSION.test(whole)) return { version: whole, file };
    const assigned = /^(?:__version__|version|VERSION|__VERSION__)\s*(?::\s*str\s*)?=\s*["']([^"'\n]+)["']/m.exec(text)?.[1];
    if (assigned && VERSION.test(assigned)) return { version: assigned, file };
  }
  return null;
}

/** install_requires= / extras_require=: the first occurrence whose value can be read as text. */
function keywordValue(py: PyReader, keyword: string): { at: number; value: PyValue | null; name: string | null } | null {
  let first: { at: number; value: PyValue | null; name: string | null } | null = null;
  for (const m of py.code.matchAll(new RegExp(`\\b${keyword}\\s*=(?!=)\\s*`, 'g'))) {
    const name = /^([A-Za-z_]\w*)\s*[,)\n]/.exec(py.code.slice(m.index + m[0].length))?.[1] ?? null;
    const v = py.parse(m.index + m[0].length);
    const hit = { at: m.index, value: v?.value ?? null, name };
    if (v) return hit;
    first ??= hit;
  }
  return first;
}

export interface SetupScanOptions {
  /** Reads a file next to setup.py (a VERSION file it opens); null when absent. */
  read?: (path: string) => string | null;
}

function scanSetupPy(out: ImportResult, { file, text }: SetupFile, opts: SetupScanOptions): void {
  // Comments blanked in place: every offset, so every line, stays the file's own.
  const code = blankComments(text);
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const read = (path: string) => opts.read?.(`${dir}${path}`) ?? null;
  const py = new PyReader(code, read);
  const line = (offset: number) => lineColumnAt(code, offset).line;
  const whys: string[] = [];
  for (const { re, why } of TORCH_BUILD) {
    const m = re.exec(code);
    if (!m) continue;
    const origin = { file, line: line(m.index + (m[0].length - m[0].trimStart().length)) };
    whys.push(why);
    record(out, origin, m[0], 'hint', `torch needed to build the project: setup.py ${why}`, 'danlu reads setup.py as text and never runs it');
  }
  if (whys.length) {
    const first = out.report.filter((e) => e.origin.file === file && e.kind === 'hint')[0]!;
    out.buildTimeTorch.push({ origin: first.origin, why: `setup.py ${whys.join(' and ')}` });
  }
  const setupReq = /\bsetup_requires\s*=\s*\[[^\]]*['"]torch\b/.exec(code);
  if (setupReq && !whys.length) out.buildTimeTorch.push({ origin: { file, line: line(setupReq.index) }, why: 'setup.py setup_requires torch' });
  for (const m of code.matchAll(/['"]([\w./-]*requirements[\w.-]*\.txt)['"]/g)) {
    record(out, { file, line: line(m.index) }, m[0], 'hint', `setup.py reads ${m[1]}`, 'that file is imported directly');
  }
  readMetadata(out, file, code, py, read);
  const inst = keywordValue(py, 'install_requires');
  if (inst) {
    const origin = { file, line: line(inst.at) };
    if (inst.value?.kind === 'list') addStrings(out, file, withLines(code, inst.value.items), 'main');
    else {
      warn(out, 'setup-py-computed', `${file}: install_requires is computed; danlu does not run setup.py, so its dependencies are not read`, origin);
      record(
        out,
        origin,
        code.slice(inst.at, code.indexOf('\n', inst.at)),
        'hint',
        'install_requires computed by code: not read',
        "danlu never runs the project's code",
      );
    }
    if (inst.name && py.mutated(inst.name))
      warn(out, 'setup-py-computed', `${file}: ${inst.name} is changed by code after it is written; only its literal part is read`, origin);
  }
  const extras = keywordValue(py, 'extras_require');
  if (extras) {
    const origin = { file, line: line(extras.at) };
    if (extras.value?.kind === 'dict') for (const d of extras.value.entries) addStrings(out, file, withLines(code, d.items), normalize(d.key));
    else {
      warn(out, 'setup-py-computed', `${file}: extras_require is computed; not read`, origin);
      record(out, origin, code.slice(extras.at, code.indexOf('\n', extras.at)), 'hint', 'extras_require computed by code: not read');
    }
    if (extras.name && py.mutated(extras.name))
      warn(out, 'setup-py-computed', `${file}: ${extras.name} is changed by code after it is written; only its literal part is read`, origin);
  }
}

/** setup(name=..., version=...): literals, names bound to literals, or a version literal in a file setup.py reaches. */
function readMetadata(out: ImportResult, file: string, code: string, py: PyReader, read: (path: string) => string | null): void {
  const name = stringArgument(code, 'name', py);
  let version = stringArgument(code, 'version', py);
  const versionAt = /\bversion\s*=(?!=)/.exec(code);
  const origin = { file, line: versionAt ? lineColumnAt(code, versionAt.index).line : 1 };
  if (version && !VERSION.test(version)) version = null;
  if (!version && versionAt) {
    const found = reachableVersion(code, name, read);
    const text = code.slice(versionAt.index, code.indexOf('\n', versionAt.index)).trim();
    if (found) {
      version = found.version;
      record(
        out,
        origin,
        text,
        'hint',
        `version ${found.version}, from ${file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''}${found.file}`,
        'setup.py computes it; the literal it reads is used',
      );
    } else {
      record(out, origin, text, 'hint', 'version computed by setup.py: not read', 'no literal version in a file setup.py names; the build computes it');
    }
  }
  if (!name && !version && !versionAt) return;
  out.packageMetadata = { ...(name ? { name } : {}), ...(version ? { version } : {}), ...(versionAt && !version ? { computed: ['version'] } : {}) };
}

/** setup.cfg: [options] install_requires / setup_requires / python_requires and [options.extras_require]. */
function scanSetupCfg(out: ImportResult, { file, text }: SetupFile): void {
  const lines = text.split(/\r\n|\n|\r/);
  let section = '';
  let key: { name: string; line: number } | null = null;
  const values = new Map<string, { section: string; items: { value: string; line: number }[]; line: number }>();
  lines.forEach((raw, i) => {
    const header = /^\s*\[([^\]]+)\]/.exec(raw);
    if (header) {
      section = header[1]!.trim();
      key = null;
      return;
    }
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') return;
    const kv = /^(\S[^=:]*?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv && !/^\s/.test(raw)) {
      key = { name: kv[1]!.trim(), line: i + 1 };
      values.set(`${section}\0${key.name}`, { section, items: kv[2]!.trim() ? [{ value: kv[2]!.trim(), line: i + 1 }] : [], line: i + 1 });
    } else if (key && /^\s/.test(raw)) values.get(`${section}\0${key.name}`)!.items.push({ value: raw.trim(), line: i + 1 });
  });
  for (const [k, v] of values) {
    const name = k.split('\0')[1]!;
    const entries = v.items
      .flatMap((it) => (v.items.length === 1 ? it.value.split(/,\s*(?=[A-Za-z])/) : [it.value]).map((value) => ({ value: value.trim(), line: it.line })))
      .filter((e) => e.value);
    if (v.section === 'options' && name === 'python_requires' && entries[0]) {
      out.pythonHints.push({ specifier: entries[0].value.replace(/\s+/g, ''), origin: { file, line: v.line }, text: lines[v.line - 1]!.trim() });
      record(out, { file, line: v.line }, lines[v.line - 1]!, 'hint', `Python hint ${entries[0].value}`);
    } else if (v.section === 'options' && (name === 'install_requires' || name === 'setup_requires')) {
      for (const e of entries) {
        const origin = { file, line: e.line };
        if (name === 'setup_requires') {
          if (/^torch\b/i.test(e.value)) out.buildTimeTorch.push({ origin, why: `setup.cfg setup_requires ${e.value}` });
          ignored(out, origin, e.value, 'build requirement');
        } else addStrings(out, file, [e], 'main');
      }
    } else if (v.section === 'options.extras_require') {
      addStrings(out, file, entries, normalize(name));
    }
  }
  // [metadata] name and version (setup.py's own arguments win: they override setup.cfg).
  const meta = (k: string) => values.get(`metadata\0${k}`)?.items[0]?.value ?? null;
  const name = meta('name');
  const rawVersion = meta('version');
  const version = rawVersion && VERSION.test(rawVersion) ? rawVersion : null;
  if (name || version || rawVersion) {
    const have = out.packageMetadata ?? {};
    out.packageMetadata = {
      ...have,
      ...(have.name === undefined && name && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) ? { name } : {}),
      ...(have.version === undefined && version ? { version } : {}),
      ...(have.version === undefined && !version && rawVersion && !have.computed ? { computed: ['version'] } : {}),
    };
  }
}

/**
 * Reads setup.py and setup.cfg as text, never running them: torch needed at build time
 * (`import torch`, torch.utils.cpp_extension, CUDAExtension, setup_requires torch), literal
 * install_requires / extras_require lists, and files they read. Never throws.
 */
export function scanSetupFiles(setupPy?: SetupFile | null, setupCfg?: SetupFile | null, opts: SetupScanOptions = {}): ImportResult {
  const out = emptyResult();
  if (setupPy) scanSetupPy(out, setupPy, opts);
  if (setupCfg) scanSetupCfg(out, setupCfg);
  return out;
}
