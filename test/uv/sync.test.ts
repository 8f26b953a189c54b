import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, lockProject, pythonDirs, syncProject } from '../../scripts/lib/uv-harness.mjs';
import { stageAndInit } from './lock-suite.js';
import { BIN, HOST_FILES, REPO } from '../support/cli.js';

/**
 * Install, not only lock: the bundled example and two small fixture projects are init'ed,
 * locked and installed with the real uv exactly as the generated uv-sync.sh installs them (its
 * `uv sync` arguments), torch and its CUDA libraries left out (gigabytes); then their other
 * packages are imported in the environment with `uv run`.
 */
const UV = process.env.DANLU_TEST_UV ?? '';
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');

const CASES: { name: string; dir: string; imports: string[] }[] = [
  { name: 'mnist', dir: join(REPO, 'examples', 'mnist'), imports: ['numpy', 'PIL'] },
  { name: 'openai__CLIP', dir: join(REPO, 'test', 'fixtures', 'repos', 'openai__CLIP'), imports: ['ftfy', 'regex', 'tqdm', 'packaging'] },
  { name: 'karpathy__nanoGPT', dir: join(REPO, 'test', 'fixtures', 'repos', 'karpathy__nanoGPT'), imports: ['numpy', 'tiktoken', 'tqdm'] },
];

describe.skipIf(!UV)('uv sync of what danlu init writes, as uv-sync.sh runs it', () => {
  const pip = UV ? discoverPip() : null;
  const pythons = pythonDirs();
  for (const c of CASES) {
    it(c.name, () => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-uv-sync-'));
      const dir = join(root, c.name);
      try {
        const init = stageAndInit(c.dir, dir, join(HOST_FILES, 'cpu-only.json'));
        expect(init.status, init.stderr).toBe(0);
        mkdirSync(CACHE, { recursive: true });
        const lock = lockProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons });
        expect(lock.outcome, JSON.stringify(lock, null, 1)).toBe('locked');
        const r = syncProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons, imports: c.imports });
        expect(r.outcome, JSON.stringify(r, null, 1)).toBe('installed');
        // What was left out is only torch and its CUDA libraries, and torch was among them.
        expect(r.leftOut).toContain('torch');
        expect(r.args).toContain('--frozen');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }, 900_000);
  }
});

describe.skipIf(!UV)('a project whose setup.py builds against torch', () => {
  it('is locked by uv as an editable package (built by uv sync), not as a virtual project', () => {
    const pip = discoverPip();
    const root = mkdtempSync(join(tmpdir(), 'danlu-uv-ext-'));
    const dir = join(root, 'myext');
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'requirements.txt'), 'numpy\n');
      writeFileSync(
        join(dir, 'setup.py'),
        "from setuptools import setup\nfrom torch.utils.cpp_extension import BuildExtension, CUDAExtension\nsetup(name='myext', version='0.1', ext_modules=[CUDAExtension('myext._C', ['csrc/a.cu'])], cmdclass={'build_ext': BuildExtension})\n",
      );
      const init = spawnSync(process.execPath, [BIN, 'init', dir, '--yes', '--host', join(HOST_FILES, 'h100-580.json')], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      });
      expect(init.status, init.stderr).toBe(0);
      const py = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
      expect(py).toMatch(/^\[build-system\]$/m);
      const lock = lockProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons: pythonDirs() });
      expect(lock.outcome, JSON.stringify(lock, null, 1)).toBe('locked');
      const text = readFileSync(join(dir, 'uv.lock'), 'utf8');
      expect(text).toMatch(/name = "myext"\nversion = "0\.1"\nsource = \{ editable = "\." \}/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});

/**
 * A package the install guide installs itself (`pip install -e .`, `python setup.py develop`)
 * is installed by the environment too: uv sync builds it (editable) from its setup.py or
 * setup.cfg, whose console scripts stay its own next to the [project] table danlu writes.
 */
describe.skipIf(!UV)('a project the install guide installs itself', () => {
  it.each([
    {
      shape: 'setup.py with an entry point, `pip install -e .`',
      files: {
        'setup.py':
          'from setuptools import setup, find_packages\nsetup(name="mypkg", version="0.3.0", packages=find_packages(include=["mypkg*"]), install_requires=["six"], entry_points={"console_scripts": ["mypkg-hello=mypkg:main"]})\n',
        'README.md': '```bash\npip install -e .\n```\n',
      },
    },
    {
      shape: 'setup.cfg with a console script, `python setup.py develop`',
      files: {
        'setup.py': 'from setuptools import setup\nsetup()\n',
        'setup.cfg':
          '[metadata]\nname = mypkg\nversion = 0.3.0\n\n[options]\npackages = find:\ninstall_requires =\n    six\n\n[options.packages.find]\ninclude = mypkg*\n\n[options.entry_points]\nconsole_scripts =\n    mypkg-hello = mypkg:main\n',
        'README.md': '```bash\npython setup.py develop\n```\n',
      },
    },
  ])(
    '$shape: installed with its script',
    ({ files }) => {
      const pip = discoverPip();
      const pythons = pythonDirs();
      const root = mkdtempSync(join(tmpdir(), 'danlu-uv-self-'));
      const dir = join(root, 'mypkg');
      try {
        for (const [path, text] of Object.entries({
          ...files,
          'mypkg/__init__.py': 'def main():\n    print("hello from mypkg")\n',
          'configs/a.yaml': 'x: 1\n',
        })) {
          mkdirSync(join(dir, path, '..'), { recursive: true });
          writeFileSync(join(dir, path), text);
        }
        const init = spawnSync(process.execPath, [BIN, 'init', dir, '--yes', '--host', join(HOST_FILES, 'cpu-only.json')], {
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1', CI: 'true', DANLU_UV: 'off' },
        });
        expect(init.status, init.stderr).toBe(0);
        expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toMatch(/^\[build-system\]$/m);
        mkdirSync(CACHE, { recursive: true });
        const lock = lockProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons });
        expect(lock.outcome, JSON.stringify(lock, null, 1)).toBe('locked');
        expect(readFileSync(join(dir, 'uv.lock'), 'utf8')).toMatch(/name = "mypkg"\nversion = "0\.3\.0"\nsource = \{ editable = "\." \}/);
        const r = syncProject({ dir, uv: UV, pip, cacheDir: CACHE, pythons, imports: ['mypkg', 'six'] });
        expect(r.outcome, JSON.stringify(r, null, 1)).toBe('installed');
        const hello = spawnSync(join(dir, '.venv', 'bin', 'mypkg-hello'), [], { encoding: 'utf8' });
        expect(hello.stdout).toBe('hello from mypkg\n');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
