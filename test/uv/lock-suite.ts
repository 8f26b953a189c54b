import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, lockProject, pythonDirs, readLock, stageProject, uvEnv } from '../../scripts/lib/uv-harness.mjs';
import { NCCL_CU118 } from '../../src/plan/pyproject/plan-pyproject.js';
import { BIN, HOST_FILES, REPO } from '../support/cli.js';

/**
 * The real uv judges what `danlu init` writes (DANLU_TEST_UV, installed by .ci/run from PyPI at
 * the version the image installs): every fixture repository and the bundled example, init'ed
 * for one host, then `uv lock` against this machine's PyPI index (PyTorch indexes mapped onto
 * it, uploads after a fixed date ignored). Each result must be `locked`, or `unreachable` only
 * for the hosts named here and locked once those sources are set aside.
 */
export const UV = process.env.DANLU_TEST_UV ?? '';
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');

export const PROJECTS: { name: string; dir: string }[] = [
  { name: 'mnist', dir: join(REPO, 'examples', 'mnist') },
  ...readdirSync(join(REPO, 'test', 'fixtures', 'repos'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ name: d.name, dir: join(REPO, 'test', 'fixtures', 'repos', d.name) })),
];

/**
 * Sources this machine cannot reach (only PyPI is), per project: GitHub release wheels and git
 * repositories, other projects' indexes. A host not named here fails the test.
 */
export const UNREACHABLE: Record<string, readonly string[]> = {
  // flash-attn / mamba-ssm / causal-conv1d release wheels on GitHub
  'Dao-AILab__flash-attention': ['github.com'],
  Zyphra__Zonos: ['github.com', 'wheels.astral.sh'],
  'hpcaitech__Open-Sora': ['github.com'],
  'kvcache-ai__ktransformers': ['github.com'],
  // TensorRT from NVIDIA's index (PyPI has only stubs that download from it)
  'black-forest-labs__flux': ['pypi.nvidia.com'],
  // poseval from git; mmcv from OpenMMLab's page
  'open-mmlab__mmpose': ['github.com', 'download.openmmlab.com'],
  // apex and a transformers fork from git
  microsoft__DeepSpeedExamples: ['github.com'],
};

/** The cu118 NCCL rebuild danlu itself writes for multi-GPU boxes on CUDA 11.8 (V100x4). */
const NCCL_HOST = new URL(NCCL_CU118.url).host;

/**
 * The environment `danlu init` solves with in the suite: the real uv (DANLU_UV) against this
 * machine's PyPI index, the fixed date, uv's cache here, no Python downloads, and PyPI standing
 * in for the PyTorch wheel indexes (DANLU_TEST_PYTORCH_INDEX).
 */
export function solveEnv(pip: { indexUrl?: string } | null, pythons: string[]): Record<string, string> {
  if (!UV || !pip?.indexUrl) return { DANLU_UV: 'off' };
  return { ...uvEnv({ pip, cacheDir: CACHE, pythons }), DANLU_UV: UV, DANLU_TEST_PYTORCH_INDEX: pip.indexUrl };
}

/** A copy of `from` (with its stand-in files) at `dir`, init'ed for a host file: the spawned init. */
export function stageAndInit(from: string, dir: string, hostFile: string, env: Record<string, string> = { DANLU_UV: 'off' }) {
  stageProject(from, dir, { standins: join(REPO, 'test', 'fixtures', 'uv-standins', basename(dir)) });
  return spawnSync(process.execPath, [BIN, 'init', dir, '--yes', '--json', '--host', hostFile], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    timeout: 900_000,
  });
}

export interface LockExpectation {
  /** Hosts allowed to be unreachable for this project on this host (on top of UNREACHABLE). */
  unreachable?: readonly string[];
  /** The project cannot lock on this host whatever is planned (its own pins): init must say so, in these words. */
  fails?: RegExp;
}

export function lockSuite(hostFile: string, extra: Record<string, LockExpectation> = {}): void {
  const host = basename(hostFile, '.json');
  describe.skipIf(!UV)(`uv lock of every project init'ed for ${host}`, () => {
    const pip = UV ? discoverPip() : null;
    const pythons = pythonDirs();
    for (const project of PROJECTS) {
      it(project.name, () => {
        const root = mkdtempSync(join(tmpdir(), 'danlu-uv-'));
        const dir = join(root, project.name);
        try {
          mkdirSync(CACHE, { recursive: true });
          const init = stageAndInit(project.dir, dir, join(HOST_FILES, `${host}.json`), solveEnv(pip, pythons));
          expect([0, 1], init.stderr).toContain(init.status);
          const doc = JSON.parse(init.stdout);
          const plan = doc.plan;
          // A file init kept as it was (a conflict) would be locked instead of danlu's.
          expect(
            doc.files.filter((f: { action: string }) => f.action === 'conflict'),
            init.stderr,
          ).toEqual([]);
          const allowed = new Set([
            ...(UNREACHABLE[project.name] ?? []),
            ...(extra[project.name]?.unreachable ?? []),
            ...(plan.ncclOverride ? [NCCL_HOST] : []),
          ]);
          const minor = String(plan.torch.version).split('.').slice(0, 2).join('.');
          const said = JSON.stringify(plan.solve, null, 1);
          const fails = extra[project.name]?.fails;
          if (fails) {
            expect(plan.solve.status, said).toBe('failed');
            expect(plan.solve.summary, said).toMatch(fails);
            return;
          }
          // init solved the plan with uv itself: it ends with the lock, holding the planned torch.
          if (plan.solve.status === 'solved') {
            expect(doc.files.find((f: { path: string }) => f.path === 'uv.lock')?.action, said).toBe('created');
            const locked = readLock(readFileSync(join(dir, 'uv.lock'), 'utf8'));
            for (const v of locked.torch as string[]) expect(v.split('.').slice(0, 2).join('.'), `planned torch ${plan.torch.version}:\n${said}`).toBe(minor);
            expect(readFileSync(join(dir, '.python-version'), 'utf8').trim()).toBe(plan.python);
            return;
          }
          // Or it named a host it cannot reach here: the lock must hold once that source is set aside.
          expect(plan.solve.status, said).toBe('not-solved');
          for (const h of plan.solve.unreachable) expect(allowed.has(h), `${h} is not expected to be needed:\n${said}`).toBe(true);
          const r = lockProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons });
          const lockSaid = JSON.stringify(r, null, 1);
          if (r.outcome === 'unreachable') {
            for (const h of r.hosts) expect(allowed.has(h), `${h} is not expected to be needed:\n${lockSaid}`).toBe(true);
            expect(r.aside.outcome, lockSaid).toBe('locked');
          } else {
            expect(r.outcome, lockSaid).toBe('locked');
          }
          const locked = r.outcome === 'locked' ? r : r.aside;
          for (const v of locked.torch as string[]) expect(v.split('.').slice(0, 2).join('.'), `planned torch ${plan.torch.version}:\n${lockSaid}`).toBe(minor);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }, 900_000);
    }
  });
}
