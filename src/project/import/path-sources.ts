import { reportOf, warn } from './emit.js';
import { blankComments } from './py-literals.js';
import type { ProjectReader } from './reader.js';
import { parsePyprojectDeps } from './pyproject.js';
import { scanSetupFiles, stringArgument } from './setup-scan.js';
import type { ImportResult } from './types.js';
import { isArchive } from './url.js';
import { parseTomlStrict } from '../toml.js';
import { formatRequirement, normalize } from './pep508.js';

function projectName(text: string): string | null {
  const project = parseTomlStrict(text, 'pyproject.toml').project as Record<string, unknown> | undefined;
  return typeof project?.name === 'string' ? normalize(project.name) : null;
}

/**
 * What setup.py says of the package when it says it as literals: setuptools' own default
 * version (0.0.0) when setup() names none, [] when it has no install_requires; null when either
 * is computed (then only a build can tell).
 */
function staticSetupMetadata(setupPy: string, found: ImportResult): { version: string; requiresDist: string[] } | null {
  const code = blankComments(setupPy);
  let version = '0.0.0';
  if (/\bversion\s*=/.test(code)) {
    const v = found.packageMetadata?.version ?? stringArgument(code, 'version');
    if (!v || !/^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+|\.dev\d+)?$/i.test(v)) return null;
    version = v;
  }
  const hasInstall = /\binstall_requires\s*=/.test(code);
  const reqs = found.requirements.filter((r) => r.group === 'main');
  if (hasInstall && reqs.length === 0 && !found.report.some((e) => e.kind === 'dependency')) return null;
  return { version, requiresDist: reqs.map((r) => (r.marker ? `${r.raw.split(';')[0]!.trim()} ; ${r.marker}` : r.raw)) };
}

/** A local package's own name: its setup.py `name=` (literal, or read from a file it opens) or setup.cfg [metadata] name. */
function setupName(found: ImportResult, setupCfg: string | null): string | null {
  if (found.packageMetadata?.name) return normalize(found.packageMetadata.name);
  const cfg = setupCfg ? /^\[metadata\][^[]*?^name\s*[=:]\s*([A-Za-z0-9][\w.-]*)\s*$/m.exec(setupCfg)?.[1] : undefined;
  return cfg ? normalize(cfg) : null;
}

/** The guessed name of a local package replaced by the one its own files give. */
function rename(result: ImportResult, req: ImportResult['requirements'][number], name: string, path: string, from: string): void {
  if (!req.nameGuessed) return;
  if (name !== req.name) warn(result, 'path-name', `${path}: the package is named ${name} (its ${from}), not ${req.name}`, req.origin);
  const entry = reportOf.get(req);
  if (entry && name !== req.name) entry.became = entry.became.replace(req.raw, `${name}${req.raw.slice(req.name.length)}`);
  req.name = name;
  req.raw = formatRequirement(req);
  delete req.nameGuessed;
}

/**
 * A local package the project installs (./kt-kernel) that pins torch binds the environment as
 * much as the project's own pin: taken when the project names no torch pin of its own.
 */
function adoptTorchPin(result: ImportResult, local: ImportResult, path: string): void {
  const pin = local.requirements.find((r) => r.name === 'torch' && r.group === 'main' && r.specifier);
  if (!pin) return;
  const own = result.requirements.find((r) => r.name === 'torch' && r.group === 'main');
  if (own?.specifier) return;
  if (own) {
    own.specifier = pin.specifier;
    own.raw = formatRequirement(own);
    warn(
      result,
      'merged-specifiers',
      `torch: unpinned here, ${pin.specifier} in the local package ${path} (${pin.origin.file}:${pin.origin.line}): the environment takes ${pin.specifier}`,
      pin.origin,
    );
  } else {
    result.requirements.push({ ...pin, group: 'main' });
    warn(
      result,
      'local-torch-pin',
      `torch${pin.specifier}: the local package ${path} pins it (${pin.origin.file}:${pin.origin.line}); the environment follows`,
      pin.origin,
    );
  }
}

/**
 * A wheel or archive the project installs by path that the repository does not hold (built
 * locally, or fetched by a later step): a required path source would stop every `uv lock`
 * ("Distribution not found"), so it is left out of the environment, with the command that adds
 * it once the file exists.
 */
function leaveOutMissingArchive(result: ImportResult, req: ImportResult['requirements'][number], path: string): void {
  const i = result.requirements.indexOf(req);
  if (i >= 0) result.requirements.splice(i, 1);
  const where = req.group === 'main' ? '' : req.groupKind === 'extra' ? ` --optional ${req.group}` : ` --group ${req.group}`;
  const add = `uv add${where} ./${path}`;
  const entry = reportOf.get(req);
  if (entry) Object.assign(entry, { kind: 'left-out', became: 'left out', reason: `${path} is not in the repository; once it exists: ${add}` });
  warn(
    result,
    'path-missing',
    `${req.name}: ${path} is not in the repository (a wheel built locally?): left out of the lock; once the file exists, \`${add}\``,
    req.origin,
  );
}

/**
 * Local path dependencies (`submodules/diff-gaussian-rasterization`, `./kt-kernel`): their own
 * setup.py / pyproject.toml say whether they need torch at build time. A package inside a git
 * submodule that is not checked out cannot be read: flagged as needing torch at build time
 * (local packages next to torch are almost always torch extensions) with a warning.
 */
export function checkPathSources(result: ImportResult, reader: ProjectReader): void {
  for (const req of [...result.requirements]) {
    if (req.source?.kind !== 'path') continue;
    const path = req.source.path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (path === '' || path === '.' || path.startsWith('/') || path.startsWith('..')) continue;
    if (isArchive(path)) {
      if (!reader.exists(path)) leaveOutMissingArchive(result, req, path);
      continue;
    }
    const setupPy = reader.read(`${path}/setup.py`);
    const setupCfg = reader.read(`${path}/setup.cfg`);
    const pyproject = reader.read(`${path}/pyproject.toml`);
    if (setupPy !== null || setupCfg !== null || pyproject !== null) {
      const found = scanSetupFiles(
        setupPy === null ? null : { file: `${path}/setup.py`, text: setupPy },
        setupCfg === null ? null : { file: `${path}/setup.cfg`, text: setupCfg },
        { read: (p) => reader.read(p) },
      );
      let fromToml: ImportResult['buildTimeTorch'] = [];
      if (pyproject !== null) {
        try {
          const local = parsePyprojectDeps(pyproject, `${path}/pyproject.toml`);
          fromToml = local.buildTimeTorch;
          adoptTorchPin(result, local, path);
          const name = projectName(pyproject);
          if (name) rename(result, req, name, path, 'pyproject.toml');
        } catch {
          warn(result, 'path-unreadable', `${path}/pyproject.toml does not parse; its build requirements were not read`, req.origin);
        }
      }
      const own = setupName(found, setupCfg);
      if (own) rename(result, req, own, path, setupPy !== null ? 'setup.py' : 'setup.cfg');
      if (setupPy !== null && pyproject === null) {
        const meta = staticSetupMetadata(setupPy, found);
        if (meta) req.staticMetadata = meta;
      }
      for (const b of [...found.buildTimeTorch, ...fromToml])
        result.buildTimeTorch.push({ name: req.name, origin: b.origin, why: `${req.name} (${path}): ${b.why}` });
      for (const f of result.files) {
        if (f.file.startsWith(`${path}/`) && f.role === 'skipped') f.reason = `read for its build requirements only: ${path} is the local package ${req.name}`;
      }
      continue;
    }
    const sub = result.submodules.find((m) => m.path && (path === m.path || path.startsWith(`${m.path}/`)));
    if (sub) {
      result.buildTimeTorch.push({
        name: req.name,
        origin: req.origin,
        why: `${req.name} is in git submodule ${sub.path}, not checked out here: assumed to build a torch extension (local packages next to torch almost always do)`,
      });
      warn(
        result,
        'submodule-not-checked-out',
        `${path} is in git submodule ${sub.path}, which is not checked out: run git submodule update --init, then import again to read its setup files`,
        req.origin,
      );
    } else if (!reader.exists(path)) warn(result, 'path-missing', `${req.name}: ${path} is not in the repository`, req.origin);
  }
}
