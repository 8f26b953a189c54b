#!/usr/bin/env node
// Whole-process timings of danlu against baselines measured in the same run, so the ratios
// hold on a noisy machine. Usage: npm run bench [-- --runs 15 --filter init]
// Prints a table and writes bench/results/<date>.json.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(opt('runs', process.env.BENCH_RUNS ?? 10));
const FILTER = opt('filter', '');
const node = process.execPath;
const danlu = join(root, 'bin', 'danlu.mjs');
const hostFile = join(root, 'test', 'fixtures', 'hosts', 'host-files', 'h100x2-ubuntu2404.json');
const work = mkdtempSync(join(tmpdir(), 'danlu-bench-'));

function time(cmd, argv, env = {}) {
  const started = process.hrtime.bigint();
  // danlu's compile cache goes to a folder of this run: the warm-up run of each case fills it.
  const r = spawnSync(cmd, argv, {
    env: { ...process.env, NO_COLOR: '1', CI: 'true', DANLU_UV: 'off', XDG_CACHE_HOME: join(work, 'cache'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, code: r.status };
}

function measure(name, cmd, argv, env) {
  time(cmd, argv, env); // warm-up: file cache, compile cache
  const samples = [];
  let code = 0;
  for (let i = 0; i < RUNS; i++) {
    const t = time(cmd, argv, env);
    samples.push(t.ms);
    code = t.code ?? -1;
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  return { name, median, min: samples[0], max: samples[samples.length - 1], runs: RUNS, exitCode: code };
}

const results = [];
const baseline = measure('node -e 0 (floor of any Node CLI)', node, ['-e', '0']);
results.push({ ...baseline, ratio: 1 });
const add = (name, cmd, argv, env, target) => {
  if (FILTER && !name.includes(FILTER)) return;
  const r = measure(name, cmd, argv, env);
  results.push({ ...r, ratio: r.median / baseline.median, target });
};

add('danlu --version', node, [danlu, '--version'], {}, 1.3);
const devcontainer = join(root, 'node_modules', '.bin', 'devcontainer');
if (existsSync(devcontainer)) add('devcontainer --version (@devcontainers/cli)', devcontainer, ['--version']);
add('danlu plan --json', node, [danlu, 'plan', work, '--json', '--host', hostFile]);
add('danlu host', node, [danlu, 'host']);

const hung = join(work, 'hung-bin');
mkdirSync(hung);
writeFileSync(join(hung, 'docker'), '#!/bin/sh\nsleep 30\n');
chmodSync(join(hung, 'docker'), 0o755);
const hasDoctor = time(node, [danlu, 'doctor', '--help']).code === 0;
if (hasDoctor) {
  add('danlu doctor (this engine)', node, [danlu, 'doctor', work], {}, undefined);
  add('danlu doctor (hung docker)', node, [danlu, 'doctor', work], { PATH: `${hung}:${process.env.PATH}` });
}

const repos = join(root, 'test', 'fixtures', 'repos');
if (existsSync(repos)) {
  for (const repo of readdirSync(repos, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)) {
    const dir = join(work, repo);
    cpSync(join(repos, repo), dir, { recursive: true });
    add(`danlu init --dry-run ${repo}`, node, [danlu, 'init', dir, '--dry-run', '--yes', '--host', hostFile], {}, 2.5);
  }
  // The first run after an install or upgrade has no compile cache yet.
  const clip = join(work, 'openai__CLIP');
  if (existsSync(clip))
    add('danlu init --dry-run openai__CLIP, no compile cache', node, [danlu, 'init', clip, '--dry-run', '--yes', '--host', hostFile], {
      DANLU_COMPILE_CACHE: '0',
    });
}
const hasImport = time(node, [danlu, 'import', '--help']).code === 0;
if (hasImport && existsSync(repos)) add('danlu import (all fixture repos, one process)', node, [danlu, 'import', '--all', repos, '--json']);

rmSync(work, { recursive: true, force: true });

const pad = (s, n) => String(s).padEnd(n);
const width = Math.max(...results.map((r) => r.name.length));
console.log(`${pad('case', width)}  median ms    min    max   ratio  target`);
for (const r of results) {
  const ok = r.target === undefined ? '' : r.ratio <= r.target ? `<= ${r.target} ok` : `<= ${r.target} MISSED`;
  console.log(
    `${pad(r.name, width)}  ${r.median.toFixed(1).padStart(9)} ${r.min.toFixed(0).padStart(6)} ${r.max.toFixed(0).padStart(6)}  ${r.ratio.toFixed(2).padStart(5)}x  ${ok}${r.exitCode !== 0 ? `  (exit ${r.exitCode})` : ''}`,
  );
}
const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
const file = join(out, `${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), runs: RUNS, results }, null, 2)}\n`,
);
console.log(`\nwritten ${file}`);
