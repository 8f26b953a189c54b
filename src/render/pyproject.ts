import type { Plan } from '../plan/types.js';
import type { ImportResult } from '../project/import/types.js';
import { importedWants, type ImportedWants } from './pyproject-import.js';
import { keyValues, multilineArray, tableHeader, tomlKey, type TomlValue } from './toml-text.js';

export const TORCH_INDEX_NAME = 'pytorch';
export const TORCH_MARKER = "sys_platform == 'linux' or sys_platform == 'win32'";

/** Packages whose CUDA build must come from the PyTorch index, not PyPI (seed 000). */
export const TORCH_ROUTED = ['torch', 'torchvision', 'torchaudio', 'xformers'] as const;

/** Seed 000 appendix: a cu118 rebuild of NCCL for multi-GPU on CUDA 11.8. */
export const NCCL_CU118 = {
  requirement: 'nvidia-nccl-cu11==2.27.6',
  url: 'https://cdn.duanyll.com/whl/nvidia_nccl_cu11-2.27.6-py3-none-manylinux2014_x86_64.whl',
  source: 'seed 000 appendix (a wheel rebuilt by the seed author)',
};

export interface PyprojectWants {
  /** Requirements to add when the project does not depend on the package yet. */
  dependencies: string[];
  devDependencies: string[];
  /** Other [dependency-groups] (from imported files). */
  groups: Record<string, string[]>;
  /** [project.optional-dependencies] (from imported files). */
  extras: Record<string, string[]>;
  requiresPython: string;
  /** torch and its companions: routed to the PyTorch index. */
  torchSources: Record<string, TomlValue>;
  /** Git, URL and path sources, and packages routed to other indexes. */
  sources: Record<string, TomlValue>;
  index: { name: string; url: string; explicit: boolean };
  /** Other indexes the project's files name (find-links pages become `format = "flat"`). */
  extraIndexes: ImportedWants['indexes'];
  overrides: string[];
  constraints: string[];
  buildDependencies: Record<string, TomlValue>;
  buildVariables: Record<string, TomlValue>;
  danlu: Record<string, TomlValue>;
  /** Requirements whose pins the plan replaced (for the report, and for --upgrade-torch). */
  replaced: ImportedWants['replaced'];
  /** Name and version for a [project] table danlu writes: setup.py's when it says them, else the folder's name and 0.1.0. */
  project: { name: string; version: string };
}

export function pyprojectWants(plan: Plan, lockWithMirror: boolean, imported?: ImportResult | null): PyprojectWants {
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  const project = { name: plan.project.name, version: imported?.packageMetadata?.version ?? '0.1.0' };
  const fromFiles = importedWants(imported, plan, project.name);
  // torch and torchvision join a project that names torch nowhere (main, extras or groups);
  // a project that does keeps its own choice of where torch goes.
  const namesTorch = imported?.requirements.some((r) => r.name === 'torch') ?? false;
  const dependencies = [...fromFiles.dependencies];
  if (!namesTorch) {
    for (const d of [`torch${plan.torch.specifier}`, `torchvision==${minor(plan.torch.torchvision)}.*`]) if (!dependencies.includes(d)) dependencies.push(d);
  }
  const torchSources: Record<string, TomlValue> = {};
  for (const pkg of TORCH_ROUTED) torchSources[pkg] = [{ index: TORCH_INDEX_NAME, marker: TORCH_MARKER }];
  const sources: Record<string, TomlValue> = { ...fromFiles.sources };
  for (const pkg of TORCH_ROUTED) delete sources[pkg];
  const overrides: string[] = [];
  if (plan.ncclOverride) {
    dependencies.push(NCCL_CU118.requirement.replace('==', '>='));
    overrides.push(NCCL_CU118.requirement);
    sources['nvidia-nccl-cu11'] = { url: NCCL_CU118.url };
  }
  const { dev = [], ...groups } = fromFiles.groups;
  const danlu: Record<string, TomlValue> = { 'lock-with-mirror': lockWithMirror };
  if (plan.aptPackages.length > 0) danlu['apt-packages'] = plan.aptPackages;
  return {
    dependencies,
    devDependencies: ['ipykernel', ...dev.filter((d) => !/^ipykernel\b/.test(d))],
    groups,
    extras: fromFiles.extras,
    requiresPython: plan.requiresPython,
    torchSources,
    sources,
    index: { name: TORCH_INDEX_NAME, url: plan.torch.index, explicit: true },
    extraIndexes: fromFiles.indexes,
    overrides,
    constraints: fromFiles.constraints,
    buildDependencies: fromFiles.buildDependencies,
    buildVariables: fromFiles.buildVariables,
    danlu,
    replaced: fromFiles.replaced,
    project,
  };
}

/** A new pyproject.toml, written as uv would (dependencies one per line). */
export function renderNewPyproject(wants: PyprojectWants, hasReadme: boolean): string {
  const project: Record<string, TomlValue> = {
    name: wants.project.name,
    version: wants.project.version,
    description: 'Add your description here',
  };
  if (hasReadme) project.readme = 'README.md';
  project['requires-python'] = wants.requiresPython;
  project.dependencies = wants.dependencies;
  const blocks = [`${tableHeader(['project'])}\n${keyValues(project, ['dependencies'])}`];
  if (Object.keys(wants.extras).length > 0) blocks.push(extrasBlock(wants.extras));
  blocks.push(groupsBlock({ dev: wants.devDependencies, ...wants.groups }));
  const uv: Record<string, TomlValue> = {};
  if (wants.overrides.length > 0) uv['override-dependencies'] = wants.overrides;
  if (wants.constraints.length > 0) uv['constraint-dependencies'] = wants.constraints;
  if (Object.keys(uv).length > 0) blocks.push(`${tableHeader(['tool', 'uv'])}\n${keyValues(uv, Object.keys(uv))}`);
  if (Object.keys(wants.buildDependencies).length > 0) blocks.push(buildDependenciesBlock(wants.buildDependencies));
  if (Object.keys(wants.buildVariables).length > 0) blocks.push(buildVariablesBlock(wants.buildVariables));
  blocks.push(sourcesBlock({ ...wants.torchSources, ...wants.sources }), indexBlock(wants.index));
  for (const index of wants.extraIndexes) blocks.push(indexBlock(index));
  blocks.push(danluBlock(wants.danlu));
  return `${blocks.join('\n\n')}\n`;
}

export function groupsBlock(groups: Record<string, string[]>): string {
  return `${tableHeader(['dependency-groups'])}\n${keyValues(groups, Object.keys(groups))}`;
}

export function extrasBlock(extras: Record<string, string[]>): string {
  return `${tableHeader(['project', 'optional-dependencies'])}\n${keyValues(extras, Object.keys(extras))}`;
}

export function buildVariablesBlock(vars: Record<string, TomlValue>): string {
  return `# Settings for source builds: parallel jobs from this machine's memory, GPU architectures from its GPUs.\n${tableHeader(['tool', 'uv', 'extra-build-variables'])}\n${keyValues(vars)}`;
}

export function buildDependenciesBlock(deps: Record<string, TomlValue>): string {
  return `# These import torch while they build: uv gives them the torch of the environment.\n${tableHeader(['tool', 'uv', 'extra-build-dependencies'])}\n${keyValues(deps)}`;
}

export function sourcesBlock(sources: Record<string, TomlValue>): string {
  return `# CUDA builds of these come from the PyTorch index (Linux and Windows; macOS uses PyPI).\n${tableHeader(['tool', 'uv', 'sources'])}\n${keyValues(sources)}`;
}

export function indexBlock(index: { name: string; url: string; explicit?: boolean; format?: string }): string {
  return `${tableHeader(['tool', 'uv', 'index'], true)}\n${keyValues({ ...index })}`;
}

export function danluBlock(danlu: Record<string, TomlValue>): string {
  return `# danlu: true = uv locks through this machine's PyPI mirror (the mirror then appears in uv.lock).\n${tableHeader(['tool', 'danlu'])}\n${keyValues(danlu)}`;
}

export { multilineArray, tomlKey };
