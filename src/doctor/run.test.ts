import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Exec, ExecResult } from '../lib/exec.js';
import { fakeDeps, type FakeCommand } from '../probe/fake-deps.js';
import { realDoctorDeps } from './probes/deps.js';
import { reportJson } from './report.js';
import { runDoctor } from './run.js';
import { h100Commands, H100_OS_RELEASE } from './testing/facts.js';

const tmp = mkdtempSync(join(tmpdir(), 'danlu-doctor-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Real files (a temp project and home), recorded commands. */
function machine(commands: Record<string, FakeCommand>, exec?: Exec) {
  const project = mkdtempSync(join(tmp, 'proj-'));
  const home = mkdtempSync(join(tmp, 'home-'));
  const fake = fakeDeps({ commands, env: { PATH: '/nonexistent' } });
  const deps = realDoctorDeps({
    exec: exec ?? fake.exec,
    env: { PATH: '/nonexistent', HOST_HOME: home },
    userInfo: () => ({ username: 'alice', uid: 1000, gid: 1000, homedir: home }),
    processUid: () => 1000,
  });
  const osRelease = H100_OS_RELEASE();
  const readFile = deps.readFile;
  deps.readFile = (p) => (p === '/etc/os-release' ? Promise.resolve(osRelease) : readFile(p));
  return { deps, project, home, calls: fake.calls };
}

describe('runDoctor', () => {
  it('on the H100 with driver 580 and no Docker: finds the GPU, driver 580.159.04 and CUDA 13.0; Docker absent fails nothing else', async () => {
    const { deps, project } = machine(h100Commands());
    writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "demo"\nrequires-python = ">=3.12"\ndependencies = ["torch"]\n');
    const { facts, report } = await runDoctor(deps, { dir: project });
    expect(facts.host.nvidia).toMatchObject({ driverVersion: '580.159.04', cudaVersion: '13.0' });
    expect(facts.host.docker).toBeNull();
    const json = reportJson(report);
    const byId = (id: string) => json.findings.find((f) => f.id === id);
    expect(byId('nvidia-driver')).toMatchObject({ layer: 'host', severity: 'ok', title: 'NVIDIA driver 580.159.04 (CUDA 13.0), 1 GPU: NVIDIA H100 80GB HBM3' });
    expect(byId('gpu-arch')).toMatchObject({ severity: 'ok' });
    expect(byId('driver-vs-torch')).toMatchObject({ severity: 'ok', title: expect.stringContaining('cu130') });
    expect(byId('docker-client')).toMatchObject({ layer: 'docker', severity: 'error', title: 'Docker is not installed (`docker` not found on PATH)' });
    expect(json.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['docker-client']);
    expect(Object.keys(json)).toEqual(['findings', 'summary']);
    expect(Object.keys(json.findings[0]!)).toEqual(['id', 'layer', 'severity', 'title', 'detail', 'fix']);
    expect(json.summary.error).toBe(1);
  });

  it('does not stop at broken project files: the host checks still run', async () => {
    const { deps, project } = machine(h100Commands());
    writeFileSync(join(project, '.env'), 'USER_UID=1000\nthis is not an assignment\n');
    writeFileSync(join(project, 'pyproject.toml'), '[project\nname = "x"\n');
    const { report } = await runDoctor(deps, { dir: project });
    const ids = report.findings.map((f) => `${f.id}:${f.severity}`);
    expect(ids).toEqual(expect.arrayContaining(['env-syntax:error', 'pyproject-syntax:error', 'nvidia-driver:ok', 'driver-vs-torch:ok']));
  });

  it('finds a root-owned cache folder through stat', async () => {
    const { deps, project, home } = machine(h100Commands());
    mkdirSync(join(home, '.cache', 'huggingface'), { recursive: true });
    const stat = deps.stat;
    deps.stat = async (p) => {
      const s = await stat(p);
      return s && p.endsWith('.cache/huggingface') ? { ...s, uid: 0, gid: 0 } : s && { ...s, uid: 1000, gid: 1000 };
    };
    const { report } = await runDoctor(deps, { dir: project });
    expect(report.findings.find((f) => f.id === 'cache-dir-owner')).toMatchObject({
      severity: 'error',
      title: `${home}/.cache/huggingface belongs to root, not alice`,
    });
  });

  it('gives up on a hung docker and a slow nvidia-smi within the budget', async () => {
    const hang: Exec = (cmd, _args, o = {}) =>
      new Promise<ExecResult>((resolve) => {
        if (cmd !== 'docker' && cmd !== 'nvidia-smi') return resolve({ code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: 0 });
        setTimeout(() => resolve({ code: null, stdout: '', stderr: '', missing: false, timedOut: true, ms: o.timeoutMs ?? 0 }), o.timeoutMs ?? 60_000);
      });
    const { deps, project } = machine({}, hang);
    const started = Date.now();
    const { report } = await runDoctor(deps, { dir: project, budgetMs: 1200 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(report.findings.find((f) => f.id === 'docker-daemon')).toMatchObject({ severity: 'error', title: 'Docker daemon not answering' });
    expect(report.findings.find((f) => f.id === 'nvidia-driver')).toMatchObject({
      severity: 'warn',
      title: 'nvidia-smi did not answer in time',
      fix: { command: 'sudo nvidia-smi -pm 1' },
    });
  });
});
