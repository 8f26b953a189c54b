import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, read, REPO, tempProject } from '../support/cli.js';
import { uvParseProblems } from '../support/uv-pyproject.js';

/**
 * Every pyproject.toml danlu writes must be one uv takes: checked against uv's own settings
 * schema (the uv version the image installs) and the PEP grammars (test/support/uv-pyproject.ts),
 * over every host file, several kinds of project and the flags that change the file.
 * (On a machine with uv, `uv lock --offline` is the final word; CI has none.)
 */
const hosts = [
  ...readdirSync(HOST_FILES).map((f) => join(HOST_FILES, f)),
  ...readdirSync(join(REPO, 'examples', 'hosts'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(REPO, 'examples', 'hosts', f)),
];

const projects: Record<string, Record<string, string>> = {
  empty: {},
  requirements: {
    'requirements.txt': [
      '-f https://data.pyg.org/whl/torch-2.1.0+cu118.html',
      'torch==2.1.2+cu118',
      'torchvision',
      'flash-attn==2.6.3',
      'git+https://github.com/openai/CLIP.git@main#egg=clip',
      'torch-scatter',
      'bitsandbytes>=0.43',
      'deepspeed; sys_platform == "linux"',
      'numpy<2',
      'xformers',
      '',
    ].join('\n'),
  },
  poetry: {
    'pyproject.toml': [
      '[tool.poetry]',
      'name = "poet"',
      'version = "0.3.0"',
      'description = ""',
      'authors = ["A <a@example.org>"]',
      '',
      '[tool.poetry.dependencies]',
      'python = "^3.10"',
      'torch = "^2.4"',
      'transformers = { version = "~4.44", extras = ["torch"] }',
      'accelerate = { version = "^0.33", optional = true }',
      '',
      '[tool.poetry.extras]',
      'train = ["accelerate"]',
      '',
      '[tool.poetry.group.dev.dependencies]',
      'pytest = "^8"',
      '',
    ].join('\n'),
  },
  'own tool.uv': {
    'pyproject.toml': [
      '[project]',
      'name = "mine"',
      'version = "1.0"',
      'requires-python = ">=3.10"',
      // uv's own layout: one item per line with a trailing comma (toml-patch copies the habit).
      'dependencies = [',
      '    "torch>=2.5",',
      '    "einops",',
      ']',
      '',
      '[tool.uv]',
      'no-build-isolation-package = ["mamba-ssm"]',
      '',
      '[tool.uv.sources]',
      'einops = { git = "https://github.com/arogozhnikov/einops", tag = "v0.8.0" }',
      '',
    ].join('\n'),
  },
  conda: {
    'environment.yml': [
      'name: demo',
      'channels: [pytorch, nvidia, conda-forge]',
      'dependencies:',
      '  - python=3.10',
      '  - pytorch=2.1.2',
      '  - pytorch-cuda=11.8',
      '  - ffmpeg',
      '  - pip',
      '  - pip:',
      '    - diffusers>=0.25',
      '',
    ].join('\n'),
  },
  'setup.py package with torch in [build-system]': {
    'pyproject.toml': '[build-system]\nrequires = ["setuptools>=61.0", "torch>=2.5.1"]\nbuild-backend = "setuptools.build_meta"\n',
    'setup.py': [
      'from setuptools import find_packages, setup',
      'NAME = "SAM-2"',
      'VERSION = "1.0"',
      'REQUIRED_PACKAGES = ["torch>=2.5.1", "torchvision>=0.20.1", "hydra-core>=1.3.2"]',
      'def get_extensions():',
      '    from torch.utils.cpp_extension import CUDAExtension',
      '    return [CUDAExtension("sam2._C", ["sam2/csrc/cc.cu"])]',
      'setup(name=NAME, version=VERSION, packages=find_packages(), install_requires=REQUIRED_PACKAGES, ext_modules=get_extensions())',
      '',
    ].join('\n'),
  },
  'CUDA extension': {
    'setup.py':
      'from setuptools import setup\nfrom torch.utils.cpp_extension import CUDAExtension, BuildExtension\nsetup(name="ext", ext_modules=[CUDAExtension("ext", ["ext.cu"])], cmdclass={"build_ext": BuildExtension})\n',
    'ext.cu': '__global__ void k() {}\n',
    'requirements.txt': 'torch\nninja\n',
  },
};

const flagSets = [[], ['--lock-with-mirror', '--mirror', 'cn'], ['--backend', 'cu118', '--torch', '2.7'], ['--python', '3.11', '--no-starship']];

describe('pyproject.toml as uv reads it', () => {
  it('checks several hosts', () => expect(hosts.length).toBeGreaterThanOrEqual(5));

  for (const host of hosts) {
    it(`an empty project for ${host.split('/').pop()}`, () => {
      const dir = tempProject();
      try {
        const r = danlu(['init', dir, '--yes', '--host', host]);
        expect(r.code, r.stderr).toBe(0);
        expect(uvParseProblems(read(dir, 'pyproject.toml'))).toEqual([]);
      } finally {
        cleanup(dir);
      }
    });
  }

  for (const [kind, files] of Object.entries(projects)) {
    for (const flags of flagSets) {
      it(`${kind} ${flags.join(' ') || '(no flags)'}`, () => {
        const dir = tempProject(files);
        try {
          const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'h100x2-ubuntu2404.json'), ...flags]);
          expect([0, 1], r.stderr).toContain(r.code);
          expect(uvParseProblems(read(dir, 'pyproject.toml'))).toEqual([]);
        } finally {
          cleanup(dir);
        }
      });
    }
  }
});

describe('git sources', () => {
  const sourcesOf = (requirements: string) => {
    const dir = tempProject({ 'requirements.txt': requirements });
    try {
      const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'cpu-only.json')]);
      expect([0, 1], r.stderr).toContain(r.code);
      const text = read(dir, 'pyproject.toml');
      expect(uvParseProblems(text)).toEqual([]);
      return (parseToml(text) as any).tool.uv.sources;
    } finally {
      cleanup(dir);
    }
  };

  it("keep the project's own fork and revision of a package danlu knows", () => {
    expect(sourcesOf('git+https://github.com/someone/CLIP.git@0a1b2c3#egg=clip\n').clip).toEqual({
      git: 'https://github.com/someone/CLIP.git',
      rev: '0a1b2c3',
    });
  });

  it('come from the registry when the project names only the package', () => {
    expect(sourcesOf('clip\n').clip).toEqual({ git: 'https://github.com/openai/CLIP' });
  });
});

describe('a setup.py package that builds CUDA code against torch', () => {
  it("gets [project] with setup.py's name, version and requirements, and builds against the environment's torch", () => {
    const dir = tempProject(projects['setup.py package with torch in [build-system]']!);
    try {
      const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'h100x2-ubuntu2404.json')]);
      expect(r.code, r.stderr).toBe(0);
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project).toMatchObject({ name: 'sam-2', version: '1.0' });
      expect(py.project.dependencies).toEqual(expect.arrayContaining(['torchvision>=0.20.1', 'hydra-core>=1.3.2']));
      expect(py.tool.uv['extra-build-dependencies']['sam-2']).toEqual([{ requirement: 'torch', 'match-runtime': true }]);
      expect(py['build-system'].requires).toEqual(['setuptools>=61.0', 'torch>=2.5.1']);
    } finally {
      cleanup(dir);
    }
  });
});

describe('a Poetry project', () => {
  it("gets [project] with Poetry's name, version and Python range, not the folder's and the planned Python's", () => {
    const dir = tempProject(projects.poetry!);
    try {
      const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'h100x2-ubuntu2404.json')]);
      expect(r.code, r.stderr).toBe(0);
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project).toMatchObject({ name: 'poet', version: '0.3.0', 'requires-python': '>=3.10,<4.0' });
      expect(py.tool.poetry.name).toBe('poet');
    } finally {
      cleanup(dir);
    }
  });
});
