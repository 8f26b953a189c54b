import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { addIndex } from './indexes.js';
import { logicalLines, shellWords } from './shell.js';
import { parseSpec } from './spec.js';
import { appendResult, emptyResult, type Group, type ImportOrigin, type ImportResult, type ReadInclude } from './types.js';

/** How one requirements file is read; shared by the files it includes. */
export interface RequirementsContext {
  file: string;
  readInclude: ReadInclude;
  group: Group;
  constraint: boolean;
  /** Every file read so far (an include seen twice is read once). */
  visited: Set<string>;
  /** The include chain down to this file (for cycles). */
  stack: string[];
  /** The group of an included file (default: the including file's). */
  groupOf?: (file: string, inherited: Group) => Group;
}

export interface RequirementsOptions {
  group?: Group;
  constraint?: boolean;
  /** Files already read (shared between calls so an include is read once). */
  visited?: Set<string>;
  /** The group of an included file, e.g. a -r requirements/tests.txt goes to dev (default: the including file's group). */
  groupOf?: (file: string, inherited: Group) => Group;
}

/** Per-requirement options pip accepts after a requirement on the same line. */
const PER_REQUIREMENT = /^(--hash|--global-option|--install-option|--config-settings|-C|--no-binary|--only-binary|--prefer-binary)(=|$)/;

const IGNORED_OPTIONS: Record<string, string> = {
  '--trusted-host': 'uv trusts https indexes; use --allow-insecure-host only for plain http',
  '--prefer-binary': 'uv prefers wheels already',
  '--no-binary': 'uv builds from source only with [tool.uv] no-binary-package; not carried over',
  '--only-binary': 'uv: [tool.uv] no-build-package; not carried over',
  '--use-feature': 'pip feature flag; no uv equivalent needed',
  '--require-hashes': 'uv.lock records hashes',
  '--no-index': 'uv always uses its configured indexes',
  '--progress-bar': 'display option',
  '--upgrade': 'uv lock --upgrade does this',
  '-U': 'uv lock --upgrade does this',
  '--user': 'the environment is a project virtual environment',
};

/** Splits `-rfile`, `--requirement=file` and `--requirement file` into option and value. */
function optionAndValue(words: string[]): { option: string; value: string | undefined; rest: string[] } {
  const first = words[0]!;
  const eq = first.indexOf('=');
  if (first.startsWith('--') && eq > 0) return { option: first.slice(0, eq), value: first.slice(eq + 1), rest: words.slice(1) };
  if (/^-[rceif]./.test(first)) return { option: first.slice(0, 2), value: first.slice(2), rest: words.slice(1) };
  return { option: first, value: words[1], rest: words.slice(2) };
}

const ALIASES: Record<string, string> = {
  '-r': '--requirement',
  '-c': '--constraint',
  '-e': '--editable',
  '-i': '--index-url',
  '-f': '--find-links',
};

function include(ctx: RequirementsContext, out: ImportResult, origin: ImportOrigin, text: string, path: string, constraint: boolean): void {
  const found = ctx.readInclude(path, ctx.file);
  if (!found || 'why' in found) {
    const why = found ? found.why : 'was not found';
    leftOut(out, origin, text, `${path} ${why}`);
    warn(out, found ? 'include-not-read' : 'include-missing', `${path} (included from ${ctx.file}) ${why}`, origin);
    return;
  }
  if (ctx.stack.includes(found.file)) {
    leftOut(out, origin, text, `include cycle: ${[...ctx.stack, found.file].join(' -> ')}`);
    warn(out, 'include-cycle', `include cycle ${[...ctx.stack, found.file].join(' -> ')}: not read again`, origin);
    return;
  }
  if (ctx.visited.has(found.file)) {
    ignored(out, origin, text, `${found.file} was already read`);
    return;
  }
  const into = ctx.groupOf ? ctx.groupOf(found.file, ctx.group) : ctx.group;
  record(
    out,
    origin,
    text,
    'include',
    `${constraint ? 'constraints' : 'requirements'} from ${found.file}${into !== ctx.group ? ` (group ${into}, from its name)` : ''}`,
  );
  const group = ctx.groupOf ? ctx.groupOf(found.file, ctx.group) : ctx.group;
  const sub = parseRequirementsIn(found.text, { ...ctx, file: found.file, group, constraint: ctx.constraint || constraint, stack: [...ctx.stack, found.file] });
  appendResult(out, sub);
}

/** One option line (`-r x`, `--index-url y`, `-e path`...). */
function optionLine(ctx: RequirementsContext, out: ImportResult, origin: ImportOrigin, text: string): void {
  const words = shellWords(text);
  const { option: rawOption, value, rest } = optionAndValue(words);
  const option = ALIASES[rawOption] ?? rawOption;
  const needsValue = ['--requirement', '--constraint', '--editable', '--index-url', '--extra-index-url', '--find-links'].includes(option);
  if (needsValue && (value === undefined || value === '')) return leftOut(out, origin, text, `${rawOption} needs a value`);
  if (rest.length && needsValue && option !== '--editable')
    warn(out, 'extra-words', `words after ${rawOption} ${value} were not read: ${rest.join(' ')}`, origin);
  switch (option) {
    case '--requirement':
      return include(ctx, out, origin, text, value!, false);
    case '--constraint':
      return include(ctx, out, origin, text, value!, true);
    case '--editable':
      return requirementLine(ctx, out, origin, text, [value!, ...rest].join(' '), true);
    case '--index-url':
    case '--extra-index-url':
    case '--find-links':
      addIndex(out, { url: value!, kind: option.slice(2) as 'index-url', origin, text });
      return;
    case '--pre':
      warn(out, 'prerelease', 'pre-releases allowed (--pre): uv needs [tool.uv] prerelease = "allow" or an explicit pre-release pin', origin);
      record(out, origin, text, 'hint', 'pre-releases allowed', 'uv: prerelease = "allow"');
      return;
  }
  const reason = IGNORED_OPTIONS[option];
  if (reason) {
    if (option === '--no-binary' || option === '--only-binary') warn(out, 'binary-option', `${text.trim()}: not carried over to uv`, origin);
    return ignored(out, origin, text, reason);
  }
  leftOut(out, origin, text, `unknown pip option ${rawOption}`);
}

/** pip's split: the requirement is every space-separated token before the first one starting with "-". */
function splitOptions(line: string): { requirement: string; options: string[] } {
  const tokens = line.split(' ');
  const at = tokens.findIndex((t) => t.startsWith('-'));
  if (at < 0) return { requirement: line, options: [] };
  return { requirement: tokens.slice(0, at).join(' '), options: shellWords(tokens.slice(at).join(' ')) };
}

function requirementLine(ctx: RequirementsContext, out: ImportResult, origin: ImportOrigin, text: string, body: string, editable: boolean): void {
  const { requirement, options } = splitOptions(body);
  const notes: string[] = [];
  for (const opt of options) {
    if (!opt.startsWith('-')) continue;
    if (/^--hash(=|$)/.test(opt)) notes.push('hash dropped (uv.lock records hashes)');
    else if (PER_REQUIREMENT.test(opt)) {
      notes.push(`${opt.split('=')[0]} not carried over`);
      warn(out, 'build-options', `${text.trim()}: ${opt.split('=')[0]} has no per-package uv equivalent here (uv: [tool.uv] config-settings)`, origin);
    } else notes.push(`unknown option ${opt} ignored`);
  }
  const spec = parseSpec(requirement, editable);
  if (!spec.ok) {
    // A line pip itself would refuse (`numpy==`, `foo @ `, `!!bad`): reported with its place and
    // marked, so that init and plan stop on it as on a broken TOML file (import only reports).
    leftOut(out, origin, text, spec.reason);
    if (!/:\/\/|^[./~]/.test(requirement.trim())) {
      const entry = out.report[out.report.length - 1]!;
      entry.invalid = { column: Math.max(1, text.indexOf(requirement.trim()) + 1) };
    }
    return;
  }
  if (spec.name === null) {
    if (spec.source?.kind === 'path' && (spec.source.path === '.' || spec.source.path === './')) {
      for (const e of spec.extras) out.selectedExtras.push({ name: e, origin: { ...origin } });
      record(
        out,
        origin,
        text,
        'source',
        `the project itself${spec.extras.length ? ` with extras ${spec.extras.join(', ')}` : ''}`,
        'installed by uv sync when the project builds (setup.py, [build-system]); otherwise used from this folder',
      );
      return;
    }
    return leftOut(out, origin, text, 'local path whose package name cannot be known without building it');
  }
  addSpec(out, { ...spec, name: spec.name }, { origin, text, group: ctx.group, constraint: ctx.constraint, notes });
}

/** Reads one logical line of a requirements file into `out`. */
export function parseRequirementLine(ctx: RequirementsContext, out: ImportResult, origin: ImportOrigin, line: string): void {
  const body = line.replace(/(^|\s)#.*$/, '').trim();
  if (body === '') return;
  if (body.startsWith('-')) optionLine(ctx, out, origin, body);
  else requirementLine(ctx, out, origin, body, body, false);
}

function parseRequirementsIn(text: string, ctx: RequirementsContext): ImportResult {
  const out = emptyResult();
  ctx.visited.add(ctx.file);
  for (const l of logicalLines(text)) {
    try {
      parseRequirementLine(ctx, out, { file: ctx.file, line: l.line }, l.text);
    } catch (err) {
      // A line must never stop the import: report it and go on.
      leftOut(out, { file: ctx.file, line: l.line }, l.text, `could not be read (${(err as Error).message})`);
    }
  }
  return out;
}

/**
 * Parses a pip requirements file: requirements, `-r`/`-c` includes (through `readInclude`,
 * relative to the including file; each file read once, cycles reported), `-e`, URLs, paths,
 * index options, markers, hashes and per-requirement options. Never throws.
 */
export function parseRequirements(text: string, file: string, readInclude: ReadInclude, opts: RequirementsOptions = {}): ImportResult {
  return parseRequirementsIn(text, {
    file,
    readInclude,
    group: opts.group ?? 'main',
    constraint: opts.constraint ?? false,
    visited: opts.visited ?? new Set(),
    stack: [file],
    ...(opts.groupOf ? { groupOf: opts.groupOf } : {}),
  });
}
