import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { danlu, jsonOut, snapshot, tempProject } from '../support/cli.js';
import { fakeH100Bin } from './fake-nvidia-smi.js';

type Json = {
  findings: {
    id: string;
    layer: string;
    severity: string;
    title: string;
    detail: string;
    fix: { command: string | null; description: string; safe: boolean } | null;
  }[];
  summary: Record<string, number>;
  fixes?: { id: string; applied: boolean; error: string | null }[];
};

const isRoot = process.getuid?.() === 0;
const scratch = mkdtempSync(join(tmpdir(), 'danlu-doctor-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const find = (j: Json, id: string) => j.findings.find((f) => f.id === id);

describe('danlu doctor (CLI)', () => {
  it('on the H100 (recorded nvidia-smi, no Docker): GPU, driver 580.159.04 and CUDA 13.0 found; Docker absent; exit 1', () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "demo"\nrequires-python = ">=3.12"\ndependencies = ["torch"]\n' });
    const r = danlu(['doctor', dir, '--json'], { env: { PATH: `${fakeH100Bin()}:/nonexistent` } });
    const j = jsonOut(r) as Json;
    expect(r.code).toBe(1);
    expect(find(j, 'nvidia-driver')).toMatchObject({ severity: 'ok', title: 'NVIDIA driver 580.159.04 (CUDA 13.0), 1 GPU: NVIDIA H100 80GB HBM3' });
    expect(find(j, 'gpu-arch')?.severity).toBe('ok');
    expect(find(j, 'docker-client')).toMatchObject({ severity: 'error', fix: { command: 'curl -fsSL https://get.docker.com | sudo sh', safe: false } });
    expect(j.findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['docker-client']);
    expect(Object.keys(j.summary)).toEqual(['ok', 'info', 'warn', 'error']);
  });

  it('does not wait for a hung nvidia-smi (and kills it)', () => {
    const bin = mkdtempSync(join(scratch, 'slow-'));
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/sh\nexec /bin/sleep 30\n');
    chmodSync(join(bin, 'nvidia-smi'), 0o755);
    const started = Date.now();
    const j = jsonOut(danlu(['doctor', tempProject(), '--json'], { env: { PATH: `${bin}:/nonexistent` } })) as Json;
    expect(Date.now() - started).toBeLessThan(6000);
    expect(find(j, 'nvidia-driver')).toMatchObject({ severity: 'warn', title: 'nvidia-smi did not answer in time' });
  });

  it('prints the human report grouped by layer, without colour when not a terminal', () => {
    const r = danlu(['doctor', tempProject()], { env: { PATH: '/nonexistent' } });
    expect(r.stdout).toMatch(/^danlu doctor .*\nhost\n {2}[✓!] /);
    expect(r.stdout).toMatch(/\ndocker\n {2}✗ Docker is not installed/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^\d+ ok · .*1 error/);
  });

  it('colours only when asked to (a terminal, or FORCE_COLOR)', () => {
    const r = danlu(['doctor', tempProject()], { env: { PATH: '/nonexistent', NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(r.stdout).toMatch(/\x1b\[31m✗\x1b\[39m Docker is not installed/);
  });

  it('exits 2 on bad usage', () => {
    expect(danlu(['doctor', 'a', 'b']).code).toBe(2);
    expect(danlu(['doctor', '--yes']).code).toBe(2);
    expect(danlu(['doctor', '--frobnicate']).code).toBe(2);
    const missing = danlu(['doctor', join(scratch, 'nope'), '--json']);
    expect(missing.code).toBe(2);
    expect(jsonOut(missing).error.message).toMatch(/^no such folder/);
  });

  it('--fix without --yes and without a terminal changes nothing and says what it would do', () => {
    const dir = tempProject({ '.env': 'USER_UID=1\nUSER_GID=1\n' });
    const before = snapshot(dir);
    const r = danlu(['doctor', dir, '--fix'], { env: { PATH: '/nonexistent' } });
    expect(r.stderr).toContain('Would fix (nothing changed; run `danlu doctor --fix --yes` to apply):');
    expect(r.stderr).toMatch(/would {2}set USER_UID=/);
    expect(snapshot(dir)).toEqual(before);
  });
});

/** The user probe reports the sudo invoker; these run as root and act for uid 4242. */
describe.skipIf(!isRoot)('danlu doctor as `sudo danlu doctor` (SUDO_USER)', () => {
  const sudo = (home: string) => ({
    SUDO_USER: 'danlu-doctor-test',
    SUDO_UID: '4242',
    SUDO_GID: '4343',
    HOST_HOME: home,
    PATH: `/nonexistent:${process.env.PATH}`,
  });

  it('finds a root-owned cache folder and gives it back with --fix --yes', () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    mkdirSync(join(home, '.cache', 'huggingface', 'hub'), { recursive: true });
    writeFileSync(join(home, '.cache', 'huggingface', 'hub', 'model.bin'), 'x');
    const dir = tempProject();
    const before = jsonOut(danlu(['doctor', dir, '--json'], { env: sudo(home) })) as Json;
    expect(find(before, 'cache-dir-owner')).toMatchObject({
      severity: 'error',
      title: `${home}/.cache belongs to root, not danlu-doctor-test`,
      fix: { safe: true, command: `chown -R 4242:4343 ${home}/.cache` },
    });
    expect(find(before, 'cache-dir-missing')).toMatchObject({ severity: 'warn', fix: { safe: true } });

    const fixed = danlu(['doctor', dir, '--json', '--fix', '--yes'], { env: sudo(home) });
    const after = jsonOut(fixed) as Json;
    expect(after.fixes?.every((f) => f.applied)).toBe(true);
    for (const p of ['.cache', '.cache/huggingface', '.cache/huggingface/hub/model.bin', '.cache/danlu/uv', '.cache/torch/hub', '.local/share/uv']) {
      const s = statSync(join(home, p));
      expect([s.uid, s.gid], p).toEqual([4242, 4343]);
    }
    expect(find(after, 'cache-dirs')).toMatchObject({ severity: 'ok' });
    expect(find(after, 'cache-dir-owner')).toBeUndefined();
  });

  it('finds a .env with a wrong UID and rewrites it with --fix --yes, keeping its owner', () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const dir = tempProject({ '.env': `# mine\nUSER_UID=1234\nUSER_GID=4343\nHOST_HOME=${home}\nMINE=kept\n` });
    const r = danlu(['doctor', dir, '--json'], { env: sudo(home) });
    expect(r.code).toBe(1);
    expect(find(jsonOut(r), 'env-uid')).toMatchObject({
      severity: 'error',
      title: 'USER_UID=1234 in .env, but you are danlu-doctor-test (4242:4343)',
      fix: { safe: true, description: 'set USER_UID=4242 in .env (your uid), then rebuild with danlu up (it rebuilds when build args change)' },
    });
    const fixed = jsonOut(danlu(['doctor', dir, '--json', '--fix', '--yes'], { env: sudo(home) })) as Json;
    expect(fixed.fixes?.find((f) => f.id === 'env-uid')).toMatchObject({ applied: true, error: null });
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(`# mine\nUSER_UID=4242\nUSER_GID=4343\nHOST_HOME=${home}\nMINE=kept\n`);
    expect(find(fixed, 'env-user')).toMatchObject({ severity: 'ok' });
  });
});
