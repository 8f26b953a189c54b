/** PEP 508 environment markers: checked and written back in one canonical spelling. */

const VARIABLES = new Set([
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'extras',
  'dependency_groups',
  // Legacy spellings pip still reads.
  'os.name',
  'sys.platform',
  'platform.version',
  'platform.machine',
  'platform.python_implementation',
  'python_implementation',
]);

/** Values sys_platform really takes (Python's sys.platform). */
const SYS_PLATFORMS = /^(linux|linux2|win32|cygwin|msys|darwin|aix|emscripten|wasi|ios|android|sunos5|(free|open|net)bsd\d*)$/;
const PLATFORM_SYSTEMS = /^(Linux|Windows|Darwin|Java|FreeBSD|OpenBSD|NetBSD|AIX|Emscripten|iOS|Android|SunOS)$/;

type Token = { t: 'var' | 'str' | 'op' | 'and' | 'or' | '(' | ')'; v: string };

function tokenize(text: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: c, v: c });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return null;
      out.push({ t: 'str', v: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const op = /^(===|==|!=|<=|>=|~=|<|>)/.exec(text.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[1]! });
      i += op[1]!.length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (!word) return null;
    const w = word[0];
    i += w.length;
    if (w === 'and' || w === 'or') out.push({ t: w, v: w });
    else if (w === 'in') out.push({ t: 'op', v: 'in' });
    else if (w === 'not') {
      const rest = /^\s+in\b/.exec(text.slice(i));
      if (!rest) return null;
      i += rest[0].length;
      out.push({ t: 'op', v: 'not in' });
    } else if (VARIABLES.has(w)) out.push({ t: 'var', v: w });
    else return null;
  }
  return out;
}

export interface MarkerCheck {
  ok: boolean;
  /** Canonical spelling: single spaces, double quotes. */
  marker: string;
  /** Why it is invalid, or notes on a valid marker that can never be true. */
  notes: string[];
}

/** Parses `marker` (the part after `;`); never throws. */
export function checkMarker(text: string): MarkerCheck {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return { ok: false, marker: text.trim(), notes: ['not a PEP 508 environment marker'] };
  const notes: string[] = [];
  let pos = 0;
  const peek = () => tokens[pos];
  const value = (): string | null => {
    const tok = tokens[pos];
    if (!tok || (tok.t !== 'var' && tok.t !== 'str')) return null;
    pos++;
    return tok.t === 'var' ? tok.v : JSON.stringify(tok.v);
  };
  const atom = (): string | null => {
    if (peek()?.t === '(') {
      pos++;
      const inner = expr();
      if (inner === null || peek()?.t !== ')') return null;
      pos++;
      return `(${inner})`;
    }
    const start = pos;
    const left = value();
    const op = peek();
    if (left === null || op?.t !== 'op') return null;
    pos++;
    const right = value();
    if (right === null) return null;
    const [a, b] = [tokens[start]!, tokens[pos - 1]!];
    const variable = a.t === 'var' ? a.v : b.t === 'var' ? b.v : null;
    const literal = a.t === 'str' ? a.v : b.t === 'str' ? b.v : null;
    if (variable === 'sys_platform' && literal !== null && (op.v === '==' || op.v === '!=') && !SYS_PLATFORMS.test(literal)) {
      notes.push(`sys_platform is never "${literal}" (it is "linux", "win32" or "darwin")`);
    }
    if (variable === 'platform_system' && literal !== null && (op.v === '==' || op.v === '!=') && !PLATFORM_SYSTEMS.test(literal)) {
      notes.push(`platform_system is never "${literal}" (it is "Linux", "Windows" or "Darwin")`);
    }
    return `${left} ${op.v} ${right}`;
  };
  const chain = (sub: () => string | null, word: 'and' | 'or'): string | null => {
    const parts: string[] = [];
    const first = sub();
    if (first === null) return null;
    parts.push(first);
    while (peek()?.t === word) {
      pos++;
      const next = sub();
      if (next === null) return null;
      parts.push(next);
    }
    return parts.join(` ${word} `);
  };
  const andExpr = () => chain(atom, 'and');
  const expr = (): string | null => chain(andExpr, 'or');
  const out = expr();
  if (out === null || pos !== tokens.length) return { ok: false, marker: text.trim(), notes: ['not a PEP 508 environment marker'] };
  return { ok: true, marker: out, notes };
}

/** `a and b`, parenthesizing `or` expressions. */
export function andMarkers(...markers: (string | null | undefined)[]): string | null {
  const parts = markers.filter((m): m is string => !!m && m.trim() !== '');
  if (parts.length === 0) return null;
  if (parts.length === 1) return parts[0]!;
  return parts.map((m) => (/\bor\b/.test(m) ? `(${m})` : m)).join(' and ');
}

/** The container's platform, as PEP 508 markers see it (other variables are unknown here). */
const LINUX: Record<string, string> = { sys_platform: 'linux', 'sys.platform': 'linux', platform_system: 'Linux', os_name: 'posix', 'os.name': 'posix' };

/**
 * Whether a marker can hold on Linux, from its platform variables alone: false when it cannot
 * (`sys_platform == "darwin"`), true when it must, null when it depends on something else
 * (the Python version, an extra). Three-valued: `false and x` is false, `true or x` is true.
 */
export function holdsOnLinux(text: string): boolean | null {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return null;
  let pos = 0;
  let bad = false;
  const peek = () => tokens[pos];
  const atom = (): boolean | null => {
    if (peek()?.t === '(') {
      pos++;
      const inner = expr();
      if (peek()?.t !== ')') bad = true;
      pos++;
      return inner;
    }
    const [a, op, b] = [tokens[pos], tokens[pos + 1], tokens[pos + 2]];
    pos += 3;
    if (!a || !op || !b || op.t !== 'op') {
      bad = true;
      return null;
    }
    const variable = a.t === 'var' ? a.v : b.t === 'var' ? b.v : null;
    const literal = a.t === 'str' ? a.v : b.t === 'str' ? b.v : null;
    const actual = variable !== null ? LINUX[variable] : undefined;
    if (actual === undefined || literal === null) return null;
    const left = a.t === 'var' ? actual : literal;
    const right = b.t === 'var' ? actual : literal;
    switch (op.v) {
      case '==':
      case '===':
        return left === right;
      case '!=':
        return left !== right;
      case 'in':
        return right.includes(left);
      case 'not in':
        return !right.includes(left);
      default:
        return null;
    }
  };
  const and = (): boolean | null => {
    let v = atom();
    while (peek()?.t === 'and') {
      pos++;
      const w = atom();
      v = v === false || w === false ? false : v === true && w === true ? true : null;
    }
    return v;
  };
  const expr = (): boolean | null => {
    let v = and();
    while (peek()?.t === 'or') {
      pos++;
      const w = and();
      v = v === true || w === true ? true : v === false && w === false ? false : null;
    }
    return v;
  };
  const out = expr();
  return bad || pos !== tokens.length ? null : out;
}
