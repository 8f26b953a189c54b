#!/usr/bin/env node
// How long a first `danlu up` takes on a warm cache, with a real engine and the real uv:
//   a. a fresh clone of a project on a machine that already built the image and filled uv's
//      cache (the common case: a second project, a colleague's branch): start + lock + sync
//   b. the same after the image was removed, BuildKit's layer cache kept: build from cache + (a)
// against `docker run --rm IMAGE true` (the engine's floor for starting any container), measured
// in the same run. Needs what test/lifecycle/generated-image.test.ts needs: DOCKER_HOST with the
// stand-in images (scripts/ci/make-base-images.sh), DANLU_TEST_UV, the PyPI index pip uses.
// Usage: node bench/first-up.mjs [--runs 3]. Prints a table, writes bench/results/first-up-<date>.json.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LOOP_BASE_IMAGE, LOOP_UV_IMAGE } from '../scripts/lib/loop-images.mjs';
import { danlu, loopBench, root, setEnv, UID, USER } from './lib.mjs';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1] || 3);
const { DOCKER, pip, work, home, run } = loopBench('first-up');

// The project of the end-to-end test: one dependency, the dev group init adds, Python 3.11 (the stand-in's).
const template = join(work, 'template');
mkdirSync(template);
writeFileSync(join(template, 'pyproject.toml'), '[project]\nname = "benchloop"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["six"]\n');
writeFileSync(join(work, 'host.json'), JSON.stringify({ user: { name: USER, uid: UID, gid: UID, home }, nvidia: null }));
run(process.execPath, [danlu, 'init', template, '--yes', '--host', join(work, 'host.json'), '--python', '3.11']);
const py = readFileSync(join(template, 'pyproject.toml'), 'utf8').replace(/^dependencies = \[[^\]]*\]/m, 'dependencies = ["six"]');
writeFileSync(join(template, 'pyproject.toml'), py);
const dotenv = readFileSync(join(template, '.env'), 'utf8');
writeFileSync(
  join(template, '.env'),
  setEnv(dotenv, {
    BASE_IMAGE: LOOP_BASE_IMAGE,
    UV_IMAGE: LOOP_UV_IMAGE,
    INSTALL_STARSHIP: 'false',
    ...(pip.indexUrl ? { UV_DEFAULT_INDEX: pip.indexUrl } : {}),
  }),
);
writeFileSync(join(template, '.devcontainer', 'docker-compose.extend.yml'), 'services:\n  devcontainer:\n    network_mode: host\n');

let n = 0;
/** A fresh clone: its own folder and compose project, no uv.lock, no venv volume. */
function clone() {
  const dir = join(work, `clone${n++}`);
  cpSync(template, dir, { recursive: true });
  writeFileSync(join(dir, '.env'), setEnv(readFileSync(join(dir, '.env'), 'utf8'), { COMPOSE_PROJECT_NAME: `benchloop${n}` }));
  spawnSync('chown', ['-R', `${UID}:${UID}`, dir]);
  return dir;
}
const down = (dir) => run(process.execPath, [danlu, 'down', '--volumes'], dir);

// Warm-up: builds the image and fills uv's cache (not measured).
const first = clone();
const image = JSON.parse(run(process.execPath, [danlu, 'up', '--json'], first).stdout).image;
down(first);

const samples = { floor: [], warm: [], rebuilt: [] };
for (let i = 0; i < RUNS; i++) {
  samples.floor.push(run(DOCKER, ['run', '--rm', '--network', 'host', image, 'true']).ms);
  const a = clone();
  samples.warm.push(run(process.execPath, [danlu, 'up'], a).ms);
  down(a);
  run(DOCKER, ['rmi', image]);
  const b = clone();
  samples.rebuilt.push(run(process.execPath, [danlu, 'up'], b).ms);
  down(b);
}
run(DOCKER, ['rmi', image]);
rmSync(work, { recursive: true, force: true });

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const floor = median(samples.floor);
const rows = [
  ['docker run --rm IMAGE true (floor)', floor],
  ['first danlu up, image built, uv cache warm', median(samples.warm)],
  ['first danlu up, image removed, build cache warm', median(samples.rebuilt)],
];
for (const [name, ms] of rows) console.log(`${name.padEnd(50)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${(ms / floor).toFixed(1).padStart(5)}x`);
const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
const file = join(out, `first-up-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, runs: RUNS, samples, rows: rows.map(([name, ms]) => ({ name, ms, ratio: ms / floor })) }, null, 2)}\n`,
);
console.log(`\nwritten ${file}`);
