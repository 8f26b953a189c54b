import { satisfiesOr } from '../lib/py.js';
import type { TorchRelease } from '../catalog/torch.js';
import { DanluError } from '../lib/errors.js';
import type { ProjectFacts } from '../project/types.js';
import type { Decision, PlanOptions, PlanStep, Warning } from './types.js';

/** 3.12 is the safe default: many packages lagged on 3.13 in 2025 (seed 000). */
export const DEFAULT_PYTHON = '3.12';

export interface PythonRequest {
  flag?: string;
  /** `.python-version` content. */
  file?: string | null;
  /** A version the project's other files suggest (conda python=3.10): used when torch has wheels for it. */
  hint?: { version: string; where: string };
  requiresPython?: string | null;
  /** The Python the joint solve found every dependency installs on (below a flag and the project's file). */
  solved?: { version: string; why: string };
  /** The Python danlu planned in an earlier run (its own .python-version): kept, so a re-run plans the same. */
  planned?: string | null;
}

/** "3.12", "3.12.3", "cpython-3.12" -> "3.12"; null when it is not a CPython version. */
export function pythonMinor(text: string): string | null {
  const m = /(?:^|[^\d])(3\.\d{1,2})(?:\.\d+)?(?:[^\d.]|$)/.exec(text.trim());
  return m ? m[1]! : null;
}

function fitsRange(minor: string, requiresPython?: string | null): boolean {
  if (!requiresPython) return true;
  // A minor version satisfies a range when its newest patch does (">=3.10.4" admits 3.10); an
  // unreadable range excludes nothing.
  return satisfiesOr(`${minor}.99`, requiresPython, true) || satisfiesOr(`${minor}.0`, requiresPython, true);
}

export function choosePython(release: TorchRelease, req: PythonRequest): { python: string; decisions: Decision[]; warnings: Warning[] } {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  if (req.flag) {
    const python = pythonMinor(req.flag);
    if (!python) throw new DanluError(`--python ${req.flag}: expected a CPython version such as 3.12`);
    decisions.push({ what: 'python', choice: python, why: '--python', source: 'flag' });
    return { python, decisions, warnings };
  }
  if (req.file) {
    const python = pythonMinor(req.file);
    if (python) {
      decisions.push({ what: 'python', choice: python, why: "the project's .python-version", source: '.python-version' });
      if (!release.python.includes(python)) {
        warnings.push({
          id: 'python-unsupported-by-torch',
          message: `.python-version says ${python}, but torch ${release.version} has wheels for ${release.python.join(', ')}`,
          fix: 'change .python-version, or pass --python',
        });
      }
      return { python, decisions, warnings };
    }
  }
  const solved = req.solved ? pythonMinor(req.solved.version) : null;
  if (solved) {
    decisions.push({ what: 'python', choice: solved, why: `solved with uv: ${req.solved!.why}`, source: 'uv lock' });
    return { python: solved, decisions, warnings };
  }
  const planned = req.planned ? pythonMinor(req.planned) : null;
  if (planned && release.python.includes(planned) && fitsRange(planned, req.requiresPython)) {
    decisions.push({
      what: 'python',
      choice: planned,
      why: 'the Python danlu planned in an earlier run (the .python-version it wrote, [tool.danlu.managed]): kept, so a re-run plans the same; --python chooses another',
      source: '[tool.danlu.managed]',
    });
    return { python: planned, decisions, warnings };
  }
  const hinted = req.hint ? pythonMinor(req.hint.version) : null;
  if (hinted && release.python.includes(hinted) && fitsRange(hinted, req.requiresPython)) {
    decisions.push({
      what: 'python',
      choice: hinted,
      why: `the project's ${req.hint!.where} names it, and torch ${release.version} has wheels for it`,
      source: 'project files',
    });
    return { python: hinted, decisions, warnings };
  }
  // Prefer 3.12, then the nearest older, then newer versions the wheels support.
  const supported = release.python.filter((p) => fitsRange(p, req.requiresPython));
  const order = [...supported].sort((a, b) => rank(a) - rank(b));
  const python = order[0] ?? release.python[release.python.length - 1] ?? DEFAULT_PYTHON;
  if (supported.length === 0 && req.requiresPython) {
    warnings.push({
      id: 'requires-python-vs-torch',
      message: `requires-python ${req.requiresPython} admits none of ${release.python.join(', ')} (torch ${release.version})`,
    });
  }
  decisions.push({
    what: 'python',
    choice: python,
    why:
      python === DEFAULT_PYTHON
        ? `the safe default, supported by torch ${release.version}${req.requiresPython ? ` and ${req.requiresPython}` : ''}`
        : `closest to ${DEFAULT_PYTHON} among ${release.python.join(', ')} (torch ${release.version})${req.requiresPython ? ` within ${req.requiresPython}` : ''}`,
    source: 'catalog: PyTorch release matrix (Python range)',
  });
  return { python, decisions, warnings };
}

function rank(minor: string): number {
  const n = Number(minor.split('.')[1]);
  const d = n - 12;
  return d <= 0 ? -d * 2 : d * 2 + 1;
}

/**
 * The container's Python for the chosen torch release: --python, else .python-version, the joint
 * solve's, the Python the project's files name, the default within its requires-python.
 */
export function planPython(
  release: TorchRelease,
  project: ProjectFacts,
  options: PlanOptions,
  projectPython: { minor: string; where: string } | null,
): PlanStep<string> {
  const { python, decisions, warnings } = choosePython(release, {
    flag: options.python,
    file: project.pythonVersion,
    hint: projectPython ? { version: projectPython.minor, where: projectPython.where } : undefined,
    requiresPython: project.requiresPython,
    solved: options.solved?.python,
    planned: project.pythonPlanned ?? null,
  });
  return { value: python, decisions, warnings };
}
