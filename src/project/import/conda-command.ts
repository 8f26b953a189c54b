import { importCondaChannel, importCondaPackage } from './conda.js';
import { ignored, leftOut, record } from './emit.js';
import { TORCH_FAMILY, type CommandContext } from './pip-command.js';
import type { Word } from './shell.js';

/** `conda create` / `conda install` options that take a value (an environment name is never a package). */
export const CONDA_VALUE = new Set(['-n', '--name', '-p', '--prefix', '--file', '--clone', '-c', '--channel', '--solver', '--repodata-fn', '--subdir']);

/** conda / mamba lines: environments (the project's and others), channels, packages; false for a command that is none of these. */
export function condaCommand(ctx: CommandContext, args: Word[]): boolean {
  const [sub, ...rest] = args.map((a) => a.text);
  const places = ctx.places;
  const where = `${ctx.origin.file}:${ctx.origin.line}`;
  const optionValue = (...opts: string[]) => {
    const at = rest.findIndex((a) => opts.includes(a));
    return at >= 0 ? rest[at + 1] : rest.find((a) => opts.some((o) => o.startsWith('--') && a.startsWith(`${o}=`)))?.split('=')[1];
  };
  if (sub === 'env' && (rest[0] === 'create' || rest[0] === 'update')) {
    const file = optionValue('-f', '--file') ?? 'environment.yml';
    const r = places.resolve(file);
    if (r.kind !== 'self') return (leftOut(ctx.out, ctx.origin, ctx.text, `${file} is not in the project`), true);
    const declared = /^name:\s*['"]?([^'"\s#]+)/m.exec(places.read(r.path) ?? '')?.[1];
    const name = optionValue('-n', '--name') ?? declared ?? r.path.replace(/^.*\//, '').replace(/\.ya?ml$/i, '');
    const env = rest[0] === 'create' ? places.createEnv(name, where) : places.otherEnv(optionValue('-n', '--name')) ? 'other' : 'main';
    if (env === 'other') {
      ctx.includes.push({ file: r.path, kind: 'conda-env', origin: { ...ctx.origin }, separateEnv: name });
      record(ctx.out, ctx.origin, ctx.text, 'include', `a second conda environment (${name}) from ${r.path}: an extra, not the main environment`);
    } else {
      ctx.includes.push({ file: r.path, kind: 'conda-env', origin: { ...ctx.origin } });
      record(ctx.out, ctx.origin, ctx.text, 'include', `conda environment from ${r.path}`);
    }
    return true;
  }
  if (sub === 'activate') {
    places.activate(rest.find((a) => !a.startsWith('-')));
    const other = places.otherEnv();
    ignored(
      ctx.out,
      ctx.origin,
      ctx.text,
      other
        ? `activates the separate conda environment ${other}: what is installed in it next is not part of the project's environment`
        : 'conda environment management; uv run uses the project environment',
    );
    return true;
  }
  if (sub === 'run') return false;
  if (sub !== 'install' && sub !== 'create') {
    if (sub === 'deactivate' || sub === 'init' || sub === 'env' || sub === 'config' || sub === 'clean' || sub === 'update' || sub === 'remove') {
      ignored(ctx.out, ctx.origin, ctx.text, 'conda environment management; uv run uses the project environment');
      return true;
    }
    return false;
  }
  const name = optionValue('-n', '--name');
  const cloneOf = optionValue('--clone');
  if (sub === 'create' && name && places.createEnv(name, where, cloneOf) === 'other') {
    ignored(
      ctx.out,
      ctx.origin,
      ctx.text,
      `creates the separate conda environment ${name}${cloneOf ? ` (a clone of ${cloneOf})` : ''}: not the project's environment`,
    );
    return true;
  }
  const other = sub === 'install' ? places.otherEnv(name) : null;
  if (other) return (leftOut(ctx.out, ctx.origin, ctx.text, `installs into the separate conda environment ${other}, not the project's`), true);
  let did = false;
  const specs = rest.filter((a, i) => !a.startsWith('-') && !CONDA_VALUE.has(rest[i - 1] ?? ''));
  const many = specs.length > 1;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '-c' || a === '--channel') {
      importCondaChannel(ctx.out, rest[++i] ?? '', ctx.origin, ctx.text);
      did = true;
    } else if (CONDA_VALUE.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else {
      did = true;
      const pkg = a
        .replace(/^.*::/, '')
        .replace(/[=<>! ].*$/, '')
        .toLowerCase();
      const text = many ? `${ctx.text} [${a}]` : ctx.text;
      if (ctx.places.isProject(pkg)) ignored(ctx.out, ctx.origin, text, 'installs the project itself from conda; the import uses this checkout');
      else importCondaPackage(ctx.out, a, ctx.origin, text, (TORCH_FAMILY.has(pkg) || pkg === 'pytorch') && !ctx.places.publishes ? 'main' : ctx.group);
    }
  }
  if (!did) ignored(ctx.out, ctx.origin, ctx.text, sub === 'create' ? 'creates a conda environment; uv creates .venv' : 'installs nothing');
  return true;
}
