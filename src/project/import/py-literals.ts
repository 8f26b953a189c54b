/**
 * Just enough of Python's expressions to read setup.py as text, never running it: string, list,
 * tuple and dict literals, `+` concatenation, `*x` / `**x` unpacking, `list(x)`, `dict(k=[...])`
 * and names bound once at module level to such an expression. Anything else is "computed" (null).
 */

export interface PyString {
  value: string;
  /** Offset of the literal in the code (for its line). */
  offset: number;
}

export type PyValue =
  | { kind: 'str'; value: string; offset: number }
  | { kind: 'list'; items: PyString[] }
  | { kind: 'dict'; entries: { key: string; items: PyString[] }[] };

const STRING = /^[rRuU]?("""[\s\S]*?"""|'''[\s\S]*?'''|"([^"\\\n]|\\.)*"|'([^'\\\n]|\\.)*')/;
const NAME = /^[A-Za-z_]\w*/;

/** `# comments` replaced by spaces, line breaks kept (offsets and lines stay those of the file). */
export function blankComments(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '"' || c === "'") {
      const m = STRING.exec(code.slice(i));
      const len = m ? m[0].length : 1;
      out += code.slice(i, i + len);
      i += len;
    } else if (c === '#') {
      const end = code.indexOf('\n', i);
      const stop = end < 0 ? code.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

export class PyReader {
  constructor(
    readonly code: string,
    /** The first line of a file `open("FILE").read()` reads (relative to setup.py's folder); null when absent. */
    private readonly readFile: (path: string) => string | null = () => null,
  ) {}

  private skip(i: number, nested: boolean): number {
    const ws = nested ? /^(\s+|\\\n)/ : /^([ \t]+|\\\n)/;
    for (;;) {
      const m = ws.exec(this.code.slice(i));
      if (!m) return i;
      i += m[0].length;
    }
  }

  /** The expression at `at`: its value and where it ends; null when it is computed. */
  parse(at: number, nested = true, depth = 0): { value: PyValue; end: number } | null {
    let left = this.primary(this.skip(at, nested), depth);
    if (!left) return null;
    for (;;) {
      const i = this.skip(left.end, nested);
      if (this.code[i] !== '+') return left;
      const right = this.primary(this.skip(i + 1, nested), depth);
      if (!right || right.value.kind !== left.value.kind || left.value.kind === 'dict') return null;
      const value: PyValue =
        left.value.kind === 'str'
          ? { kind: 'str', value: left.value.value + (right.value as { value: string }).value, offset: left.value.offset }
          : { kind: 'list', items: [...left.value.items, ...(right.value as { items: PyString[] }).items] };
      left = { value, end: right.end };
    }
  }

  private primary(i: number, depth: number): { value: PyValue; end: number } | null {
    const rest = this.code.slice(i);
    const str = STRING.exec(rest);
    if (str) {
      const body = str[1]!.startsWith('"""') || str[1]!.startsWith("'''") ? str[1]!.slice(3, -3) : str[1]!.slice(1, -1);
      return { value: { kind: 'str', value: body, offset: i }, end: i + str[0].length };
    }
    if (rest[0] === '[' || rest[0] === '(') return this.sequence(i, rest[0] === '[' ? ']' : ')', depth);
    if (rest[0] === '{') return this.dict(i, depth);
    const name = NAME.exec(rest)?.[0];
    if (!name) return null;
    const after = this.skip(i + name.length, true);
    if (this.code[after] === '(') return this.call(name, after, depth);
    if (/^\s*[.[]/.test(this.code.slice(i + name.length))) return null;
    const value = this.resolve(name, depth);
    return value ? { value, end: i + name.length } : null;
  }

  private sequence(at: number, close: string, depth: number): { value: PyValue; end: number } | null {
    const items: PyString[] = [];
    let i = at + 1;
    for (;;) {
      i = this.skip(i, true);
      if (this.code[i] === close) return { value: { kind: 'list', items }, end: i + 1 };
      const star = this.code[i] === '*';
      const v = this.parse(star ? i + 1 : i, true, depth);
      if (!v) return null;
      if (v.value.kind === 'str' && !star) items.push({ value: v.value.value, offset: v.value.offset });
      else if (v.value.kind === 'list' && star) items.push(...v.value.items);
      else return null;
      i = this.skip(v.end, true);
      if (this.code[i] === ',') i++;
      else if (this.code[i] !== close) return null;
    }
  }

  private dict(at: number, depth: number): { value: PyValue; end: number } | null {
    const entries: { key: string; items: PyString[] }[] = [];
    let i = at + 1;
    for (;;) {
      i = this.skip(i, true);
      if (this.code[i] === '}') return { value: { kind: 'dict', entries }, end: i + 1 };
      if (this.code.startsWith('**', i)) {
        const v = this.parse(i + 2, true, depth);
        if (v?.value.kind !== 'dict') return null;
        entries.push(...v.value.entries);
        i = v.end;
      } else {
        const key = this.parse(i, true, depth);
        if (key?.value.kind !== 'str') return null;
        i = this.skip(key.end, true);
        if (this.code[i] !== ':') return null;
        const v = this.parse(i + 1, true, depth);
        if (!v || v.value.kind === 'dict') return null;
        entries.push({ key: key.value.value, items: v.value.kind === 'str' ? [{ value: v.value.value, offset: v.value.offset }] : v.value.items });
        i = v.end;
      }
      i = this.skip(i, true);
      if (this.code[i] === ',') i++;
      else if (this.code[i] !== '}') return null;
    }
  }

  /** `list(x)`, `tuple(x)`, `dict(k=[...])`, `open("FILE").read()` (with `.strip()`). */
  private call(name: string, open: number, depth: number): { value: PyValue; end: number } | null {
    if (name === 'list' || name === 'tuple' || name === 'sorted') {
      const v = this.parse(open + 1, true, depth);
      if (v?.value.kind !== 'list') return null;
      const close = this.skip(v.end, true);
      return this.code[close] === ')' ? { value: v.value, end: close + 1 } : null;
    }
    if (name === 'dict') {
      const entries: { key: string; items: PyString[] }[] = [];
      let i = open + 1;
      for (;;) {
        i = this.skip(i, true);
        if (this.code[i] === ')') return { value: { kind: 'dict', entries }, end: i + 1 };
        const kw = /^([A-Za-z_]\w*)\s*=(?!=)/.exec(this.code.slice(i));
        if (!kw) return null;
        const v = this.parse(i + kw[0].length, true, depth);
        if (v?.value.kind !== 'list') return null;
        entries.push({ key: kw[1]!, items: v.value.items });
        i = this.skip(v.end, true);
        if (this.code[i] === ',') i++;
      }
    }
    if (name === 'open') {
      const m = /^\(\s*(["'])([^"'\n]+)\1\s*(,\s*["'][rt]*["']\s*)?\)\s*\.\s*read\(\s*\)(\s*\.\s*strip\(\s*\))?/.exec(this.code.slice(open));
      if (!m) return null;
      const text = this.readFile(m[2]!);
      const line = text?.trim();
      if (!line || line.includes('\n')) return null;
      return { value: { kind: 'str', value: line, offset: open }, end: open + m[0].length };
    }
    return null;
  }

  /** A name bound exactly once at module level (`NAME = ...` or `NAME: T = ...` at column 0). */
  resolve(name: string, depth = 0): PyValue | null {
    if (depth > 8) return null;
    const bindings = [...this.code.matchAll(new RegExp(`^${name}\\s*(:[^=\\n]+)?=(?!=)\\s*`, 'gm'))];
    if (bindings.length !== 1) return null;
    const b = bindings[0]!;
    return this.parse(b.index + b[0].length, false, depth + 1)?.value ?? null;
  }

  /** Changes to a module-level name after its binding (`NAME["all"] = ...`, `NAME += ...`, `NAME.update(...)`). */
  mutated(name: string): boolean {
    return new RegExp(`^${name}\\s*(\\[[^\\]]*\\]\\s*=(?!=)|\\+=|\\.(update|append|extend|setdefault)\\()`, 'm').test(this.code);
  }
}
