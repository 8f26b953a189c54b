import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { DanluError } from '../lib/errors.js';
import { makePlan } from '../plan/make-plan.js';
import { hostProfile, projectFacts } from '../plan/testing/fixtures.js';
import { renderNewPyproject } from '../render/pyproject.js';
import { mergePyproject, restoreCommentSpacing } from './merge-pyproject.js';

describe('comments of the user keep their spacing after a patch', () => {
  it('puts back lines that differ only in the spaces before their comment', () => {
    const original = 'dependencies = [\n  "numpy",  # 5\n  "torchvision",  # 11\n]\n';
    const patched = 'dependencies = [\n  "numpy",        # 5\n  "torchvision",  # 11\n  "torch==2.14.*",\n]\n';
    expect(restoreCommentSpacing(original, patched)).toBe('dependencies = [\n  "numpy",  # 5\n  "torchvision",  # 11\n  "torch==2.14.*",\n]\n');
  });

  it('leaves changed lines and ambiguous ones alone', () => {
    const original = 'a = 1  # x\nb = [\n  "x",  # same\n  "x",    # same\n]\n';
    const patched = 'a = 2  # x\nb = [\n  "x",     # same\n  "x",     # same\n]\n';
    expect(restoreCommentSpacing(original, patched)).toBe(patched);
  });
});

describe('pyproject.toml: valid but unusual files, and values of the wrong type', () => {
  const plan = makePlan({
    host: hostProfile({ gpus: ['NVIDIA H100 80GB HBM3'], driver: '580.159.04', cuda: '13.0' }),
    project: projectFacts(),
    options: {},
    catalog: EMBEDDED_CATALOG,
  });
  const wants = { ...plan.pyproject, project: { ...plan.pyproject.project, name: 'x', version: '0.1.0' } };
  const spec = { path: 'pyproject.toml', text: renderNewPyproject(wants), pyproject: wants };
  const head = '[project]\nname = "x"\nversion = "0.1.0"\ndependencies = ["numpy"]\n';

  it.each([
    ['[tool] with uv as an inline table', `${head}[tool]\nuv = { environments = ["sys_platform == 'linux'"] }\n`],
    ['[tool] with uv as dotted keys', `${head}[tool]\nuv.environments = ["sys_platform == 'linux'"]\n`],
    ['tool as an inline table at the top', `tool = { uv = { environments = ["sys_platform == 'linux'"] }, ruff = { line-length = 100 } }\n${head}`],
    ['[project] as an inline table', `project = { name = "x", version = "0.1.0", dependencies = ["numpy"] }\n`],
  ])('%s: valid TOML out, the user values kept, torch routed, stable', (_name, existing) => {
    const r = mergePyproject(existing, spec, false);
    expect(r.action).toBe('updated');
    const out = parseToml(r.text!) as any;
    expect(out.project.dependencies).toContain('numpy');
    if (existing.includes('environments')) expect(out.tool.uv.environments).toEqual(["sys_platform == 'linux'"]);
    expect(out.tool.uv.sources.torch).toEqual(wants.torchSources.torch);
    expect(out.tool.uv.index.map((i: { name: string }) => i.name)).toContain('pytorch');
    expect(mergePyproject(r.text!, spec, false).action).toBe('unchanged');
  });

  it.each([
    [
      'dependencies = """numpy"""',
      `[project]\nname = "x"\nversion = "0.1.0"\ndependencies = """numpy"""\n`,
      4,
      'project.dependencies is a string ("numpy"); expected an array',
    ],
    [
      'constraint-dependencies = "oops"',
      `${head}[tool.uv]\nconstraint-dependencies = "oops"\n`,
      6,
      'tool.uv.constraint-dependencies is a string ("oops"); expected an array',
    ],
    ['optional-dependencies as a string', `${head}optional-dependencies = "gpu"\n`, 5, 'project.optional-dependencies is a string ("gpu"); expected a table'],
    ['a dependency group as a string', `${head}[dependency-groups]\ndev = "pytest"\n`, 6, 'dependency-groups.dev is a string ("pytest"); expected an array'],
    ['tool.uv as a number', `${head}[tool]\nuv = 3\n`, 6, 'tool.uv is a number; expected a table'],
    ['an inline uv with sources as an array', `${head}[tool]\nuv = { sources = [1] }\n`, 6, 'tool.uv.sources is an array; expected a table'],
  ])('%s: an error at its line (exit 2), never replaced', (_name, existing, line, message) => {
    let error: unknown;
    try {
      mergePyproject(existing, spec, false);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DanluError);
    const e = error as DanluError;
    expect(e.message).toBe(message);
    expect(e.location).toEqual({ file: 'pyproject.toml', line, column: 1 });
    expect(e.code).toBe(2);
    expect(e.hint).toMatch(/does not replace them/);
    // --force does not replace them either.
    expect(() => mergePyproject(existing, spec, true)).toThrow(message);
  });

  it('a CRLF file stays CRLF: the lines danlu adds end in CRLF too', () => {
    const existing = `${head}[tool.ruff]\nline-length = 100\n`.replace(/\n/g, '\r\n');
    const r = mergePyproject(existing, spec, false);
    expect(r.action).toBe('updated');
    expect(r.text!.split('\r\n').length).toBeGreaterThan(10);
    expect(r.text!.replace(/\r\n/g, '')).not.toContain('\n');
    expect(r.text!.startsWith(existing.split('[tool.ruff]')[0]!.replace('dependencies = ["numpy"]\r\n', ''))).toBe(true);
    expect(mergePyproject(r.text!, spec, false).action).toBe('unchanged');
  });

  it.each(['\n', '\r\n'])('many new entries (%j) go in as toml-patch writes one: one per line, same indent, stable', (eol) => {
    const many = Array.from({ length: 100 }, (_, i) => `pkg${i}>=1 ; python_version < "3.13"`);
    const big = { ...spec, pyproject: { ...wants, dependencies: [...wants.dependencies, ...many], constraints: [...wants.constraints, ...many] } };
    const existing = `[project]\nname = "x"\nversion = "0.1.0"\ndependencies = [\n    "numpy",  # mine\n]\n`.replace(/\n/g, eol);
    const r = mergePyproject(existing, big, false);
    const out = parseToml(r.text!) as any;
    expect(out.project.dependencies).toEqual(['numpy', ...big.pyproject.dependencies]);
    expect(out.tool.uv['constraint-dependencies']).toEqual(big.pyproject.constraints);
    expect(r.text).toContain(`    "numpy",  # mine${eol}    ${JSON.stringify(big.pyproject.dependencies[0])},${eol}    `);
    expect(r.text).not.toContain('danlu-bulk');
    if (eol === '\r\n') expect(r.text!.replace(/\r\n/g, '')).not.toContain('\n');
    expect(mergePyproject(r.text!, big, false).action).toBe('unchanged');
  });

  it('a list of 200k dependencies merges without overflowing the stack', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => `pkg${i}>=1`);
    const big = { ...spec, pyproject: { ...wants, dependencies: [...wants.dependencies, ...many] } };
    const r = mergePyproject(`[project]\nname = "x"\nversion = "0.1.0"\ndependencies = []\n`, big, false);
    expect(r.action).toBe('updated');
    expect((parseToml(r.text!) as any).project.dependencies).toHaveLength(wants.dependencies.length + many.length);
  }, 60_000);
});
