import { describe, expect, it } from 'vitest';
import { DanluError } from '../../lib/errors.js';
import { parsePyprojectDeps } from './pyproject.js';

const PEP621 = `[build-system]
requires = ["setuptools>=61.0", "torch>=2.5.1"]
build-backend = "setuptools.build_meta"

[project]
name = "Flux_Demo"
requires-python = ">=3.10"
dependencies = [
  "accelerate",
  "fire >= 0.6.0",
  "torch == 2.6.0+cu124",
  "clip @ git+https://github.com/openai/CLIP.git@main",
  "accelerate",
  "not a requirement!",
]
optional-dependencies.extra = ["bitsandbytes>=0.45.2,<0.50; sys_platform=='linux' or sys_platform=='win32'"]
optional-dependencies.gradio = ["gradio"]
optional-dependencies.all = ["flux-demo[gradio]", "Flux_Demo[extra]"]

[dependency-groups]
dev = ["pytest>=8", { include-group = "lint" }]
lint = ["ruff"]
`;

describe('parsePyprojectDeps: PEP 621', () => {
  const r = parsePyprojectDeps(PEP621, 'pyproject.toml');

  it('reads dependencies, extras and dependency groups with their lines', () => {
    expect(r.requirements.map((q) => [q.raw, q.group, q.groupKind, q.origin.line])).toEqual([
      ['accelerate', 'main', undefined, 9],
      ['fire>=0.6.0', 'main', undefined, 10],
      ['torch==2.6.0', 'main', undefined, 11],
      ['clip', 'main', undefined, 12],
      ['accelerate', 'main', undefined, 13],
      ['bitsandbytes>=0.45.2,<0.50; sys_platform == "linux" or sys_platform == "win32"', 'extra', 'extra', 16],
      ['gradio', 'gradio', 'extra', 17],
      ['pytest>=8', 'dev', 'dependency-group', 21],
      ['ruff', 'lint', 'dependency-group', 22],
      ['gradio', 'all', 'extra', 18],
      ['bitsandbytes>=0.45.2,<0.50; sys_platform == "linux" or sys_platform == "win32"', 'all', 'extra', 18],
    ]);
  });

  it('keeps local versions and sources', () => {
    expect(r.requirements[2]!.localVersion).toBe('cu124');
    expect(r.requirements[3]!.source).toEqual({ kind: 'git', url: 'https://github.com/openai/CLIP.git', rev: 'main' });
  });

  it('expands self-referencing extras into the group that names them', () => {
    expect(r.report.filter((e) => e.origin.line === 18).map((e) => e.became)).toEqual([
      "group all includes the project's extras gradio: gradio",
      'group all includes the project\'s extras extra: bitsandbytes>=0.45.2,<0.50; sys_platform == "linux" or sys_platform == "win32"',
    ]);
  });

  it('reports include-group and bad strings', () => {
    const line = (n: number) => r.report.filter((e) => e.origin.line === n);
    expect(line(14)[0]).toMatchObject({ kind: 'left-out' });
    expect(line(21).map((e) => e.kind)).toContain('ignored');
  });

  it('flags torch in [build-system] requires as build-time torch and keeps requires-python as a hint', () => {
    expect(r.buildTimeTorch).toEqual([{ origin: { file: 'pyproject.toml', line: 2 }, why: '[build-system] requires torch>=2.5.1' }]);
    expect(r.pythonHints).toEqual([expect.objectContaining({ specifier: '>=3.10', origin: { file: 'pyproject.toml', line: 7 } })]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu124']);
  });

  it('warns when dependencies are dynamic (computed by setup.py)', () => {
    const d = parsePyprojectDeps('[project]\nname = "k"\ndynamic = ["version", "dependencies"]\n', 'pyproject.toml');
    expect(d.warnings.map((w) => w.id)).toEqual(['dynamic-dependencies']);
    expect(d.requirements).toEqual([]);
  });

  it('stops with a DanluError at file:line on TOML that does not parse', () => {
    try {
      parsePyprojectDeps('[project]\nname = "x"\ndependencies = [\n  "a",\n  b\n]\n', 'pyproject.toml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DanluError);
      expect((err as DanluError).location).toMatchObject({ file: 'pyproject.toml', line: 5 });
    }
  });
});

const UV = `[project]
name = "nanochat"
dependencies = ["torch==2.9.1", "flash-attn-3", "kernels"]

[project.optional-dependencies]
gpu = ["torch==2.9.1"]

[tool.uv]
no-build-isolation-package = ["flash-attn", "mamba-ssm"]
conflicts = [[{ extra = "cpu" }, { extra = "gpu" }]]
constraint-dependencies = ["numpy<2"]
extra-build-dependencies = { kernels = [{ requirement = "torch", match-runtime = true }] }

[tool.uv.sources]
torch = [
    { index = "pytorch-cpu", extra = "cpu" },
    { index = "pytorch-cu128", extra = "gpu" },
]
flash-attn-3 = { git = "https://github.com/Dao-AILab/flash-attention", subdirectory = "hopper" }

[[tool.uv.index]]
name = "pytorch-cpu"
url = "https://download.pytorch.org/whl/cpu"
explicit = true

[[tool.uv.index]]
name = "pytorch-cu128"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
`;

describe('parsePyprojectDeps: existing [tool.uv]', () => {
  const r = parsePyprojectDeps(UV, 'pyproject.toml');

  it('keeps the table and reads its sources onto the dependencies', () => {
    expect(r.existingUv).toEqual({
      origin: { file: 'pyproject.toml', line: 8 },
      keys: ['no-build-isolation-package', 'conflicts', 'constraint-dependencies', 'extra-build-dependencies', 'sources', 'index'],
    });
    expect(r.requirements.find((q) => q.name === 'flash-attn-3')!.source).toEqual({
      kind: 'git',
      url: 'https://github.com/Dao-AILab/flash-attention',
      subdirectory: 'hopper',
    });
    expect(r.report.find((e) => e.origin.line === 3 && e.text === 'flash-attn-3')!.kind).toBe('source');
  });

  it('reads indexes with the packages routed to them and their CUDA variant', () => {
    expect(r.indexes.map((i) => [i.name, i.kind, i.explicit, i.packages])).toEqual([
      ['pytorch-cpu', 'extra-index-url', true, [{ name: 'torch', extra: 'cpu' }]],
      ['pytorch-cu128', 'extra-index-url', true, [{ name: 'torch', extra: 'gpu' }]],
    ]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cpu', 'cu128']);
  });

  it('reads build isolation settings and constraints', () => {
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['flash-attn', 'mamba-ssm']);
    expect(r.buildTimeTorch.map((b) => b.name)).toEqual(['flash-attn', 'mamba-ssm', 'kernels']);
    expect(r.constraints.map((c) => [c.raw, c.group])).toEqual([['numpy<2', 'main']]);
  });
});

describe('C1: extra and group names are PEP 685 names once read', () => {
  it('field-test shape: an existing `my_extra` is the extra `my-extra`', () => {
    const r = parsePyprojectDeps(
      '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch==2.8.*"]\n\n[project.optional-dependencies]\nmy_extra = ["rich"]\n',
      'pyproject.toml',
    );
    expect(r.requirements.map((q) => [q.name, q.group, q.groupKind])).toEqual([
      ['torch', 'main', undefined],
      ['rich', 'my-extra', 'extra'],
    ]);
  });

  it('second shape: a dependency group `Dev.Tools` and a [tool.uv.sources] route for extra `GPU_Build`', () => {
    const r = parsePyprojectDeps(
      '[project]\nname = "demo"\nversion = "0.1.0"\n[project.optional-dependencies]\nGPU_Build = ["torch"]\n[dependency-groups]\n"Dev.Tools" = ["pytest"]\n[tool.uv.sources]\ntorch = [{ index = "cu128", extra = "GPU_Build" }]\n[[tool.uv.index]]\nname = "cu128"\nurl = "https://download.pytorch.org/whl/cu128"\nexplicit = true\n',
      'pyproject.toml',
    );
    expect(r.requirements.map((q) => q.group)).toEqual(['gpu-build', 'dev-tools']);
    expect(r.indexes[0]!.packages).toEqual([{ name: 'torch', extra: 'gpu-build' }]);
  });
});
