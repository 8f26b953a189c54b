import { addAptPackages } from './apt.js';
import { CONDA_VALUE, condaCommand } from './conda-command.js';
import { addSpec, ignored, leftOut, record } from './emit.js';
import { Places } from './place.js';
import { buildSwitch, cloneInstall, pipInstall, type CommandContext, type IncludeRef } from './pip-command.js';
import { extractCommandLines, type LogicalLine, logicalLines, splitCommands, stripPrompt, type Word } from './shell.js';
import { emptyResult, type Group, type ImportResult } from './types.js';
import { repoBasename } from './url.js';

export type { IncludeRef } from './pip-command.js';

export interface InstallCommandOptions {
  /** Names the project goes by (folder, repository, pyproject name): `git clone .../NAME` and `pip install NAME` are the project itself. */
  projectNames?: string[];
  /** Group for packages the guide installs (default 'main'); torch, torchvision, torchaudio always go to main. */
  group?: Group;
  /** Read the text as Markdown / reStructuredText (code blocks only); default: by the file's extension. */
  markdown?: boolean;
  /** Whether a path (relative to the project root) exists in the checkout: a clone of another name whose files are here is the project. */
  exists?: (rel: string) => boolean;
  /** The project states its own name (pyproject.toml, setup.py). */
  ownName?: boolean;
  publishes?: boolean;
  /** A file of the checkout (the `name:` of an environment file `conda env create` reads); null when absent. */
  read?: (rel: string) => string | null;
}

export interface InstallCommandsResult extends ImportResult {
  /** Files the guide installs from (`-r`, `-c`, `conda env create -f`, `bash install.sh`), relative to the project root. */
  includes: IncludeRef[];
}

const ENV_ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PYTHON = /^(python|python3|python3\.\d+|py)$/;
/** Commands that install something into the environment (left out when they run in another conda environment). */
const INSTALLS = /^(pip3?(\.\d+)?|uv|mim|poetry|conda|mamba|micromamba)$/;

/** `python setup.py install|develop|build_ext` in a folder: the package there, like `pip install ./folder`. */
function setupPy(ctx: CommandContext, w: string[], env: { name: string; value: string }[], dir = '.'): void {
  const { out, origin, text } = ctx;
  const r = ctx.places.resolve(dir);
  const actions = w.slice(2).filter((a) => !a.startsWith('-'));
  // `build_ext --inplace install`: the command that installs, when one does.
  const action = actions.find((a) => a === 'install' || a === 'develop') ?? actions[0] ?? '';
  if (r.kind === 'self' && r.path === '') {
    const compiles = buildSwitch(env);
    if (compiles)
      out.buildTimeTorch.push({ origin: { ...origin }, why: `the install guide builds the project with ${compiles}: compiled against the installed torch` });
    if (/^(install|develop)$/.test(action)) out.selfInstalls.push({ ...origin });
    record(out, origin, text, 'source', 'the project itself, built from source', 'uv sync builds and installs the project');
    return;
  }
  if (!/^(install|develop|build_ext|bdist_wheel|build)$/.test(action)) return ignored(out, origin, text, `python setup.py ${action}: installs nothing`);
  // In a folder of this checkout with its own setup.py: that package, like `pip install ./folder`
  // (its name comes from its setup.py). Elsewhere (another repository, a folder not checked out)
  // the package name is unknown without running setup.py.
  // In a clone of another repository: that repository, from git, like `pip install .` there
  // (its name from the repository table, else its folder's, said as a guess).
  if (r.kind === 'clone' && /^(install|develop)$/.test(action)) {
    const c = cloneInstall(r.clone, r.sub);
    const compiles = buildSwitch(env);
    if (compiles)
      out.buildTimeTorch.push({
        name: c.name,
        origin: { ...origin },
        why: `the install guide builds it with ${compiles}: compiled against the installed torch`,
      });
    addSpec(
      out,
      {
        name: c.name,
        nameGuessed: c.nameGuessed,
        extras: [],
        specifier: '',
        marker: null,
        source: c.source,
        notes: [
          `python setup.py ${action} in a clone of ${repoBasename(r.clone.url)}: that repository from git, like pip install . there`,
          ...(c.nameGuessed ? [c.note] : []),
        ],
      },
      { origin, text, group: ctx.group },
    );
    return;
  }
  if (r.kind !== 'self' || !ctx.places.exists(`${r.path}/setup.py`)) {
    const where = r.kind === 'clone' ? `${r.clone.url}${r.sub ? ` (${r.sub})` : ''}` : r.kind === 'self' ? r.path : 'a folder the guide leaves unclear';
    return leftOut(
      out,
      origin,
      text,
      `builds ${where} with python setup.py (in the current environment, so against its torch): add it as a git or path source under its real package name, which danlu cannot read here`,
    );
  }
  const editable = action === 'develop' || w.includes('--inplace');
  const name = r.path
    .split('/')
    .pop()!
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
  addSpec(
    out,
    {
      name,
      nameGuessed: true,
      extras: [],
      specifier: '',
      marker: null,
      source: { kind: 'path', path: r.path, editable },
      notes: [`python setup.py ${action} in ${r.path}: the local package there, like pip install ./${r.path}`],
    },
    { origin, text, group: ctx.group },
  );
}

/** Commands of other package managers and tools, and what each is to a uv project. */
const OTHER_COMMANDS: { re: RegExp; kind: 'ignored' | 'left-out'; why: string }[] = [
  {
    re: /^(yum|dnf|zypper|pacman|apk|brew|port|choco|winget)$/,
    kind: 'left-out',
    why: "installs system packages with another OS's package manager; the image is Ubuntu (apt)",
  },
  { re: /^dpkg$/, kind: 'left-out', why: 'installs a .deb file; not imported (add it to the image yourself)' },
  { re: /^(wget|curl|aria2c|gdown|huggingface-cli|hf)$/, kind: 'ignored', why: 'downloads files; not an install step' },
  {
    re: /^(unzip|tar|7z|gunzip|mkdir|cp|mv|rm|ln|ls|echo|cat|chmod|export|touch|update-alternatives|ldconfig|nvidia-smi|nvcc|which)$/,
    kind: 'ignored',
    why: 'a shell command; not an install step',
  },
  { re: /^(pipx)$/, kind: 'ignored', why: 'installs a command-line tool outside the project' },
  { re: /^(docker|podman|singularity|apptainer)$/, kind: 'ignored', why: 'a container command; danlu builds its own image' },
  { re: /^(cmake|make|ninja)$/, kind: 'left-out', why: 'builds native code outside pip; the image has the toolchain, the build itself is not imported' },
];

/** One simple command; every command gets a report line. */
function command(ctx: CommandContext, input: Word[]): void {
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
  if (w.length === 0) return ignored(out, origin, text, 'sets shell variables');
  const recordEnv = () => {
    for (const e of env) if (!/^(UV|PIP)_/.test(e.name)) out.buildEnv.push({ ...e, origin: { ...origin } });
  };
  // A command that installs into another conda environment (`conda run -n other pip install`, after `conda activate other`).
  const runIn = w[0] === 'conda' && w[1] === 'run' ? (w[w.indexOf('-n') + 1] ?? w[w.indexOf('--name') + 1]) : undefined;
  const installs =
    INSTALLS.test(w[0]!) || (PYTHON.test(w[0]!) && /^(-m|setup\.py)$/.test(w[1] ?? '')) || (/^(bash|sh|source|\.)$/.test(w[0]!) && /\.sh$/.test(w[1] ?? ''));
  const other = installs ? ctx.places.otherEnv(runIn) : null;
  if (other && !(w[0] === 'conda' && (w[1] === 'activate' || w[1] === 'create' || w[1] === 'env'))) {
    const made = ctx.places.otherEnvs.get(other);
    return leftOut(
      out,
      origin,
      text,
      `runs in the separate conda environment ${other}${made ? ` (made at ${made})` : ''}, not the project's: not part of its environment`,
    );
  }
  if (w[0] === 'conda' && w[1] === 'run') {
    const at = w.findIndex((a, i) => i > 1 && !a.startsWith('-') && !CONDA_VALUE.has(w[i - 1]!));
    return at > 0 ? command(ctx, words.slice(at)) : ignored(out, origin, text, 'conda run without a command');
  }
  if (w[0] === 'poetry') {
    if (w[1] === 'run') return words.length > 2 ? command(ctx, words.slice(2)) : ignored(out, origin, text, 'poetry run without a command');
    if (w[1] === 'install' || w[1] === 'sync') {
      const extras = w
        .slice(2)
        .flatMap((a, i, all) => (a === '-E' || a === '--extras' ? (all[i + 1] ?? '').split(/[ ,]+/) : a === '--all-extras' ? ['*'] : []));
      for (const name of extras.filter(Boolean))
        out.selectedExtras.push({ name: name === '*' ? '*' : name.toLowerCase().replace(/[-_.]+/g, '-'), origin: { ...origin } });
      return void record(
        out,
        origin,
        text,
        'hint',
        `installs the project${extras.length ? ` with ${extras.join(', ')}` : ''} (Poetry)`,
        'the project file is read; uv sync installs it',
      );
    }
    if (w[1] === 'add') {
      recordEnv();
      const group = w.includes('--group') || w.includes('-G') ? (w[w.findIndex((a) => a === '--group' || a === '-G') + 1] ?? 'dev') : undefined;
      const args = words
        .slice(2)
        .filter((a, i, all) => !/^(--group|-G)$/.test(a.text) && !/^(--group|-G)$/.test(all[i - 1]?.text ?? '') && a.text !== '--dev' && a.text !== '-D');
      return pipInstall({ ...ctx, group: w.includes('--dev') || w.includes('-D') ? 'dev' : (group ?? ctx.group) }, args, 'pip');
    }
    return ignored(out, origin, text, 'Poetry command that installs nothing');
  }
  let pipArgs: Word[] | null = null;
  let tool: 'pip' | 'uv-add' | 'mim' = 'pip';
  if (/^pip(3(\.\d+)?)?$/.test(w[0]!)) pipArgs = w[1] === 'install' ? words.slice(2) : null;
  else if (PYTHON.test(w[0]!) && w[1] === '-m' && w[2] === 'pip') pipArgs = w[3] === 'install' ? words.slice(4) : null;
  else if (w[0] === 'uv' && w[1] === 'pip') pipArgs = w[2] === 'install' ? words.slice(3) : null;
  else if (w[0] === 'uv' && w[1] === 'add') [pipArgs, tool] = [words.slice(2), 'uv-add'];
  else if (w[0] === 'mim' && w[1] === 'install') [pipArgs, tool] = [words.slice(2), 'mim'];
  if (pipArgs) {
    recordEnv();
    return pipInstall(ctx, pipArgs, tool);
  }
  if (/^pip3?$/.test(w[0]!) || (PYTHON.test(w[0]!) && w[2] === 'pip') || (w[0] === 'uv' && w[1] === 'pip'))
    return ignored(out, origin, text, w.includes('uninstall') ? 'uninstalls packages' : 'pip command that installs nothing');
  if (w[0] === 'uv') {
    if (w[1] === 'sync') {
      const picks: string[] = [];
      for (let i = 2; i < w.length; i++) if ((w[i] === '--extra' || w[i] === '--group') && w[i + 1]) picks.push(w[++i]!.toLowerCase().replace(/[-_.]+/g, '-'));
      if (w.includes('--all-extras')) picks.push('*');
      for (const name of picks) out.selectedExtras.push({ name, origin: { ...origin } });
      if (w.includes('--no-build-isolation')) out.noBuildIsolation.push({ origin: { ...origin } });
      return void record(out, origin, text, 'hint', picks.length ? `installs the project with ${picks.join(', ')}` : 'installs the project', 'uv sync');
    }
    return ignored(out, origin, text, w[1] === 'venv' ? 'uv venv: the environment danlu sets up' : 'uv command that installs nothing');
  }
  if (w[0] === 'conda' || w[0] === 'mamba' || w[0] === 'micromamba') {
    if (!condaCommand(ctx, words.slice(1))) ignored(out, origin, text, 'conda command that installs nothing');
    return;
  }
  if (w[0] === 'git' && w[1] === 'clone') {
    const args = w.slice(2);
    const url = args.find((a) => /^(https?:|git@|ssh:|git:)/.test(a));
    if (!url) return ignored(out, origin, text, 'git clone without a URL');
    const after = args.slice(args.indexOf(url) + 1).filter((a) => !a.startsWith('-'));
    const b = args.findIndex((a) => a === '-b' || a === '--branch');
    const clone = ctx.places.clone(url, after[0], b >= 0 ? args[b + 1] : undefined);
    const recursive = args.some((a) => a === '--recursive' || a.startsWith('--recurse-submodules'));
    if (recursive && clone.self) out.submodules.push({ origin: { ...origin } });
    if (clone.self)
      return void record(
        out,
        origin,
        text,
        recursive ? 'hint' : 'ignored',
        recursive ? 'the project with its git submodules' : 'nothing',
        'clones the project itself',
      );
    return ignored(out, origin, text, `clones ${url}; what later commands install from it is imported from them`);
  }
  if (w[0] === 'git' && w[1] === 'submodule') {
    if (ctx.places.place.kind === 'clone') return ignored(out, origin, text, `submodules of ${ctx.places.place.clone.url}`);
    if (w[2] === 'update' || w[2] === 'init') {
      out.submodules.push({ origin: { ...origin } });
      return void record(out, origin, text, 'hint', 'the project needs its git submodules');
    }
    return ignored(out, origin, text, 'git submodule bookkeeping');
  }
  if (w[0] === 'git') return ignored(out, origin, text, 'git command; not an install step');
  if (w[0] === 'cd' || w[0] === 'pushd' || w[0] === 'popd') {
    ctx.places.cd(w[0] === 'popd' ? '..' : w[1]);
    return ignored(out, origin, text, 'changes folder (followed to resolve later paths)');
  }
  if (/^apt(-get)?$/.test(w[0]!)) {
    if (w[1] !== 'install') return ignored(out, origin, text, 'apt bookkeeping');
    return addAptPackages(
      out,
      origin,
      text,
      w.slice(2).filter((a) => !a.startsWith('-')),
    );
  }
  if (PYTHON.test(w[0]!) || /^python3?\.\d+$/.test(w[0]!)) {
    const version = /^python(3\.\d+)$/.exec(w[0]!)?.[1];
    if (w[1] === 'setup.py') {
      recordEnv();
      return setupPy(ctx, w, env);
    }
    // `python sub/setup.py develop`: the package in sub/, as if the guide had gone there first.
    const setupIn = /^(?:\.\/)?((?:[^/\s]+\/)*[^/\s]+)\/setup\.py$/.exec(w[1] ?? '');
    if (setupIn && !setupIn[1]!.split('/').includes('..')) {
      recordEnv();
      return setupPy(ctx, w, env, setupIn[1]!);
    }
    if (w[1] === '-m' && w[2] === 'build') {
      recordEnv();
      if (w.includes('--no-isolation') || w.includes('-n')) out.noBuildIsolation.push({ origin: { ...origin } });
      return void record(out, origin, text, 'hint', 'builds a wheel of the project', 'uv build');
    }
    if (w[1] === '-m' && w[2] === 'venv') {
      if (version) out.pythonHints.push({ version, origin: { ...origin }, text });
      return void record(out, origin, text, version ? 'hint' : 'ignored', version ? `Python hint ${version}` : 'nothing', 'uv creates the environment');
    }
    if (w.slice(1).some((a) => /^install(er)?$|^setup$/.test(a)))
      return leftOut(out, origin, text, "runs the project's own installer, which danlu does not run: check what it installs and add it to the project");
    return ignored(out, origin, text, 'runs Python; not an install step');
  }
  if (/^(bash|sh|zsh|source|\.)$/.test(w[0]!) || /\.sh$/.test(w[0]!)) {
    const script = /\.sh$/.test(w[0]!) ? w[0]! : w.slice(1).find((a) => !a.startsWith('-'));
    if (!script || /activate(\.\w+)?$/.test(script)) {
      if (w[0] === 'source' || w[0] === '.') ctx.places.activate(w[2] && /activate$/.test(script ?? '') ? w[2] : undefined);
      return ignored(out, origin, text, 'activates a virtual environment; uv run does this');
    }
    if (!/\.sh$/.test(script)) return ignored(out, origin, text, 'runs a shell command; not an install step');
    recordEnv();
    const r = ctx.places.resolve(script);
    if (r.kind !== 'self')
      return leftOut(out, origin, text, `runs ${script} from ${r.kind === 'clone' ? r.clone.url : 'a folder the guide leaves unclear'}; not read`);
    if (!ctx.places.exists(r.path)) return leftOut(out, origin, text, `runs ${r.path}, which is not in this checkout: check what it installs`);
    ctx.includes.push({ file: r.path, kind: 'script', origin: { ...origin } });
    return void record(out, origin, text, 'include', `install script ${r.path}: its lines are read like these`);
  }
  if (/activate(\.bat|\.ps1)?$/i.test(w[0]!)) return ignored(out, origin, text, 'activates a virtual environment; uv run does this');
  if (w[0] === 'set' && /^[-+]/.test(w[1] ?? '')) return ignored(out, origin, text, 'shell option');
  if (/^(SET|set)$/.test(w[0]!)) return ignored(out, origin, text, 'Windows command prompt setting');
  for (const o of OTHER_COMMANDS) {
    if (!o.re.test(w[0]!)) continue;
    if (w[0] === 'export') {
      for (const a of w.slice(1))
        if (ENV_ASSIGN.test(a)) out.buildEnv.push({ name: a.split('=')[0]!, value: a.split('=').slice(1).join('='), origin: { ...origin } });
      return void record(out, origin, text, 'hint', 'environment variables for later builds');
    }
    return o.kind === 'left-out' ? leftOut(out, origin, text, o.why) : ignored(out, origin, text, o.why);
  }
  ignored(out, origin, text, 'not an install command');
}

/**
 * Reads install instructions (README / INSTALL lines, install scripts): pip / pip3 / python -m
 * pip / uv pip / uv add / mim install / poetry, conda / mamba install / create / env create /
 * activate (a second environment is kept apart), git clone (--recursive) and git submodule,
 * apt-get install, python setup.py, scripts it runs (bash X.sh), cd (followed, to resolve `-r`
 * and `.`; each code block of a document starts at the root), environment prefixes, `\`
 * continuations, `&&` chains, quotes and comments. Markdown / RST files are read from their code
 * blocks and inline code only; every line read gets a report line. Never throws.
 */
export function parseInstallCommands(text: string, file: string, opts: InstallCommandOptions = {}): InstallCommandsResult {
  const out: InstallCommandsResult = { ...emptyResult(), includes: [] };
  const markdown = opts.markdown ?? /\.(md|markdown|rst|mdx)$/i.test(file);
  const places = new Places(opts.projectNames ?? [], {
    ...(opts.exists ? { exists: opts.exists } : {}),
    ...(opts.read ? { read: opts.read } : {}),
    ...(opts.ownName ? { ownName: true } : {}),
    ...(opts.publishes ? { publishes: true } : {}),
  });
  // (`raw`: the line before its prompt is taken off, for a `case` label such as `(a)`.)
  const lines: (LogicalLine & { raw?: string })[] = markdown
    ? joinContinuations(extractCommandLines(text))
    : logicalLines(text).map((l) => ({ ...l, raw: l.text, text: stripPrompt(l.text) }));
  // A section of the document that is not the install this machine follows (an alternative way, a
  // troubleshooting step, another OS): its lines are accounted for, not installed, when the
  // document gives its install elsewhere too.
  const aside = (l: { section?: string }) => (l.section ? asideHeading(l.section) : null);
  const mainPath = markdown && lines.some((l) => !aside(l) && splitCommands(l.text).some((c) => INSTALL_WORDS.test(c.raw)));
  const run = (origin: { file: string; line: number }, cmds: readonly { raw: string; words: Word[] }[]) => {
    for (const cmd of cmds) {
      const ctx: CommandContext = { out, includes: out.includes, places, origin, text: cmd.raw, group: opts.group ?? 'main' };
      try {
        command(ctx, cmd.words);
      } catch (err) {
        leftOut(out, ctx.origin, cmd.raw, `could not be read (${(err as Error).message})`);
      }
    }
  };
  let block: number | undefined;
  // Inside a shell `case` the script takes one arm when it runs: each arm's commands are an
  // alternative (one xformers per torch, one spconv per CUDA), accounted for, none installed.
  // One entry per open `case` (nested ones too): the label of the arm being read.
  let arms: (string | null)[] = [];
  // The text of a here-document (`cat > f <<EOF` ... `EOF`): data for a command, not commands.
  let heredoc: string | null = null;
  for (const [at, l] of lines.entries()) {
    if (l.block !== block) {
      places.reset();
      arms = [];
    }
    block = l.block;
    const t = l.text.trim();
    const origin = { file, line: l.line };
    if (heredoc !== null) {
      if (t === heredoc) heredoc = null;
      ignored(out, origin, t, 'the text of a here-document (data a command reads), not a command');
      continue;
    }
    // `<<EOF` / `<<-'EOF'`, not a here-string (`<<<`), a shift in `$(( ))` or a comment, and only
    // when a line further on ends it.
    const doc = markdown || /^#/.test(t) ? null : /(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_]\w*)\1/.exec(t.replace(/\$?\(\([^)]*\)\)/g, ''));
    if (doc && lines.slice(at + 1).some((x) => x.text.trim() === doc[2])) heredoc = doc[2]!;
    const rawLine = (l.raw ?? l.text).trim();
    const label = arms.length > 0 ? /^\(?([^\s()][^()]*?)\)(?=\s|$)/.exec(rawLine) : null;
    if (label) arms[arms.length - 1] = label[1]!;
    const arm = arms.at(-1) ?? null;
    const opens = /(^|[;&|(]\s*|\bdo\s+|\bthen\s+|\)\s*)case\s+.+?\s+in(\s|;|$)/.test(t);
    const closes = /(^|[;\s])esac\b/.test(t);
    if (arm !== null) {
      const body = label ? rawLine.slice(label[0].length) : t;
      const why = `an arm of a shell \`case\` (\`${arm})\`): the script takes one arm when it runs, so each is an alternative; the plan chooses for this machine`;
      const cmds = splitCommands(body).filter((c) => !/^(;;|esac)$/.test(c.raw.trim()));
      if (cmds.length === 0) ignored(out, origin, t, why);
      for (const c of cmds) {
        const w0 = c.words.find((w) => !/^[A-Za-z_]\w*=/.test(w.text))?.text ?? '';
        if (INSTALLS.test(w0) || PYTHON.test(w0)) leftOut(out, origin, c.raw, why);
        else ignored(out, origin, c.raw, why);
      }
    }
    if (opens) arms.push(null);
    if (closes && arms.length > 0) arms.pop();
    if (arm !== null) continue;
    // A subshell on one line, `( cd sub && pip install . ) && pip install -e .`: its commands,
    // read as such (a `cd` in it ends with it), then what follows it.
    if (!markdown && SUBSHELL.test(t)) {
      let rest = t;
      for (let sub = SUBSHELL.exec(rest); sub; sub = SUBSHELL.exec(rest)) {
        const inner = splitCommands(sub[1]!);
        if (inner.length === 0) ignored(out, origin, t, 'a subshell without a command');
        const before = places.place;
        run(origin, inner);
        places.place = before;
        rest = sub[2]!.replace(/^(&&|\|\||;|&)\s*/, '');
      }
      // Redirections of the subshell's output are not commands.
      if (rest && !/^([0-9]*[<>]&?\S*\s*)+$/.test(rest)) run(origin, splitCommands(rest));
      continue;
    }
    const set = mainPath ? aside(l) : null;
    if (set) {
      for (const cmd of splitCommands(l.text))
        ignored(
          out,
          origin,
          cmd.raw,
          `in the section "${set}", another way than the install this machine follows (an alternative, a fix for a problem, another OS)`,
        );
      continue;
    }
    run(origin, splitCommands(l.text));
  }
  return out;
}

/** A one-line subshell and what follows it: `( cd sub && pip install . ) && pip install -e .`. */
const SUBSHELL = /^\(\s*([^()]*?)\s*\)\s*(.*)$/;

/** Installers of a document's commands (pip, uv, conda, apt, setup.py) that make an install path. */
const INSTALL_WORDS = /\b(pip3?|uv|conda|mamba|micromamba|mim|poetry|apt(-get)?)\s+(install|sync|add|create|env)\b|\bsetup\.py\s+(install|develop)\b/;

/**
 * The heading (of the headings a line is under) that marks another way than the install to
 * follow: an alternative, troubleshooting or known problems, another OS than Linux. Null if none.
 */
export function asideHeading(section: string): string | null {
  for (const h of section.split(' › ').reverse()) {
    if (/\blinux\b|\bubuntu\b/i.test(h)) return null;
    if (
      /\balternatives?\b|\balternatively\b|troubleshoot|\bFAQs?\b|\bknown (issues|problems)\b|\bcommon (issues|problems|errors)\b|\b(mac ?os|os ?x|apple silicon|windows)\b/i.test(
        h,
      )
    )
      return h;
  }
  return null;
}

/** `\` continuations inside extracted code blocks. */
function joinContinuations(lines: LogicalLine[]): LogicalLine[] {
  const out: LogicalLine[] = [];
  let open: LogicalLine | null = null;
  for (const l of lines) {
    const cont = /\\\s*$/.test(l.text);
    const body = cont ? l.text.replace(/\\\s*$/, ' ') : l.text;
    if (open && open.block === l.block) open.text += body;
    else {
      if (open) out.push(open);
      open = { line: l.line, text: body, ...(l.block !== undefined ? { block: l.block } : {}), ...(l.section ? { section: l.section } : {}) };
    }
    if (!cont) {
      out.push(open);
      open = null;
    }
  }
  if (open) out.push(open);
  return out;
}
