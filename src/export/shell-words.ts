import { DanluError } from '../lib/errors.js';

/**
 * Splits a command line into words the way a POSIX shell would for simple commands: quotes and
 * backslashes are honoured, nothing is expanded. Operators, `$`, backquotes and a leading `~` are
 * refused, because a job runs the words directly (Kubernetes has no shell): wrap such a command
 * in `bash -c '...'` instead. Glob characters stay literal.
 */
export function splitWords(text: string, what = '--command'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const fail = (why: string): never => {
    throw new DanluError(`${what}: ${why} in ${JSON.stringify(text)}`, {
      hint: `the words are run as they are, without a shell; for pipes, variables or globs write ${what} "bash -c '...'"`,
    });
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('an unclosed single quote');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('an unclosed double quote');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '$' || d === '`') fail(`\`${d}\` (an expansion)`);
        if (d === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) fail('a trailing backslash');
      if (text[i + 1] !== '\n') word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if ('|&;<>()$`'.includes(c) || (c === '~' && !inWord)) {
      fail(`\`${c}\``);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) fail('no command');
  return words;
}

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: as it is when that is safe, else single-quoted. */
export function shQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Text for inside double quotes: `"${X:-<this>}"`. */
export function dqEscape(text: string): string {
  return text.replace(/[\\"$`}]/g, (c) => `\\${c}`);
}
