/** Just enough of the shell (and of Markdown / reStructuredText) to read install instructions. */

export interface LogicalLine {
  /** 1-based line of the first physical line. */
  line: number;
  text: string;
}

/** Physical lines with `\` continuations joined; works with or without a final newline. */
export function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let current: LogicalLine | null = null;
  physical.forEach((raw, i) => {
    const continued = /(^|[^\\])(\\\\)*\\$/.test(raw);
    const body = continued ? raw.slice(0, -1) : raw;
    if (current) current.text += body;
    else current = { line: i + 1, text: body };
    if (!continued) {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}

export interface Word {
  text: string;
  /** Some part of it was quoted (so `>` in it is not a redirect). */
  quoted: boolean;
}

export interface Command {
  words: Word[];
  /** The command as written (for the report). */
  raw: string;
}

/** Splits a shell line into simple commands at `&&`, `||`, `;`, `|`, `&`, dropping `# comments`. */
export function splitCommands(line: string): Command[] {
  const commands: Command[] = [];
  let words: Word[] = [];
  let word = null as Word | null;
  let start = 0;
  let i = 0;
  const endWord = () => {
    if (word) words.push(word);
    word = null;
  };
  const endCommand = (end: number) => {
    endWord();
    const raw = line.slice(start, end).trim();
    if (words.length) commands.push({ words, raw });
    words = [];
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      const end = close < 0 ? line.length : close;
      let body = line.slice(i + 1, end);
      if (c === '"') body = body.replace(/\\(["\\$`])/g, '$1');
      word = { text: (word?.text ?? '') + body, quoted: true };
      i = end + 1;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      word = { text: (word?.text ?? '') + line[i + 1], quoted: true };
      i += 2;
      continue;
    }
    if (/\s/.test(c)) {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && !word) {
      endCommand(i);
      start = line.length;
      break;
    }
    const op = /^(&&|\|\||;|\||&)/.exec(line.slice(i));
    if (op) {
      endCommand(i);
      i += op[1]!.length;
      start = i;
      continue;
    }
    word = { text: (word?.text ?? '') + c, quoted: word?.quoted ?? false };
    i++;
  }
  endCommand(line.length);
  return commands;
}

/** Whitespace-separated words honouring quotes (pip's shlex split of option lines). */
export function shellWords(text: string): string[] {
  return splitCommands(text.replace(/[;&|]/g, (m) => `'${m}'`)).flatMap((c) => c.words.map((w) => w.text));
}

const SHELL_FENCES = /^(|bash|sh|shell|console|zsh|shell-session|shellsession|sh-session|cmd|bat|powershell|ps1|text|txt|none)$/i;

/**
 * The lines of a Markdown / reStructuredText document that can be shell commands: fenced
 * code blocks (shell-like or untagged), `.. code-block:: bash` and `::` blocks, and inline
 * code spans that start with an installer. Prompts (`$ `, `(env) $ `) are removed.
 */
export function extractCommandLines(doc: string): LogicalLine[] {
  const lines = doc.split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let fence: { marker: string; shell: boolean } | null = null;
  let rstIndent: number | null = null;
  let rstArmed = false;
  lines.forEach((raw, i) => {
    const fenceMatch = /^\s*(```+|~~~+)\s*([^\s`{]*)/.exec(raw);
    if (fence) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence.marker)) fence = null;
      else if (fence.shell) out.push({ line: i + 1, text: raw });
      return;
    }
    if (fenceMatch) {
      fence = { marker: fenceMatch[1]!, shell: SHELL_FENCES.test(fenceMatch[2] ?? '') };
      return;
    }
    if (rstIndent !== null || rstArmed) {
      const indent = /^(\s*)/.exec(raw)![1]!.length;
      if (raw.trim() === '' || /^\s*:\w[\w-]*:/.test(raw)) return;
      if (rstArmed) {
        rstArmed = false;
        if (indent > 0) rstIndent = indent;
      }
      if (rstIndent !== null && indent >= rstIndent) {
        out.push({ line: i + 1, text: raw.slice(rstIndent) });
        return;
      }
      rstIndent = null;
    }
    const directive = /^\s*\.\.\s+(code-block|code|sourcecode)::\s*(\S*)/.exec(raw);
    if (directive) {
      rstArmed = SHELL_FENCES.test(directive[2] ?? '');
      return;
    }
    if (/::\s*$/.test(raw) && !/^\s*\.\./.test(raw)) {
      rstArmed = true;
      return;
    }
    for (const span of raw.matchAll(/`([^`]+)`/g)) {
      if (INSTALLER_START.test(span[1]!.trim())) out.push({ line: i + 1, text: span[1]! });
    }
  });
  return out.map((l) => ({ line: l.line, text: stripPrompt(l.text) }));
}

const INSTALLER_START = /^(\$\s+)?((sudo\s+)?(pip3?|python3?(\.\d+)?\s+-m\s+pip|uv|conda|mamba|micromamba|mim|apt(-get)?|git\s+(clone|submodule))\s)/;

/** `$ pip install x` -> `pip install x`; `(venv) $ ...`, `user@host:~$ ...`, `> ...` too. */
export function stripPrompt(text: string): string {
  return text.replace(/^\s*(\([^)]*\)\s*)?([\w.@:~/-]*[$%>]\s+)?/, '').replace(/^\s*[!%](?=(pip|conda|uv)\b)/, '');
}
