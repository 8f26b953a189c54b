#!/usr/bin/env node
// Runs `danlu init` on the bundled example and every fixture repository, then the real
// `uv lock --offline` on each result, with an empty uv cache and no Python downloads: uv must
// get past reading pyproject.toml (it then stops for lack of network). Needs only Node, the
// built bundle (dist/) and uv; made for machines without npm packages (e.g. a GPU server).
// Usage: node scripts/check-uv-parse.mjs [--uv PATH] [--host FILE] [--json OUT]
// Exit code 0 when every project parsed, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uvLockOutcome } from './lib/uv-outcome.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const uv = opt('uv', 'uv');
const host = opt('host', join(root, 'examples', 'hosts', 'h100-driver580.json'));
const jsonOut = opt('json', null);

const version = spawnSync(uv, ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  process.stderr.write(`check-uv-parse: no uv at "${uv}" (${version.error?.message ?? version.stderr})\n`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'danlu-uv-parse-'));
const projects = [['examples/mnist', join(root, 'examples', 'mnist')]];
const repos = join(root, 'test', 'fixtures', 'repos');
if (existsSync(repos)) {
  for (const d of readdirSync(repos, { withFileTypes: true })) if (d.isDirectory()) projects.push([d.name, join(repos, d.name)]);
}

const results = [];
for (const [name, from] of projects) {
  const dir = join(work, name.replace(/\//g, '_'));
  cpSync(from, dir, { recursive: true });
  // The fixtures keep a README's install commands in INSTALL_COMMANDS.txt (see test/init/import-repos.test.ts).
  const commands = join(dir, 'INSTALL_COMMANDS.txt');
  if (existsSync(commands)) {
    writeFileSync(join(dir, 'INSTALL.md'), `# Install\n\n\`\`\`sh\n${readFileSync(commands, 'utf8')}\n\`\`\`\n`);
    rmSync(commands);
  }
  const init = spawnSync(process.execPath, [join(root, 'bin', 'danlu.mjs'), 'init', dir, '--yes', '--host', host], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (init.status !== 0 && init.status !== 1) {
    results.push({ name, outcome: 'init-failed', evidence: init.stderr.trim().split('\n').slice(-2).join(' | ') });
    continue;
  }
  const cache = join(work, 'uv-cache', name.replace(/\//g, '_'));
  mkdirSync(cache, { recursive: true });
  const lock = spawnSync(uv, ['lock', '--offline', '--no-progress'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, UV_CACHE_DIR: cache, UV_PYTHON_DOWNLOADS: 'never', UV_NO_CONFIG: '1', NO_COLOR: '1' },
  });
  results.push({ name, exitCode: lock.status, ...uvLockOutcome(lock.status, `${lock.stderr ?? ''}${lock.error ? `\n${lock.error.message}` : ''}`) });
}
rmSync(work, { recursive: true, force: true });

const width = Math.max(...results.map((r) => r.name.length));
process.stdout.write(`${version.stdout.trim()}; host file ${host}\n`);
for (const r of results) process.stdout.write(`${r.name.padEnd(width)}  ${r.outcome.padEnd(11)}  ${r.evidence}\n`);
const bad = results.filter((r) => r.outcome !== 'parsed');
process.stdout.write(`\n${results.length - bad.length} of ${results.length} parsed by uv\n`);
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ uv: version.stdout.trim(), host, results }, null, 2)}\n`);
process.exit(bad.length === 0 ? 0 : 1);
