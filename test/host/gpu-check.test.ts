import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

/**
 * scripts/gpu-check.mjs is run by hand on GPU machines; here it runs against an nvidia-smi
 * stand-in that answers any --query-gpu field list with the recorded H100's values
 * (test/fixtures/hosts/h100-driver580-ubuntu2404: driver 580.159.04, CUDA 13.0, cc 9.0).
 */
const H100 = {
  index: '0',
  name: 'NVIDIA H100 80GB HBM3',
  uuid: 'GPU-00000000-0000-0000-0000-000000000000',
  driver_version: '580.159.04',
  'memory.total': '81559',
  compute_cap: '9.0',
};

function standIn(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-gpu-check-'));
  const smi = readFileSync(join(REPO, 'test', 'fixtures', 'hosts', 'h100-driver580-ubuntu2404', 'nvidia-smi.txt'), 'utf8');
  writeFileSync(join(dir, 'smi.txt'), smi);
  const cases = Object.entries(values)
    .map(([k, v]) => `        ${k}) out="\${out}\${sep}${v}" ;;`)
    .join('\n');
  writeFileSync(
    join(dir, 'nvidia-smi'),
    `#!/bin/sh
case "$1" in
  --query-gpu=*)
    fields=$(echo "\${1#--query-gpu=}" | tr ',' ' ')
    out=""; sep=""
    for f in $fields; do
      case "$f" in
${cases}
        *) out="\${out}\${sep}[N/A]" ;;
      esac
      sep=", "
    done
    echo "$out" ;;
  *) cat "\${0%/*}/smi.txt" ;;
esac
`,
  );
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return dir;
}

describe('scripts/gpu-check.mjs', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const check = (values: Record<string, string>) => {
    const bin = standIn(values);
    const out = mkdtempSync(join(tmpdir(), 'danlu-gpu-check-out-'));
    dirs.push(bin, out);
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'gpu-check.mjs'), out], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' },
    });
    if (!existsSync(join(out, 'summary.json'))) throw new Error(`gpu-check: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return { code: r.status, stdout: r.stdout, summary: JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) };
  };

  it('passes for an H100 as recorded', () => {
    const r = check(H100);
    expect(r.stdout).not.toContain('FAIL');
    expect(r.stdout).toContain("PASS  plan's wheels run on GPU 0 (sm_90)");
    expect(r.summary.results.length).toBeGreaterThanOrEqual(12);
    expect(r.code).toBe(0);
  });

  it('fails, with the reason, when nvidia-smi cannot give a compute capability', () => {
    const r = check({ ...H100, compute_cap: '[N/A]' });
    expect(r.stdout).toMatch(/^FAIL {2}nvidia-smi lists GPUs: 0 GPU/m);
    expect(r.stdout).toMatch(/^FAIL {2}danlu host sees every GPU: 1 vs 0/m);
    expect(r.summary.results.filter((x: { ok: boolean }) => !x.ok).length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
  });
});
