import type { Catalog } from '../catalog/index.js';
import { compareDotted } from '../lib/version.js';
import { chooseTorch, type HostGpuView, type TorchChoice, type TorchRequest } from './choose-torch.js';
import type { Decision, PlanStep, Warning } from './types.js';

/** "file:line", or the file alone. */
export const where = (o: { file: string; line?: number }) => (o.line ? `${o.file}:${o.line}` : o.file);

export interface ProjectTorchInput {
  catalog: Catalog;
  hostView: HostGpuView;
  torchRequest: TorchRequest;
  /** A CUDA variant the project's files only hint at (not a pin, no --backend); null otherwise. */
  hint: { backend: string; origin: { file: string; line?: number } } | null;
  /** A Python the project names (conda's python=3.8.5, its classifiers), when no flag or file pins one. */
  projectPython: { minor: string; where: string } | null;
}

/**
 * The torch build for the project on this host (or the team's joint view): the catalog's
 * choice for the request, then the project's hints weighed: a hinted variant that does not run
 * here, or that only a README line names and that would hold torch back, is not followed; a
 * Python the project names is honoured when some torch build for it runs here.
 */
export function planProjectTorch({ catalog, hostView, torchRequest, hint, projectPython }: ProjectTorchInput): PlanStep<TorchChoice> {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  let torch = chooseTorch(catalog, hostView, torchRequest);
  // The choice without the project's CUDA variant hint (for the two rules below).
  const byHostChoice = () => chooseTorch(catalog, hostView, { ...torchRequest, projectBackend: undefined, projectBackendOrigin: undefined });
  // A variant the project's files only hint at (a README line, conda's pytorch-cuda) is not a
  // pin: when it does not run on this host, the plan chooses by the host instead.
  if (hint && torch.warnings.some((w) => w.id === 'torch-does-not-fit-host')) {
    const byHost = byHostChoice();
    if (!byHost.warnings.some((w) => w.id === 'torch-does-not-fit-host')) {
      decisions.push({
        id: 'cuda-variant-hint',
        what: 'CUDA variant hint',
        choice: `not followed (${hint.backend})`,
        why: `${hint.backend} (${where(hint.origin)}) does not run on this host; the variant is chosen by the host`,
        source: 'host probe',
      });
      torch = byHost;
    }
  } else if (hint && /\.(md|rst|txt)$/i.test(hint.origin.file)) {
    // Nor, for a line in the docs, when it would hold torch back: a README's conda example with
    // pytorch-cuda=11.8 next to a range that admits a newer torch is one way among several. (A
    // conda environment file is the project's own environment: its variant is followed.)
    const byHost = byHostChoice();
    const newer = byHost.release !== torch.release && byHost.verdict !== 'no-gpu' && !byHost.warnings.some((w) => w.id === 'torch-does-not-fit-host');
    if (newer && compareDotted(byHost.version, torch.version) > 0) {
      decisions.push({
        id: 'cuda-variant-hint',
        what: 'CUDA variant hint',
        choice: `not followed (${hint.backend})`,
        why: `${hint.backend} (${where(hint.origin)}) would hold torch at ${torch.version}; the project's range admits ${byHost.version}, which runs here with ${byHost.backend.name}`,
        source: 'host probe',
      });
      torch = byHost;
    }
  }
  if (projectPython && !torch.release.python.includes(projectPython.minor)) {
    const withWish = chooseTorch(catalog, hostView, { ...torchRequest, python: projectPython.minor });
    const fits =
      withWish.release.python.includes(projectPython.minor) &&
      !withWish.warnings.some((w) => w.id === 'torch-does-not-fit-host' || w.id === 'python-unsupported-by-torch');
    if (fits) {
      torch = withWish;
      decisions.push({
        what: 'python for torch',
        choice: projectPython.minor,
        why: `${projectPython.where} names Python ${projectPython.minor}; torch ${withWish.version} is the newest build for it that runs here`,
        source: 'project files',
      });
    } else {
      warnings.push({
        id: 'project-python-overridden',
        message: `${projectPython.where} names Python ${projectPython.minor}, for which no torch release that runs here has wheels; planning Python ${torch.release.python.includes('3.12') ? '3.12' : torch.release.python[0]} instead`,
        fix: 'pins made for the old Python may have no wheels for the new one: `danlu import` lists them; loosen them, or pass --python',
      });
    }
  }
  return { value: torch, decisions, warnings };
}
