// How planning grows with the number of requirements: `node bench/plan-scale.mjs [--sizes 5000,10000,20000] [--timeout S]`
// (after `npm run build`). For each size it writes a requirements.txt of that many pinned
// packages (plus torch and an existing pyproject.toml, so init's merge runs too) into a temp
// folder and times `danlu plan` and `danlu init --dry-run` for the H100 host file. Each size
// doubles the last, so the ratio column reads ~2x for linear code and ~4x for quadratic code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'danlu.mjs');
const HOST = join(REPO, 'test', 'fixtures', 'hosts', 'host-files', 'h100-580.json');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '5000,10000,20000').split(',').map(Number);
const timeoutMs = Number(arg('timeout', '600')) * 1000;

const root = mkdtempSync(join(tmpdir(), 'danlu-plan-scale-'));
const rows = [];
try {
  for (const n of sizes) {
    const dir = join(root, `p${n}`);
    mkdirSync(dir);
    const lines = ['torch==2.5.1', ...Array.from({ length: n }, (_, i) => `pkg${i}==1.${i % 7}.0`)];
    writeFileSync(join(dir, 'requirements.txt'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "scale"\nversion = "0.1.0"\ndependencies = [\n  "numpy",\n]\n');
    for (const args of [
      ['plan', dir, '--host', HOST, '--json'],
      ['init', dir, '--host', HOST, '--yes', '--dry-run', '--json'],
    ]) {
      const t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [BIN, ...args], {
        encoding: 'utf8',
        timeout: timeoutMs,
        maxBuffer: 1 << 30,
        env: { ...process.env, CI: 'true', DANLU_UV: 'off' },
      });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const status = r.error ? `timed out after ${timeoutMs / 1000} s` : r.status === 0 ? 'ok' : `exit ${r.status}: ${r.stderr.split('\n')[0]}`;
      rows.push({ command: args[0], n, ms, status });
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

console.log('| command | requirements | time | vs. half the size | |');
console.log('| --- | ---: | ---: | ---: | --- |');
for (const r of rows) {
  const half = rows.find((x) => x.command === r.command && x.n * 2 === r.n);
  const ratio = half ? `${(r.ms / half.ms).toFixed(1)}x` : '';
  console.log(`| ${r.command} | ${r.n} | ${(r.ms / 1000).toFixed(2)} s | ${ratio} | ${r.status} |`);
}
