import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, read, tempProject } from '../support/cli.js';

/**
 * A project already in uv's multi-backend shape (one extra per backend, torch routed per extra,
 * the extras declared as conflicts) is recognized and kept: the backend the README syncs is the
 * project's torch, the other backends' extras are left as written.
 */
const PYPROJECT = `[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10,<3.13"
dependencies = ["torch>=2.7.0,<3.0", "torchvision", "numpy"]

[project.optional-dependencies]
cpu = ["torch==2.7.1+cpu", "torchvision==0.22.1+cpu"]
cuda = ["torch==2.7.1+cu128", "torchvision==0.22.1+cu128"]
rocm = ["torch==2.7.1+rocm6.3", "torchvision==0.22.1+rocm6.3"]

[tool.uv]
conflicts = [[{ extra = "cpu" }, { extra = "cuda" }, { extra = "rocm" }]]

[tool.uv.sources]
torch = [
  { index = "torch-cpu", extra = "cpu" },
  { index = "torch-cuda", extra = "cuda" },
  { index = "torch-rocm", extra = "rocm" },
]
torchvision = [
  { index = "torch-cpu", extra = "cpu" },
  { index = "torch-cuda", extra = "cuda" },
  { index = "torch-rocm", extra = "rocm" },
]

[[tool.uv.index]]
name = "torch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "torch-cuda"
url = "https://download.pytorch.org/whl/cu128"
explicit = true

[[tool.uv.index]]
name = "torch-rocm"
url = "https://download.pytorch.org/whl/rocm6.3"
explicit = true
`;

const host = (name: string) => ['--host', join(HOST_FILES, `${name}.json`), '--no-solve'];

describe("a project in uv's multi-backend shape", () => {
  it('the extra the README syncs is the torch (2.7.1, cu128); every backend extra stays as written; no conflict', () => {
    const dir = tempProject({ 'pyproject.toml': PYPROJECT, 'README.md': '```bash\nuv sync --extra cuda\n```\n' });
    try {
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...host('h100-580')]));
      expect(r.plan.torch.version).toBe('2.7.1');
      expect(r.plan.torch.backend).toBe('cu128');
      expect(r.files.filter((f: { action: string }) => f.action === 'conflict')).toEqual([]);
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      const before = parseToml(PYPROJECT) as any;
      expect(py.project['optional-dependencies']).toEqual(before.project['optional-dependencies']);
      expect(py.project.dependencies).toEqual(before.project.dependencies);
      expect(py.tool.uv.sources.torch).toEqual(before.tool.uv.sources.torch);
      expect(py.tool.uv.conflicts).toEqual(before.tool.uv.conflicts);
      expect(read(dir, '.devcontainer/uv-sync.sh')).toMatch(/uv sync --frozen .*--extra cuda/);
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...host('h100-580')]));
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });

  it('without a README selection, the CUDA extra; on a driver that cannot run it (470), the plan says so and changes nothing of it', () => {
    const dir = tempProject({ 'pyproject.toml': PYPROJECT });
    try {
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...host('rtx3090-470')]));
      expect(r.plan.torch.version).toBe('2.7.1');
      expect(r.plan.warnings.map((w: { id: string }) => w.id)).toContain('torch-does-not-fit-host');
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project['optional-dependencies'].cuda).toEqual(['torch==2.7.1+cu128', 'torchvision==0.22.1+cu128']);
      expect(py.project['optional-dependencies'].rocm).toEqual(['torch==2.7.1+rocm6.3', 'torchvision==0.22.1+rocm6.3']);
    } finally {
      cleanup(dir);
    }
  });
});

describe('backend extras the README names one per machine kind, and extras for another accelerator (unseen corpus)', () => {
  const H100 = ['--host', join(HOST_FILES, 'h100-580.json')];

  it('a README listing `.[cu128]` (GPU) and `.[cpu]` (CPU only): this machine installs the CUDA one, and plans its backend', () => {
    const dir = tempProject({
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["numpy", "torch==2.8.0"]\n\n[project.optional-dependencies]\ncpu = ["torch==2.8.0"]\ncu128 = ["torch==2.8.0"]\n\n[tool.uv]\nconflicts = [[{ extra = "cpu" }, { extra = "cu128" }]]\n\n[tool.uv.sources]\ntorch = [\n  { index = "pytorch-cpu", extra = "cpu" },\n  { index = "pytorch-cu128", extra = "cu128" },\n]\n\n[[tool.uv.index]]\nname = "pytorch-cpu"\nurl = "https://download.pytorch.org/whl/cpu"\nexplicit = true\n\n[[tool.uv.index]]\nname = "pytorch-cu128"\nurl = "https://download.pytorch.org/whl/cu128"\nexplicit = true\n`,
      'README.md': '# demo\n\nCPU only:\n\n```bash\npip install -e .[cpu]\n```\n\nNVIDIA GPU:\n\n```bash\npip install -e .[cu128]\n```\n',
    });
    try {
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...H100]));
      expect(r.plan.torch).toMatchObject({ version: '2.8.0', backend: 'cu128' });
      expect(r.plan.warnings.map((w: { id: string }) => w.id)).toContain('extra-not-installed-cpu');
      const sync = read(dir, '.devcontainer/uv-sync.sh');
      expect(sync).toMatch(/uv sync --frozen --all-groups --extra cu128\n/);
      expect(sync).not.toMatch(/--extra cpu/);
    } finally {
      cleanup(dir);
    }
  });

  it('an extra with torch wheels by URL for Intel XPU: left as written (no pin edit, no conflict), and no Python hint from its cp310 wheel', () => {
    const xpu = `"torch @ https://download.pytorch.org/whl/xpu/torch-2.6.0%2Bxpu-cp310-cp310-linux_x86_64.whl ; python_version == '3.10'"`;
    const dir = tempProject({
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["numpy"]\n\n[project.optional-dependencies]\ncu124 = ["torch==2.6.0", "torchvision==0.21.0"]\nintel-gpu = [\n  ${xpu},\n]\n`,
    });
    try {
      const r = danlu(['init', dir, '--yes', '--json', ...H100]);
      expect(r.code, r.stderr).toBe(0);
      const out = jsonOut(r);
      expect(out.files.filter((f: { action: string }) => f.action === 'conflict')).toEqual([]);
      expect(out.plan.python).toBe('3.12');
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project['optional-dependencies']['intel-gpu']).toEqual([JSON.parse(xpu)]);
    } finally {
      cleanup(dir);
    }
  });
});
