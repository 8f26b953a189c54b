// The ESM build of jsonc-parser: its default (UMD) entry breaks when esbuild bundles it.
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { assertJsonDepth } from '../lib/json-depth.js';
import { DanluError, lineColumnAt, quoted, type Location } from '../lib/errors.js';

export type JsonPath = (string | number)[];
export type JsonObject = Record<string, unknown>;

/** "nvidia.gpus[0].computeCapability". */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}

const PARSE_ERROR_WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in string',
};

const describeValue = (v: unknown): string => {
  if (v === null) return 'null';
  // 1e400 parses to Infinity, which JSON.stringify would show as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number out of range';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = typeof v === 'string' ? quoted(v) : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

const NOTHING = Symbol('nothing');

export const has = (o: JsonObject, key: string): boolean => Object.hasOwn(o, key);

/** The longest text a host file may hold in one value (a GPU name, a path, a note). */
export const MAX_TEXT = 4096;

/**
 * C0 and C1 control characters (line breaks, ESC, DEL...) and the Unicode line separators: a
 * value with one would break the .env, script or terminal line it is written to.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A parsed JSON document whose checks fail with a DanluError naming the JSON path and the
 * line:column of the offending value. Comments and trailing commas are accepted.
 */
export class JsonDoc {
  readonly value: unknown;
  private readonly root: Node;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    const errors: ParseError[] = [];
    // A file nested deeper than any host file is: a located error, before the parser runs out of stack.
    assertJsonDepth(text, file);
    const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
    const first = errors[0];
    if (first || !root) {
      const offset = first?.offset ?? 0;
      const words = first ? (PARSE_ERROR_WORDS[printParseErrorCode(first.error)] ?? 'syntax error') : 'empty file';
      throw new DanluError(`invalid JSON: ${words}`, { location: this.at(offset) });
    }
    this.root = root;
    this.value = nodeValue(root);
  }

  private at(offset: number): Location {
    return { file: this.file, ...lineColumnAt(this.text, offset) };
  }

  /** The value at `path`, or the nearest enclosing value that exists. */
  locate(path: JsonPath): Location {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? this.root : findNodeAtLocation(this.root, path.slice(0, n));
      if (node) return this.at(node.offset);
    }
    return this.at(0);
  }

  fail(path: JsonPath, expected: string, got: unknown = NOTHING): never {
    const suffix = got === NOTHING ? '' : `, got ${describeValue(got)}`;
    throw new DanluError(`${formatJsonPath(path)}: expected ${expected}${suffix}`, { location: this.locate(path) });
  }

  object(v: unknown, path: JsonPath): JsonObject {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as JsonObject;
  }

  array(v: unknown, path: JsonPath): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }

  /** Every text value of the document goes through here: one line of printable text. */
  string(v: unknown, path: JsonPath, expected = 'a non-empty string'): string {
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, expected, v);
    if (CONTROL.test(v)) this.fail(path, `${expected} without control characters (line breaks, tabs, escape sequences)`, v);
    if (v.length > MAX_TEXT) this.fail(path, `${expected} of at most ${MAX_TEXT} characters, got ${v.length}`);
    return v;
  }

  stringOrNull(v: unknown, path: JsonPath): string | null {
    return v === null ? null : this.string(v, path, 'a non-empty string or null');
  }

  matching(v: unknown, path: JsonPath, pattern: RegExp, expected: string): string {
    if (typeof v !== 'string' || v.length > MAX_TEXT || !pattern.test(v.trim())) this.fail(path, expected, v);
    return v.trim();
  }

  integer(v: unknown, path: JsonPath, min: number, expected: string, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v === 'number' && (!Number.isFinite(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)) {
      this.fail(path, `${expected}, got a number out of range`);
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) this.fail(path, expected, v);
    if (v > max) this.fail(path, `${expected} of at most ${max}`, v);
    return v;
  }

  boolean(v: unknown, path: JsonPath): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v;
  }

  oneOf<T extends string>(v: unknown, path: JsonPath, allowed: readonly T[]): T {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(path, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, v);
    }
    return v as T;
  }
}

/** Plain value of a jsonc-parser node; a "__proto__" key stays an ordinary property. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: JsonObject = {};
      for (const prop of node.children ?? []) {
        const [key, value] = prop.children ?? [];
        if (key && value) {
          Object.defineProperty(out, key.value as string, { value: nodeValue(value), enumerable: true, writable: true, configurable: true });
        }
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}
