/**
 * Line numbers for values of a TOML document (smol-toml gives none): table headers, keys
 * (dotted or not) and string literals, found by scanning the text.
 */

const BARE = /^[A-Za-z0-9_-]+/;

/** Splits a dotted key (`a."b.c".d`) into its parts; null when it is not a key. */
function splitKey(text: string): string[] | null {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest !== '') {
    let m: RegExpExecArray | null;
    if ((m = /^"((?:[^"\\]|\\.)*)"/.exec(rest)) || (m = /^'([^']*)'/.exec(rest))) parts.push(m[1]!);
    else if ((m = BARE.exec(rest))) parts.push(m[0]);
    else return null;
    rest = rest.slice(m[0].length).trim();
    if (rest === '') break;
    if (!rest.startsWith('.')) return null;
    rest = rest.slice(1).trim();
  }
  return parts.length ? parts : null;
}

/** The key part of `key = value` (outside strings), or null. */
function keyOfLine(line: string): string[] | null {
  let i = 0;
  let quote: string | null = null;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '=') break;
    else if (c === '#' || c === '{' || c === '[') return null;
  }
  if (i >= line.length) return null;
  return splitKey(line.slice(0, i));
}

export class TomlLines {
  private readonly lines: string[];
  /** Per line: the full key path it defines (header path + key), or null. */
  private readonly paths: (string[] | null)[];

  constructor(text: string) {
    this.lines = text.split(/\r\n|\n|\r/);
    let table: string[] = [];
    this.paths = this.lines.map((line) => {
      const header = /^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$/.exec(line);
      if (header) {
        table = splitKey(header[1]!) ?? [];
        return table;
      }
      const key = /^\s*[A-Za-z0-9_"'-]/.test(line) ? keyOfLine(line) : null;
      return key ? [...table, ...key] : null;
    });
  }

  /** 1-based line where `path` is defined (as a header or a key); undefined when not found. */
  keyLine(path: string[], fromLine = 1): number | undefined {
    for (let i = fromLine - 1; i < this.paths.length; i++) {
      const p = this.paths[i];
      if (p && p.length === path.length && p.every((part, j) => part === path[j])) return i + 1;
    }
    return undefined;
  }

  /** First line at or after `fromLine` holding the string literal `value`. */
  stringLine(value: string, fromLine = 1): number | undefined {
    const quoted = [JSON.stringify(value), `'${value}'`];
    for (let i = Math.max(fromLine, 1) - 1; i < this.lines.length; i++) {
      if (quoted.some((q) => this.lines[i]!.includes(q))) return i + 1;
    }
    return undefined;
  }

  /** The text of a 1-based line. */
  text(line: number): string {
    return (this.lines[line - 1] ?? '').trim();
  }
}
