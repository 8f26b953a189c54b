import { lineColumnAt } from '../../lib/errors.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { normalize } from './pep508.js';
import { parseSpec } from './spec.js';
import { emptyResult, type Group, type ImportOrigin, type ImportResult } from './types.js';

export interface SetupFile {
  file: string;
  text: string;
}

/** A Python list literal of plain strings starting at `at` (the `[`); null when anything else is in it. */
function stringList(text: string, at: number): { items: { value: string; offset: number }[]; end: number } | null {
  const items: { value: string; offset: number }[] = [];
  let i = at + 1;
  while (i < text.length) {
    const rest = text.slice(i);
    const skip = /^(\s+|#[^\n]*|,)/.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    if (rest.startsWith(']')) return { items, end: i + 1 };
    const str = /^[rRuU]?("([^"\\\n]|\\.)*"|'([^'\\\n]|\\.)*')/.exec(rest);
    if (!str) return null;
    items.push({ value: str[1]!.slice(1, -1), offset: i });
    i += str[0].length;
  }
  return null;
}

/** `{"key": [...], ...}` of string lists; null when anything else is in it. */
function stringListDict(text: string, at: number): { key: string; items: { value: string; offset: number }[] }[] | null {
  const out: { key: string; items: { value: string; offset: number }[] }[] = [];
  let i = at + 1;
  while (i < text.length) {
    const rest = text.slice(i);
    const skip = /^(\s+|#[^\n]*|,)/.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    if (rest.startsWith('}')) return out;
    const key = /^("([^"\\\n]|\\.)*"|'([^'\\\n]|\\.)*')\s*:\s*/.exec(rest);
    if (!key || !rest.slice(key[0].length).startsWith('[')) return null;
    const list = stringList(text, i + key[0].length);
    if (!list) return null;
    out.push({ key: key[1]!.slice(1, -1), items: list.items });
    i = list.end;
  }
  return null;
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

/**
 * The value of a keyword argument (`install_requires=`) as the text after `=`: a literal, or a
 * module-level name assigned once (`REQUIRED = [...]` at column 0) whose literal is used instead.
 * Returns where the literal starts, or null when it is computed.
 */
function literalAt(code: string, at: number, open: '[' | '{'): number | null {
  if (code[at] === open) return at;
  const name = /^([A-Za-z_]\w*)\s*[,)\n]/.exec(code.slice(at))?.[1];
  if (!name) return null;
  const assignments = [...code.matchAll(new RegExp(`^${name}\\s*=\\s*`, 'gm'))];
  if (assignments.length !== 1) return null;
  const start = assignments[0]!.index + assignments[0]![0].length;
  return code[start] === open ? start : null;
}

/** A string keyword argument of setup() (`name="SAM-2"` or `name=NAME` with `NAME = "SAM-2"`). */
export function stringArgument(code: string, keyword: string): string | null {
  const m = new RegExp(`\\b${keyword}\\s*=\\s*(?:(["'])([^"'\\n]+)\\1|([A-Za-z_]\\w*)\\s*[,)\\n])`).exec(code);
  if (!m) return null;
  if (m[2] !== undefined) return m[2];
  const assignments = [...code.matchAll(new RegExp(`^${m[3]}\\s*=\\s*(["'])([^"'\\n]+)\\1\\s*$`, 'gm'))];
  return assignments.length === 1 ? assignments[0]![2]! : null;
}

function scanSetupPy(out: ImportResult, { file, text }: SetupFile): void {
  const code = text.replace(/^\s*#.*$/gm, (m) => ' '.repeat(m.length));
  const whys: string[] = [];
  for (const { re, why } of TORCH_BUILD) {
    const m = re.exec(code);
    if (!m) continue;
    const origin = { file, line: lineColumnAt(code, m.index + (m[0].length - m[0].trimStart().length)).line };
    whys.push(why);
    record(out, origin, m[0], 'hint', `torch needed to build the project: setup.py ${why}`, 'danlu reads setup.py as text and never runs it');
  }
  if (whys.length) {
    const first = out.report.filter((e) => e.origin.file === file && e.kind === 'hint')[0]!;
    out.buildTimeTorch.push({ origin: first.origin, why: `setup.py ${whys.join(' and ')}` });
  }
  const setupReq = /\bsetup_requires\s*=\s*\[[^\]]*['"]torch\b/.exec(code);
  if (setupReq && !whys.length)
    out.buildTimeTorch.push({ origin: { file, line: lineColumnAt(code, setupReq.index).line }, why: 'setup.py setup_requires torch' });
  for (const m of code.matchAll(/['"]([\w./-]*requirements[\w.-]*\.txt)['"]/g)) {
    const origin = { file, line: lineColumnAt(code, m.index).line };
    record(out, origin, m[0], 'hint', `setup.py reads ${m[1]}`, 'that file is imported directly');
  }
  // setup(name=..., version=...) when written as literals: what [project] then says.
  const name = stringArgument(code, 'name');
  const version = stringArgument(code, 'version');
  if (name) out.packageMetadata = { name, ...(version && /^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+|\.dev\d+)?$/i.test(version) ? { version } : {}) };
  const inst = /\binstall_requires\s*=\s*/.exec(code);
  if (inst) {
    const at = literalAt(code, inst.index + inst[0].length, '[');
    const list = at !== null ? stringList(code, at) : null;
    const origin = { file, line: lineColumnAt(code, inst.index).line };
    if (list) addStrings(out, file, withLines(code, list.items), 'main');
    else {
      warn(out, 'setup-py-computed', `${file}: install_requires is computed; danlu does not run setup.py, so its dependencies are not read`, origin);
      record(
        out,
        origin,
        code.slice(inst.index, code.indexOf('\n', inst.index)),
        'hint',
        'install_requires computed by code: not read',
        "danlu never runs the project's code",
      );
    }
  }
  const extras = /\bextras_require\s*=\s*/.exec(code);
  if (extras) {
    const at = literalAt(code, extras.index + extras[0].length, '{');
    const dict = at !== null ? stringListDict(code, at) : null;
    const origin = { file, line: lineColumnAt(code, extras.index).line };
    if (dict) for (const d of dict) addStrings(out, file, withLines(code, d.items), normalize(d.key));
    else {
      warn(out, 'setup-py-computed', `${file}: extras_require is computed; not read`, origin);
      record(out, origin, code.slice(extras.index, code.indexOf('\n', extras.index)), 'hint', 'extras_require computed by code: not read');
    }
  }
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
}

/**
 * Reads setup.py and setup.cfg as text, never running them: torch needed at build time
 * (`import torch`, torch.utils.cpp_extension, CUDAExtension, setup_requires torch), literal
 * install_requires / extras_require lists, and files they read. Never throws.
 */
export function scanSetupFiles(setupPy?: SetupFile | null, setupCfg?: SetupFile | null): ImportResult {
  const out = emptyResult();
  if (setupPy) scanSetupPy(out, setupPy);
  if (setupCfg) scanSetupCfg(out, setupCfg);
  return out;
}
