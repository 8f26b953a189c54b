import { warn } from './emit.js';
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
  const code = setupPy.replace(/^\s*#.*$/gm, '');
  let version = '0.0.0';
  if (/\bversion\s*=/.test(code)) {
    const v = stringArgument(code, 'version');
    if (!v || !/^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+|\.dev\d+)?$/i.test(v)) return null;
    version = v;
  }
  const hasInstall = /\binstall_requires\s*=/.test(code);
  const reqs = found.requirements.filter((r) => r.group === 'main');
  if (hasInstall && reqs.length === 0 && !found.report.some((e) => e.kind === 'dependency')) return null;
  return { version, requiresDist: reqs.map((r) => (r.marker ? `${r.raw.split(';')[0]!.trim()} ; ${r.marker}` : r.raw)) };
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
 * Local path dependencies (`submodules/diff-gaussian-rasterization`, `./kt-kernel`): their own
 * setup.py / pyproject.toml say whether they need torch at build time. A package inside a git
 * submodule that is not checked out cannot be read: flagged as needing torch at build time
 * (local packages next to torch are almost always torch extensions) with a warning.
 */
export function checkPathSources(result: ImportResult, reader: ProjectReader): void {
  for (const req of result.requirements) {
    if (req.source?.kind !== 'path') continue;
    const path = req.source.path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (path === '' || path === '.' || path.startsWith('/') || path.startsWith('..')) continue;
    if (isArchive(path)) {
      if (!reader.exists(path)) warn(result, 'path-missing', `${req.name}: ${path} is not in the repository (a wheel built locally?)`, req.origin);
      continue;
    }
    const setupPy = reader.read(`${path}/setup.py`);
    const setupCfg = reader.read(`${path}/setup.cfg`);
    const pyproject = reader.read(`${path}/pyproject.toml`);
    if (setupPy !== null || setupCfg !== null || pyproject !== null) {
      const found = scanSetupFiles(
        setupPy === null ? null : { file: `${path}/setup.py`, text: setupPy },
        setupCfg === null ? null : { file: `${path}/setup.cfg`, text: setupCfg },
      );
      let fromToml: ImportResult['buildTimeTorch'] = [];
      if (pyproject !== null) {
        try {
          const local = parsePyprojectDeps(pyproject, `${path}/pyproject.toml`);
          fromToml = local.buildTimeTorch;
          adoptTorchPin(result, local, path);
          const name = projectName(pyproject);
          if (name && req.nameGuessed) {
            if (name !== req.name) warn(result, 'path-name', `${path}: the package is named ${name} (its pyproject.toml), not ${req.name}`, req.origin);
            req.name = name;
            req.raw = formatRequirement(req);
            delete req.nameGuessed;
          }
        } catch {
          warn(result, 'path-unreadable', `${path}/pyproject.toml does not parse; its build requirements were not read`, req.origin);
        }
      }
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
