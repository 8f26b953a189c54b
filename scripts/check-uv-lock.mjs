#!/usr/bin/env node
// The real uv judges what `danlu init` writes: for each project folder and host file, a copy of
// the project gets `danlu init --yes --host FILE`, then the real `uv lock` against PyPI.
//
// Usage:
//   node scripts/check-uv-lock.mjs DIR [DIR...] [--host FILE]... [--uv PATH] [--json]
//        [--cache DIR] [--exclude-newer DATE] [--keep DIR] [--fixtures]
//   --host FILE      a `danlu host --json` file (repeat for several; default: this machine)
//   --uv PATH        the uv binary (default: DANLU_TEST_UV, else `uv` on PATH)
//   --fixtures       also the bundled example and every repository under test/fixtures/repos
//   --cache DIR      uv's cache (default: ~/.cache/danlu/uv-harness; kept between runs)
//   --exclude-newer  uv's --exclude-newer date (default: the harness's fixed date)
//   --keep DIR       leave each project's copy (with pyproject.toml and uv.lock) under DIR
//   --json           one JSON document on stdout
//   --no-solve       init plans from the catalog alone (by default init solves the plan with the
//                    same uv and index, as a user with uv on PATH)
//   --offline        no network (a GPU server, say): `uv lock --offline` with an empty cache must
//                    get past reading pyproject.toml (judged `parsed`); it cannot lock there
// Exit code: 0 when every result is `locked`, or `unreachable` with a lock that succeeds once
// that source is set aside; 1 otherwise; 2 for bad usage.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverPip, EXCLUDE_NEWER, lockProject, pythonDirs, stageProject, uvEnv } from './lib/uv-harness.mjs';
import { uvLockOutcome } from './lib/uv-outcome.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const dirs = [];
const hosts = [];
const opts = {
  uv: process.env.DANLU_TEST_UV || 'uv',
  offline: false,
  json: false,
  cache: join(homedir(), '.cache', 'danlu', 'uv-harness'),
  excludeNewer: EXCLUDE_NEWER,
  keep: null,
  fixtures: false,
  solve: true,
};
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const value = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--host') hosts.push(resolve(value()));
  else if (a === '--uv') opts.uv = value();
  else if (a === '--cache') opts.cache = resolve(value());
  else if (a === '--exclude-newer') opts.excludeNewer = value();
  else if (a === '--keep') opts.keep = resolve(value());
  else if (a === '--json') opts.json = true;
  else if (a === '--fixtures') opts.fixtures = true;
  else if (a === '--offline') opts.offline = true;
  else if (a === '--no-solve') opts.solve = false;
  else if (a === '-h' || a === '--help') usage(null, 0);
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else dirs.push(resolve(a));
}
if (opts.fixtures) {
  dirs.push(join(root, 'examples', 'mnist'));
  const repos = join(root, 'test', 'fixtures', 'repos');
  for (const d of readdirSync(repos, { withFileTypes: true })) if (d.isDirectory()) dirs.push(join(repos, d.name));
}
if (!dirs.length) usage('name a project folder (or --fixtures)');
for (const d of dirs) if (!existsSync(d) || !statSync(d).isDirectory()) usage(`no such folder: ${d}`);
for (const h of hosts) if (!existsSync(h)) usage(`no such host file: ${h}`);

function usage(problem, code = 2) {
  const text =
    'usage: node scripts/check-uv-lock.mjs DIR [DIR...] [--host FILE]... [--uv PATH] [--fixtures] [--json] [--cache DIR] [--exclude-newer DATE] [--keep DIR] [--no-solve] [--offline]\n';
  process.stderr.write(problem ? `check-uv-lock: ${problem}\n${text}` : text);
  process.exit(code);
}

const version = spawnSync(opts.uv, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  process.stderr.write(`check-uv-lock: no uv at "${opts.uv}" (${version.error?.message ?? version.stderr}); install it (pip install uv) or pass --uv PATH\n`);
  process.exit(2);
}
const pip = discoverPip();
const pythons = pythonDirs();
mkdirSync(opts.cache, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'danlu-uv-lock-'));
const bin = join(root, 'bin', 'danlu.mjs');

const results = [];
const tty = process.stderr.isTTY && !opts.json;
for (const hostFile of hosts.length ? hosts : [null]) {
  const hostName = hostFile ? basename(hostFile, '.json') : 'this machine';
  for (const from of dirs) {
    const name = basename(from);
    if (tty) process.stderr.write(`\r\x1b[K  ${hostName}  ${name} ...`);
    const dir = join(opts.keep ?? work, hostFile ? basename(hostFile, '.json') : 'here', name);
    // The fixture repositories hold no source code: their stand-ins add what a build backend reads.
    const standins = from.startsWith(join(root, 'test', 'fixtures', 'repos')) ? join(root, 'test', 'fixtures', 'uv-standins', name) : undefined;
    stageProject(from, dir, { standins });
    // init solves the plan with the same uv and index as the lock below (PyPI standing in for the
    // PyTorch indexes), as a user with uv on PATH would; --no-solve plans from the catalog alone.
    const solveEnv =
      opts.solve && !opts.offline && pip.indexUrl
        ? { ...uvEnv({ pip, cacheDir: opts.cache, pythons, excludeNewer: opts.excludeNewer }), DANLU_UV: opts.uv, DANLU_TEST_PYTORCH_INDEX: pip.indexUrl }
        : { DANLU_UV: 'off' };
    const init = spawnSync(process.execPath, [bin, 'init', dir, '--yes', '--json', ...(hostFile ? ['--host', hostFile] : [])], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...solveEnv },
      timeout: 1_800_000,
      // init --json on a project with many extras runs to megabytes (spawnSync's default is 1 MiB).
      maxBuffer: 256 * 1024 * 1024,
    });
    if (init.status !== 0 && init.status !== 1) {
      results.push({ project: name, host: hostName, outcome: 'init-failed', message: init.stderr.trim().split('\n').slice(-3) });
      continue;
    }
    let plan = null;
    let conflicts = [];
    try {
      const doc = JSON.parse(init.stdout);
      plan = doc.plan;
      conflicts = (doc.files ?? []).filter((f) => f.action === 'conflict');
    } catch {
      /* the result still says what uv did */
    }
    // A file init left as it was (a conflict) would be judged in place of danlu's.
    if (conflicts.length > 0) {
      results.push({
        project: name,
        host: hostName,
        outcome: 'init-conflict',
        message: conflicts.flatMap((f) => [`${f.path}:`, ...(f.conflicts ?? [])]).slice(0, 6),
      });
      continue;
    }
    const verdict = opts.offline ? offlineParse(dir) : lockProject({ dir, uv: opts.uv, pip, cacheDir: opts.cache, pythons, excludeNewer: opts.excludeNewer });
    results.push({
      project: name,
      host: hostName,
      planned: plan ? { torch: plan.torch?.version, backend: plan.torch?.backend, python: plan.python, solve: plan.solve?.status ?? null } : null,
      ...verdict,
    });
  }
}
if (tty) process.stderr.write('\r\x1b[K');
if (!opts.keep) rmSync(work, { recursive: true, force: true });

/** `uv lock --offline` with an empty cache: uv must read and accept the project before it needs the network. */
function offlineParse(dir) {
  const cache = mkdtempSync(join(tmpdir(), 'danlu-uv-offline-'));
  const r = spawnSync(opts.uv, ['lock', '--offline', '--no-progress'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, UV_CACHE_DIR: cache, UV_PYTHON_DOWNLOADS: 'never', NO_COLOR: '1' },
  });
  rmSync(cache, { recursive: true, force: true });
  const v = uvLockOutcome(r.status, `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`);
  return { outcome: v.outcome, message: [v.evidence] };
}

const good = (r) => r.outcome === 'locked' || r.outcome === 'parsed' || (r.outcome === 'unreachable' && r.aside?.outcome === 'locked');
const report = {
  uv: version.stdout.trim(),
  index: pip.indexUrl ?? null,
  indexFrom: pip.from,
  excludeNewer: opts.excludeNewer,
  note: 'PyTorch wheel-server indexes are mapped to the PyPI index: versions are checked, the local +cuXXX label is not',
  results,
  summary: { total: results.length, ok: results.filter(good).length },
};
if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const out = [];
  out.push(`${report.uv}; PyPI from ${pip.from ?? "uv's default"}; exclude-newer ${opts.excludeNewer}`);
  out.push(`(${report.note})`);
  const w = Math.max(...results.map((r) => r.project.length), 7);
  const hw = Math.max(...results.map((r) => r.host.length), 4);
  for (const r of results) {
    const what =
      r.outcome === 'locked'
        ? `torch ${r.torch.join(', ') || '-'}, ${r.packages} packages`
        : r.outcome === 'unreachable'
          ? `${r.hosts.join(', ')}; set aside: ${r.aside.outcome}${r.aside.outcome === 'locked' ? ` (torch ${r.aside.torch.join(', ') || '-'}, ${r.aside.packages} packages)` : ''}`
          : '';
    out.push(`${r.project.padEnd(w)}  ${r.host.padEnd(hw)}  ${r.outcome.padEnd(11)}  ${what}  ${((r.ms ?? 0) / 1000).toFixed(1)} s`);
    const msg = r.outcome === 'parsed' ? [] : r.outcome === 'unreachable' ? (r.aside.outcome === 'locked' ? [] : (r.aside.message ?? [])) : (r.message ?? []);
    for (const line of msg) out.push(`    ${line}`);
  }
  out.push(
    '',
    `${report.summary.ok} of ${report.summary.total} ${opts.offline ? 'read and accepted by uv (offline)' : 'locked (or locked with an unreachable source set aside)'}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
process.exit(report.summary.ok === report.summary.total ? 0 : 1);
