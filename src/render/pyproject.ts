import { MANAGED_KEYS, type Managed } from '../project/managed.js';
import type { DependencyMetadata, IndexEntry, PyprojectPlan } from '../plan/pyproject/types.js';
import { keyValues, multilineArray, tableHeader, tomlKey, type TomlValue } from './toml-text.js';

/** A new pyproject.toml, written as uv would (dependencies one per line). */
export function renderNewPyproject(wants: PyprojectPlan): string {
  const project: Record<string, TomlValue> = {
    name: wants.project.name,
    version: wants.project.version,
    ...(wants.project.dynamic ? { dynamic: wants.project.dynamic } : {}),
    description: 'Add your description here',
  };
  if (wants.project.hasReadme) project.readme = 'README.md';
  project['requires-python'] = wants.project.requiresPython;
  project.dependencies = wants.dependencies;
  const blocks = [`${tableHeader(['project'])}\n${keyValues(project, ['dependencies'])}`];
  if (Object.keys(wants.extras).length > 0) blocks.push(extrasBlock(wants.extras));
  blocks.push(groupsBlock({ dev: wants.devDependencies, ...wants.groups }));
  const uv = uvLists(wants);
  if (Object.keys(uv).length > 0) blocks.push(uvBlock(uv));
  if (Object.keys(wants.buildDependencies).length > 0) blocks.push(buildDependenciesBlock(wants.buildDependencies));
  for (const m of wants.dependencyMetadata) blocks.push(dependencyMetadataBlock(m));
  blocks.push(sourcesBlock({ ...(wants.torchRouting === 'danlu' ? wants.torchSources : {}), ...wants.sources }));
  if (wants.torchRouting === 'danlu') blocks.push(indexBlock(wants.index));
  for (const index of wants.extraIndexes) blocks.push(indexBlock(index));
  blocks.push(danluBlock(wants.danlu.values));
  if (Object.keys(wants.managed).length > 0) blocks.push(managedBlock(wants.managed));
  if (wants.buildSystem) blocks.push(buildSystemBlock(wants.buildSystem));
  return `${blocks.join('\n\n')}\n`;
}

/** [tool.danlu.managed]: the values above that are danlu's own; it updates them while the file still holds them. */
export function managedBlock(managed: Managed): string {
  const values = Object.fromEntries(MANAGED_KEYS.filter((k) => managed[k] !== undefined).map((k) => [k, managed[k] as TomlValue]));
  return `# What danlu wrote above for this plan: \`danlu init\` updates these values while the file holds them as written (a value you change is yours).\n${tableHeader(['tool', 'danlu', 'managed'])}\n${keyValues(values, ['environments', 'constraint-dependencies', 'dependencies', 'conflicts'])}`;
}

/** [build-system]: setup.py is then built by uv (its torch extensions included). */
export function buildSystemBlock(b: NonNullable<PyprojectPlan['buildSystem']>): string {
  return `# uv sync builds and installs this project (editable) from its setup.py, as its install guide does.\n${tableHeader(['build-system'])}\n${keyValues({ requires: b.requires, 'build-backend': b.backend })}`;
}

export function groupsBlock(groups: Record<string, string[]>): string {
  return `${tableHeader(['dependency-groups'])}\n${keyValues(groups, Object.keys(groups))}`;
}

export function extrasBlock(extras: Record<string, string[]>): string {
  return `${tableHeader(['project', 'optional-dependencies'])}\n${keyValues(extras, Object.keys(extras))}`;
}

/** The [tool.uv] keys danlu writes, in the order it writes them (only those with something in them). */
export function uvLists(wants: PyprojectPlan): Record<string, TomlValue> {
  const uv: Record<string, TomlValue> = {};
  if (wants.environments.length > 0) uv.environments = wants.environments;
  if (wants.conflicts.length > 0) uv.conflicts = wants.conflicts;
  if (wants.overrides.length > 0) uv['override-dependencies'] = wants.overrides;
  if (wants.constraints.length > 0) uv['constraint-dependencies'] = wants.constraints;
  return uv;
}

/** Keys of [tool.uv] written one item per line. */
export const UV_MULTILINE = ['environments', 'conflicts', 'override-dependencies', 'constraint-dependencies'];

export function uvBlock(uv: Record<string, TomlValue>): string {
  const comment = uv.environments ? "# The lock covers the container's platform and Python only (uv lock resolves nothing else).\n" : '';
  return `${comment}${tableHeader(['tool', 'uv'])}\n${keyValues(uv, UV_MULTILINE)}`;
}

export function dependencyMetadataBlock(m: DependencyMetadata): string {
  return `${tableHeader(['tool', 'uv', 'dependency-metadata'], true)}\n${keyValues({ ...m }, ['requires-dist'])}`;
}

export function buildDependenciesBlock(deps: Record<string, TomlValue>): string {
  return `# These import torch while they build: uv gives them the torch of the environment.\n${tableHeader(['tool', 'uv', 'extra-build-dependencies'])}\n${keyValues(deps)}`;
}

export function sourcesBlock(sources: Record<string, TomlValue>): string {
  return `# CUDA builds of these come from the PyTorch index (Linux and Windows; macOS uses PyPI).\n${tableHeader(['tool', 'uv', 'sources'])}\n${keyValues(sources)}`;
}

export function indexBlock(index: IndexEntry | PyprojectPlan['index']): string {
  const { name, url, explicit, format } = index as IndexEntry;
  const entry: Record<string, TomlValue> = { name, url };
  if (explicit !== undefined) entry.explicit = explicit;
  if (format) entry.format = format;
  return `${tableHeader(['tool', 'uv', 'index'], true)}\n${keyValues(entry)}`;
}

export function danluBlock(danlu: Record<string, TomlValue>): string {
  return `# danlu: true = uv locks through this machine's PyPI mirror (the mirror then appears in uv.lock).\n${tableHeader(['tool', 'danlu'])}\n${keyValues(danlu)}`;
}

export { multilineArray, tomlKey };
