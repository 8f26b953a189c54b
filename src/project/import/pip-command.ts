import { alternativeAccelerator } from '../../catalog/data/accelerators.js';
import { distributionOfRepository } from '../../catalog/data/repositories.js';
import { addSpec, ignored, leftOut, record, warn } from './emit.js';
import { addIndex } from './indexes.js';
import type { Places } from './place.js';
import type { Word } from './shell.js';
import { PACKAGING_TOOLS, parseArgs, placeholderIn, wheelAccelerator } from './pip-args.js';
import { parseSpec } from './spec.js';
import type { Group, ImportOrigin, ImportResult, RequirementSource } from './types.js';
import { cudaOfBackend, isArchive, repoBasename } from './url.js';
import { normalizeName } from '../../lib/py.js';
import { TORCH_FAMILY } from '../../lib/py.js';

export interface IncludeRef {
  /** Relative to the project root. */
  file: string;
  kind: 'requirements' | 'constraints' | 'conda-env' | 'script';
  origin: ImportOrigin;
  /** The command named the file from the project's root (`-r sub/x.txt`), not after a `cd` into its folder. */
  fromRoot?: boolean;
  /** A conda environment other than the project's (a second `conda env create`): its name. */
  separateEnv?: string;
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
  const hit = (env ?? []).find(
    (e) =>
      /BUILD|CUDA|TORCH|^MAX_JOBS$|NVCC/.test(e.name) &&
      // uv's and pip's own settings (UV_TORCH_BACKEND picks a variant) and run-time choices are not build switches.
      !/^(UV|PIP|HF|CONDA)_|^CUDA_VISIBLE_DEVICES$|^PYTORCH_CUDA_ALLOC_CONF$/.test(e.name) &&
      !/^(0|false|off|no)$/i.test(e.value),
  );
  return hit ? `${hit.name}=${hit.value}` : null;
}

export { TORCH_FAMILY };

/** `pip install ...` (also pip3, python -m pip, uv pip, uv add, mim): requirements, includes, indexes, flags. */
export function pipInstall(ctx: CommandContext, args: Word[], tool: 'pip' | 'uv-add' | 'mim'): void {
  const { out, origin, text } = ctx;
  const placeholder = placeholderIn(text);
  if (placeholder) {
    leftOut(out, origin, text, `"${placeholder}" is a placeholder for the reader to fill in, not a package or a path`);
    return;
  }
  const p = parseArgs(args);
  if (p.unknown.length) {
    // The word after an unknown option may be its value: reading the line would make it a package.
    leftOut(out, origin, text, `${p.unknown.join(' ')}: not an option of pip or uv danlu knows, so the line is left out rather than misread`);
    warn(out, 'unknown-option', `${text}: options not understood: ${p.unknown.join(' ')}; the line is left out`, origin);
    return;
  }
  // An install for another accelerator (ROCm, Intel XPU, Ascend, DirectML...) is an alternative
  // to the CUDA environment, not part of it: left out, with the reason.
  const alternative =
    p.indexes.map((i) => alternativeAccelerator({ index: i.url })).find(Boolean) ??
    p.requirements
      .map((r) => {
        const name = /^[A-Za-z0-9._-]+/.exec(r.word.text)?.[0];
        return alternativeAccelerator({ package: name ? normalizeName(name) : undefined }) ?? wheelAccelerator(r.word.text);
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
  const picked = tool === 'uv-add' ? (p.values.get('--group')?.[0] ?? p.values.get('--optional')?.[0]) : undefined;
  const uvGroup = tool === 'uv-add' ? (p.flags.has('--dev') ? 'dev' : picked ? normalizeName(picked) : undefined) : undefined;
  const python = p.values.get('--python')?.[0] ?? p.values.get('-p')?.[0];
  if (python && /^3\.\d+(\.\d+)?$/.test(python)) out.pythonHints.push({ version: python, origin: { ...origin }, text });
  // uv's torch backend (`--torch-backend cu126`, `UV_TORCH_BACKEND=cu126`): the CUDA variant to plan for, not a build switch.
  const backend = p.values.get('--torch-backend')?.[0] ?? ctx.env?.find((e) => e.name === 'UV_TORCH_BACKEND')?.value;
  if (backend && /^(cu\d+|cpu)$/.test(backend)) {
    out.cudaHints.push({ backend, ...(cudaOfBackend(backend) ? { cuda: cudaOfBackend(backend)! } : {}), origin: { ...origin }, text });
    record(out, origin, text, 'hint', `CUDA hint ${backend} (uv's torch backend)`);
  }
  const names: string[] = [];
  let did = false;
  for (const opt of ['--global-option', '--config-settings', '-C', '--install-option']) {
    if (p.values.has(opt))
      warn(out, 'build-options', `${text}: ${opt} ${p.values.get(opt)!.join(' ')} is not carried over (uv: [tool.uv] config-settings)`, origin);
  }
  if (p.flags.has('--no-deps')) warn(out, 'no-deps', `${text}: --no-deps is not carried over; uv installs dependencies`, origin);
  if (p.flags.has('--pre')) warn(out, 'prerelease', `${text}: --pre (pre-releases) needs [tool.uv] prerelease = "allow" or a pre-release pin`, origin);
  if (p.values.has('-t') || p.values.has('--target')) warn(out, 'pip-target', `${text}: --target installs outside the environment; not carried over`, origin);
  let localSelf = false;
  for (const { word, editable: asEditable } of p.requirements) {
    did = true;
    let body = word.text;
    let editable = asEditable;
    if (!word.quoted && /[<>]/.test(body))
      warn(out, 'shell-redirect', `${text}: unquoted "${body}": the shell reads < / > as a redirect; read as the requirement it means`, origin);
    if (/[*?]/.test(body) && /[\\/]|\.whl$|\.tar\.gz$|\.zip$/i.test(body)) {
      leftOut(out, origin, tag(word), `${body} is a file pattern: the files exist only after a build (the checkout is the project's source)`);
      continue;
    }
    const notes: string[] = [];
    // `-e name>=1.1`: a requirement written after -e (pip itself would refuse it), not a folder.
    if (editable && !/^[a-z][a-z0-9+.-]*:/i.test(body) && !/^[./~]/.test(body) && /^[A-Za-z0-9][\w.-]*\s*(\[[^\]]*\])?\s*(==|>=|<=|~=|!=|>|<)/.test(body)) {
      editable = false;
      notes.push('-e before a version specifier: read as the requirement it names, not as a folder');
    }
    if (editable && !/^[a-z][a-z0-9+.-]*:/i.test(body) && !/^[./~]/.test(body)) body = `./${body}`;
    const spec = parseSpec(body, editable);
    if (!spec.ok) {
      leftOut(out, origin, tag(word), spec.reason);
      continue;
    }
    spec.notes.push(...notes);
    if (spec.name && PACKAGING_TOOLS.has(spec.name) && !spec.source) {
      ignored(out, origin, tag(word), `${spec.name} is a packaging tool: uv provides what installs and builds the project; not a dependency of it`);
      continue;
    }
    if (spec.source?.kind === 'path') {
      const r = ctx.places.resolve(spec.source.path);
      if (r.kind === 'unknown') {
        leftOut(out, origin, tag(word), `path ${spec.source.path} from a folder the guide leaves unclear`);
        continue;
      }
      if (r.kind === 'self' && r.path === '') {
        // The checkout itself: an index on the line serves its dependencies (`pip install -e ".[trt]" --extra-index-url ...`).
        localSelf = true;
        out.selfInstalls.push({ ...origin });
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
        const c = cloneInstall(r.clone, r.sub);
        spec.source = c.source;
        if (!c.nameGuessed || spec.name === null || spec.nameGuessed) {
          spec.name = c.name;
          spec.nameGuessed = c.nameGuessed;
          spec.notes.push(c.note);
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
      ignored(
        out,
        origin,
        tag(word),
        `installs the project itself${from}; the import uses this checkout${p.indexes.length ? ' (the index URL of the line goes with it)' : ''}`,
      );
      continue;
    }
    // torch a guide installs is the environment's main torch, except in a package that publishes
    // its own dependencies: those stay as published, and the guide's torch joins the guide's group.
    const group = uvGroup ?? (TORCH_FAMILY.has(spec.name) && !ctx.places.publishes ? 'main' : ctx.group);
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
      const here = ctx.places.resolve('.');
      const fromRoot = here.kind === 'self' && here.path === '';
      ctx.includes.push({ file: r.path, kind: inc.constraint ? 'constraints' : 'requirements', origin: { ...origin }, fromRoot });
      record(out, origin, text, 'include', `${inc.constraint ? 'constraints' : 'requirements'} from ${r.path}`);
    } else
      leftOut(
        out,
        origin,
        text,
        r.kind === 'clone' ? `${inc.path} belongs to another repository (${r.clone.url})` : `${inc.path} from a folder the guide leaves unclear`,
      );
  }
  // The index of a line none of whose packages is imported (the project itself from prebuilt wheels) goes with the line.
  const indexFor = names.length > 0 || localSelf || p.includes.length > 0 || p.requirements.length === 0;
  for (const idx of p.indexes) {
    did = true;
    if (indexFor) addIndex(out, { url: idx.url, kind: idx.kind, origin, text, packages: names.map((name) => ({ name })) });
  }
  if (!did) ignored(out, origin, text, 'installs nothing danlu can import');
}

/**
 * What installing a clone of another repository installs (`pip install .` there, or
 * `python setup.py install`): that repository from git, named by the table of repositories whose
 * distribution has another name (Dao-AILab/flash-attention is flash-attn), else by its folder,
 * said as a guess.
 */
export function cloneInstall(
  clone: { url: string; branch?: string },
  sub: string | undefined,
): { name: string; nameGuessed: boolean; source: RequirementSource; note: string } {
  const source: RequirementSource = { kind: 'git', url: clone.url, ...(clone.branch ? { rev: clone.branch } : {}), ...(sub ? { subdirectory: sub } : {}) };
  const known = distributionOfRepository(clone.url, sub ?? '');
  if (known)
    return {
      name: known,
      nameGuessed: false,
      source,
      note: `a clone of ${repoBasename(clone.url)} installs the distribution ${known} (its own metadata names it)`,
    };
  const name = normalizeName(sub ? sub.split('/').pop()! : repoBasename(clone.url));
  return { name, nameGuessed: true, source, note: `name "${name}" taken from the folder name (the package's own metadata may differ)` };
}
