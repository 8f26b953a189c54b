#!/usr/bin/env node
// What the joint solve costs `danlu init`: each fixture repository (and the bundled example),
// copied fresh for every run, init'ed for a fixed H100 host with the real uv (warm cache: one
// warm-up run per repository first) against `init --no-solve` measured in the same run. Prints
// the added time per repository, and its median and max; writes bench/results/solve-<date>.json.
//
// Usage: node bench/solve.mjs [--runs N] [--filter TEXT] [--uv PATH] [--cache DIR]
// The uv and index are the lock harness's (scripts/lib/uv-harness.mjs): this machine's PyPI, a
// fixed upload date, PyPI standing in for the PyTorch indexes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverPip, pythonDirs, stageProject, uvEnv } from '../scripts/lib/uv-harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('runs', 3));
const FILTER = opt('filter', '');
const UV = opt('uv', process.env.DANLU_TEST_UV || 'uv');
const CACHE = opt('cache', process.env.DANLU_TEST_UV_CACHE || join(tmpdir(), 'danlu-uv-cache'));
const danlu = join(root, 'bin', 'danlu.mjs');
const host = join(root, 'test', 'fixtures', 'hosts', 'host-files', 'h100-580.json');
const pip = discoverPip();
if (!pip.indexUrl) {
  process.stderr.write('bench/solve: pip names no index here\n');
  process.exit(2);
}
const solveEnv = { ...uvEnv({ pip, cacheDir: CACHE, pythons: pythonDirs() }), DANLU_UV: UV, DANLU_TEST_PYTORCH_INDEX: pip.indexUrl };
const work = mkdtempSync(join(tmpdir(), 'danlu-bench-solve-'));
mkdirSync(CACHE, { recursive: true });

const repos = [
  join(root, 'examples', 'mnist'),
  ...readdirSync(join(root, 'test', 'fixtures', 'repos'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, 'test', 'fixtures', 'repos', d.name)),
].filter((d) => !FILTER || basename(d).includes(FILTER));

/** One init on a fresh copy: wall time, and the plan's solve report. */
function initOnce(from, env) {
  const dir = join(work, 'p', basename(from));
  stageProject(from, dir, { standins: join(root, 'test', 'fixtures', 'uv-standins', basename(from)) });
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [danlu, 'init', dir, '--yes', '--json', '--host', host], {
    env: { ...process.env, NO_COLOR: '1', CI: 'true', XDG_CACHE_HOME: join(work, 'cache'), ...env },
    encoding: 'utf8',
    timeout: 900_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let solve = null;
  try {
    solve = JSON.parse(r.stdout).plan.solve;
  } catch {
    /* reported as no result */
  }
  return { ms, code: r.status, solve };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const from of repos) {
  const name = basename(from);
  process.stderr.write(`\r\x1b[K${name} ...`);
  initOnce(from, solveEnv); // warm-up: uv's cache for this project
  initOnce(from, { DANLU_UV: 'off' });
  const base = [];
  const solved = [];
  let report = null;
  for (let i = 0; i < RUNS; i++) {
    base.push(initOnce(from, { DANLU_UV: 'off' }).ms);
    const s = initOnce(from, solveEnv);
    solved.push(s.ms);
    report = s.solve;
  }
  rows.push({
    name,
    baseMs: median(base),
    solveMs: median(solved),
    addedMs: median(solved) - median(base),
    status: report?.status ?? 'no result',
    locks: report?.attempts?.length ?? 0,
  });
}
process.stderr.write('\r\x1b[K');
rmSync(work, { recursive: true, force: true });

const added = rows.filter((r) => r.status === 'solved').map((r) => r.addedMs);
const summary = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  runs: RUNS,
  host: basename(host),
  solved: rows.filter((r) => r.status === 'solved').length,
  total: rows.length,
  addedMedianMs: added.length ? median(added) : null,
  addedMaxMs: added.length ? Math.max(...added) : null,
  oneLockMedianMs: median(rows.filter((r) => r.status === 'solved' && r.locks === 1).map((r) => r.addedMs)) ?? null,
};
const pad = (s, n) => String(s).padEnd(n);
const w = Math.max(...rows.map((r) => r.name.length), 8);
const out = [`${pad('project', w)}  no-solve   solve      added    locks  status`];
for (const r of rows)
  out.push(
    `${pad(r.name, w)}  ${pad(`${(r.baseMs / 1000).toFixed(2)} s`, 9)}  ${pad(`${(r.solveMs / 1000).toFixed(2)} s`, 9)}  ${pad(`${(r.addedMs / 1000).toFixed(2)} s`, 7)}  ${pad(r.locks, 5)}  ${r.status}`,
  );
out.push(
  '',
  `solved ${summary.solved} of ${summary.total}; added by the solve (solved ones, warm uv cache): median ${(summary.addedMedianMs / 1000).toFixed(2)} s, max ${(summary.addedMaxMs / 1000).toFixed(2)} s; with one lock: median ${((summary.oneLockMedianMs ?? 0) / 1000).toFixed(2)} s`,
);
process.stdout.write(`${out.join('\n')}\n`);
const dir = join(root, 'bench', 'results');
if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `solve-${summary.date.slice(0, 10)}.json`), `${JSON.stringify({ summary, rows }, null, 1)}\n`);
