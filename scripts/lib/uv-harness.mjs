// The uv lock harness: `danlu init` on a project, then the real `uv lock` in it, judged by uv.
// Shared by scripts/check-uv-lock.mjs (for people) and test/uv/*.test.ts (for CI).
//
// Network: the PyPI index is the one pip is configured with on this machine (`pip config list`,
// PIP_INDEX_URL), else pip's own default, asked from pip; no registry host is written here. Every
// index that points at the PyTorch wheel server is mapped to that PyPI index (UV_INDEX=name=url):
// PyPI carries the same torch, torchvision and torchaudio releases, but without the local
// `+cuXXX` label, so which CUDA build uv would pick is not checked this way.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';

/** The date no upload to PyPI after which can change a lock (kept fixed so CI cannot drift). */
export const EXCLUDE_NEWER = '2026-12-01T00:00:00Z';

const PYTORCH_WHEELS = /^https?:\/\/download\.pytorch\.org\/whl(\/|$)/;

/** pip's settings: `pip config list` lines (`global.index-url='...'`) and PIP_* variables win in pip's order. */
export function pipSettings(configList, env = process.env) {
  const seen = {};
  for (const line of String(configList ?? '').split('\n')) {
    const m = /^([^=\s]+)\.([a-z-]+)='(.*)'$/.exec(line.trim());
    if (!m) continue;
    // pip reads global, then user, then site files, then :env: (PIP_* variables); later wins.
    const rank = m[1] === ':env:' ? 3 : m[1] === 'site' ? 2 : m[1] === 'user' ? 1 : 0;
    const prev = seen[m[2]];
    if (!prev || prev.rank <= rank) seen[m[2]] = { rank, value: m[3] };
  }
  const get = (key, envKey) => env[envKey] || seen[key]?.value || undefined;
  return {
    indexUrl: get('index-url', 'PIP_INDEX_URL'),
    extraIndexUrls: (get('extra-index-url', 'PIP_EXTRA_INDEX_URL') ?? '').split(/\s+/).filter(Boolean),
    cert: get('cert', 'PIP_CERT'),
  };
}

/** What pip on this machine uses: its configured index, or its built-in default (asked from pip itself). */
export function discoverPip({ python = 'python3', env = process.env } = {}) {
  const list = spawnSync(python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', env, timeout: 30_000 });
  const settings = pipSettings(list.status === 0 ? list.stdout : '', env);
  let from = settings.indexUrl ? 'pip config' : null;
  if (!settings.indexUrl) {
    const dflt = spawnSync(python, ['-c', 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)'], {
      encoding: 'utf8',
      env,
      timeout: 30_000,
    });
    if (dflt.status === 0 && /^https?:\/\//.test(dflt.stdout.trim())) {
      settings.indexUrl = dflt.stdout.trim();
      from = "pip's default";
    }
  }
  return { ...settings, from };
}

/** Folders holding python3.X interpreters from pyenv, newest first (uv finds them on PATH). */
export function pythonDirs(env = process.env) {
  const root = env.PYENV_ROOT || join(homedir(), '.pyenv');
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return [];
  return readdirSync(versions)
    .filter((v) => /^3\.\d+\.\d+$/.test(v) && existsSync(join(versions, v, 'bin')))
    .sort((a, b) => compareVersions(b, a))
    .map((v) => join(versions, v, 'bin'));
}

function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The indexes, sources and direct references a pyproject.toml names, by host. */
export function projectSources(pyprojectText) {
  const py = parseToml(pyprojectText);
  const uv = py.tool?.uv ?? {};
  const indexes = (uv.index ?? []).map((i) => ({ name: i.name, url: i.url, host: hostOf(i.url), pytorch: PYTORCH_WHEELS.test(i.url ?? '') }));
  const sources = [];
  for (const [pkg, value] of Object.entries(uv.sources ?? {})) {
    for (const s of Array.isArray(value) ? value : [value]) {
      const url = s.url ?? s.git;
      if (url) sources.push({ pkg, kind: s.git ? 'git' : 'url', url, host: hostOf(url) });
      else if (s.index) sources.push({ pkg, kind: 'index', index: s.index, host: indexes.find((i) => i.name === s.index)?.host ?? null });
    }
  }
  for (const link of [uv['find-links'] ?? []].flat()) sources.push({ pkg: null, kind: 'find-links', url: link, host: hostOf(link) });
  for (const req of allRequirements(py)) {
    const m = /^\s*([A-Za-z0-9._-]+)[^@;]*@\s*(\S+)/.exec(req);
    if (m && /^(git\+)?https?:\/\//.test(m[2])) sources.push({ pkg: m[1], kind: 'direct', url: m[2], host: hostOf(m[2].replace(/^git\+/, '')) });
  }
  return { indexes, sources };
}

function allRequirements(py) {
  const out = [...(py.project?.dependencies ?? [])];
  for (const list of Object.values(py.project?.['optional-dependencies'] ?? {})) out.push(...list);
  for (const list of Object.values(py['dependency-groups'] ?? {})) out.push(...list.filter((x) => typeof x === 'string'));
  return out;
}

export function hostOf(url) {
  try {
    return new URL(String(url).replace(/^git\+/, '')).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** UV_INDEX value: every PyTorch-wheel-server index of the project, by name, onto the PyPI index. */
export function pytorchIndexMap(pyprojectText, pypiUrl) {
  return projectSources(pyprojectText)
    .indexes.filter((i) => i.pytorch && i.name)
    .map((i) => `${i.name}=${pypiUrl}`);
}

let configHome = null;
function emptyConfigHome() {
  configHome ??= mkdtempSync(join(tmpdir(), 'danlu-uv-config-'));
  return configHome;
}

/** The environment uv runs with: this machine's PyPI (and certificate), frozen date, local cache and Pythons. */
export function uvEnv({ pip, cacheDir, pythons = [], indexMap = [], excludeNewer = EXCLUDE_NEWER, env = process.env }) {
  const out = { ...env };
  for (const k of Object.keys(out)) if (k.startsWith('UV_')) delete out[k];
  Object.assign(out, {
    NO_COLOR: '1',
    // No user-level uv.toml (an empty config home): the project's own settings only. (Not
    // UV_NO_CONFIG: that also drops the project's [tool.uv] settings and .python-version.)
    XDG_CONFIG_HOME: emptyConfigHome(),
    UV_NO_PROGRESS: '1',
    UV_CACHE_DIR: cacheDir,
    UV_EXCLUDE_NEWER: excludeNewer,
    UV_PYTHON_DOWNLOADS: 'never',
    UV_PYTHON_PREFERENCE: 'only-system',
    UV_HTTP_TIMEOUT: env.UV_HTTP_TIMEOUT ?? '60',
    PATH: [...pythons, env.PATH ?? ''].filter(Boolean).join(':'),
  });
  if (pip?.indexUrl) out.UV_DEFAULT_INDEX = pip.indexUrl;
  if (pip?.cert) out.SSL_CERT_FILE = pip.cert;
  if (indexMap.length) out.UV_INDEX = indexMap.join(' ');
  return out;
}

const NETWORK =
  /dns error|failed to lookup address|Could not resolve host|Name or service not known|Temporary failure in name resolution|Connection refused|connection error|error sending request|operation timed out|timed out|Network is unreachable|tcp connect error|No route to host|client error \(Connect\)|failed to clone|unable to access/i;

/** URLs in uv's error text, in order (uv quotes some in backticks, some not; git in single quotes). */
function urlsIn(text) {
  return [...text.matchAll(/(?:git\+)?https?:\/\/[^\s`'"()<>]+/g)].map((m) => m[0]);
}

/** The lines of uv's output that say why it failed (its own words): error, caused-by and hint lines. */
export function causeLines(stderr, max = 8) {
  const lines = String(stderr ?? '')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .filter(
      (l) => l.trim() && !/^(Using CPython|Resolved \d+|Updated|Downloading|Downloaded|Building|Built|Prepared|Uninstalled|Installed|Audited)\b/.test(l.trim()),
    );
  return lines.slice(0, max);
}

/**
 * How `uv lock` ended: `locked`, `unreachable` (it failed only for lack of a host other than the
 * PyPI index: named) or `failed` (with uv's own lines).
 */
export function classifyLock(code, stderr, { pypiHost }) {
  const text = String(stderr ?? '');
  if (code === 0) return { outcome: 'locked' };
  const lines = causeLines(text);
  if (NETWORK.test(text)) {
    const hosts = [...new Set(urlsIn(text).map(hostOf).filter(Boolean))];
    const others = hosts.filter((h) => h !== pypiHost);
    if (others.length && others.length === hosts.length) return { outcome: 'unreachable', hosts: others, message: lines };
  }
  return { outcome: 'failed', message: lines };
}

/** What a lock file holds: how many packages, and the torch version(s) it resolved. */
export function readLock(lockText) {
  const packages = [...String(lockText).matchAll(/^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => ({ name: m[1], version: m[2] }));
  const torch = [...new Set(packages.filter((p) => p.name === 'torch').map((p) => p.version))];
  return { packages: packages.length, torch };
}

/**
 * The project file with every source at `hosts` set aside: the requirements that need those
 * sources (a git repository, a wheel URL, a package routed to an index there, a direct
 * reference) are taken out with their sources, and indexes and find-links there dropped. What
 * is left must lock on its own: that shows the unreachable host hid no other error.
 */
export function setAside(pyprojectText, hosts) {
  const py = parseToml(pyprojectText);
  const gone = new Set(hosts);
  const drop = new Set();
  const uv = py.tool?.uv;
  if (uv) {
    const dropped = new Set((uv.index ?? []).filter((i) => gone.has(hostOf(i.url))).map((i) => i.name));
    if (uv.index) uv.index = uv.index.filter((i) => !dropped.has(i.name));
    if (uv.index && !uv.index.length) delete uv.index;
    for (const [pkg, value] of Object.entries(uv.sources ?? {})) {
      const all = Array.isArray(value) ? value : [value];
      const kept = all.filter((s) => !(s.index && dropped.has(s.index)) && !gone.has(hostOf(s.url ?? s.git ?? '')));
      if (kept.length === all.length) continue;
      drop.add(normalize(pkg));
      delete uv.sources[pkg];
    }
    if (uv['find-links']) uv['find-links'] = [uv['find-links']].flat().filter((l) => !gone.has(hostOf(l)));
    for (const key of ['constraint-dependencies', 'override-dependencies']) if (uv[key]) uv[key] = uv[key].filter((r) => !drop.has(nameOf(r)));
    if (uv['dependency-metadata']) uv['dependency-metadata'] = uv['dependency-metadata'].filter((m) => !drop.has(normalize(m.name)));
    if (uv['extra-build-dependencies'])
      for (const k of Object.keys(uv['extra-build-dependencies'])) if (drop.has(normalize(k))) delete uv['extra-build-dependencies'][k];
  }
  const keep = (req) => {
    if (typeof req !== 'string') return true;
    const m = /^\s*[A-Za-z0-9._-]+(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(req);
    return !drop.has(nameOf(req)) && !(m && gone.has(hostOf(m[1])));
  };
  if (py.project?.dependencies) py.project.dependencies = py.project.dependencies.filter(keep);
  for (const [k, list] of Object.entries(py.project?.['optional-dependencies'] ?? {})) py.project['optional-dependencies'][k] = list.filter(keep);
  for (const [k, list] of Object.entries(py['dependency-groups'] ?? {})) py['dependency-groups'][k] = list.filter(keep);
  return stringifyToml(py);
}

const normalize = (name) =>
  String(name)
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
const nameOf = (req) => normalize(/^\s*([A-Za-z0-9._-]+)/.exec(String(req))?.[1] ?? '');

/**
 * The other pyproject.toml files a lock of `dir` reads: its workspace members (`members` globs,
 * one `*` per path segment) and the local packages its path sources name, and theirs in turn.
 * Relative to `dir`.
 */
export function localPyprojects(dir) {
  const out = [];
  const seen = new Set(['.']);
  const visit = (rel) => {
    const file = join(dir, rel, 'pyproject.toml');
    if (!existsSync(file)) return;
    let py;
    try {
      py = parseToml(readFileSync(file, 'utf8'));
    } catch {
      return;
    }
    const next = [];
    for (const pattern of py.tool?.uv?.workspace?.members ?? []) next.push(...expandMembers(join(dir, rel), String(pattern)).map((m) => join(rel, m)));
    for (const value of Object.values(py.tool?.uv?.sources ?? {}))
      for (const s of Array.isArray(value) ? value : [value]) if (typeof s?.path === 'string') next.push(join(rel, s.path));
    for (const n of next) {
      const norm = n.replace(/\/+$/, '') || '.';
      if (seen.has(norm) || norm.startsWith('..')) continue;
      seen.add(norm);
      if (existsSync(join(dir, norm, 'pyproject.toml'))) out.push(norm);
      visit(norm);
    }
  };
  visit('.');
  return out;
}

/** Folders under base matching a members pattern (`packages/*`, `apps/tool`). */
function expandMembers(base, pattern) {
  let paths = [''];
  for (const part of pattern.split('/').filter(Boolean)) {
    if (!part.includes('*')) {
      paths = paths.map((p) => join(p, part));
      continue;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    paths = paths.flatMap((p) => {
      try {
        return readdirSync(join(base, p), { withFileTypes: true })
          .filter((e) => e.isDirectory() && re.test(e.name))
          .map((e) => join(p, e.name));
      } catch {
        return [];
      }
    });
  }
  return paths.filter((p) => p !== '');
}

/**
 * Copies a project into `dir` as a checkout has it: the fixtures keep README install lines in
 * INSTALL_COMMANDS.txt, and hold no source code, so `standins` (a folder, when it exists) adds
 * the few files a build backend reads for metadata (a version file, a submodule's setup.py).
 */
export function stageProject(from, dir, { standins } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Links as the checkout has them (a relative link inside it stays inside the copy).
  cpSync(from, dir, { recursive: true, verbatimSymlinks: true, filter: (src) => !/(^|\/)(\.git|\.venv|node_modules)$/.test(src) });
  if (standins && existsSync(standins)) cpSync(standins, dir, { recursive: true });
  // The install lines go where the repository has them: its README (which build backends also
  // read: a [project] readme that is missing fails the build).
  const commands = join(dir, 'INSTALL_COMMANDS.txt');
  if (existsSync(commands)) {
    const readme = existsSync(join(dir, 'README.md')) ? 'INSTALL.md' : 'README.md';
    writeFileSync(join(dir, readme), `# ${basename(from)}\n\n\`\`\`sh\n${readFileSync(commands, 'utf8')}\n\`\`\`\n`);
    rmSync(commands);
  }
}

/**
 * `uv lock` in dir, judged: locked / failed / unreachable; an unreachable source is then set aside
 * (in a copy of pyproject.toml) and the lock tried again, up to `maxAside` rounds.
 */
export function lockProject({ dir, uv, pip, cacheDir, pythons, excludeNewer = EXCLUDE_NEWER, timeoutMs = 600_000, maxAside = 4, env = process.env }) {
  const started = Date.now();
  const pyprojectPath = join(dir, 'pyproject.toml');
  const original = readFileSync(pyprojectPath, 'utf8');
  const pypiHost = hostOf(pip?.indexUrl ?? '');
  const run = (text) => {
    writeFileSync(pyprojectPath, text);
    rmSync(join(dir, 'uv.lock'), { force: true });
    const indexMap = pip?.indexUrl ? pytorchIndexMap(text, pip.indexUrl) : [];
    const r = spawnSync(uv, ['lock'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: timeoutMs,
      env: uvEnv({ pip, cacheDir, pythons, indexMap, excludeNewer, env }),
    });
    const stderr = `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
    const verdict =
      r.error?.code === 'ETIMEDOUT' ? { outcome: 'failed', message: [`uv lock ran past ${timeoutMs / 1000} s`] } : classifyLock(r.status, stderr, { pypiHost });
    if (verdict.outcome === 'locked') Object.assign(verdict, readLock(readFileSync(join(dir, 'uv.lock'), 'utf8')));
    return verdict;
  };
  // The other pyproject.toml files the lock reads (workspace members, local path packages): an
  // unreachable host is set aside in each of them too.
  const members = localPyprojects(dir).map((rel) => ({ path: join(dir, rel, 'pyproject.toml') }));
  for (const m of members) m.original = readFileSync(m.path, 'utf8');
  try {
    const first = run(original);
    if (first.outcome !== 'unreachable') return { ...first, ms: Date.now() - started };
    const aside = [];
    let verdict = first;
    let text = original;
    for (let round = 0; round < maxAside && verdict.outcome === 'unreachable'; round++) {
      aside.push(...verdict.hosts.filter((h) => !aside.includes(h)));
      text = setAside(original, aside);
      for (const m of members) writeFileSync(m.path, setAside(m.original, aside));
      verdict = run(text);
    }
    return { outcome: 'unreachable', hosts: aside, message: first.message, aside: { hosts: aside, ...verdict }, ms: Date.now() - started };
  } finally {
    writeFileSync(pyprojectPath, original);
    for (const m of members) writeFileSync(m.path, m.original);
  }
}

/** Packages a sync in CI leaves out: torch and its CUDA libraries are gigabytes. */
const HEAVY = /^(torch|torchvision|torchaudio|xformers|triton|pytorch-triton|nvidia-.*|cuda-.*)$/;

/** The `uv sync` arguments of the generated uv-sync.sh (its plain, mirrorless branch). */
export function syncArgsOf(scriptText) {
  const lines = String(scriptText)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^uv sync(\s|$)/.test(l));
  const last = lines.at(-1);
  if (!last) return null;
  return last.split(/\s+/).slice(2);
}

/**
 * Installs a locked project the way its generated uv-sync.sh does (the same `uv sync` arguments),
 * into dir/.venv, with torch and its CUDA libraries left out; then imports `imports` with
 * `uv run`. Returns { outcome: 'installed' | 'failed', step, message, leftOut, ms }.
 */
export function syncProject({ dir, uv, pip, cacheDir, pythons, imports = [], excludeNewer = EXCLUDE_NEWER, timeoutMs = 600_000, env = process.env }) {
  const started = Date.now();
  const script = join(dir, '.devcontainer', 'uv-sync.sh');
  const args = existsSync(script) ? syncArgsOf(readFileSync(script, 'utf8')) : null;
  if (!args) return { outcome: 'failed', step: 'script', message: [`no \`uv sync\` line in ${script}`], ms: 0 };
  const lock = readFileSync(join(dir, 'uv.lock'), 'utf8');
  const names = [...lock.matchAll(/^\[\[package\]\]\nname = "([^"]+)"/gm)].map((m) => m[1]);
  const leftOut = [...new Set(names.filter((n) => HEAVY.test(n)))];
  const text = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
  const indexMap = pip?.indexUrl ? pytorchIndexMap(text, pip.indexUrl) : [];
  const runEnv = { ...uvEnv({ pip, cacheDir, pythons, indexMap, excludeNewer, env }), UV_PROJECT_ENVIRONMENT: join(dir, '.venv') };
  const step = (name, argv) => {
    const r = spawnSync(uv, argv, { cwd: dir, encoding: 'utf8', timeout: timeoutMs, env: runEnv });
    if (r.status === 0) return null;
    return {
      outcome: 'failed',
      step: name,
      message: causeLines(`${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`, 12),
      leftOut,
      ms: Date.now() - started,
    };
  };
  const sync = step('sync', ['sync', ...args, ...leftOut.flatMap((n) => ['--no-install-package', n])]);
  if (sync) return sync;
  if (imports.length) {
    const imported = step('import', ['run', '--frozen', '--no-sync', 'python', '-c', `import ${imports.join(', ')}`]);
    if (imported) return imported;
  }
  return { outcome: 'installed', args, leftOut, ms: Date.now() - started };
}
