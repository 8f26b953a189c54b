import { valid as validVersion } from '@renovatebot/pep440';

/**
 * A strict recognizer of PEP 508 dependency specifiers and PEP 440 specifier sets, written from
 * the grammars in the two PEPs, for checking what danlu writes. It is independent of the
 * importers' own, deliberately forgiving, parser (src/project/import/spec.ts): both agreeing
 * would prove nothing. Returns null when the text is valid, else what is wrong.
 */

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const OPERATORS = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'];
// PEP 508 marker variables (the dotted legacy names are deprecated and uv refuses them).
const MARKER_VARS = new Set([
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
]);

export function isValidName(name: string): boolean {
  const m = NAME.exec(name);
  return m !== null && m[0].length === name.length;
}

/** One clause such as ">=2.1" or "==2.9.*". */
export function versionClauseError(clause: string): string | null {
  const text = clause.trim();
  const op = OPERATORS.find((o) => text.startsWith(o));
  if (!op) return `"${text}": no comparison operator`;
  const version = text.slice(op.length).trim();
  if (version === '') return `"${text}": no version`;
  if (op === '===') return /^\S+$/.test(version) ? null : `"${text}": arbitrary equality takes one word`;
  if (version.endsWith('.*')) {
    if (op !== '==' && op !== '!=') return `"${text}": a wildcard only goes with == or !=`;
    const base = version.slice(0, -2);
    return validVersion(base) !== null && !/[+]/.test(base) ? null : `"${text}": not a PEP 440 version`;
  }
  if (validVersion(version) === null) return `"${text}": not a PEP 440 version`;
  if (version.includes('+') && op !== '==' && op !== '!=') return `"${text}": a local version only goes with == or !=`;
  if (op === '~=' && !/^(\d+!)?\d+(\.\d+)+/.test(version.replace(/^v/i, ''))) return `"${text}": ~= needs at least two release numbers`;
  return null;
}

/** A comma-separated specifier set such as ">=3.10,<3.13" (empty is valid: any version). */
export function specifierSetError(text: string): string | null {
  if (text.trim() === '') return null;
  for (const clause of text.split(',')) {
    const error = versionClauseError(clause);
    if (error) return error;
  }
  return null;
}

class Cursor {
  constructor(
    readonly text: string,
    public at = 0,
  ) {}
  ws(): void {
    while (this.at < this.text.length && (this.text[this.at] === ' ' || this.text[this.at] === '\t')) this.at++;
  }
  peek(s: string): boolean {
    return this.text.startsWith(s, this.at);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.at += s.length;
    return true;
  }
  done(): boolean {
    return this.at >= this.text.length;
  }
  rest(): string {
    return this.text.slice(this.at);
  }
}

function markerValue(c: Cursor): { kind: 'var' | 'str'; value: string } | string {
  c.ws();
  const quote = c.text[c.at];
  if (quote === '"' || quote === "'") {
    const end = c.text.indexOf(quote, c.at + 1);
    if (end < 0) return `unterminated string at ${c.at}`;
    const value = c.text.slice(c.at + 1, end);
    c.at = end + 1;
    return { kind: 'str', value };
  }
  const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(c.rest());
  if (!m) return `expected a marker variable or a quoted string at "${c.rest()}"`;
  if (!MARKER_VARS.has(m[0])) return `unknown marker variable "${m[0]}"`;
  c.at += m[0].length;
  return { kind: 'var', value: m[0] };
}

function markerOp(c: Cursor): string | null {
  c.ws();
  for (const op of ['===', '~=', '==', '!=', '<=', '>=', '<', '>']) if (c.eat(op)) return op;
  if (/^not\s+in\b/.test(c.rest())) {
    c.at += /^not\s+in/.exec(c.rest())![0].length;
    return 'not in';
  }
  if (/^in\b/.test(c.rest())) {
    c.at += 2;
    return 'in';
  }
  return null;
}

function markerExpr(c: Cursor): string | null {
  c.ws();
  if (c.eat('(')) {
    const inner = markerOr(c);
    if (inner) return inner;
    c.ws();
    return c.eat(')') ? null : `expected ")" at "${c.rest()}"`;
  }
  const left = markerValue(c);
  if (typeof left === 'string') return left;
  const op = markerOp(c);
  if (!op) return `expected a marker operator at "${c.rest()}"`;
  const right = markerValue(c);
  if (typeof right === 'string') return right;
  if (left.kind === right.kind) return `a marker compares a variable with a string, not two ${left.kind === 'var' ? 'variables' : 'strings'}`;
  return null;
}

function markerAnd(c: Cursor): string | null {
  const first = markerExpr(c);
  if (first) return first;
  for (;;) {
    c.ws();
    if (!/^and\b/.test(c.rest())) return null;
    c.at += 3;
    const next = markerExpr(c);
    if (next) return next;
  }
}

function markerOr(c: Cursor): string | null {
  const first = markerAnd(c);
  if (first) return first;
  for (;;) {
    c.ws();
    if (!/^or\b/.test(c.rest())) return null;
    c.at += 2;
    const next = markerAnd(c);
    if (next) return next;
  }
}

/** A PEP 508 environment marker such as "sys_platform == 'linux' and python_version >= '3.10'". */
export function markerError(text: string): string | null {
  const c = new Cursor(text);
  const error = markerOr(c);
  if (error) return error;
  c.ws();
  return c.done() ? null : `unexpected "${c.rest()}" in marker`;
}

/** A PEP 508 dependency specifier such as "torch[opt]>=2.1,<3; sys_platform == 'linux'". */
export function requirementError(text: string): string | null {
  const c = new Cursor(text);
  c.ws();
  const name = NAME.exec(c.rest());
  if (!name) return `"${text}": no package name`;
  c.at += name[0].length;
  c.ws();
  if (c.eat('[')) {
    const close = c.text.indexOf(']', c.at);
    if (close < 0) return `"${text}": unclosed extras`;
    const extras = c.text
      .slice(c.at, close)
      .split(',')
      .map((e) => e.trim());
    if (!(extras.length === 1 && extras[0] === '') && extras.some((e) => !isValidName(e))) return `"${text}": bad extra name`;
    c.at = close + 1;
    c.ws();
  }
  if (c.eat('@')) {
    c.ws();
    const url = /^\S+/.exec(c.rest());
    if (!url || !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url[0])) return `"${text}": "@" needs a URL`;
    c.at += url[0].length;
    // A URL followed by a marker needs whitespace before the ";" (else the ";" is the URL's).
    if (url[0].endsWith(';') && !c.done()) return `"${text}": a space must follow the URL`;
    c.ws();
  } else {
    const paren = c.eat('(');
    const end = (() => {
      const stop = paren ? c.text.indexOf(')', c.at) : c.text.indexOf(';', c.at);
      return stop < 0 ? c.text.length : stop;
    })();
    const spec = c.text.slice(c.at, end);
    if (paren && c.text[end] !== ')') return `"${text}": unclosed "("`;
    if (spec.trim() !== '') {
      const error = specifierSetError(spec);
      if (error) return `"${text}": ${error}`;
    }
    c.at = paren ? end + 1 : end;
    c.ws();
  }
  if (c.eat(';')) {
    const error = markerError(c.rest());
    return error ? `"${text}": ${error}` : null;
  }
  return c.done() ? null : `"${text}": unexpected "${c.rest()}"`;
}
