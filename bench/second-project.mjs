#!/usr/bin/env node
// What a second project costs on a machine that already has a first one: with a real engine and
// the real uv, two projects with the same image inputs and a mid-size dependency set (numpy,
// scipy, pandas, scikit-learn: a few hundred MB installed). For the second project's first
// `danlu up`: whether an image layer was built, what uv downloaded (growth of uv's cache), what it
// added to the disk (its environment's files that are not hardlinks of files already there), and its time against the first project's first `up` and
// against `docker run --rm IMAGE true`, in the same run. Needs what first-up.mjs needs.
// Usage: node bench/second-project.mjs. Prints a table, writes bench/results/second-project-<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LOOP_BASE_IMAGE, LOOP_UV_IMAGE } from '../scripts/lib/loop-images.mjs';
import { danlu, loopBench, root, setEnv, UID, USER } from './lib.mjs';

const DEPS = ['numpy', 'scipy', 'pandas', 'scikit-learn'];
const { DOCKER, pip, work, home, run } = loopBench('second-project');
const bytes = (path) => Number(spawnSync('du', ['-sb', path], { encoding: 'utf8' }).stdout.split('\t')[0] || 0);

/** A project of its own (folder, compose project, environment) with the same image inputs. */
function project(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'pyproject.toml'),
    `[project]\nname = "${name}"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ${JSON.stringify(DEPS)}\n`,
  );
  run(process.execPath, [danlu, 'init', dir, '--yes', '--no-solve', '--host', join(work, 'host.json'), '--python', '3.11']);
  writeFileSync(
    join(dir, '.env'),
    setEnv(readFileSync(join(dir, '.env'), 'utf8'), {
      BASE_IMAGE: LOOP_BASE_IMAGE,
      UV_IMAGE: LOOP_UV_IMAGE,
      INSTALL_STARSHIP: 'false',
      ...(pip.indexUrl ? { UV_DEFAULT_INDEX: pip.indexUrl } : {}),
    }),
  );
  const extend = readFileSync(join(dir, '.devcontainer', 'docker-compose.extend.yml'), 'utf8');
  writeFileSync(join(dir, '.devcontainer', 'docker-compose.extend.yml'), extend.replace(/^ {2}devcontainer:\n/m, '  devcontainer:\n    network_mode: host\n'));
  spawnSync('chown', ['-R', `${UID}:${UID}`, dir]);
  return dir;
}
writeFileSync(join(work, 'host.json'), JSON.stringify({ user: { name: USER, uid: UID, gid: UID, home }, nvidia: null }));
// The store the containers mount: uv's cache and one environment per compose project.
const store = join(home, '.cache', 'danlu', 'uv');
const uvCache = join(store, 'cache');
const envOf = (dir) => join(store, 'venvs', /^COMPOSE_PROJECT_NAME=(.+)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))[1]);
/** `du` counts a file once, where it first meets it: bytes per path, each after the ones before. */
const duAfter = (...paths) =>
  spawnSync('du', ['-sb', ...paths], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((l) => Number(l.split('\t')[0]));
const venvBytes = (dir, before) => {
  const venv = envOf(dir);
  const added = duAfter(...before, venv).at(-1);
  const links = Number(spawnSync('sh', ['-c', `find '${venv}' -type f -links +1 | wc -l`], { encoding: 'utf8' }).stdout.trim());
  const files = Number(spawnSync('sh', ['-c', `find '${venv}' -type f | wc -l`], { encoding: 'utf8' }).stdout.trim());
  return { bytes: bytes(venv), added, links, files };
};

const p1 = project('first');
const up1 = run(process.execPath, [danlu, 'up', '--json'], p1);
const first = JSON.parse(up1.stdout);
const floor = run(DOCKER, ['run', '--rm', '--network', 'host', first.image, 'true']).ms;
const cacheBefore = bytes(uvCache);
const p2 = project('second');
const up2 = run(process.execPath, [danlu, 'up', '--json'], p2);
const second = JSON.parse(up2.stdout);
const cacheAfter = bytes(uvCache);
const v1 = venvBytes(p1, [uvCache]);
const v2 = venvBytes(p2, [uvCache, envOf(p1)]);
const result = {
  date: new Date().toISOString(),
  cpus: cpus().length,
  deps: DEPS,
  floorMs: floor,
  first: { ms: up1.ms, built: first.built, image: first.image, venvBytes: v1.bytes, addedBytes: v1.added, hardlinkedFiles: v1.links, files: v1.files },
  second: {
    ms: up2.ms,
    built: second.built,
    sameImage: second.image === first.image,
    downloadedBytes: cacheAfter - cacheBefore,
    venvBytes: v2.bytes,
    addedBytes: v2.added,
    hardlinkedFiles: v2.links,
    files: v2.files,
  },
};
for (const dir of [p1, p2]) run(process.execPath, [danlu, 'down', '--volumes'], dir);
run(DOCKER, ['rmi', first.image]);
rmSync(work, { recursive: true, force: true });

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
console.log(`docker run --rm IMAGE true (floor)         ${(floor / 1000).toFixed(1)} s`);
console.log(`first project, first up (image built)      ${(up1.ms / 1000).toFixed(1)} s  ${(up1.ms / floor).toFixed(1)}x the floor`);
console.log(`second project, first up                   ${(up2.ms / 1000).toFixed(1)} s  ${(up2.ms / up1.ms).toFixed(2)}x the first`);
console.log(`second project: image built ${second.built}, same image ${result.second.sameImage}, uv downloaded ${mb(result.second.downloadedBytes)}`);
console.log(`venv: first ${mb(v1.bytes)} (adds ${mb(v1.added)} beside uv's cache), second ${mb(v2.bytes)} (${v2.links} of ${v2.files} files hardlinked)`);
console.log(`second project adds ${mb(v2.added)} to the disk: ${((100 * v2.added) / Math.max(1, v2.bytes)).toFixed(1)}% of its venv's size`);
const out = join(root, 'bench', 'results');
mkdirSync(out, { recursive: true });
const file = join(out, `second-project-${new Date().toISOString().slice(0, 10)}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwritten ${file}`);
