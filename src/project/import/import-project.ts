import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { alternativeAccelerator } from '../../catalog/data/accelerators.js';
import { DanluError } from '../../lib/errors.js';
import { parseTomlStrict } from '../toml.js';
import { parseCondaEnv } from './conda.js';
import { classifyRequirementsFile, findProjectFiles, formatOrThrow, type Format } from './discover.js';
import { record, reportOf, warn } from './emit.js';
import { parseGitmodules } from './gitmodules.js';
import { parseInstallCommands, type InstallCommandsResult } from './install-commands.js';
import { mergeResults, RANK, type MergePart } from './merge.js';
import { parsePyprojectDeps } from './pyproject.js';
import { parseRequirements } from './requirements.js';
import { scanSetupFiles, stringArgument } from './setup-scan.js';
import { emptyResult, type ImportResult, type ImportedFile } from './types.js';
import { ProjectReader } from './reader.js';
import { checkPathSources } from './path-sources.js';

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

function addPart(s: Session, result: ImportResult, rank: number): ImportResult {
  s.parts.push({ result, rank });
  return result;
}

/** Imports one file of a known format; returns false when it cannot be read. */
function importOne(s: Session, rel: string, format: Format, opts: { projectNames: string[]; guideGroup: string }): InstallCommandsResult | null {
  if (format === 'requirements' && s.visited.has(rel)) return null;
  const text = s.reader.read(rel);
  if (text === null) {
    s.files.push({ file: rel, format, role: 'skipped', reason: `could not be read: ${s.reader.why(rel)}` });
    return null;
  }
  switch (format) {
    case 'requirements': {
      const c = classifyRequirementsFile(rel);
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
      s.files.push({ file: rel, format, role: 'imported', group: c.group, reason: c.reason });
      for (const inc of s.visited) {
        if (!before.has(inc) && inc !== rel)
          s.files.push({ file: inc, format, role: 'imported', group: groupOf(inc, c.group), reason: `read through -r / -c from ${rel}` });
      }
      addPart(s, r, RANK.requirements);
      return null;
    }
    case 'conda':
      addPart(s, parseCondaEnv(text, rel, s.reader.include), RANK.conda);
      break;
    case 'pyproject':
      addPart(s, parsePyprojectDeps(text, rel), RANK.pyproject);
      break;
    case 'setup':
      addPart(s, rel.endsWith('.cfg') ? scanSetupFiles(null, { file: rel, text }) : scanSetupFiles({ file: rel, text }), RANK.setup);
      break;
    case 'gitmodules':
      addPart(s, parseGitmodules(text, rel), RANK.setup);
      break;
    case 'python-version': {
      const r = emptyResult();
      const version = text.trim().split(/\s+/)[0] ?? '';
      if (version) r.pythonHints.push({ version, origin: { file: rel, line: 1 }, text: version });
      record(r, { file: rel, line: 1 }, version, 'hint', `Python hint ${version}`);
      addPart(s, r, RANK.pyproject);
      break;
    }
    case 'install-commands': {
      const r = parseInstallCommands(text, rel, { projectNames: opts.projectNames, group: opts.guideGroup });
      s.files.push({ file: rel, format, role: 'imported', reason: 'install guide: command lines' });
      addPart(s, r, RANK.guide);
      return r;
    }
  }
  s.files.push({ file: rel, format, role: 'imported', reason: 'project file' });
  return null;
}

/**
 * Files an install guide installs from. importProject: relative to the project root, read when
 * they are root-level files, else reported as a sub-project's; importFiles: relative to the
 * guide's folder, always read (the user named the guide).
 */
function followIncludes(s: Session, guide: InstallCommandsResult, opts: { projectNames: string[]; guideGroup: string }, explicit: string | null): void {
  for (const inc of guide.includes) {
    let rel = inc.file.replace(/^\.\//, '');
    if (explicit !== null) {
      const r = s.reader.rel(resolve(s.reader.root, dirname(explicit), rel));
      if (r === null) continue;
      rel = r;
    }
    const rootLevel = explicit !== null || !rel.includes('/') || /^requirements\/[^/]+$/i.test(rel);
    if (s.visited.has(rel) || s.files.some((f) => f.file === rel)) continue;
    if (!s.reader.exists(rel)) {
      warn(guide, 'include-missing', `${rel} (installed by ${inc.origin.file}:${inc.origin.line}) is not in the project`, inc.origin);
      s.files.push({
        file: rel,
        format: inc.kind === 'conda-env' ? 'conda' : 'requirements',
        role: 'skipped',
        reason: `named by ${inc.origin.file}:${inc.origin.line} but not in the project`,
      });
      continue;
    }
    if (!rootLevel) {
      s.files.push({
        file: rel,
        format: inc.kind === 'conda-env' ? 'conda' : 'requirements',
        role: 'skipped',
        reason: `the install guide (${inc.origin.file}:${inc.origin.line}) installs it from a sub-project folder; pass it to danlu import to merge it`,
      });
      continue;
    }
    importOne(s, rel, inc.kind === 'conda-env' ? 'conda' : 'requirements', opts);
    // An optional-feature file the guide installs: its extra is installed too.
    const c = inc.kind === 'conda-env' ? null : classifyRequirementsFile(rel);
    if (c?.groupKind === 'extra' && s.files.some((f) => f.file === rel && f.role === 'imported')) {
      const last = s.parts[s.parts.length - 1];
      last?.result.selectedExtras.push({ name: c.group, origin: { ...inc.origin } });
    }
  }
}

/** Guide packages the manifests already declare go to the manifests' group (so they merge there). */
function regroupGuide(s: Session, guideGroup: string): void {
  const declared = new Set(
    s.parts.filter((p) => p.rank < RANK.guide).flatMap((p) => p.result.requirements.filter((q) => q.group === 'main').map((q) => q.name)),
  );
  for (const p of s.parts) {
    if (p.rank !== RANK.guide) continue;
    for (const q of p.result.requirements) {
      if (q.group !== guideGroup) continue;
      if (declared.has(q.name)) {
        q.group = 'main';
        delete q.groupKind;
        const entry = reportOf.get(q);
        if (entry) entry.became = entry.became.replace(` in group ${guideGroup}`, '');
      } else q.groupKind = 'dependency-group';
    }
  }
}

function projectNamesOf(dir: string, reader: ProjectReader): string[] {
  const folder = basename(resolve(dir));
  const names = [folder, folder.includes('__') ? folder.split('__').pop()! : folder];
  const py = reader.read('pyproject.toml');
  if (py) {
    const data = parseTomlStrict(py, 'pyproject.toml');
    const project = data.project as Record<string, unknown> | undefined;
    const poetry = (data.tool as Record<string, Record<string, unknown>> | undefined)?.poetry;
    for (const n of [project?.name, poetry?.name]) if (typeof n === 'string') names.push(n);
  }
  // A clone in a folder of another name is still the project: setup.py's own name, and the
  // repository its git remote points at, name it too.
  const setup = reader.read('setup.py');
  const setupName = setup ? stringArgument(setup.replace(/^\s*#.*$/gm, ''), 'name') : null;
  if (setupName) names.push(setupName);
  const git = reader.read('.git/config');
  const remote = git ? /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(git)?.[1] : undefined;
  if (remote)
    names.push(
      remote
        .replace(/\.git$/, '')
        .replace(/\/+$/, '')
        .split(/[/:]/)
        .pop()!,
    );
  return [...new Set(names)];
}

function finish(s: Session): ImportResult {
  const merged = mergeResults(s.parts);
  merged.files = s.files;
  return merged;
}

/**
 * Imports an existing repository without running any of its code: root requirements files
 * (and the requirements/ folder), environment.yml, pyproject.toml, setup.py / setup.cfg,
 * .gitmodules, .python-version and the install guide (README / INSTALL / docs/install*).
 * Files of sub-projects (examples/..., a second pyproject.toml...) are listed as skipped.
 */
export async function importProject(dir: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new DanluError(`not a folder: ${dir}`);
  const reader = new ProjectReader(root);
  const s: Session = { reader, parts: [], files: [], visited: new Set() };
  const projectNames = opts.projectNames ?? projectNamesOf(dir, reader);
  const found = findProjectFiles(root, opts.depth ?? 4);
  const order: Format[] = ['pyproject', 'requirements', 'conda', 'setup', 'gitmodules', 'python-version'];
  const isMainReq = (rel: string) => classifyRequirementsFile(rel).group === 'main';
  const depth = (rel: string) => rel.split('/').length;
  const manifests = found
    .filter((f) => f.root && !f.guide)
    .sort((a, b) => order.indexOf(a.format) - order.indexOf(b.format) || Number(isMainReq(b.rel)) - Number(isMainReq(a.rel)) || depth(a.rel) - depth(b.rel));
  const ctx = { projectNames, guideGroup: 'main' };
  // Optional-feature files (requirements/vllm.txt...) are extras only when the install guide
  // installs them: each one more extra is one more set of pins the lock must solve together.
  const feature = (f: { rel: string; format: Format }) => f.format === 'requirements' && classifyRequirementsFile(f.rel).groupKind === 'extra';
  const guideless = (opts.installGuides ?? found.filter((f) => f.guide).map((f) => f.rel)).length === 0;
  for (const f of manifests) if (guideless || !feature(f)) importOne(s, f.rel, f.format, ctx);
  ctx.guideGroup = s.parts.some((p) => p.result.requirements.some((q) => q.group === 'main')) ? 'readme' : 'main';
  const guides = opts.installGuides ?? found.filter((f) => f.guide).map((f) => f.rel);
  for (const g of guides) {
    const r = importOne(s, g, 'install-commands', ctx);
    if (r) followIncludes(s, r, ctx, null);
  }
  regroupGuide(s, ctx.guideGroup);
  for (const f of manifests) {
    if (guideless || !feature(f) || s.files.some((x) => x.file === f.rel)) continue;
    s.files.push({
      file: f.rel,
      format: f.format,
      role: 'skipped',
      reason: `optional feature "${classifyRequirementsFile(f.rel).group}" the install guide does not install; \`danlu import ${f.rel}\` shows what it holds`,
    });
  }
  for (const f of found.filter((x) => !x.root)) {
    if (s.files.some((x) => x.file === f.rel)) continue;
    s.files.push({ file: f.rel, format: f.format, role: 'skipped', reason: 'belongs to a sub-project or example; pass it to danlu import to merge it' });
  }
  const merged = finish(s);
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
  const ctx = { projectNames: opts.projectNames ?? [basename(root)], guideGroup: 'main' };
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
