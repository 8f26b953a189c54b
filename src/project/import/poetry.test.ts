import { describe, expect, it } from 'vitest';
import { poetryConstraint } from './poetry.js';
import { parsePyprojectDeps } from './pyproject.js';

describe('poetryConstraint', () => {
  it.each([
    ['^1.2.3', '>=1.2.3,<2.0.0'],
    ['^0.2.3', '>=0.2.3,<0.3.0'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['^0.0', '>=0.0,<0.1'],
    ['^0', '>=0,<1'],
    ['^1.2', '>=1.2,<2.0'],
    ['^2.0.0rc1', '>=2.0.0rc1,<3.0.0'],
    ['~1.2.3', '>=1.2.3,<1.3.0'],
    ['~1.2', '>=1.2,<1.3'],
    ['~1', '>=1,<2'],
    ['~=1.2', '~=1.2'],
    ['*', ''],
    ['', ''],
    ['1.2.3', '==1.2.3'],
    ['=1.2.3', '==1.2.3'],
    ['1.2.*', '==1.2.*'],
    ['>=1.2 <2.0', '>=1.2,<2.0'],
    ['>= 1.2, < 2.0', '>=1.2,<2.0'],
    ['!=1.5', '!=1.5'],
  ])('%s -> %s', (input, specifier) => {
    expect(poetryConstraint(input)).toEqual({ ok: true, specifier });
  });

  it('refuses alternatives and garbage', () => {
    expect(poetryConstraint('^1.0 || ^2.0')).toMatchObject({ ok: false, reason: expect.stringMatching(/alternatives/) });
    expect(poetryConstraint('^abc')).toMatchObject({ ok: false });
  });
});

const POETRY = `[tool.poetry]
name = "my-app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.9"
torch = { version = "^2.1.0", source = "pytorch" }
Pillow = "*"
transformers = { version = "~4.36", extras = ["torch", "Sentencepiece"] }
pandas = { version = "^2.0", optional = true }
lonely = { version = "^1.0", optional = true }
numpy = [
  { version = "<2", python = "<3.9" },
  { version = ">=2", python = ">=3.9", markers = "platform_machine == 'x86_64'" },
]
clip = { git = "https://github.com/openai/CLIP.git", branch = "main" }
mylib = { path = "../mylib", develop = true }
wheel-pkg = { url = "https://example.com/wheel_pkg-1.0-py3-none-any.whl" }
weird = "^1.0 || ^2.0"
bad = 12

[tool.poetry.extras]
data = ["pandas"]

[tool.poetry.dev-dependencies]
pytest = "^7.4"

[tool.poetry.group.docs.dependencies]
sphinx = ">=7"

[[tool.poetry.source]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu121"
priority = "explicit"
`;

describe('parsePyprojectDeps: Poetry', () => {
  const r = parsePyprojectDeps(POETRY, 'pyproject.toml');
  const by = (name: string) => r.requirements.filter((q) => q.name === name);

  it('converts dependencies to PEP 621 strings with their lines', () => {
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['torch>=2.1.0,<3.0.0', 'main', 7],
      ['pillow', 'main', 8],
      ['transformers[sentencepiece,torch]>=4.36,<4.37', 'main', 9],
      ['pandas>=2.0,<3.0', 'data', 10],
      ['lonely>=1.0,<2.0', 'optional', 11],
      ['numpy<2; python_version < "3.9"', 'main', 12],
      ['numpy>=2; platform_machine == "x86_64" and python_version >= "3.9"', 'main', 12],
      ['clip', 'main', 16],
      ['mylib', 'main', 17],
      ['wheel-pkg', 'main', 18],
      ['weird', 'main', 19],
      ['pytest>=7.4,<8.0', 'dev', 26],
      ['sphinx>=7', 'docs', 29],
    ]);
  });

  it('keeps git / path / url sources and routes torch to its source index', () => {
    expect(by('clip')[0]!.source).toEqual({ kind: 'git', url: 'https://github.com/openai/CLIP.git', branch: 'main' });
    expect(by('mylib')[0]!.source).toEqual({ kind: 'path', path: '../mylib', editable: true });
    expect(by('wheel-pkg')[0]!.source).toEqual({ kind: 'url', url: 'https://example.com/wheel_pkg-1.0-py3-none-any.whl' });
    expect(r.indexes).toEqual([
      expect.objectContaining({
        name: 'pytorch',
        url: 'https://download.pytorch.org/whl/cu121',
        kind: 'extra-index-url',
        explicit: true,
        packages: [{ name: 'torch' }],
      }),
    ]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu121']);
  });

  it('turns groups and dev-dependencies into dependency groups and optional deps into extras', () => {
    expect(by('pandas')[0]!.groupKind).toBe('extra');
    expect(by('pytest')[0]!.groupKind).toBe('dependency-group');
    expect(by('sphinx')[0]!.groupKind).toBe('dependency-group');
    expect(r.warnings.map((w) => w.id)).toContain('optional-not-in-extra');
  });

  it('records python as a hint, keeps an unconvertible constraint unpinned with the reason, leaves out a bad value', () => {
    expect(r.pythonHints).toEqual([expect.objectContaining({ specifier: '>=3.9,<4.0', origin: { file: 'pyproject.toml', line: 6 } })]);
    expect(r.report.find((e) => e.origin.line === 19)!.reason).toMatch(/alternatives.*kept unpinned/);
    expect(r.report.find((e) => e.origin.line === 20)).toMatchObject({ kind: 'left-out' });
  });
});
