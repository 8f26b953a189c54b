import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { alternativeAccelerator } from '../../catalog/data/accelerators.js';
import { DanluError } from '../../lib/errors.js';
import { parseCog } from './cog.js';
import { leaveOutCredentials, warnCredentials } from './credentials.js';
import { parseCondaEnv } from './conda.js';
import { classifyRequirementsFile, findProjectFiles, formatOrThrow, type Format } from './discover.js';
import { record, reportOf, warn } from './emit.js';
import { routeFeeds } from './indexes.js';
import { normalize } from './pep508.js';
import { parseGitmodules } from './gitmodules.js';
import { parseInstallCommands, type InstallCommandsResult } from './install-commands.js';
import { mergeResults, RANK, type MergePart } from './merge.js';
import { parsePyprojectDeps } from './pyproject.js';
import { parseRequirements } from './requirements.js';
import { scanSetupFiles } from './setup-scan.js';
import { type Alternative, emptyResult, type Group, type ImportResult, type ImportedFile } from './types.js';
import { ProjectReader } from './reader.js';
import { checkPathSources } from './path-sources.js';
import { dropSelf, envExtra, linkedGuides, otherCondaFiles, projectNamesOf, subProject } from './project-layout.js';

export interface ImportOptions {
  /** Install guides to read (relative to the folder) instead of README / INSTALL / docs/install*. */
  installGuides?: string[];
  /** Names the project goes by; default: the folder name (and its part after "__") and the pyproject name. */
  projectNames?: string[];
  /** How deep to look for sub-project files (reported as skipped). Default 4. */
  depth?: number;
}

interface Session {
  reader: ProjectReader;
  parts: MergePart[];
  files: ImportedFile[];
  visited: Set<string>;
}

interface Ctx {
  projectNames: string[];
  guideGroup: string;
  /** The project states its own name (a clone of another name is another repository then). */
  ownName?: boolean;
  publishes?: boolean;
  /** cog.yaml's packages: main when no manifest declares any, else a group of their own. */
  cogGroup?: string;
  /** The Python danlu wrote to .python-version in an earlier run ([tool.danlu.managed]). */
  danluPython?: string | null;
}

function addPart(s: Session, result: ImportResult, rank: number): ImportResult {
  s.parts.push({ result, rank });
  return result;
}

/** Imports one file of a known format; returns false when it cannot be read. */
function importOne(s: Session, rel: string, format: Format, opts: Ctx, group?: Group): InstallCommandsResult | null {
  if (format === 'requirements' && s.visited.has(rel)) return null;
  const text = s.reader.read(rel);
  if (text === null) {
    s.files.push({ file: rel, format, role: 'skipped', reason: `could not be read: ${s.reader.why(rel)}` });
    return null;
  }
  switch (format) {
    case 'requirements': {
      const named = classifyRequirementsFile(rel);
      const c =
        group && group !== named.group && named.group === 'main'
          ? { ...named, group, groupKind: 'extra' as const, reason: `${rel}: optional "${group}" (extra, from its folder)` }
          : named;
      const before = new Set(s.visited);
      const groupOf = (file: string, inherited: string) => {
        const own = classifyRequirementsFile(file);
        return own.group === 'dev' || own.group === 'docs' ? own.group : inherited;
      };
      const r = parseRequirements(text, rel, s.reader.include, { group: c.group, constraint: c.constraint, visited: s.visited, groupOf });
      // A file of requirements for another accelerator (requirements/npu.txt: torch-npu and the
      // torch it pins) is an alternative install, not an extra of the CUDA environment.
      const alternative =
        c.group !== 'main'
          ? (r.requirements.map((q) => alternativeAccelerator({ package: q.name })).find(Boolean) ??
            r.indexes.map((i) => alternativeAccelerator({ index: i.url })).find(Boolean))
          : null;
      if (alternative) {
        s.files.push({
          file: rel,
          format,
          role: 'skipped',
          reason: `requirements for ${alternative}: an alternative to the CUDA environment, not one of its extras`,
        });
        return null;
      }
      for (const q of r.requirements) if (q.group !== 'main' && q.group !== c.group) q.groupKind = 'dependency-group';
      if (c.groupKind) for (const q of r.requirements) if (q.group === c.group) q.groupKind = c.groupKind;
      routeFeeds(r.indexes, r.requirements);
      s.files.push({ file: rel, format, role: 'imported', group: c.group, reason: c.reason });
      for (const inc of s.visited) {
        if (!before.has(inc) && inc !== rel)
          s.files.push({ file: inc, format, role: 'imported', group: groupOf(inc, c.group), reason: `read through -r / -c from ${rel}` });
      }
      addPart(s, r, RANK.requirements);
      return null;
    }
    case 'conda': {
      const r = parseCondaEnv(text, rel, s.reader.include, group ? { group } : {});
      routeFeeds(r.indexes, r.requirements);
      if (group) {
        // A second environment: its packages are an extra; its hints are not the project's.
        for (const q of r.requirements) if (q.group === group) q.groupKind = 'extra';
        for (const e of r.report) if (e.kind === 'hint') e.became += ' (of a second environment: not used for the plan)';
        r.pythonHints = [];
        r.cudaHints = [];
      }
      addPart(s, r, RANK.conda);
      if (!group) s.files.push({ file: rel, format, role: 'imported', reason: 'project file' });
      return null;
    }
    case 'cog': {
      const r = parseCog(text, rel, s.reader.include, { group: opts.cogGroup ?? 'main', projectNames: opts.projectNames });
      s.files.push({ file: rel, format, role: 'imported', reason: "Replicate's cog.yaml: Python and CUDA hints, apt and Python packages" });
      addPart(s, r, RANK.guide);
      return r;
    }
    case 'pyproject':
      addPart(s, parsePyprojectDeps(text, rel), RANK.pyproject);
      break;
    case 'setup':
      addPart(
        s,
        rel.endsWith('.cfg') ? scanSetupFiles(null, { file: rel, text }) : scanSetupFiles({ file: rel, text }, null, { read: (p) => s.reader.read(p) }),
        RANK.setup,
      );
      break;
    case 'gitmodules':
      addPart(s, parseGitmodules(text, rel), RANK.setup);
      break;
    case 'python-version': {
      const r = emptyResult();
      const version = text.trim().split(/\s+/)[0] ?? '';
      // The one danlu wrote for its plan ([tool.danlu.managed] python-version) is not the project's.
      if (version && version === opts.danluPython) {
        record(
          r,
          { file: rel, line: 1 },
          version,
          'ignored',
          'nothing',
          "written by danlu for the planned Python ([tool.danlu.managed]): danlu's own, updated by init",
        );
        addPart(s, r, RANK.pyproject);
        break;
      }
      if (version) r.pythonHints.push({ version, origin: { file: rel, line: 1 }, text: version });
      record(r, { file: rel, line: 1 }, version, 'hint', `Python hint ${version}`);
      addPart(s, r, RANK.pyproject);
      break;
    }
    case 'install-commands': {
      const r = parseInstallCommands(text, rel, {
        projectNames: opts.projectNames,
        group: opts.guideGroup,
        exists: (p) => s.reader.exists(p),
        read: (p) => s.reader.read(p),
        ...(opts.ownName ? { ownName: true } : {}),
        ...(opts.publishes ? { publishes: true } : {}),
      });
      s.files.push({
        file: rel,
        format,
        role: 'imported',
        reason: /\.(sh|bash)$/i.test(rel) ? 'install script: command lines' : 'install guide: command lines',
      });
      addPart(s, r, RANK.guide);
      return r;
    }
  }
  s.files.push({ file: rel, format, role: 'imported', reason: 'project file' });
  return null;
}

/** Folders whose requirements are an optional part (`pip install -r examples/requirements.txt`): an extra of that name. */
const OPTIONAL_FOLDER = /^(examples?|demos?|benchmarks?|tutorials?|notebooks?|apps?|webui|gradio)$/i;

/**
 * Files an install guide installs from. importProject: relative to the project root; a file in a
 * folder is read when the guide names it from the root and the folder is no sub-project (one with
 * its own project file), else reported as the sub-project's; importFiles: relative to the guide's
 * folder, always read (the user named the guide). Install scripts the guide runs are read like
 * the guide, and their own includes followed; a second conda environment becomes an extra.
 */
function followIncludes(s: Session, guide: InstallCommandsResult, opts: Ctx, explicit: string | null): void {
  for (const inc of guide.includes) {
    let rel = inc.file.replace(/^\.\//, '');
    if (explicit !== null) {
      const r = s.reader.rel(resolve(s.reader.root, dirname(explicit), rel));
      if (r === null) continue;
      rel = r;
    }
    const format: Format = inc.kind === 'conda-env' ? 'conda' : inc.kind === 'script' ? 'install-commands' : 'requirements';
    const sub = explicit === null && inc.kind !== 'script' && rel.includes('/') && !/^requirements\/[^/]+$/i.test(rel) ? subProject(s.reader, rel) : null;
    const rootLevel =
      explicit !== null || inc.kind === 'script' || !rel.includes('/') || /^requirements\/[^/]+$/i.test(rel) || (inc.fromRoot === true && sub === null);
    if (s.visited.has(rel) || s.files.some((f) => f.file === rel && f.role === 'imported')) continue;
    if (!s.reader.exists(rel)) {
      if (s.files.some((f) => f.file === rel)) continue;
      warn(guide, 'include-missing', `${rel} (installed by ${inc.origin.file}:${inc.origin.line}) is not in the project`, inc.origin);
      s.files.push({ file: rel, format, role: 'skipped', reason: `named by ${inc.origin.file}:${inc.origin.line} but not in the project` });
      continue;
    }
    if (!rootLevel) {
      if (!s.files.some((f) => f.file === rel))
        s.files.push({
          file: rel,
          format,
          role: 'skipped',
          reason: `the install guide (${inc.origin.file}:${inc.origin.line}) installs it from a sub-project folder${sub ? ` (${sub} has its own project file)` : ''}; pass it to danlu import to merge it`,
        });
      continue;
    }
    // Named from the root now, after a `cd` into its folder before: read, not a sub-project's.
    s.files = s.files.filter((f) => f.file !== rel);
    if (inc.kind === 'script') {
      const r = importOne(s, rel, 'install-commands', opts);
      if (r) followIncludes(s, r, opts, null);
      continue;
    }
    if (inc.separateEnv !== undefined) {
      const extra = envExtra(rel, inc.separateEnv);
      importOne(s, rel, 'conda', opts, extra);
      s.files.push({
        file: rel,
        format,
        role: 'imported',
        group: extra,
        reason: `a second conda environment (${inc.separateEnv}) the install guide creates at ${inc.origin.file}:${inc.origin.line}: extra "${extra}", not the main environment`,
      });
      continue;
    }
    const folder = rel.includes('/') ? rel.split('/')[0]! : '';
    const group = inc.kind === 'requirements' && explicit === null && OPTIONAL_FOLDER.test(folder) ? normalize(folder) : undefined;
    importOne(s, rel, format, opts, group);
    // An optional-feature file the guide installs: its extra is installed too.
    const c = inc.kind === 'conda-env' ? null : classifyRequirementsFile(rel);
    if (c?.groupKind === 'extra' && s.files.some((f) => f.file === rel && f.role === 'imported')) {
      const last = s.parts[s.parts.length - 1];
      last?.result.selectedExtras.push({ name: c.group, origin: { ...inc.origin } });
    }
  }
}

/** Guide (and cog.yaml) packages the manifests already declare go to the manifests' group (so they merge there). */
function regroupGuide(s: Session, groups: string[]): void {
  const declared = new Set(
    s.parts.filter((p) => p.rank < RANK.guide).flatMap((p) => p.result.requirements.filter((q) => q.group === 'main').map((q) => q.name)),
  );
  for (const p of s.parts) {
    if (p.rank !== RANK.guide) continue;
    for (const q of p.result.requirements) {
      if (!groups.includes(q.group) || q.group === 'main') continue;
      if (declared.has(q.name)) {
        const entry = reportOf.get(q);
        if (entry) entry.became = entry.became.replace(` in group ${q.group}`, '');
        q.group = 'main';
        delete q.groupKind;
      } else q.groupKind = 'dependency-group';
    }
  }
}

function finish(s: Session): ImportResult {
  // Each file's part without credentials before the merge: one URL with and one without are the same source.
  for (const p of s.parts) leaveOutCredentials(p.result);
  const merged = mergeResults(s.parts);
  warnCredentials(merged);
  merged.files = s.files;
  const alternatives = alternativesOf(s.files);
  if (alternatives.length > 0) merged.alternatives = alternatives;
  return merged;
}

/** The accelerator a file's extra name says: `cpu`, `cuda12`, `cu118`, `gpu`, `rocm6`... */
export function acceleratorOf(group: string): Omit<Alternative, 'file' | 'group'> | null {
  for (const token of group.toLowerCase().split(/[-_.]+/)) {
    if (token === 'cpu') return { accelerator: 'cpu', cudaMajor: null };
    if (token === 'cuda' || token === 'gpu') return { accelerator: 'cuda', cudaMajor: null };
    const cuda = /^cuda(\d{2})\d*$/.exec(token) ?? /^cuda(\d{1,2})$/.exec(token);
    if (cuda) return { accelerator: 'cuda', cudaMajor: Number(cuda[1]) };
    const cu = /^cu(\d{2,3})$/.exec(token);
    if (cu) return { accelerator: 'cuda', cudaMajor: Number(cu[1]!.slice(0, 2)) };
    if (/^(rocm[\d.]*|xpu|mps|npu|tpu)$/.test(token)) return { accelerator: 'other', cudaMajor: null };
  }
  return null;
}

/**
 * Requirement files read as extras whose names say an accelerator, two or more of them: one
 * install per machine (the README's "pick the file for your machine"), not extras of one environment.
 */
function alternativesOf(files: readonly ImportedFile[]): Alternative[] {
  const out: Alternative[] = [];
  for (const f of files) {
    if (f.role !== 'imported' || f.format !== 'requirements' || !f.group || f.group === 'main') continue;
    const accel = acceleratorOf(f.group);
    if (accel && !out.some((a) => a.group === f.group)) out.push({ file: f.file, group: f.group, ...accel });
  }
  return out.length >= 2 ? out : [];
}

/**
 * Imports an existing repository without running any of its code: root requirements files
 * (and the requirements/ folder), environment.yml, pyproject.toml, setup.py / setup.cfg,
 * cog.yaml, .gitmodules, .python-version, the install guide (README / INSTALL / docs/install*,
 * the guides it links for installing) and install scripts (those it runs, install.sh, setup.sh,
 * scripts/install*.sh). Files of sub-projects (examples/..., a second pyproject.toml...) are
 * listed as skipped.
 */
export async function importProject(dir: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DanluError(`not a folder: ${dir}`);
  const reader = new ProjectReader(root);
  const s: Session = { reader, parts: [], files: [], visited: new Set() };
  const named = projectNamesOf(dir, reader);
  const projectNames = opts.projectNames ?? named.names;
  const found = findProjectFiles(root, opts.depth ?? 4);
  const order: Format[] = ['pyproject', 'requirements', 'conda', 'setup', 'gitmodules', 'python-version'];
  const isMainReq = (rel: string) => classifyRequirementsFile(rel).group === 'main';
  const depth = (rel: string) => rel.split('/').length;
  const manifests = found
    .filter((f) => f.root && !f.guide && f.format !== 'cog')
    .sort((a, b) => order.indexOf(a.format) - order.indexOf(b.format) || Number(isMainReq(b.rel)) - Number(isMainReq(a.rel)) || depth(a.rel) - depth(b.rel));
  const ctx: Ctx = {
    projectNames,
    guideGroup: 'main',
    ...(opts.projectNames === undefined && named.own.length ? { ownName: true } : {}),
    ...(opts.projectNames === undefined && named.publishes ? { publishes: true } : {}),
    danluPython: named.danluPython,
  };
  const documents = opts.installGuides ?? found.filter((f) => f.guide && f.format === 'install-commands' && !/\.(sh|bash)$/i.test(f.rel)).map((f) => f.rel);
  const links = opts.installGuides ? [] : linkedGuides(reader, documents);
  const guides = [...documents, ...links.map((l) => l.rel)];
  const scripts = opts.installGuides ? [] : found.filter((f) => f.guide && /\.(sh|bash)$/i.test(f.rel)).map((f) => f.rel);
  // What the guides create, read ahead: a second conda environment is not the main one.
  const ahead = guides.flatMap((g) => {
    const text = reader.read(g);
    if (text === null) return [];
    const opt = {
      projectNames,
      exists: (p: string) => reader.exists(p),
      read: (p: string) => reader.read(p),
      ...(ctx.ownName ? { ownName: true } : {}),
      ...(ctx.publishes ? { publishes: true } : {}),
    };
    return parseInstallCommands(text, g, opt).includes;
  });
  const others = otherCondaFiles(
    reader,
    manifests.filter((f) => f.format === 'conda').map((f) => f.rel),
    ahead,
    guides.length > 0,
  );
  // Optional-feature files (requirements/vllm.txt...) are extras only when the install guide
  // installs them: each one more extra is one more set of pins the lock must solve together.
  const feature = (f: { rel: string; format: Format }) => f.format === 'requirements' && classifyRequirementsFile(f.rel).groupKind === 'extra';
  const guideless = guides.length === 0;
  for (const f of manifests) {
    const other = others.get(f.rel);
    if (other === 'second') continue;
    if (other) s.files.push({ file: f.rel, format: f.format, role: 'skipped', reason: other });
    else if (guideless || !feature(f)) importOne(s, f.rel, f.format, ctx);
  }
  // A package that publishes static metadata (a build system and a [project] table whose
  // dependencies are not computed) declares them even when it lists none: what only the guide
  // installs is not among them. (Dependencies a build computes are unknown here: the guide's
  // packages stand in for them.)
  const declares = (named.publishes && named.staticDependencies) || s.parts.some((p) => p.result.requirements.some((q) => q.group === 'main'));
  ctx.guideGroup = declares ? 'readme' : 'main';
  ctx.cogGroup = declares ? 'cog' : 'main';
  for (const f of found.filter((x) => x.format === 'cog' && x.root)) {
    const r = importOne(s, f.rel, 'cog', ctx);
    if (r) followIncludes(s, r, ctx, null);
  }
  // cog.yaml as the project's only file of dependencies: what the guide alone names is still optional.
  if (!declares && s.parts.some((p) => p.result.requirements.some((q) => q.group === 'main'))) ctx.guideGroup = 'readme';
  for (const g of guides) {
    const r = importOne(s, g, 'install-commands', ctx);
    const link = links.find((l) => l.rel === g);
    const entry = s.files[s.files.length - 1];
    if (link && entry?.file === g && entry.role === 'imported') entry.reason = `install guide linked from ${link.from}: command lines`;
    if (r) followIncludes(s, r, ctx, null);
  }
  for (const f of scripts) {
    if (s.files.some((x) => x.file === f && x.role === 'imported')) continue;
    const r = importOne(s, f, 'install-commands', ctx);
    if (r) followIncludes(s, r, ctx, null);
  }
  regroupGuide(s, [ctx.guideGroup, ctx.cogGroup]);
  for (const f of manifests) {
    if (guideless || !feature(f) || s.files.some((x) => x.file === f.rel)) continue;
    s.files.push({
      file: f.rel,
      format: f.format,
      role: 'skipped',
      reason: `optional feature "${classifyRequirementsFile(f.rel).group}" the install guide does not install; \`danlu import ${f.rel}\` shows what it holds`,
    });
  }
  for (const f of manifests.filter((m) => others.get(m.rel) === 'second' && !s.files.some((x) => x.file === m.rel)))
    s.files.push({ file: f.rel, format: f.format, role: 'skipped', reason: 'a second conda environment; not the main one' });
  for (const f of found.filter((x) => !x.root)) {
    if (s.files.some((x) => x.file === f.rel)) continue;
    s.files.push({ file: f.rel, format: f.format, role: 'skipped', reason: 'belongs to a sub-project or example; pass it to danlu import to merge it' });
  }
  const merged = finish(s);
  if (opts.projectNames === undefined) dropSelf(merged, named.own);
  checkPathSources(merged, reader);
  if (ctx.guideGroup === 'readme' && merged.requirements.some((q) => q.group === 'readme')) {
    warn(
      merged,
      'guide-only-packages',
      `packages only the install guide names went to group "readme": ${merged.requirements
        .filter((q) => q.group === 'readme')
        .map((q) => q.name)
        .join(', ')}`,
    );
  }
  return merged;
}

/**
 * Imports the given files only (`danlu import FILE...`), each by its format, merged as
 * importProject does; paths in the result are relative to `cwd`.
 */
export async function importFiles(files: string[], opts: { cwd?: string; projectNames?: string[] } = {}): Promise<ImportResult> {
  const root = resolve(opts.cwd ?? process.cwd());
  const reader = new ProjectReader(root);
  const s: Session = { reader, parts: [], files: [], visited: new Set() };
  const ctx: Ctx = { projectNames: opts.projectNames ?? [basename(root)], guideGroup: 'main' };
  for (const file of files) {
    const rel = reader.rel(resolve(root, file));
    if (rel === null) throw new DanluError(`${file} is outside ${root}`, { hint: 'run danlu import from a folder that holds the files' });
    if (reader.read(rel) === null) throw new DanluError(`cannot read ${file}`, { location: { file } });
    const r = importOne(s, rel, formatOrThrow(rel), ctx);
    if (r) followIncludes(s, r, ctx, rel);
  }
  const merged = finish(s);
  checkPathSources(merged, reader);
  return merged;
}
