import type { Plan } from '../plan/types.js';
import { keyValues, multilineArray, tableHeader, type TomlValue } from './toml-text.js';

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
  requiresPython: string;
  sources: Record<string, TomlValue>;
  index: { name: string; url: string; explicit: boolean };
  overrides: string[];
  danlu: Record<string, TomlValue>;
}

export function pyprojectWants(plan: Plan, lockWithMirror: boolean): PyprojectWants {
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  const dependencies = [`torch${plan.torch.specifier}`, `torchvision==${minor(plan.torch.torchvision)}.*`];
  const sources: Record<string, TomlValue> = {};
  for (const pkg of TORCH_ROUTED) sources[pkg] = [{ index: TORCH_INDEX_NAME, marker: TORCH_MARKER }];
  const overrides: string[] = [];
  if (plan.ncclOverride) {
    dependencies.push(NCCL_CU118.requirement.replace('==', '>='));
    overrides.push(NCCL_CU118.requirement);
    sources['nvidia-nccl-cu11'] = { url: NCCL_CU118.url };
  }
  return {
    dependencies,
    devDependencies: ['ipykernel'],
    requiresPython: plan.requiresPython,
    sources,
    index: { name: TORCH_INDEX_NAME, url: plan.torch.index, explicit: true },
    overrides,
    danlu: { 'lock-with-mirror': lockWithMirror },
  };
}

/** A new pyproject.toml, written as uv would (dependencies one per line). */
export function renderNewPyproject(name: string, wants: PyprojectWants, hasReadme: boolean): string {
  const project: Record<string, TomlValue> = {
    name,
    version: '0.1.0',
    description: 'Add your description here',
  };
  if (hasReadme) project.readme = 'README.md';
  project['requires-python'] = wants.requiresPython;
  project.dependencies = wants.dependencies;
  const blocks = [
    `${tableHeader(['project'])}\n${keyValues(project, ['dependencies'])}`,
    `${tableHeader(['dependency-groups'])}\n${keyValues({ dev: wants.devDependencies }, ['dev'])}`,
  ];
  if (wants.overrides.length > 0) {
    blocks.push(`${tableHeader(['tool', 'uv'])}\n${keyValues({ 'override-dependencies': wants.overrides }, ['override-dependencies'])}`);
  }
  blocks.push(sourcesBlock(wants.sources), indexBlock(wants.index), danluBlock(wants.danlu));
  return `${blocks.join('\n\n')}\n`;
}

export function sourcesBlock(sources: Record<string, TomlValue>): string {
  return `# CUDA builds of these come from the PyTorch index (Linux and Windows; macOS uses PyPI).\n${tableHeader(['tool', 'uv', 'sources'])}\n${keyValues(sources)}`;
}

export function indexBlock(index: PyprojectWants['index']): string {
  return `${tableHeader(['tool', 'uv', 'index'], true)}\n${keyValues({ ...index })}`;
}

export function danluBlock(danlu: Record<string, TomlValue>): string {
  return `# danlu: true = uv locks through this machine's PyPI mirror (the mirror then appears in uv.lock).\n${tableHeader(['tool', 'danlu'])}\n${keyValues(danlu)}`;
}

export { multilineArray };
