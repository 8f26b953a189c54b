/** Just enough of the shell (and of Markdown / reStructuredText) to read install instructions. */

export interface LogicalLine {
  /** 1-based line of the first physical line. */
  line: number;
  text: string;
  /** The code block (of a Markdown / reStructuredText document) the line is in. */
  block?: number;
  /** The headings the line is under in its document, outermost first ("Installation › Troubleshooting"). */
  section?: string;
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
    // `conda install dlib (only for face detection)`: an unquoted ( after the command's words is
    // prose (a shell would refuse it), never more arguments; a leading `(cd x && ...)` is a subshell.
    if (c === '(' && !word && words.length > 0) {
      endCommand(i);
      start = line.length;
      break;
    }
    // A redirection at the start of a word (`2>/dev/null`, `> log.txt`, `</dev/null`, `&>x`,
    // `2>&1`) is the shell's, with its target: never an argument of the command. (`torch>=2.0`
    // keeps its `>`: it is inside a word.)
    // (`<<< word` is a here-string, `<<EOF` a here-document's delimiter: their word is the shell's too.)
    const redirect = !word ? /^(\d*|&)(>>?|<<<|<<-?|<)(&\d+|&-)?/.exec(line.slice(i)) : null;
    if (redirect) {
      i += redirect[0].length;
      if (!redirect[3]) {
        while (i < line.length && /[ \t]/.test(line[i]!)) i++;
        while (i < line.length && !/[\s;&|]/.test(line[i]!)) i++;
      }
      continue;
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

/** A line that installs or sets up something: a block with one is an install block, and every line of it is read. */
const SETUP_LINE =
  /^(\$\s+)?(\(\S+\)\s*)?((sudo|env)\s+)?([A-Za-z_]\w*=\S*\s+)*(pip3?(\.\d+)?\s|python3?(\.\d+)?\s+(-m\s+(pip|venv)|(\.?\/)?([\w.-]+\/)*setup\.py)\b|uv\s|conda\s|mamba\s|micromamba\s|mim\s|poetry\s|pipx\s|apt(-get)?\s|yum\s|dnf\s|git\s+(clone|submodule)\b|(bash|sh|source|\.)\s+\S+\.sh\b|\.\/\S+\.sh\b|c?make\s)/;

/**
 * The lines of a Markdown / reStructuredText document that can be shell commands: fenced code
 * blocks (shell-like or untagged), indented code blocks, `.. code-block:: bash` and `::` blocks
 * that hold at least one install line (every line of such a block is returned, so that each one
 * is accounted for), and inline code spans that start with an installer. Prompts (`$ `,
 * `(env) $ `) are removed. `block` numbers the blocks: each one starts in the project's root.
 */
export function extractCommandLines(doc: string): LogicalLine[] {
  const lines = doc.split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let block = 0;
  let pending: LogicalLine[] = [];
  const flush = () => {
    if (pending.some((l) => SETUP_LINE.test(stripPrompt(l.text).trim()))) {
      block++;
      for (const l of pending) out.push({ ...l, block });
    }
    pending = [];
  };
  // The headings above the current line: `#` levels, and setext / reStructuredText underlines
  // (`===` one, `---` two, other characters three).
  // The document's title (its first heading, at the top level) names the project, not a section.
  const headings: { level: number; text: string; title?: true }[] = [];
  let firstHeading = true;
  const section = () => {
    const named = headings.filter((h) => !h.title);
    return named.length > 0 ? named.map((h) => h.text).join(' › ') : undefined;
  };
  const heading = (level: number, text: string) => {
    while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop();
    headings.push({ level, text: text.replace(/[*_`]/g, '').trim(), ...(firstHeading && level === 1 ? { title: true as const } : {}) });
    firstHeading = false;
  };
  const at = (line: number, text: string): LogicalLine => {
    const s = section();
    return s ? { line, text, section: s } : { line, text };
  };
  let fence: { marker: string; shell: boolean } | null = null;
  let rstIndent: number | null = null;
  let rstArmed = false;
  let indented = false;
  let blankBefore = true;
  lines.forEach((raw, i) => {
    const blank = raw.trim() === '';
    // CommonMark: a backtick fence's info string has no backtick, so "```pip install x```, then:"
    // is an inline code span, not a fence.
    const opener = /^\s*(```+|~~~+)\s*([^\s`{]*)/.exec(raw);
    const fenceMatch =
      opener && (fence || !(opener[1]!.startsWith('`') && raw.slice(raw.indexOf(opener[1]!) + opener[1]!.length).includes('`'))) ? opener : null;
    if (fence) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence.marker)) {
        fence = null;
        flush();
      } else if (fence.shell && !blank) pending.push(at(i + 1, raw));
      // A block tagged as another language (```python) with a line that can only be a shell
      // install (`pip install -r x.txt` is not Python): that line, not the block's code.
      else if (!blank && INSTALLER_START.test(stripPrompt(raw).trim())) pending.push(at(i + 1, raw));
      return;
    }
    if (fenceMatch) {
      flush();
      fence = { marker: fenceMatch[1]!, shell: SHELL_FENCES.test(fenceMatch[2] ?? '') };
      return;
    }
    if (rstIndent !== null || rstArmed) {
      const indent = /^(\s*)/.exec(raw)![1]!.length;
      if (blank || /^\s*:\w[\w-]*:/.test(raw)) return;
      if (rstArmed) {
        rstArmed = false;
        if (indent > 0) rstIndent = indent;
      }
      if (rstIndent !== null && indent >= rstIndent) {
        pending.push(at(i + 1, raw.slice(rstIndent)));
        return;
      }
      rstIndent = null;
      flush();
    }
    // A Markdown indented code block: four spaces (or a tab) after a blank line, up to the next unindented line.
    if (indented || (blankBefore && /^( {4}|\t)/.test(raw) && !blank)) {
      if (blank || /^( {4}|\t)/.test(raw)) {
        indented = true;
        if (!blank) pending.push(at(i + 1, raw.replace(/^( {4}|\t)/, '')));
        blankBefore = blank;
        return;
      }
      indented = false;
      flush();
    }
    blankBefore = blank;
    const atx = /^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$/.exec(raw);
    if (atx) heading(atx[1]!.length, atx[2]!);
    // A setext / reStructuredText underline below a line of text makes that line a heading.
    const under = /^\s{0,3}([=\-~^"'`#*+])\1{2,}\s*$/.exec(raw);
    const above = i > 0 ? lines[i - 1]!.trim() : '';
    if (under && above && !/^([=\-~^"'`#*+])\1+$/.test(above) && !/^[-*+]\s|^\d+\.\s|^[|<]/.test(above))
      heading(under[1] === '=' ? 1 : under[1] === '-' ? 2 : 3, above);
    const directive = /^\s*\.\.\s+(code-block|code|sourcecode)::\s*(\S*)/.exec(raw);
    if (directive) {
      rstArmed = SHELL_FENCES.test(directive[2] ?? '');
      return;
    }
    if (/::\s*$/.test(raw) && !/^\s*\.\./.test(raw)) {
      rstArmed = true;
      return;
    }
    for (const span of raw.matchAll(/(`+)([^`]+?)\1(?!`)/g)) {
      if (INSTALLER_START.test(span[2]!.trim())) out.push({ ...at(i + 1, span[2]!), block: ++block });
    }
    // HTML in Markdown: `<pre>pip install -r requirements.txt</pre>`, `<code>...</code>` on one line.
    for (const el of raw.matchAll(/<(pre|code)\b[^>]*>([^<]+)<\/\1>/gi)) {
      const text = el[2]!
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&');
      if (INSTALLER_START.test(text.trim())) out.push({ ...at(i + 1, text), block: ++block });
    }
  });
  flush();
  return out.map((l) => ({ ...l, text: stripPrompt(l.text) }));
}

const INSTALLER_START =
  /^(\$\s+)?((sudo\s+)?([A-Za-z_]\w*=\S*\s+)*(pip3?|python3?(\.\d+)?\s+-m\s+pip|uv|conda|mamba|micromamba|mim|poetry|apt(-get)?|git\s+(clone|submodule))\s)/;

/** `$ pip install x` -> `pip install x`; `(venv) $ ...`, `user@host:~$ ...`, `> ...` too. */
export function stripPrompt(text: string): string {
  // `(env) ` is one name in parentheses; `( cd sub && make )` is a subshell, kept.
  return text.replace(/^\s*(\([^()\s;&|]+\)\s*)?([\w.@:~/-]*[$%>]\s+)?/, '').replace(/^\s*[!%](?=(pip|conda|uv)\b)/, '');
}
