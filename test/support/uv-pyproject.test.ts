import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UV_SCHEMA_FILE, uvParseProblems } from './uv-pyproject.js';

const GOOD = `[project]
name = "demo"
version = "0.1.0"
requires-python = ">=3.10,<3.14"
dependencies = ["torch==2.9.1", "numpy>=1.26"]

[dependency-groups]
dev = ["pytest>=8"]
all = [{ include-group = "dev" }, "ruff"]

[tool.uv]
override-dependencies = ["numpy<2"]
extra-build-dependencies = { flash-attn = [{ requirement = "torch", match-runtime = true }] }
extra-build-variables = { flash-attn = { FLASH_ATTENTION_SKIP_CUDA_BUILD = "TRUE" } }

[tool.uv.sources]
torch = [
  { index = "pytorch-cu128", marker = "sys_platform == 'linux' or sys_platform == 'win32'" },
]
clip = { git = "https://github.com/openai/CLIP", rev = "dcba3cb" }

[[tool.uv.index]]
name = "pytorch-cu128"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
`;

describe("the check of generated pyproject.toml files against uv's rules", () => {
  // A fast structural check; the real uv (test/uv, at the version the image installs) is the judge.
  it('uses a vendored uv settings schema', () => {
    expect(JSON.parse(readFileSync(UV_SCHEMA_FILE, 'utf8')).$comment).toMatch(/^uv \d+\.\d+\.\d+ uv\.schema\.json/);
  });

  it('takes a correct file', () => expect(uvParseProblems(GOOD)).toEqual([]));

  it.each([
    ['a key uv does not know', GOOD.replace('override-dependencies', 'overide-dependencies'), /tool\.uv: .*additional properties \(overide-dependencies\)/],
    ['a wrong type', GOOD.replace('explicit = true', 'explicit = "yes"'), /tool\.uv\.index\.0\.explicit/],
    ['an unknown key in a source', GOOD.replace('rev = "dcba3cb"', 'revision = "dcba3cb"'), /tool\.uv\.sources\.clip/],
    ['a source naming an undeclared index', GOOD.replace('index = "pytorch-cu128"', 'index = "pytorch"'), /undeclared index "pytorch"/],
    ['a bad marker in a source', GOOD.replace("sys_platform == 'linux' or", "sys_platform = 'linux' or"), /sources\.torch\[0\]\.marker/],
    ['a bad dependency', GOOD.replace('"numpy>=1.26"', '"numpy>=1.26,"'), /project\.dependencies\[1\]/],
    ['a bad override', GOOD.replace('"numpy<2"', '"numpy<<2"'), /tool\.uv\.override-dependencies\[0\]/],
    ['a bad requires-python', GOOD.replace('">=3.10,<3.14"', '"3.10+"'), /requires-python/],
    ['an include of a missing group', GOOD.replace('include-group = "dev"', 'include-group = "tests"'), /include-group names no group/],
    ['a bad project name', GOOD.replace('name = "demo"', 'name = "-demo"'), /project\.name/],
    ['broken TOML', GOOD.replace('[project]', '[project'), /^TOML/],
    ['a trailing comma in an inline table (TOML 1.1 only)', GOOD.replace('rev = "dcba3cb" }', 'rev = "dcba3cb", }'), /TOML 1\.0 \(Python tomllib\)/],
  ])('finds %s', (_what, text, problem) => {
    expect(uvParseProblems(text).join('\n')).toMatch(problem);
  });
});
