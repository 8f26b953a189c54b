import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, pythonDirs, uvEnv } from '../../scripts/lib/uv-harness.mjs';
import { BIN, HOST_FILES } from '../support/cli.js';
import { solveEnv, UV } from './lock-suite.js';

/**
 * What danlu writes for special packages and for the two environments, judged by the real uv:
 * `danlu init` (its own solve with uv) on small invented projects in the field test's shapes,
 * each in a second shape of the same class. The torch builds they need are the ones the rest of
 * the suite already has in uv's cache (torch 2.10 for Python 3.11, the torch of the default plans).
 */
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');

function initSolved(files: Record<string, string>, host: string, check: (dir: string, plan: any) => void): void {
  const pip = discoverPip();
  const root = mkdtempSync(join(tmpdir(), 'danlu-special-'));
  const dir = join(root, 'demo');
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    mkdirSync(CACHE, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, 'init', dir, '--yes', '--json', '--host', join(HOST_FILES, `${host}.json`)], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...solveEnv(pip, pythonDirs()) },
      timeout: 900_000,
    });
    const doc = JSON.parse(r.stdout);
    const said = JSON.stringify(doc.plan.solve, null, 1);
    expect(doc.plan.solve.status, said).toBe('solved');
    expect(existsSync(join(dir, 'uv.lock')), said).toBe(true);
    check(dir, doc.plan);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const locked = (dir: string) =>
  [...readFileSync(join(dir, 'uv.lock'), 'utf8').matchAll(/^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => `${m[1]}==${m[2]}`);

describe.skipIf(!UV)('C3: a legacy setup.py build danlu configures locks with setuptools<81 (uv builds it to read its metadata)', () => {
  it('the field-test shape: mmcv-full 1.x pinned next to torch, Python from environment.yml', () => {
    initSolved(
      {
        'requirements.txt': 'torch==2.10.0\nmmcv-full==1.7.2\n',
        'environment.yml': 'name: demo\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - -r requirements.txt\n',
      },
      'h100-580',
      (dir) => {
        expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toMatch(
          /^mmcv-full = \["torch==2\.10\.0", "ninja", "packaging", "setuptools<81", "wheel"\]$/m,
        );
        expect(locked(dir)).toContain('mmcv-full==1.7.2');
      },
    );
  }, 900_000);

  it('a second shape: mmcv 2.x (no prebuilt page for this torch) in pyproject.toml, Python from .python-version', () => {
    initSolved(
      {
        'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch==2.10.0", "mmcv==2.1.0"]\n',
        '.python-version': '3.11\n',
      },
      'h100-580',
      (dir) => {
        expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toMatch(/^mmcv = \[.*"setuptools<81".*\]$/m);
        expect(locked(dir)).toContain('mmcv==2.1.0');
      },
    );
  }, 900_000);
});

/** The `uv sync` selection of a generated file (the dev container's script, or the runtime stage of the Dockerfile). */
function selection(text: string): string[] {
  const m = /^\s*(?:UV_DEFAULT_INDEX="[^"]*" )?uv sync --frozen (.*?)\s*$/m.exec(text);
  return m![1]!.split(/\s+/).filter((a) => a !== '--no-install-workspace' && a !== '--inexact');
}

/** The packages `uv export` lists for a selection of the locked project. */
function exported(dir: string, args: string[]): string[] {
  const pip = discoverPip();
  const r = spawnSync(UV, ['export', '--frozen', '--no-hashes', '--no-emit-project', '--format', 'requirements-txt', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: uvEnv({ pip, cacheDir: CACHE, pythons: pythonDirs() }),
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => /^[A-Za-z0-9]/.test(l))
    .map((l) => l.split(/\s|;/)[0]!);
}

describe.skipIf(!UV)('D2: the runtime image holds what the dev container holds, less the dev group', () => {
  const check = (dir: string, readmeOnly: string) => {
    const dockerfile = readFileSync(join(dir, '.devcontainer', 'Dockerfile'), 'utf8');
    const dev = exported(dir, selection(readFileSync(join(dir, '.devcontainer', 'uv-sync.sh'), 'utf8')));
    const runtime = exported(dir, selection(dockerfile.slice(dockerfile.indexOf('AS runtime'))));
    const devGroup = exported(dir, ['--only-group', 'dev']);
    expect(
      dev.some((p) => p.startsWith(readmeOnly)),
      dev.join('\n'),
    ).toBe(true);
    expect(
      runtime.some((p) => p.startsWith(readmeOnly)),
      runtime.join('\n'),
    ).toBe(true);
    // Nothing differs but the development tools (ipykernel and what only it needs).
    expect(runtime.every((p) => dev.includes(p))).toBe(true);
    for (const p of dev.filter((x) => !runtime.includes(x))) expect(devGroup, p).toContain(p);
    expect(dev.some((p) => p.startsWith('ipykernel=='))).toBe(true);
    expect(runtime.some((p) => p.startsWith('ipykernel=='))).toBe(false);
  };

  it('the field-test shape: requirements.txt, and pip install rich==13.7.1 in the README (group readme)', () => {
    initSolved(
      { 'requirements.txt': 'torch>=2.4\nnumpy\n', 'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install rich==13.7.1\n```\n' },
      'h100-580',
      (dir) => check(dir, 'rich==13.7.1'),
    );
  }, 900_000);

  it('a second shape: a PEP 621 project with a group of its own; the README adds einops with uv pip install', () => {
    initSolved(
      {
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[dependency-groups]\nlint = ["ruff"]\n',
        'README.md': '# demo\n\n```bash\nuv pip install -e .\nuv pip install einops\n```\n',
      },
      'h100-580',
      (dir) => check(dir, 'einops=='),
    );
  }, 900_000);
});
