/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The command ran and found problems (doctor errors, a failed step). */
  failed: 1,
  /** Bad usage or bad input: nothing was changed. */
  usage: 2,
} as const;

export interface Location {
  file: string;
  line?: number;
  column?: number;
}

export interface DanluErrorOptions {
  code?: number;
  location?: Location;
  hint?: string;
  cause?: unknown;
}

/**
 * The one error type that reaches the user. `message` says what was expected;
 * `location` points at the input that was wrong; `hint` says how to fix it.
 */
export class DanluError extends Error {
  readonly code: number;
  readonly location?: Location;
  readonly hint?: string;

  constructor(message: string, options: DanluErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DanluError';
    this.code = options.code ?? EXIT.usage;
    this.location = options.location;
    this.hint = options.hint;
  }
}

export function formatLocation(loc: Location): string {
  let out = loc.file;
  if (loc.line !== undefined) {
    out += `:${loc.line}`;
    if (loc.column !== undefined) out += `:${loc.column}`;
  }
  return out;
}

/** `file:line:col: message` when there is a location, else the message. */
export function describeError(err: DanluError): string {
  return err.location ? `${formatLocation(err.location)}: ${err.message}` : err.message;
}

/**
 * Text quoted for a message: JSON's quoting, which escapes line breaks and C0 controls, plus the
 * controls JSON leaves as they are (DEL, the C1 range with its 8-bit ESC and CSI, the Unicode line
 * separators), so no input can move the cursor or start a new line on the user's terminal.
 */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** 1-based line and column of a character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}
