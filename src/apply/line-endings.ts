/**
 * Line endings of a file danlu merges into: the lines danlu writes take the ending most of the
 * file's lines have, so a CRLF file stays CRLF (no mixed endings) and an LF file stays LF.
 * Every merger of a user's file goes through here; fully generated files (scripts, the
 * Dockerfile) are danlu's own and stay LF.
 */

export type LineEnding = '\n' | '\r\n';

/** The ending most lines of `text` end with; LF for a tie, an empty file or a file danlu creates. */
export function lineEndingOf(text: string | null): LineEnding {
  if (!text) return '\n';
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * `text` (a merge result, written with LF where danlu added lines) with the file's ending:
 * for CRLF every bare LF becomes CRLF; for LF the text is returned as it is.
 */
export function withLineEnding(text: string, ending: LineEnding): string {
  return ending === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
}
