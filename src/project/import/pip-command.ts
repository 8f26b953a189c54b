import { alternativeAccelerator } from '../../catalog/data/accelerators.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { addIndex } from './indexes.js';
import type { Places } from './place.js';
import type { Word } from './shell.js';
import { parseSpec } from './spec.js';
import type { Group, ImportOrigin, ImportResult, IndexKind } from './types.js';
import { isArchive, repoBasename } from './url.js';
import { normalizeName } from '../../lib/py.js';

export interface IncludeRef {
  /** Relative to the project root. */
  file: string;
  kind: 'requirements' | 'constraints' | 'conda-env';
  origin: ImportOrigin;
}

export interface CommandContext {
  out: ImportResult;
  includes: IncludeRef[];
  places: Places;
  origin: ImportOrigin;
  /** The command as written. */
  text: string;
  /** Group for what the guide installs (torch, torchvision, torchaudio always go to main). */
  group: Group;
  /** `NAME=value` prefixes of the command. */
  env?: { name: string; value: string }[];
}

/** A build switch in front of an install (`DS_BUILD_OPS=1`, `MAX_JOBS=4`, `TORCH_CUDA_ARCH_LIST=...`): it compiles against the installed torch. */
export function buildSwitch(env: { name: string; value: string }[] | undefined): string | null {
  const hit = (env ?? []).find((e) => /BUILD|CUDA|TORCH|^MAX_JOBS$|NVCC/.test(e.name) && !/^(0|false|off|no)$/i.test(e.value));
  return hit ? `${hit.name}=${hit.value}` : null;
}

export const TORCH_FAMILY = new Set(['torch', 'torchvision', 'torchaudio']);

/** Options of pip / uv pip / uv add / mim that take a value. */
const VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '--index',
  '--default-index',
  '--global-option',
  '--config-settings',
  '-C',
  '--install-option',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--trusted-host',
  '--no-binary',
  '--only-binary',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--src',
  '--upgrade-strategy',
  '--progress-bar',
  '--cache-dir',
  '--log',
  '--proxy',
  '--retries',
  '--timeout',
  '--exists-action',
  '--cert',
  '--client-cert',
  '--python',
  '-p',
  '--group',
  '--optional',
  '--extra',
  '--package',
  '--index-strategy',
  '--resolution',
  '--prerelease',
]);

const IGNORED_FLAGS =
  /^(-U|--upgrade|-v+|--verbose|-q+|--quiet|--user|--no-cache-dir|--disable-pip-version-check|-y|--yes|--force-reinstall|--ignore-installed|-I|--isolated|--system|--break-system-packages|--no-warn-script-location|--compile|--no-compile|--prefer-binary|--upgrade-strategy)$/;

interface Parsed {
  requirements: { word: Word; editable: boolean }[];
  includes: { path: string; constraint: boolean }[];
  indexes: { url: string; kind: IndexKind }[];
  flags: Set<string>;
  values: Map<string, string[]>;
  unknown: string[];
}

function parseArgs(words: Word[]): Parsed {
  const p: Parsed = { requirements: [], includes: [], indexes: [], flags: new Set(), values: new Map(), unknown: [] };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.text.startsWith('-') || w.text === '-') {
      p.requirements.push({ word: w, editable: false });
      continue;
    }
    const eq = w.text.indexOf('=');
    let opt = w.text;
    let value: string | undefined;
    if (w.text.startsWith('--') && eq > 0) [opt, value] = [w.text.slice(0, eq), w.text.slice(eq + 1)];
    else if (/^-[rceif]./.test(w.text)) [opt, value] = [w.text.slice(0, 2), w.text.slice(2)];
    else if (VALUE_OPTIONS.has(opt)) value = words[++i]?.text;
    if (value === undefined) {
      if (IGNORED_FLAGS.test(opt) || /^--(pre|no-build-isolation|no-deps|no-index|dev|all-extras|all-groups|no-isolation)$/.test(opt) || opt === '-n')
        p.flags.add(opt);
      else p.unknown.push(opt);
      continue;
    }
    p.values.set(opt, [...(p.values.get(opt) ?? []), value]);
    if (opt === '-e' || opt === '--editable') p.requirements.push({ word: { text: value, quoted: true }, editable: true });
    else if (opt === '-r' || opt === '--requirement') p.includes.push({ path: value, constraint: false });
    else if (opt === '-c' || opt === '--constraint') p.includes.push({ path: value, constraint: true });
    else if (opt === '-i' || opt === '--index-url' || opt === '--default-index') p.indexes.push({ url: value, kind: 'index-url' });
    else if (opt === '--extra-index-url' || opt === '--index') p.indexes.push({ url: value, kind: 'extra-index-url' });
    else if (opt === '-f' || opt === '--find-links') p.indexes.push({ url: value, kind: 'find-links' });
  }
  return p;
}

/** `pip install ...` (also pip3, python -m pip, uv pip, uv add, mim): requirements, includes, indexes, flags. */
export function pipInstall(ctx: CommandContext, args: Word[], tool: 'pip' | 'uv-add' | 'mim'): void {
  const { out, origin, text } = ctx;
  const p = parseArgs(args);
  // An install for another accelerator (ROCm, Intel XPU, Ascend, DirectML...) is an alternative
  // to the CUDA environment, not part of it: left out, with the reason.
  const alternative =
    p.indexes.map((i) => alternativeAccelerator({ index: i.url })).find(Boolean) ??
    p.requirements
      .map((r) => {
        const name = /^[A-Za-z0-9._-]+/.exec(r.word.text)?.[0];
        return alternativeAccelerator({ package: name ? normalizeName(name) : undefined });
      })
      .find(Boolean);
  if (alternative) {
    leftOut(out, origin, text, `installs the ${alternative} build: an alternative to the CUDA environment danlu plans, not a part of it`);
    return;
  }
  const tag = (w: Word) => (p.requirements.length > 1 ? `${text} [${w.text}]` : text);
  const noIsolation = p.flags.has('--no-build-isolation');
  const compiles = buildSwitch(ctx.env);
  const buildsWith = (name?: string) => {
    if (noIsolation)
      out.buildTimeTorch.push({
        ...(name ? { name } : {}),
        origin: { ...origin },
        why: `the install guide installs ${name ?? 'the project'} with --no-build-isolation`,
      });
    else if (compiles)
      out.buildTimeTorch.push({
        ...(name ? { name } : {}),
        origin: { ...origin },
        why: `the install guide builds ${name ?? 'the project'} with ${compiles}: compiled against the installed torch`,
      });
  };
  const uvGroup = tool === 'uv-add' ? (p.flags.has('--dev') ? 'dev' : (p.values.get('--group')?.[0] ?? p.values.get('--optional')?.[0])) : undefined;
  const names: string[] = [];
  let did = false;
  for (const opt of ['--global-option', '--config-settings', '-C', '--install-option']) {
    if (p.values.has(opt))
      warn(out, 'build-options', `${text}: ${opt} ${p.values.get(opt)!.join(' ')} is not carried over (uv: [tool.uv] config-settings)`, origin);
  }
  if (p.flags.has('--no-deps')) warn(out, 'no-deps', `${text}: --no-deps is not carried over; uv installs dependencies`, origin);
  if (p.flags.has('--pre')) warn(out, 'prerelease', `${text}: --pre (pre-releases) needs [tool.uv] prerelease = "allow" or a pre-release pin`, origin);
  if (p.values.has('-t') || p.values.has('--target')) warn(out, 'pip-target', `${text}: --target installs outside the environment; not carried over`, origin);
  for (const { word, editable } of p.requirements) {
    did = true;
    let body = word.text;
    if (!word.quoted && /[<>]/.test(body))
      warn(out, 'shell-redirect', `${text}: unquoted "${body}": the shell reads < / > as a redirect; read as the requirement it means`, origin);
    if (editable && !/^[a-z][a-z0-9+.-]*:/i.test(body) && !/^[./~]/.test(body)) body = `./${body}`;
    const spec = parseSpec(body, editable);
    if (!spec.ok) {
      leftOut(out, origin, tag(word), spec.reason);
      continue;
    }
    if (spec.source?.kind === 'path') {
      const r = ctx.places.resolve(spec.source.path);
      if (r.kind === 'unknown') {
        leftOut(out, origin, tag(word), `path ${spec.source.path} from a folder the guide leaves unclear`);
        continue;
      }
      if (r.kind === 'self' && r.path === '') {
        for (const e of spec.extras) out.selectedExtras.push({ name: e, origin: { ...origin } });
        if (noIsolation) out.noBuildIsolation.push({ origin: { ...origin } });
        buildsWith();
        record(
          out,
          origin,
          text,
          'source',
          `the project itself${spec.extras.length ? ` with extras ${spec.extras.join(', ')}` : ''}${noIsolation ? ', without build isolation' : ''}`,
          'installed by uv sync when the project builds (setup.py, [build-system]); otherwise used from this folder',
        );
        continue;
      }
      if (r.kind === 'self') {
        spec.source.path = r.path;
        if (spec.name === null) {
          spec.name = normalizeName(r.path.split('/').pop()!);
          spec.nameGuessed = true;
          spec.notes.push(`name "${spec.name}" taken from the folder name (the package's own metadata may differ)`);
        }
      } else {
        spec.source = { kind: 'git', url: r.clone.url, ...(r.clone.branch ? { rev: r.clone.branch } : {}), ...(r.sub ? { subdirectory: r.sub } : {}) };
        if (spec.name === null || spec.nameGuessed) {
          spec.name = normalizeName(r.sub ? r.sub.split('/').pop()! : repoBasename(r.clone.url));
          spec.nameGuessed = true;
          spec.notes.push(`name "${spec.name}" taken from the folder name (the package's own metadata may differ)`);
        }
      }
    }
    if (spec.name === null) {
      leftOut(out, origin, tag(word), 'local path whose package name cannot be known without building it');
      continue;
    }
    if (ctx.places.isProject(spec.name) && (spec.source?.kind !== 'path' || isArchive(spec.source.path))) {
      for (const e of spec.extras) out.selectedExtras.push({ name: e, origin: { ...origin } });
      const from = !spec.source
        ? ' from PyPI'
        : spec.source.kind === 'path'
          ? ' from a wheel built locally'
          : spec.source.kind === 'url'
            ? ' from a prebuilt wheel / archive URL'
            : ' from its repository';
      if (noIsolation) out.noBuildIsolation.push({ origin: { ...origin } });
      buildsWith();
      ignored(out, origin, tag(word), `installs the project itself${from}; the import uses this checkout`);
      continue;
    }
    const group = uvGroup ?? (TORCH_FAMILY.has(spec.name) ? 'main' : ctx.group);
    addSpec(out, { ...spec, name: spec.name }, { origin, text: tag(word), group });
    names.push(spec.name);
    if (noIsolation) out.noBuildIsolation.push({ name: spec.name, origin: { ...origin } });
    buildsWith(spec.name);
    if (tool === 'mim')
      warn(
        out,
        'mim',
        `${spec.name}: mim picks a wheel built for the installed torch and CUDA (download.openmmlab.com); the plan needs a matching find-links page`,
        origin,
      );
  }
  for (const inc of p.includes) {
    did = true;
    const r = ctx.places.resolve(inc.path);
    if (r.kind === 'self') {
      ctx.includes.push({ file: r.path, kind: inc.constraint ? 'constraints' : 'requirements', origin: { ...origin } });
      record(out, origin, text, 'include', `${inc.constraint ? 'constraints' : 'requirements'} from ${r.path}`);
    } else
      leftOut(
        out,
        origin,
        text,
        r.kind === 'clone' ? `${inc.path} belongs to another repository (${r.clone.url})` : `${inc.path} from a folder the guide leaves unclear`,
      );
  }
  for (const idx of p.indexes) {
    did = true;
    addIndex(out, { url: idx.url, kind: idx.kind, origin, text, packages: names.map((name) => ({ name })) });
  }
  if (p.unknown.length) warn(out, 'unknown-option', `${text}: options not understood: ${p.unknown.join(' ')}`, origin);
  if (!did) ignored(out, origin, text, 'installs nothing danlu can import');
}
