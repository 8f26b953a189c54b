import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { makePlan } from './make-plan.js';
import { planPythonSource } from './python-source.js';
import { hostProfile, projectFacts } from './testing/fixtures.js';
import type { MirrorPlan } from './types.js';

const upstream: MirrorPlan = { preset: 'global', urls: { apt: null, pypi: null, pytorch: null, huggingface: null, dockerhub: null, ghcr: null, python: null } };
const cn: MirrorPlan = { preset: 'cn', urls: { ...upstream.urls, python: 'https://mirror.example/python-build-standalone' } };

describe("where the container's Python comes from", () => {
  it("Ubuntu 24.04's python3 is 3.12: a 3.12 plan uses it and downloads nothing", () => {
    const r = planPythonSource('24.04', '3.12', upstream);
    expect(r.value).toEqual({ from: 'image', imagePython: '3.12', downloadUrl: null });
    expect(r.decision.why).toMatch(/downloads no Python/);
  });

  it('another version is downloaded, from the mirror when the preset has one', () => {
    const up = planPythonSource('22.04', '3.12', upstream);
    expect(up.value).toEqual({
      from: 'download',
      imagePython: '3.10',
      downloadUrl: expect.stringMatching(/^https:\/\/github\.com\/astral-sh\/python-build-standalone/),
    });
    expect(up.decision.why).toMatch(/UV_PYTHON_INSTALL_MIRROR/);
    const mirrored = planPythonSource('24.04', '3.11', cn);
    expect(mirrored.value.downloadUrl).toBe('https://mirror.example/python-build-standalone');
    expect(mirrored.decision.why).toMatch(/the mirror https:\/\/mirror\.example/);
  });

  it('the plan carries it, with the decision', () => {
    const host = hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '570.86.10', cuda: '12.8' });
    const plan = makePlan({ host, project: projectFacts(), catalog: EMBEDDED_CATALOG, options: {} });
    expect(plan.cuda.ubuntu).toBe('24.04');
    expect(plan.pythonSource.from).toBe(plan.python === '3.12' ? 'image' : 'download');
    expect(plan.decisions.find((d) => d.what === 'python source')).toBeTruthy();
    const py311 = makePlan({ host, project: projectFacts(), catalog: EMBEDDED_CATALOG, options: { python: '3.11' } });
    expect(py311.pythonSource).toMatchObject({ from: 'download', imagePython: '3.12' });
  });
});
