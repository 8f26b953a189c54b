import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DanluError } from '../../lib/errors.js';
import type { Group, ImportedFile } from './types.js';

export type Format = ImportedFile['format'];

/** The format of a file, from its name. */
export function formatOf(path: string): Format | null {
  const name = path.split(/[\\/]/).pop()!.toLowerCase();
  if (name === '.gitmodules') return 'gitmodules';
  if (name === '.python-version') return 'python-version';
  if (name.endsWith('.toml')) return 'pyproject';
  if (name === 'setup.py' || name === 'setup.cfg') return 'setup';
  if (name === 'cog.yaml' || name === 'cog.yml') return 'cog';
  if (/\.ya?ml$/.test(name)) return 'conda';
  if (/\.(sh|bash)$/.test(name)) return 'install-commands';
  if (/\.(md|markdown|mdx|rst)$/.test(name)) return 'install-commands';
  if (/\.(txt|in|pip)$/.test(name)) return /requirement|constraint/.test(name) || !/install|readme|command/.test(name) ? 'requirements' : 'install-commands';
  return null;
}

export function formatOrThrow(path: string): Format {
  const f = formatOf(path);
  if (!f)
    throw new DanluError(`cannot tell what ${path} is`, {
      hint: 'danlu import reads requirements*.txt, environment.yml, pyproject.toml, setup.py, setup.cfg, cog.yaml, .gitmodules, README/INSTALL .md/.rst/.txt, install scripts (.sh)',
    });
  return f;
}

const DEV = /^(dev|devel|develop|development|test|tests|testing|lint|linting|style|ci|typing|check|checks|quality|format|pre-commit)$/;
const DOCS = /^(doc|docs|documentation|sphinx)$/;
const MAIN = /^(|requirements|base|core|common|main|install|runtime|prod|production|default|minimal|min)$/;

/**
 * The group of a requirements file, from its name: requirements.txt -> main,
 * requirements-dev.txt / requirements/tests.txt -> dev, docs -> docs, any other name
 * (requirements/deepspeed.txt, requirements-sd.txt) -> a group of that name.
 */
export function classifyRequirementsFile(rel: string): { group: Group; groupKind?: 'extra' | 'dependency-group'; constraint: boolean; reason: string } {
  const name = rel
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/\.(txt|in|pip)$/, '');
  const constraint = /constraint/.test(name);
  const stem = name
    .replace(/^requirements?(?=$|[-_.])|[-_.]requirements?$|^constraints?(?=$|[-_.])/g, '')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .replace(/[-_.]+/g, '-');
  if (constraint) return { group: 'main', constraint, reason: 'constraints file: limits versions' };
  // vim/vim_requirements.txt: the requirements of the folder they are named after.
  const folder = rel
    .split(/[\\/]/)
    .slice(-2, -1)[0]
    ?.toLowerCase()
    .replace(/[-_.]+/g, '-');
  if (MAIN.test(stem) || stem === folder) return { group: 'main', constraint, reason: `${rel}: main dependencies` };
  if (DEV.test(stem) || /^(test|dev)/.test(stem))
    return { group: 'dev', groupKind: 'dependency-group', constraint, reason: `${rel}: development / test dependencies (group dev, from the file name)` };
  if (DOCS.test(stem))
    return { group: 'docs', groupKind: 'dependency-group', constraint, reason: `${rel}: documentation dependencies (group docs, from the file name)` };
  return { group: stem, groupKind: 'extra', constraint, reason: `${rel}: optional feature "${stem}" (extra, from the file name)` };
}

const SKIP_DIRS = new Set([
  '.git',
  'node_modules',
  '.venv',
  'venv',
  'env',
  '.env',
  '__pycache__',
  'build',
  'dist',
  'site-packages',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.idea',
  '.vscode',
  '.devcontainer',
]);

export interface Found {
  /** Relative to the project root, with `/`. */
  rel: string;
  format: Format;
  /** At the root (or in the root's requirements/ folder): imported. Deeper: a sub-project, skipped. */
  root: boolean;
  /** An install guide (README, INSTALL, docs/install*, an install script). */
  guide: boolean;
}

/** Install scripts by their conventional names: install.sh, setup.sh, scripts/install*.sh, scripts/setup*.sh. */
const INSTALL_SCRIPT = /^((scripts?|tools)\/)?(install|setup|setup[-_]env|install[-_][\w-]+|[\w-]+[-_]install)\.sh$/i;

const REQ_NAME = /(^|[-_.])(requirements?|constraints?)([-_.].*)?\.(txt|in)$/i;
const GUIDE_ROOT = /^(readme|install|installation|getting[-_]started)(\.(md|markdown|rst|txt))?$/i;

/** Lists the dependency files of a project folder (never following links, skipping virtual environments and caches). */
export function findProjectFiles(dir: string, depth = 4): Found[] {
  const out: Found[] = [];
  const walk = (rel: string, level: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (level < depth && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path, level + 1);
        continue;
      }
      // A linked file is listed (reading it says whether it stays inside the project); a linked folder is not walked.
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const top = rel === '';
      const inReqDir = rel.toLowerCase() === 'requirements';
      const inDocs = /^docs?(\/|$)/i.test(rel);
      const lower = e.name.toLowerCase();
      if (REQ_NAME.test(e.name) || (inReqDir && /\.(txt|in)$/i.test(e.name)))
        out.push({ rel: path, format: 'requirements', root: top || inReqDir, guide: false });
      else if (/^environment([-_.][\w.-]*)?\.ya?ml$/i.test(e.name)) out.push({ rel: path, format: 'conda', root: top, guide: false });
      else if (lower === 'pyproject.toml' || lower === 'setup.py' || lower === 'setup.cfg')
        out.push({ rel: path, format: lower === 'pyproject.toml' ? 'pyproject' : 'setup', root: top, guide: false });
      else if (top && (lower === 'cog.yaml' || lower === 'cog.yml')) out.push({ rel: path, format: 'cog', root: true, guide: false });
      else if (level <= 1 && INSTALL_SCRIPT.test(path)) out.push({ rel: path, format: 'install-commands', root: true, guide: true });
      else if (top && (lower === '.gitmodules' || lower === '.python-version'))
        out.push({ rel: path, format: lower === '.gitmodules' ? 'gitmodules' : 'python-version', root: true, guide: false });
      else if ((top && GUIDE_ROOT.test(e.name)) || (inDocs && /install/i.test(e.name) && /\.(md|rst)$/i.test(e.name)))
        out.push({ rel: path, format: 'install-commands', root: true, guide: true });
    }
  };
  walk('', 0);
  return out;
}
