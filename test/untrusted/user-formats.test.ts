import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/project/dotenv.js';
import { danlu, HOST_FILES } from '../support/cli.js';
import { drop, type Hostile, hostile, state } from './support.js';

/** Valid files a user (or an editor on Windows) writes that danlu must take as they are. */
const HOST = ['--host', join(HOST_FILES, 'h100-580.json')];
let made: Hostile[] = [];
const make = (files: Record<string, string>) => {
  const h = hostile(files);
  made.push(h);
  return h;
};
afterEach(() => {
  for (const h of made) drop(h);
  made = [];
});
const init = (h: Hostile) => danlu(['init', h.project, '--yes', ...HOST]);
const read = (h: Hostile, path: string) => readFileSync(join(h.project, path), 'utf8');
const crlf = (text: string) => text.replace(/\n/g, '\r\n');
const composeCli = ['docker-compose', 'docker'].find(
  (c) => spawnSync(c, c === 'docker' ? ['compose', 'version'] : ['version'], { encoding: 'utf8' }).status === 0,
);

const PY_DOTENV = 'import json, sys; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1], interpolate=False)))';
const pythonDotenv = spawnSync('python3', ['-c', 'import dotenv'], { encoding: 'utf8' }).status === 0;

const PEM = 'TLS_CERT="-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ3\nQ2xvdWRmbGFyZQ==\n-----END CERTIFICATE-----"';

describe('.env: a double-quoted value over several lines (a PEM certificate)', () => {
  it('init reads it and keeps it verbatim; the second run changes nothing', () => {
    const h = make({ '.env': `# my settings\nHF_TOKEN=abc\n${PEM}\nMY_FLAG=1\n` });
    const r = init(h);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const env = read(h, '.env');
    expect(env.startsWith(`# my settings\nHF_TOKEN=abc\n${PEM}\nMY_FLAG=1\n`)).toBe(true);
    expect(env).toContain('\nSHM_SIZE=');
    expect(init(h).stderr).toMatch(/unchanged 14 files/);
  });

  it.skipIf(!pythonDotenv)('python-dotenv (docker compose v1 reads .env with it) reads every value of the .env init wrote as danlu does', () => {
    const h = make({ '.env': `# my settings\nHF_TOKEN=abc\n${PEM}\nMY_FLAG=1\n` });
    expect(init(h).code).toBe(0);
    const theirs = JSON.parse(spawnSync('python3', ['-c', PY_DOTENV, join(h.project, '.env')], { encoding: 'utf8' }).stdout);
    expect(theirs.TLS_CERT).toBe('-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUJ3\nQ2xvdWRmbGFyZQ==\n-----END CERTIFICATE-----');
    expect(theirs).toEqual(parseEnv(read(h, '.env'), '.env'));
  });

  it.skipIf(!composeCli)('docker compose reads the same certificate from the .env init wrote', () => {
    const h = make({ '.env': `${PEM}\n` });
    expect(init(h).code).toBe(0);
    writeFileSync(join(h.project, 'probe.yml'), 'services:\n  probe:\n    image: busybox\n    environment:\n      CERT: ${TLS_CERT}\n');
    const args = composeCli === 'docker' ? ['compose', '-f', 'probe.yml', 'config', '--format', 'json'] : ['-f', 'probe.yml', 'config'];
    const c = spawnSync(composeCli!, args, { cwd: h.project, encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('MIIBszCCAVmgAwIBAgIUJ3');
    expect(c.stdout).toContain('END CERTIFICATE');
  });
});

describe('pyproject.toml: valid but unusual, or of the wrong type', () => {
  const head = '[project]\nname = "mnist"\nversion = "0.1.0"\ndependencies = ["numpy"]\n';

  it('[tool] then `uv = { environments = [...] }` (an inline table): valid TOML out, the environments kept, narrowed to the container Python', () => {
    const h = make({ 'pyproject.toml': `${head}[tool]\nuv = { environments = ["sys_platform == 'linux'"] }\n` });
    const r = init(h);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const out = parseToml(read(h, 'pyproject.toml')) as any;
    // The project's own environments, narrowed to the container's Python (the lock covers what it runs).
    expect(out.tool.uv.environments).toEqual(["sys_platform == 'linux' and python_version == '3.12'"]);
    expect(out.tool.uv.sources.torch).toBeDefined();
    expect(out.project.dependencies).toContain('numpy');
    expect(init(h).code).toBe(0);
  });

  it.each([
    [
      'dependencies = """numpy"""',
      '[project]\nname = "mnist"\nversion = "0.1.0"\ndependencies = """numpy"""\n',
      'pyproject.toml:4:1: project.dependencies is a string ("numpy"); expected an array',
    ],
    [
      'constraint-dependencies = "oops"',
      `${head}[tool.uv]\nconstraint-dependencies = "oops"\n`,
      'pyproject.toml:6:1: tool.uv.constraint-dependencies is a string ("oops"); expected an array',
    ],
  ])('%s: a located error, exit 2, nothing written (not even with --force)', (_name, text, message) => {
    const h = make({ 'pyproject.toml': text });
    const before = state(h.project);
    for (const extra of [[], ['--force']]) {
      const r = danlu(['init', h.project, '--yes', ...HOST, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`danlu: error: ${message}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(state(h.project)).toEqual(before);
    }
  });
});

describe('CRLF files stay CRLF', () => {
  it('pyproject.toml, .gitignore and .env: every line ends in CRLF after init', () => {
    const h = make({
      'pyproject.toml': crlf('[project]\nname = "mnist"\nversion = "0.1.0"\ndependencies = ["numpy"]\n'),
      '.gitignore': crlf('data/\n*.ckpt\n'),
      '.env': crlf('# mine\nHF_TOKEN=abc\n'),
    });
    const r = init(h);
    expect(r.code).toBe(0);
    for (const path of ['pyproject.toml', '.gitignore', '.env']) {
      const text = read(h, path);
      expect(text, path).toMatch(/\r\n/);
      expect(/(^|[^\r])\n/.test(text), `${path} has a bare LF`).toBe(false);
    }
    expect(read(h, '.gitignore').startsWith(crlf('data/\n*.ckpt\n'))).toBe(true);
    expect(init(h).stderr).toMatch(/unchanged 14 files/);
  });
});

describe('.vscode/settings.json with a UTF-8 byte-order mark', () => {
  it('is merged, and keeps its BOM and the user settings', () => {
    const h = make({});
    mkdirSync(join(h.project, '.vscode'));
    writeFileSync(join(h.project, '.vscode', 'settings.json'), '\uFEFF{\n  // mine\n  "editor.tabSize": 4\n}\n');
    const r = init(h);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    const text = read(h, '.vscode/settings.json');
    expect(text.startsWith('\uFEFF{\n  // mine\n  "editor.tabSize": 4,')).toBe(true);
    expect(parseJsonc(text.slice(1))['editor.tabSize']).toBe(4);
    expect(init(h).stderr).toMatch(/unchanged 14 files/);
  });
});
