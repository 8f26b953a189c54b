import { UBUNTU_PYTHON } from '../catalog/cuda-images.js';
import { CANONICAL } from '../catalog/mirrors.js';
import type { Decision, MirrorPlan, PlanStep, PythonSource } from './types.js';

/**
 * Where the container's Python comes from. The image installs Ubuntu's python3; uv prefers an
 * installed interpreter (UV_PYTHON_PREFERENCE=system) and uses it when it is the version
 * .python-version asks for, so nothing is downloaded. Otherwise uv downloads a standalone build
 * from UV_PYTHON_INSTALL_MIRROR (GitHub upstream, slow or unreachable in mainland China).
 */
export function planPythonSource(ubuntu: string, python: string, mirrors: MirrorPlan): { value: PythonSource; decision: Decision } {
  const row = UBUNTU_PYTHON.rows.find((r) => r.ubuntu === ubuntu);
  const imagePython = row?.python ?? null;
  const source = `catalog: Ubuntu's python3 per release (${UBUNTU_PYTHON.asOf})`;
  if (imagePython === python) {
    return {
      value: { from: 'image', imagePython, downloadUrl: null },
      decision: {
        what: 'python source',
        choice: `the image's python3 (${python})`,
        why: `Ubuntu ${ubuntu}'s python3 is ${python}, the version .python-version asks for: uv uses it and downloads no Python`,
        source,
      },
    };
  }
  const url = mirrors.urls.python ?? CANONICAL.python;
  const where = mirrors.urls.python
    ? `the mirror ${url}`
    : 'GitHub (python-build-standalone); behind a slow link set UV_PYTHON_INSTALL_MIRROR (`danlu mirrors --apply`)';
  return {
    value: { from: 'download', imagePython, downloadUrl: url },
    decision: {
      what: 'python source',
      choice: `download Python ${python}`,
      why: `Ubuntu ${ubuntu}'s python3 is ${imagePython ?? 'unknown'}, not ${python}: uv downloads Python ${python} once from ${where}`,
      source,
    },
  };
}

/** planPythonSource as a step of the plan. */
export function planPythonSourceStep(ubuntu: string, python: string, mirrors: MirrorPlan): PlanStep<PythonSource> {
  const { value, decision } = planPythonSource(ubuntu, python, mirrors);
  return { value, decisions: [decision], warnings: [] };
}
