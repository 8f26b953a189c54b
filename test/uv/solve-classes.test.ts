import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, pythonDirs, readLock } from '../../scripts/lib/uv-harness.mjs';
import { BIN, HOST_FILES } from '../support/cli.js';
import { solveEnv, UV } from './lock-suite.js';

/**
 * The joint solve on the classes of projects whose own constraints contradict a plan made from
 * the host alone (field test, section A), each a small invented project in the shape the field
 * found and in a second shape of the same class: `danlu init` with the real uv must end with a
 * uv.lock that holds the torch and Python the plan names, and say what bound them.
 */
interface Case {
  name: string;
  host: string;
  files: Record<string, string>;
  /** The torch minor and Python the lock must hold. */
  torch: string;
  python: string;
  /** Words the plan's solve report must contain (what bound torch or Python, or what was left out). */
  said?: RegExp;
  /** A warning id init must give. */
  warning?: string;
  /** Words the solve's relaxed pins must contain. */
  relaxed?: RegExp;
}

const SETUPTOOLS = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n';

const CASES: Case[] = [
  {
    name: 'an extra whose serving engine pins an older torch (V100: it runs there)',
    host: 'v100-550',
    files: {
      'pyproject.toml': `${SETUPTOOLS}[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.1", "numpy"]\n\n[project.optional-dependencies]\nserve = ["vllm==0.8.5"]\n`,
      'demo/__init__.py': '',
    },
    torch: '2.6',
    python: '3.12',
    said: /vllm==0\.8\.5 needs torch==2\.6\.0 \(pyproject\.toml/,
  },
  {
    name: 'a dependency group that pins torch itself',
    host: 'h100-580',
    files: {
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.1", "numpy"]\n\n[dependency-groups]\ndev = ["torch==2.6.0", "pytest"]\n`,
    },
    torch: '2.6',
    python: '3.12',
    said: /torch 2\.6\.0, not 2\.14\.1/,
  },
  {
    name: 'a companion release that pins torch (vllm in requirements.txt, torch unpinned)',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch\nvllm==0.8.5\n' },
    torch: '2.6',
    python: '3.12',
    said: /vllm==0\.8\.5 needs torch==2\.6\.0 \(requirements\.txt:2\)/,
  },
  {
    name: 'a companion danlu has no table for (torchtext)',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch\ntorchtext==0.17.2\n' },
    torch: '2.2',
    python: '3.12',
    said: /torchtext==0\.17\.2 needs torch==2\.2\.2/,
  },
  {
    name: 'a torch range with a companion pinned exactly (torchaudio==2.8.0)',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch>=2.0.0\ntorchaudio==2.8.0\n' },
    torch: '2.8',
    python: '3.12',
    said: /torchaudio==2\.8\.0 needs torch==2\.8\.0/,
  },
  {
    name: 'a dependency without wheels for the default Python (mediapipe 0.10.9)',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch==2.4.1\nmediapipe==0.10.9\n' },
    torch: '2.4',
    python: '3.11',
    said: /mediapipe has wheels for 3\.11, 3\.10, 3\.9, 3\.8 only/,
  },
  {
    name: "an exact pin whose wheels stop at Python 3.8, on a GPU whose torch needs 3.9+: the pin becomes a lower bound (conda's pip section)",
    host: 'rtx5090-570',
    files: {
      'environment.yaml':
        'name: demo\nchannels:\n  - pytorch\n  - defaults\ndependencies:\n  - python=3.8.5\n  - pip=20.3\n  - pytorch=1.12.1\n  - torchvision=0.13.1\n  - pip:\n      - opencv-contrib-python==4.3.0.36\n      - einops==0.3.0\n',
    },
    torch: '2.11',
    python: '3.12',
    relaxed: /opencv-contrib-python==4\.3\.0\.36 \(environment\.yaml:11\) has wheels for Python 3\.8 only.*lower bound/,
  },
  {
    name: 'the same class from requirements.txt (an old opencv-python pinned next to an unpinned torch), on the RTX 5090',
    host: 'rtx5090-570',
    files: { 'requirements.txt': 'torch\nopencv-python==4.1.2.30\nnumpy\n' },
    torch: '2.11',
    python: '3.12',
    relaxed: /opencv-python==4\.1\.2\.30 \(requirements\.txt:2\) has wheels for Python [0-9., ]+ only.*lower bound/,
  },
  {
    name: 'a pin whose wheels stop at Python 3.9 and whose source uv would build on 3.12 (scipy 1.7.1): Python moves to where its wheels are',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch\nscipy==1.7.1\n' },
    torch: '2.8',
    python: '3.9',
    said: /Python 3\.9: scipy==1\.7\.1 has wheels for Python 3\.9, not 3\.12, where uv sync would have to build it \(requirements\.txt:2\)/,
  },
  {
    name: "the same class in the project's own pyproject.toml (tokenizers 0.13.3, a Rust build; wheels up to 3.11)",
    host: 'h100-580',
    files: {
      'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["torch", "tokenizers==0.13.3"]\n',
    },
    torch: '2.14',
    python: '3.11',
    said: /Python 3\.11: tokenizers==0\.13\.3 has wheels for Python 3\.11, not 3\.12/,
  },
  {
    name: "a tool only the README installs clashes with the main pins (sentence-transformers 3.0.0 needs transformers>=4.34, cog.yaml pins 4.31.0): the README's group is left out, torch stays the project's",
    host: 'h100-580',
    files: {
      'cog.yaml': 'build:\n  gpu: true\n  python_version: "3.11"\n  python_packages:\n    - "torch==2.0.1"\n    - "transformers==4.31.0"\n',
      'README.md': '# demo\n\n## Serve\n\n```Shell\npip install "sentence-transformers==3.0.0"\n```\n',
    },
    torch: '2.0',
    python: '3.11',
    warning: 'left-out-group-readme',
  },
  {
    name: "a README's conda python=3.8 next to an extra the README installs whose torch==2.7.1 needs 3.9: Python moves up to 3.9",
    host: 'h100-580',
    files: {
      'pyproject.toml':
        '[project]\nname = "ns"\nversion = "0.1.0"\nrequires-python = ">=3.8.0"\ndependencies = ["torch>=1.13.1", "numpy"]\n\n[project.optional-dependencies]\ndev = ["torch==2.7.1", "pytest"]\n\n[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
      'ns/__init__.py': '',
      'README.md': '# ns\n\n```bash\nconda create --name ns -y python=3.8\nconda activate ns\npip install -e .[dev]\n```\n',
    },
    torch: '2.7',
    python: '3.9',
    said: /Python 3\.9: torch needs Python 3\.9 or newer/,
  },
  {
    name: 'the same class from environment.yml (python=3.8) with a pin that needs 3.9 (numpy==2.0.0)',
    host: 'h100-580',
    files: { 'environment.yml': 'name: demo\ndependencies:\n  - python=3.8\n  - pip\n  - pip:\n      - torch\n      - numpy==2.0.0\n' },
    torch: '2.8',
    python: '3.9',
    said: /Python 3\.9: numpy needs Python 3\.9 or newer \(environment\.yml:7\)/,
  },
  {
    name: 'an old xformers: PyPI only, wheels up to Python 3.10',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch==2.0.0\nxformers==0.0.18\n' },
    torch: '2.0',
    python: '3.10',
    said: /xformers has wheels for 3\.10/,
  },
  {
    name: 'one requirements file per accelerator: the one for this machine is the main dependencies, the others left out',
    host: 'h100-580',
    files: {
      'requirements-cpu.txt': '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.7.1\nnumpy==2.2.6\n',
      'requirements-cuda11.txt': '--extra-index-url https://download.pytorch.org/whl/cu118\ntorch==2.7.1+cu118\nnvidia-cudnn-cu11==8.9.4.19\nnumpy==1.26.4\n',
      'requirements-cuda12.txt': '--extra-index-url https://download.pytorch.org/whl/cu128\ntorch==2.7.1+cu128\nnumpy==2.2.6\n',
      'README.md':
        'Pick the file for your machine:\n\n```bash\npip install -r requirements-cpu.txt      # CPU only\npip install -r requirements-cuda11.txt   # CUDA 11.8\npip install -r requirements-cuda12.txt   # CUDA 12.8\n```\n',
    },
    torch: '2.7',
    python: '3.12',
    warning: 'alternatives-left-out',
  },
  {
    name: 'the same with a cpu and a gpu file in requirements/ on a V100',
    host: 'v100-550',
    files: {
      'requirements/cpu.txt': 'torch==2.5.1\nnumpy<2\n',
      'requirements/gpu.txt': 'torch==2.5.1\nnumpy<2\neinops\n',
    },
    torch: '2.5',
    python: '3.12',
    warning: 'alternatives-left-out',
  },
  {
    name: "the project's own [tool.uv] environments span Pythons the planned torch lacks: narrowed to the container's",
    host: 'h100-580',
    files: {
      'pyproject.toml': `${SETUPTOOLS}[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["torch>=1.13", "numpy"]\n\n[tool.uv]\nenvironments = ["sys_platform == 'linux'"]\n`,
      'demo/__init__.py': '',
    },
    torch: '2.14',
    python: '3.12',
  },
  {
    name: 'the same with two platforms in one environment marker',
    host: 'v100-550',
    files: {
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["torch>=2.0", "numpy"]\n\n[tool.uv]\nenvironments = ["sys_platform == 'linux' or sys_platform == 'darwin'"]\n`,
    },
    torch: '2.14',
    python: '3.12',
  },
  {
    name: "a README's +cu128 torch line on a driver that cannot run it: a preference, not a pin",
    host: 'rtx3090-470',
    files: {
      'requirements.txt': 'torch>=2.0.0\nnumpy\n',
      'README.md': '```bash\npip install torch==2.8.0+cu128 --extra-index-url https://download.pytorch.org/whl/cu128\npip install -r requirements.txt\n```\n',
    },
    torch: '2.7',
    python: '3.12',
  },
  {
    name: 'a frozen conda environment whose torch cannot run here: the planned torch is the newest its other pins allow (typing-extensions==4.5.0)',
    host: 'h100-580',
    files: {
      'environment.yaml':
        'name: vc\nchannels:\n  - defaults\ndependencies:\n  - python=3.8.16=h7a1cb2a_3\n  - pip=23.0.1=py38h06a4308_0\n  - pip:\n    - torch==1.12.0+cu113\n    - typing-extensions==4.5.0\n    - numpy==1.24.2\n',
    },
    torch: '2.1',
    python: '3.8',
    said: /torch 2\.4\.1 needs typing-extensions>=4\.8\.0, and the project pins typing-extensions==4\.5\.0 \(environment\.yaml:9\)/,
  },
  {
    name: 'the same class in a requirements freeze (torch==1.10.0 next to sympy==1.12)',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch==1.10.0\nsympy==1.12\nnumpy\n' },
    torch: '2.4',
    python: '3.12',
    said: /needs sympy>=1\.13\.3, and the project pins sympy==1\.12 \(requirements\.txt:2\)/,
  },
  {
    name: 'a pinned sdist whose build takes a name Python 3.11 dropped (inspect.getargspec): the newest Python before',
    host: 'h100-580',
    files: { 'requirements.txt': 'torch\npyext==0.7\n' },
    torch: '2.14',
    python: '3.10',
    said: /Python 3\.10: pyext builds with inspect\.getargspec, which Python 3\.11 removed \(requirements\.txt:2\)/,
  },
  {
    name: 'the same class in a local package whose setup.py takes collections.Mapping (dropped in 3.10)',
    host: 'h100-580',
    files: {
      'requirements.txt': 'torch\n./vendor/oldop\n',
      'vendor/oldop/setup.py':
        'import collections\nfrom setuptools import setup\nassert collections.Mapping\nsetup(name="oldop", version="0.1", py_modules=[])\n',
    },
    torch: '2.8',
    python: '3.9',
    said: /Python 3\.9: oldop builds with collections\.Mapping, which Python 3\.10 removed/,
  },
  {
    name: "a group from cog.yaml whose engine needs what the project's own dependencies exclude (pydantic 1 and 2, through two packages): left out",
    host: 'h100-580',
    files: {
      'pyproject.toml': `${SETUPTOOLS}[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["torch==2.1.2", "pydantic-settings==2.1.0"]\n\n[tool.setuptools]\npackages = []\n`,
      'cog.yaml': 'build:\n  gpu: true\n  python_version: "3.10"\n  python_packages:\n    - "torch==2.1.2"\n    - "deepspeed==0.9.5"\n',
    },
    torch: '2.1',
    python: '3.10',
    warning: 'left-out-group-cog',
  },
  {
    name: 'an extra whose package fails to build upstream is left out, with the build’s own words',
    host: 'h100-580',
    files: {
      'requirements.txt': 'numpy\n',
      'train.py': 'import torch\n',
      'requirements-legacy.txt': './vendor/legacy_op\n',
      'vendor/legacy_op/setup.py':
        'from setuptools import setup\nraise SystemExit("legacy_op needs the CUDA 9 headers")\nsetup(name="legacy_op", version="0.1")\n',
    },
    torch: '2.14',
    python: '3.12',
    warning: 'left-out-extra-legacy',
  },
];

describe.skipIf(!UV)('the joint solve: init ends with a lock holding the torch and Python the plan names', () => {
  const pip = UV ? discoverPip() : null;
  const pythons = pythonDirs();
  /** Writes the files of a case into dir. */
  const stage = (dir: string, files: Record<string, string | undefined>) => {
    for (const [path, text] of Object.entries(files)) {
      if (text === undefined) continue;
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  /** danlu (init or plan) on dir for a host, with the real uv solving: its --json output. */
  const solved = (command: 'init' | 'plan', dir: string, host: string) =>
    JSON.parse(
      spawnSync(process.execPath, [BIN, command, dir, ...(command === 'init' ? ['--yes'] : []), '--json', '--host', join(HOST_FILES, `${host}.json`)], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', CI: 'true', ...solveEnv(pip, pythons) },
        timeout: 900_000,
      }).stdout,
    );
  /** A second init plans the same torch and changes no file. */
  const rerunChangesNothing = (dir: string, host: string, first?: { plan: { torch: { version: string } } }) => {
    const second = solved('init', dir, host);
    if (first) expect(second.plan.torch.version).toBe(first.plan.torch.version);
    expect(second.files.filter((f: { action: string }) => f.action !== 'unchanged').map((f: { path: string }) => f.path)).toEqual([]);
  };
  for (const c of CASES) {
    it(c.name, () => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, c.files);
        const doc = solved('init', dir, c.host);
        const solve = doc.plan.solve;
        const said = JSON.stringify(solve, null, 1);
        expect(solve.status, said).toBe('solved');
        expect(existsSync(join(dir, 'uv.lock')), said).toBe(true);
        const lock = readLock(readFileSync(join(dir, 'uv.lock'), 'utf8'));
        expect(
          lock.torch.map((v: string) => v.split('.').slice(0, 2).join('.')),
          said,
        ).toEqual([c.torch]);
        expect(doc.plan.torch.version.split('.').slice(0, 2).join('.')).toBe(c.torch);
        expect(doc.plan.python).toBe(c.python);
        expect(readFileSync(join(dir, '.python-version'), 'utf8').trim()).toBe(c.python);
        if (c.said) expect(`${solve.torchBound}\n${solve.pythonBound}`).toMatch(c.said);
        if (c.warning) expect(doc.plan.warnings.map((w: { id: string }) => w.id)).toContain(c.warning);
        if (c.relaxed) expect((solve.relaxed ?? []).join('\n'), said).toMatch(c.relaxed);
        rerunChangesNothing(dir, c.host, doc);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }, 900_000);
  }

  // Alternatives the project declares itself ([tool.uv] conflicts): an extra that needs another
  // torch than the one this machine installs. uv applies a constraint to every alternative, so
  // the planned torch is held in danlu's group, declared apart from them; the lock holds a torch
  // for each, and the plan's is the one of what this machine installs.
  it.each([
    {
      shape: 'the project apart from its serving extra (package conflict), a README pin for the machine',
      files: {
        'pyproject.toml': `${SETUPTOOLS}[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[project.optional-dependencies]\nserve = ["torchvision==0.20.1"]\n\n[tool.uv]\nconflicts = [[{ package = "demo" }, { extra = "serve" }]]\n`,
        'README.md': '# demo\n\n```bash\npip install -e .\npip install torchvision==0.22.0\n```\n',
        'demo/__init__.py': 'import torch\n',
      },
      torch: '2.7',
      alternative: '2.5',
    },
    {
      shape: 'two extras the project declares alternatives, each for its own torchvision',
      files: {
        'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[project.optional-dependencies]\nlegacy = ["torchvision==0.20.1"]\ncurrent = ["torchvision>=0.21"]\n\n[tool.uv]\nconflicts = [[{ extra = "legacy" }, { extra = "current" }]]\n`,
        'main.py': 'import torch\n',
      },
      torch: '2.14',
      alternative: '2.5',
    },
  ])(
    'declared alternatives with another torch: $shape',
    ({ files, torch, alternative }) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, files);
        const doc = solved('init', dir, 'h100-580');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('solved');
        const minors = readLock(readFileSync(join(dir, 'uv.lock'), 'utf8')).torch.map((v: string) => v.split('.').slice(0, 2).join('.'));
        expect(minors.sort(), said).toEqual([alternative, torch].sort());
        expect(doc.plan.torch.version.split('.').slice(0, 2).join('.')).toBe(torch);
        // The machine's torch is held in danlu's group, not by a constraint on every alternative.
        const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
        expect(pyproject).not.toMatch(/^constraint-dependencies = \[\n\s*"torch==/m);
        expect(pyproject).toMatch(new RegExp(`^environment = \\[\\n\\s*"torch==${torch.replace('.', '\\.')}\\.\\*"`, 'm'));
        rerunChangesNothing(dir, 'h100-580', doc);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  // Extras the project does not declare alternatives, but that cannot be installed together (one
  // serving engine per torch, one extra per torch release): uv names them, the solve declares them
  // ([tool.uv] conflicts), holds the machine's torch apart from them, and the lock holds a torch
  // for each; this machine installs the first the README names.
  it.each([
    {
      shape: 'two serving extras the README installs one after the other, each pinning another torch',
      files: {
        'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch", "numpy"]\n\n[project.optional-dependencies]\nvllm = ["torchvision==0.23.0"]\nsglang = ["torch==2.9.1"]\n`,
        'README.md': '# demo\n\n```bash\npip install -e .[vllm]\npip install -e .[sglang]\n```\n',
        'demo/__init__.py': '',
      },
      torch: '2.8',
      torches: ['2.8', '2.9'],
      pair: 'extra vllm / extra sglang',
    },
    {
      shape: "the same extras declared by setup.py's extras_require behind a dynamic [project]",
      files: {
        'pyproject.toml': `${SETUPTOOLS}[project]\nname = "demo"\ndynamic = ["version", "dependencies", "optional-dependencies"]\nrequires-python = ">=3.10"\n`,
        'setup.py':
          'from setuptools import setup\nsetup(\n    name="demo",\n    version="0.1.0",\n    packages=[],\n    install_requires=["torch", "numpy"],\n    extras_require={"vllm": ["torchvision==0.23.0"], "sglang": ["torch==2.9.1"]},\n)\n',
        'README.md': '# demo\n\n```bash\npip install -e .[vllm]\npip install -e .[sglang]\n```\n',
      },
      torch: '2.8',
      torches: ['2.8', '2.9'],
      pair: 'extra vllm / extra sglang',
    },
    {
      shape: 'one extra per torch release, none of them installed here',
      files: {
        'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[project.optional-dependencies]\ntorch26 = ["torch==2.6.0"]\ntorch27 = ["torch==2.7.1"]\n`,
        'main.py': 'import torch\n',
      },
      torch: '2.14',
      torches: ['2.6', '2.7', '2.14'],
      pair: 'extra torch26 / extra torch27',
    },
  ])(
    'alternatives uv finds are declared: $shape',
    ({ files, torch, torches, pair }) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, files);
        const doc = solved('init', dir, 'h100-580');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('solved');
        const minors = readLock(readFileSync(join(dir, 'uv.lock'), 'utf8')).torch.map((v: string) => v.split('.').slice(0, 2).join('.'));
        expect(minors.sort(), said).toEqual([...torches].sort());
        expect(doc.plan.torch.version.split('.').slice(0, 2).join('.')).toBe(torch);
        const conflicts = doc.plan.decisions.filter((d: { what: string }) => d.what === 'conflicting extras');
        const found = conflicts.find((d: { choice: string; source: string }) =>
          [pair, pair.split(' / ').reverse().join(' / ')].includes(
            d.choice.replace(/(\w+) \/ (\w+)/, (_m: string, a: string, b: string) => `extra ${a} / extra ${b}`),
          ),
        );
        expect(found?.source, JSON.stringify(conflicts)).toBe('uv lock (the joint solve)');
        expect(found?.why).toMatch(/^uv: .* are incompatible\.$/);
        const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
        expect(pyproject).toMatch(/^conflicts = \[/m);
        rerunChangesNothing(dir, 'h100-580', doc);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  // A build that fails for want of a module its setup.py imports and never declared: uv's build
  // output names the module; the build gets what provides it, and the project locks.
  it.each([
    {
      shape: 'a local package whose setup.py imports pkg_resources (gone from setuptools 82)',
      setup:
        'import pkg_resources\nfrom setuptools import setup\nassert pkg_resources.parse_version("1.0") < pkg_resources.parse_version("2.0")\nsetup(name="legacy_op", version="0.1", py_modules=[])\n',
      build: 'setuptools<81',
    },
    {
      shape: 'a local package whose setup.py imports numpy for its include folder, without declaring it',
      setup: 'import numpy\nfrom setuptools import setup\nnumpy.get_include()\nsetup(name="legacy_op", version="0.1", py_modules=[])\n',
      build: 'numpy',
    },
  ])(
    'a build lacking a module it imports gets it: $shape',
    (c) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, {
          'requirements.txt': 'numpy\n',
          'train.py': 'import torch\n',
          'README.md': '```bash\npip install -r requirements.txt\npip install ./vendor/legacy_op\n```\n',
          'vendor/legacy_op/setup.py': c.setup,
        });
        const doc = solved('init', dir, 'h100-580');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('solved');
        expect(doc.plan.decisions.find((d: { what: string }) => d.what === 'legacy-op build')?.why, said).toMatch(/No module named/);
        const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
        expect(pyproject).toMatch(new RegExp(`^legacy-op = \\[[^\\]]*"${c.build}"`, 'm'));
        rerunChangesNothing(dir, 'h100-580');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  // A path source in a git submodule that is not checked out: the solve says the git command.
  it.each([
    {
      shape: "the project's own [tool.uv.sources] path into the submodule",
      files: {
        '.gitmodules': '[submodule "ext"]\n\tpath = deps/ext\n\turl = https://git.example.invalid/ext.git\n',
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["ext-lib", "six"]\n\n[tool.uv.sources]\next-lib = { path = "deps/ext", editable = true }\n',
      },
      path: 'deps/ext',
    },
    {
      shape: 'an editable requirement into the submodule',
      files: {
        '.gitmodules': '[submodule "ext"]\n\tpath = third_party/ext\n\turl = https://git.example.invalid/ext.git\n',
        'requirements.txt': 'six\n-e ./third_party/ext\n',
      },
      path: 'third_party/ext',
    },
  ])(
    'a submodule not checked out is named with the git command: $shape',
    (c) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, c.files);
        const doc = solved('init', dir, 'cpu-only');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('not-solved');
        expect(doc.plan.solve.summary, said).toContain(
          `${c.path} is a git submodule that is not checked out (.gitmodules:1): run \`git submodule update --init --recursive\``,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  // A conda package's name that PyPI does not have: a conda-only package, left out; the rest locks.
  it.each([
    {
      shape: "an exported environment with conda-forge's backports namespace package",
      env: 'name: demo\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - six=1.16.0=pyhd8ed1ab_0\n  - backports=1.0=pyhd8ed1ab_3\n  - pip\n  - pip:\n    - tqdm==4.66.1\n',
      gone: 'backports',
    },
    {
      shape: 'a hand-written environment with a lab channel package',
      env: 'name: demo\nchannels:\n  - mylab\n  - conda-forge\ndependencies:\n  - python=3.11\n  - six\n  - mylab::danlu-no-such-conda-pkg=0.3\n  - pip:\n    - tqdm\n',
      gone: 'danlu-no-such-conda-pkg',
    },
  ])(
    'a conda name PyPI does not have is left out: $shape',
    (c) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, { 'environment.yml': c.env });
        const doc = solved('init', dir, 'cpu-only');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('solved');
        expect(doc.plan.warnings.map((w: { id: string }) => w.id)).toContain(`not-on-pypi-${c.gone}`);
        const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
        expect(pyproject).not.toContain(c.gone);
        expect(pyproject).toMatch(/"six|"tqdm/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  // A build that imports a standard-library module Python removed: an older Python, not a package.
  it.each([
    {
      shape: 'a README-installed local package whose setup.py imports imp (removed in 3.12)',
      files: {
        'requirements.txt': 'numpy\n',
        'README.md': '```bash\npip install -r requirements.txt\npip install ./vendor/old_op\n```\n',
        'vendor/old_op/setup.py': 'import imp\nfrom setuptools import setup\nsetup(name="old_op", version="0.1", py_modules=[])\n',
      },
      module: 'imp',
    },
    {
      shape: 'a local package in requirements.txt whose setup.py imports asyncore (removed in 3.12)',
      files: {
        'requirements.txt': 'numpy\n./vendor/old_op\n',
        'vendor/old_op/setup.py': 'import asyncore\nfrom setuptools import setup\nsetup(name="old_op", version="0.1", py_modules=[])\n',
      },
      module: 'asyncore',
    },
  ])(
    'a build importing a removed standard-library module gets an older Python: $shape',
    (c) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, { ...c.files, 'train.py': 'import torch\n' });
        const doc = solved('init', dir, 'h100-580');
        const said = JSON.stringify(doc.plan.solve, null, 1);
        expect(doc.plan.solve.status, said).toBe('solved');
        expect(doc.plan.python).toBe('3.11');
        expect(doc.plan.solve.pythonBound, said).toMatch(new RegExp(`old-op builds with the ${c.module} module, which Python 3\\.12 removed`));
        expect(readFileSync(join(dir, '.python-version'), 'utf8').trim()).toBe('3.11');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  it.each([
    {
      shape: 'a git source on a host this machine cannot reach, next to a companion that pins torch',
      files: { 'requirements.txt': 'torch>=2.0.1\ntorchdata==0.6.1\nsdata @ git+https://git.example.invalid/org/datapipes.git@main\n' },
      torch: '2.0',
      bound: /torchdata==0\.6\.1 needs torch==2\.0\.1 \(requirements\.txt:2\)/,
    },
    {
      shape: 'a wheel URL on an unreachable host in pyproject.toml, next to torchaudio pinned exactly',
      files: {
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = ["torch", "torchaudio==2.8.0", "fastkern @ https://files.example.invalid/fastkern-1.0-py3-none-any.whl"]\n',
      },
      // The companion's pin is in danlu's own table: the plan starts at 2.8 and uv confirms it.
      torch: '2.8',
      bound: null,
    },
  ])(
    'an unreachable source is set aside and the rest still solved: $shape',
    (c) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, c.files);
        const doc = solved('init', dir, 'h100-580');
        const solve = doc.plan.solve;
        const said = JSON.stringify(solve, null, 1);
        // Not the whole project (part of it is out of reach), but torch and Python are uv's.
        expect(solve.status, said).toBe('not-solved');
        expect(solve.unreachable, said).toEqual(expect.arrayContaining([expect.stringMatching(/example\.invalid$/)]));
        expect(solve.summary, said).toMatch(/without what comes from there the project solves with uv/);
        if (c.bound) expect(solve.torchBound, said).toMatch(c.bound);
        expect(solve.attempts.at(-1).outcome, said).toMatch(/^locked/);
        expect(doc.plan.torch.version.split('.').slice(0, 2).join('.')).toBe(c.torch);
        // No partial lock is written: `danlu up` locks the whole project where the host answers.
        expect(existsSync(join(dir, 'uv.lock'))).toBe(false);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  it.each([
    [
      'torch==2.4.0 next to torchvision==0.20.0 (which needs 2.5.0)',
      'torch==2.4.0\ntorchvision==0.20.0\n',
      /torch==2\.4\.0 \(requirements\.txt:1\), but torchvision==0\.20\.0 needs torch==2\.5\.0 \(requirements\.txt:2\)/,
    ],
    [
      'torch==2.1.2 next to torchaudio==2.3.0 (which needs 2.3.0)',
      'torch==2.1.2\ntorchaudio==2.3.0\nnumpy\n',
      /torch==2\.1\.2 \(requirements\.txt:1\), but torchaudio==2\.3\.0 needs torch==2\.3\.0 \(requirements\.txt:2\)/,
    ],
  ])(
    'a project whose own pins contradict each other is told so, with both lines; the host is not blamed and nothing moves: %s',
    (_what, requirements, said) => {
      const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
      const dir = join(root, 'demo');
      try {
        stage(dir, { 'requirements.txt': requirements });
        const plan = solved('plan', dir, 'h100-580');
        expect(plan.solve.status, JSON.stringify(plan.solve, null, 1)).toBe('failed');
        expect(plan.solve.summary).toMatch(/^the project's requirements contradict each other: /);
        expect(plan.solve.summary).toMatch(said);
        expect(plan.solve.summary).not.toMatch(/host/);
        // The project's own torch stays the plan's: no constraint that contradicts its pin.
        expect(plan.torch.version).toBe(/torch==(\S+)/.exec(requirements)![1]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    900_000,
  );

  it('a companion removed from the project later: the next init plans the newest torch again (no constraint of its own left behind)', () => {
    const root = mkdtempSync(join(tmpdir(), 'danlu-solve-class-'));
    const dir = join(root, 'demo');
    const run = () => solved('init', dir, 'h100-580');
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'requirements.txt'), 'torch\nvllm==0.8.5\n');
      expect(run().plan.torch.version).toBe('2.6.0');
      writeFileSync(join(dir, 'requirements.txt'), 'torch\n');
      // The vllm line danlu wrote into pyproject.toml is the project's now: taken out by hand, as a user would.
      const py = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
      writeFileSync(join(dir, 'pyproject.toml'), py.replace(/^\s*"vllm==0\.8\.5",\n/m, ''));
      const again = run();
      expect(again.plan.solve.status, JSON.stringify(again.plan.solve, null, 1)).toBe('solved');
      expect(again.plan.torch.version).toBe('2.14.1');
      expect(readLock(readFileSync(join(dir, 'uv.lock'), 'utf8')).torch).toEqual(['2.14.1']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 900_000);
});
