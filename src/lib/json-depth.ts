import { DanluError, lineColumnAt } from './errors.js';

/** Deeper than any real settings or host file; the recursive parsers run out of stack far beyond it. */
export const MAX_JSON_DEPTH = 512;

/**
 * Refuses JSON (or JSON with comments) nested deeper than `max`, at the bracket that goes too
 * deep, before a recursive parser overflows its stack on it. One pass over the text; strings
 * and comments are skipped, so brackets inside them do not count.
 */
export function assertJsonDepth(text: string, file: string, max = MAX_JSON_DEPTH): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) {
        const { line, column } = lineColumnAt(text, i);
        throw new DanluError(`nested more than ${max} levels deep; danlu reads files nested up to ${max} levels`, {
          location: { file, line, column },
          hint: 'no editor or tool writes a file this deep: check that this is the file you meant',
        });
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (depth > 0) depth--;
    }
  }
}
