import { basename, resolve } from 'node:path';
import { isManagedEntry, managedOf } from '../managed.js';
import { parseTomlStrict } from '../toml.js';
import { isWindowsExport } from './conda.js';
import { reportOf } from './emit.js';
import type { IncludeRef } from './install-commands.js';
import { normalize } from './pep508.js';
import { blankComments, PyReader } from './py-literals.js';
import type { ProjectReader } from './reader.js';
import { stringArgument } from './setup-scan.js';
import type { ImportResult } from './types.js';

/** How a repository is laid out: the names it goes by, the guides it links, its conda environments, its sub-projects. */

/** A folder (or one of its parents below the root) with a project file of its own: a sub-project. */
export function subProject(reader: ProjectReader, rel: string): string | null {
  const parts = rel.split('/').slice(0, -1);
  for (let i = parts.length; i > 0; i--) {
    const dir = parts.slice(0, i).join('/');
    if (['setup.py', 'pyproject.toml', 'setup.cfg'].some((f) => reader.exists(`${dir}/${f}`))) return dir;
  }
  return null;
}

/** The extra a second conda environment becomes: its file name without "environment" (environment-extra.yml -> extra), else its name. */
export function envExtra(file: string, env: string): string {
  const stem = normalize(
    file
      .replace(/^.*\//, '')
      .replace(/\.ya?ml$/i, '')
      .replace(/(^|[-_.])(environment|env|conda)(?=$|[-_.])/gi, '')
      .replace(/^[-_.]+|[-_.]+$/g, ''),
  );
  return stem || normalize(env) || 'environment';
}

/** The names the project goes by, and whether it states one of its own (pyproject.toml, setup.py). */
/**
 * The project publishes a package of its own (setup.py, setup.cfg, or a pyproject.toml with a
 * build system): what its metadata declares is its own, and the environment's torch that only a
 * guide or its code asks for goes to a dependency group. Where danlu already put torch into
 * [project] dependencies on an earlier run, it stays there (a re-run changes nothing).
 */
export function publishesPackage(data: Record<string, unknown> | null, hasSetup: boolean): boolean {
  if (!hasSetup && data?.['build-system'] === undefined) return false;
  const deps = (data?.project as Record<string, unknown> | undefined)?.dependencies;
  const managed = managedOf(data);
  return !(Array.isArray(deps) && deps.some((d) => typeof d === 'string' && /^torch\b/.test(d) && isManagedEntry(managed, 'dependencies', d)));
}

export function projectNamesOf(
  dir: string,
  reader: ProjectReader,
): { names: string[]; own: string[]; publishes: boolean; staticDependencies: boolean; danluPython: string | null } {
  const folder = basename(resolve(dir));
  const names = [folder, folder.includes('__') ? folder.split('__').pop()! : folder];
  const own: string[] = [];
  const py = reader.read('pyproject.toml');
  let publishes = publishesPackage(null, reader.exists('setup.py') || reader.exists('setup.cfg'));
  // A [project] table whose dependencies are not computed by the build: what it lists (maybe
  // nothing) is all the package declares.
  let staticDependencies = false;
  // The Python danlu wrote to .python-version in an earlier run ([tool.danlu.managed]): not the project's.
  let danluPython: string | null = null;
  if (py) {
    const data = parseTomlStrict(py, 'pyproject.toml');
    danluPython = managedOf(data)['python-version'] ?? null;
    publishes = publishesPackage(data, reader.exists('setup.py') || reader.exists('setup.cfg'));
    const project = data.project as Record<string, unknown> | undefined;
    staticDependencies = typeof project === 'object' && project !== null && !(Array.isArray(project.dynamic) && project.dynamic.includes('dependencies'));
    const poetry = (data.tool as Record<string, Record<string, unknown>> | undefined)?.poetry;
    for (const n of [project?.name, poetry?.name]) if (typeof n === 'string') own.push(n);
  }
  // A clone in a folder of another name is still the project: setup.py's own name (a literal, or
  // read from a file it opens), and the repository its git remote points at, name it too.
  const setup = reader.read('setup.py');
  const setupCode = setup ? blankComments(setup) : null;
  const setupName = setupCode ? stringArgument(setupCode, 'name', new PyReader(setupCode, (p) => reader.read(p))) : null;
  if (setupName) own.push(setupName);
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
  return { names: [...new Set([...names, ...own])], own, publishes, staticDependencies, danluPython };
}

/**
 * Markdown / reST guides a root guide links to for installing (`See [get_started.md](get_started.md)
 * for installation`): local documents whose name or link says install, setup, getting started or
 * environment. Read like the guide that links them.
 */
export function linkedGuides(reader: ProjectReader, guides: string[]): { rel: string; from: string }[] {
  const out: { rel: string; from: string }[] = [];
  for (const g of guides) {
    if (!/\.(md|markdown|rst|mdx)$/i.test(g) || g.includes('/')) continue;
    const text = reader.read(g);
    if (text === null) continue;
    text.split(/\r\n|\n|\r/).forEach((line, i) => {
      for (const m of line.matchAll(/\[([^\]]*)\]\(\s*<?([^)\s>#?]+)>?(?:#[^)]*)?\)|`([^`<]*)<([^>`#]+)>`_/g)) {
        const [label, target] = m[2] ? [m[1]!, m[2]] : [m[3]!, m[4]!];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || !/\.(md|markdown|rst|mdx|txt)$/i.test(target)) continue;
        const about = /install|setup|set[- ]up|get(ting)?[-_ ]?started|quick[-_ ]?start|environment|requirement/i;
        if (!about.test(target) && !about.test(label) && !/install|setup|set up/i.test(line)) continue;
        const rel = reader.rel(resolve(reader.root, target.replace(/^\.\//, '')));
        if (rel === null || guides.includes(rel) || out.some((o) => o.rel === rel) || !reader.exists(rel)) continue;
        out.push({ rel, from: `${g}:${i + 1}` });
      }
    });
  }
  return out;
}

/**
 * The conda environment files among the manifests that are not the project's main environment: a
 * Windows export the install guide does not create (its pins are Windows builds), one the guide
 * creates as a second environment (read as an extra when the guide is), and every file past the
 * main one (the one the guide creates first, else environment.yml, else the first by name).
 */
export function otherCondaFiles(reader: ProjectReader, condas: string[], guideIncludes: IncludeRef[], withGuide: boolean): Map<string, string> {
  const why = new Map<string, string>();
  const named = guideIncludes.filter((i) => i.kind === 'conda-env');
  for (const rel of condas) {
    const inc = named.find((i) => i.file === rel);
    if (inc?.separateEnv !== undefined) why.set(rel, 'second');
    else if (!inc && (withGuide || condas.length > 1) && isWindowsExport(reader.read(rel) ?? ''))
      why.set(rel, 'exported on Windows (vc, ucrt, pywin32...) and not created by the install guide: its pins are Windows builds');
  }
  const rest = condas.filter((c) => !why.has(c));
  const main = named.find((i) => i.separateEnv === undefined && rest.includes(i.file))?.file ?? rest.find((c) => /^environment\.ya?ml$/i.test(c)) ?? rest[0];
  for (const c of rest)
    if (c !== main) why.set(c, `another conda environment than ${main} (the main one): never merged into it; \`danlu import ${c}\` shows what it holds`);
  return why;
}

/** The project listed as its own dependency (a requirements file or cog.yaml naming it): removed, with the reason in the report. */
export function dropSelf(r: ImportResult, own: string[]): void {
  const names = new Set(own.map(normalize));
  if (names.size === 0) return;
  r.requirements = r.requirements.filter((q) => {
    if (!names.has(q.name) || q.source?.kind === 'path') return true;
    const entry = reportOf.get(q);
    if (entry) {
      entry.kind = 'ignored';
      entry.became = 'nothing';
      entry.reason = `${q.name} is the project itself; it is never its own dependency`;
    }
    return false;
  });
}
