import { importCondaChannel, importCondaPackage } from './conda.js';
import { ignored, leftOut, record } from './emit.js';
import { Places } from './place.js';
import { buildSwitch, pipInstall, TORCH_FAMILY, type CommandContext, type IncludeRef } from './pip-command.js';
import { extractCommandLines, logicalLines, splitCommands, stripPrompt, type Word } from './shell.js';
import { emptyResult, type Group, type ImportResult } from './types.js';

export type { IncludeRef } from './pip-command.js';

export interface InstallCommandOptions {
  /** Names the project goes by (folder, repository, pyproject name): `git clone .../NAME` and `pip install NAME` are the project itself. */
  projectNames?: string[];
  /** Group for packages the guide installs (default 'main'); torch, torchvision, torchaudio always go to main. */
  group?: Group;
  /** Read the text as Markdown / reStructuredText (code blocks only); default: by the file's extension. */
  markdown?: boolean;
}

export interface InstallCommandsResult extends ImportResult {
  /** Files the guide installs from (`-r`, `-c`, `conda env create -f`), relative to the project root. */
  includes: IncludeRef[];
}

const ENV_ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PYTHON = /^(python|python3|python3\.\d+|py)$/;

function condaCommand(ctx: CommandContext, args: Word[]): boolean {
  const [sub, ...rest] = args.map((a) => a.text);
  if (sub === 'env' && (rest[0] === 'create' || rest[0] === 'update')) {
    const at = rest.findIndex((a) => a === '-f' || a === '--file');
    const file = at >= 0 ? rest[at + 1] : (rest.find((a) => a.startsWith('--file='))?.slice(7) ?? 'environment.yml');
    const r = ctx.places.resolve(file ?? 'environment.yml');
    if (r.kind !== 'self') return (leftOut(ctx.out, ctx.origin, ctx.text, `${file} is not in the project`), true);
    ctx.includes.push({ file: r.path, kind: 'conda-env', origin: { ...ctx.origin } });
    record(ctx.out, ctx.origin, ctx.text, 'include', `conda environment from ${r.path}`);
    return true;
  }
  if (sub !== 'install' && sub !== 'create') {
    if (sub === 'activate' || sub === 'deactivate' || sub === 'init' || sub === 'env' || sub === 'config' || sub === 'clean') {
      ignored(ctx.out, ctx.origin, ctx.text, 'conda environment management; uv run uses the project environment');
      return true;
    }
    return false;
  }
  let did = false;
  const many = rest.filter((a) => !a.startsWith('-')).length > 1;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-c' || a === '--channel') {
      importCondaChannel(ctx.out, rest[++i] ?? '', ctx.origin, ctx.text);
      did = true;
    } else if (a === '-n' || a === '--name' || a === '-p' || a === '--prefix' || a === '--file') i++;
    else if (a.startsWith('-')) continue;
    else {
      did = true;
      const name = a
        .replace(/^.*::/, '')
        .replace(/[=<>! ].*$/, '')
        .toLowerCase();
      const text = many ? `${ctx.text} [${a}]` : ctx.text;
      if (ctx.places.isProject(name)) ignored(ctx.out, ctx.origin, text, 'installs the project itself from conda; the import uses this checkout');
      else importCondaPackage(ctx.out, a, ctx.origin, text, TORCH_FAMILY.has(name) || name === 'pytorch' ? 'main' : ctx.group);
    }
  }
  if (!did) ignored(ctx.out, ctx.origin, ctx.text, sub === 'create' ? 'creates a conda environment; uv creates .venv' : 'installs nothing');
  return true;
}

/** One simple command; returns false when it is not a command danlu knows. */
function command(ctx: CommandContext, input: Word[], markdown: boolean): boolean {
  const words = [...input];
  const env: { name: string; value: string }[] = [];
  while (words[0] && ENV_ASSIGN.test(words[0].text)) {
    const [name, ...v] = words.shift()!.text.split('=');
    env.push({ name: name!, value: v.join('=') });
  }
  while (words[0] && /^(sudo|time|env|nohup|-E)$/.test(words[0].text)) words.shift();
  const w = words.map((x) => x.text);
  const { out, origin, text } = ctx;
  ctx.env = env;
  if (w.length === 0) return env.length > 0 && (ignored(out, origin, text, 'sets shell variables'), true);
  const recordEnv = () => {
    for (const e of env) out.buildEnv.push({ ...e, origin: { ...origin } });
  };
  let pipArgs: Word[] | null = null;
  let tool: 'pip' | 'uv-add' | 'mim' = 'pip';
  if (/^pip(3(\.\d+)?)?$/.test(w[0]!)) pipArgs = w[1] === 'install' ? words.slice(2) : null;
  else if (PYTHON.test(w[0]!) && w[1] === '-m' && w[2] === 'pip') pipArgs = w[3] === 'install' ? words.slice(4) : null;
  else if (w[0] === 'uv' && w[1] === 'pip') pipArgs = w[2] === 'install' ? words.slice(3) : null;
  else if (w[0] === 'uv' && w[1] === 'add') [pipArgs, tool] = [words.slice(2), 'uv-add'];
  else if (w[0] === 'mim' && w[1] === 'install') [pipArgs, tool] = [words.slice(2), 'mim'];
  if (pipArgs) {
    recordEnv();
    pipInstall(ctx, pipArgs, tool);
    return true;
  }
  if (/^pip3?$/.test(w[0]!) || (PYTHON.test(w[0]!) && w[2] === 'pip') || (w[0] === 'uv' && w[1] === 'pip')) {
    ignored(out, origin, text, w.includes('uninstall') ? 'uninstalls packages' : 'pip command that installs nothing');
    return true;
  }
  if (w[0] === 'uv') {
    if (w[1] === 'sync') {
      const picks: string[] = [];
      for (let i = 2; i < w.length; i++) if ((w[i] === '--extra' || w[i] === '--group') && w[i + 1]) picks.push(w[++i]!);
      if (w.includes('--all-extras')) picks.push('*');
      for (const name of picks) out.selectedExtras.push({ name, origin: { ...origin } });
      if (w.includes('--no-build-isolation')) out.noBuildIsolation.push({ origin: { ...origin } });
      record(out, origin, text, 'hint', picks.length ? `installs the project with ${picks.join(', ')}` : 'installs the project', 'uv sync');
    } else ignored(out, origin, text, w[1] === 'venv' ? 'uv venv: the environment danlu sets up' : 'uv command that installs nothing');
    return true;
  }
  if (w[0] === 'conda' || w[0] === 'mamba' || w[0] === 'micromamba') return condaCommand(ctx, words.slice(1));
  if (w[0] === 'git' && w[1] === 'clone') {
    const args = w.slice(2);
    const url = args.find((a) => /^(https?:|git@|ssh:|git:)/.test(a));
    if (!url) return (ignored(out, origin, text, 'git clone without a URL'), true);
    const after = args.slice(args.indexOf(url) + 1).filter((a) => !a.startsWith('-'));
    const b = args.findIndex((a) => a === '-b' || a === '--branch');
    const clone = ctx.places.clone(url, after[0], b >= 0 ? args[b + 1] : undefined);
    const recursive = args.some((a) => a === '--recursive' || a.startsWith('--recurse-submodules'));
    if (recursive && clone.self) out.submodules.push({ origin: { ...origin } });
    if (clone.self)
      record(out, origin, text, recursive ? 'hint' : 'ignored', recursive ? 'the project with its git submodules' : 'nothing', 'clones the project itself');
    else ignored(out, origin, text, `clones ${url}; what later commands install from it is imported from them`);
    return true;
  }
  if (w[0] === 'git' && w[1] === 'submodule') {
    if (ctx.places.place.kind === 'clone') return (ignored(out, origin, text, `submodules of ${ctx.places.place.clone.url}`), true);
    if (w[2] === 'update' || w[2] === 'init') {
      out.submodules.push({ origin: { ...origin } });
      return (record(out, origin, text, 'hint', 'the project needs its git submodules'), true);
    }
    return (ignored(out, origin, text, 'git submodule bookkeeping'), true);
  }
  if (w[0] === 'cd') {
    ctx.places.cd(w[1]);
    return (ignored(out, origin, text, 'changes folder (followed to resolve later paths)'), true);
  }
  if (/^apt(-get)?$/.test(w[0]!)) {
    if (w[1] !== 'install') return (ignored(out, origin, text, 'apt bookkeeping'), true);
    const pkgs = w.slice(2).filter((a) => !a.startsWith('-'));
    for (const name of pkgs) out.aptPackages.push({ name, origin: { ...origin } });
    return (record(out, origin, text, 'hint', `apt packages for the image: ${pkgs.join(' ')}`), true);
  }
  if (PYTHON.test(w[0]!) || /^python3?\.\d+$/.test(w[0]!)) {
    const version = /^python(3\.\d+)$/.exec(w[0]!)?.[1];
    if (w[1] === 'setup.py') {
      recordEnv();
      const r = ctx.places.resolve('.');
      const where = r.kind === 'clone' ? `${r.clone.url}${r.sub ? ` (${r.sub})` : ''}` : r.kind === 'self' && r.path ? r.path : 'the project';
      if (r.kind === 'self' && r.path === '') {
        const compiles = buildSwitch(env);
        if (compiles)
          out.buildTimeTorch.push({
            origin: { ...origin },
            why: `the install guide builds the project with ${compiles}: compiled against the installed torch`,
          });
        return (record(out, origin, text, 'source', 'the project itself, built from source', 'uv sync builds and installs the project'), true);
      }
      return (
        leftOut(
          out,
          origin,
          text,
          `builds ${where} with python setup.py (in the current environment, so against its torch): add it as a git or path source under its real package name, which danlu cannot know without running setup.py`,
        ),
        true
      );
    }
    if (w[1] === '-m' && w[2] === 'build') {
      recordEnv();
      if (w.includes('--no-isolation') || w.includes('-n')) out.noBuildIsolation.push({ origin: { ...origin } });
      return (record(out, origin, text, 'hint', 'builds a wheel of the project', 'uv build'), true);
    }
    if (w[1] === '-m' && w[2] === 'venv' && version) {
      out.pythonHints.push({ version, origin: { ...origin }, text });
      return (record(out, origin, text, 'hint', `Python hint ${version}`, 'uv creates the environment'), true);
    }
    return markdown ? false : (ignored(out, origin, text, 'runs Python; not an install step'), true);
  }
  if (w[0] === 'export') {
    for (const a of w.slice(1))
      if (ENV_ASSIGN.test(a)) out.buildEnv.push({ name: a.split('=')[0]!, value: a.split('=').slice(1).join('='), origin: { ...origin } });
    return (record(out, origin, text, 'hint', 'environment variables for later builds'), true);
  }
  if (/^(bash|sh|source|\.)$/.test(w[0]!) || /\.sh$/.test(w[0]!)) {
    if (/activate$/.test(w[1] ?? '')) return (ignored(out, origin, text, 'activates a virtual environment; uv run does this'), true);
    recordEnv();
    return (leftOut(out, origin, text, 'runs a shell script danlu does not read or run; check what it installs'), true);
  }
  if (/^(cmake|make|ninja)$/.test(w[0]!))
    return (leftOut(out, origin, text, 'builds native code outside pip; the image has the toolchain, the build itself is not imported'), true);
  if (/^(SET|set)$/.test(w[0]!)) return (ignored(out, origin, text, 'Windows command prompt setting'), true);
  if (markdown) return false;
  ignored(out, origin, text, 'not an install command');
  return true;
}

/**
 * Reads install instructions (README / INSTALL lines): pip / pip3 / python -m pip / uv pip /
 * uv add / mim install, conda / mamba install / create / env create, git clone (--recursive)
 * and git submodule, apt-get install, cd (followed, to resolve `-r` and `.`), environment
 * prefixes, `\` continuations, `&&` chains, quotes and comments. Markdown / RST files are read
 * from their code blocks and inline code only. Never throws.
 */
export function parseInstallCommands(text: string, file: string, opts: InstallCommandOptions = {}): InstallCommandsResult {
  const out: InstallCommandsResult = { ...emptyResult(), includes: [] };
  const markdown = opts.markdown ?? /\.(md|markdown|rst|mdx)$/i.test(file);
  const places = new Places(opts.projectNames ?? []);
  const lines = markdown ? joinContinuations(extractCommandLines(text)) : logicalLines(text).map((l) => ({ ...l, text: stripPrompt(l.text) }));
  for (const l of lines) {
    for (const cmd of splitCommands(l.text)) {
      const ctx: CommandContext = { out, includes: out.includes, places, origin: { file, line: l.line }, text: cmd.raw, group: opts.group ?? 'main' };
      try {
        command(ctx, cmd.words, markdown);
      } catch (err) {
        leftOut(out, ctx.origin, cmd.raw, `could not be read (${(err as Error).message})`);
      }
    }
  }
  return out;
}

/** `\` continuations inside extracted code blocks. */
function joinContinuations(lines: { line: number; text: string }[]): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let open: { line: number; text: string } | null = null;
  for (const l of lines) {
    const cont = /\\\s*$/.test(l.text);
    const body = cont ? l.text.replace(/\\\s*$/, ' ') : l.text;
    if (open && open.line !== undefined) open.text += body;
    else open = { line: l.line, text: body };
    if (!cont) {
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}
