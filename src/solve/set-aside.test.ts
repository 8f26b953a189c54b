import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { setAsideText } from './set-aside.js';

describe('setting aside what lives on unreachable hosts', () => {
  it('drops their indexes, sources, the requirements they serve and URL requirements there; keeps the rest', () => {
    const text = `[project]
name = "demo"
version = "0.1.0"
dependencies = ["torch==2.8.*", "flash-attn", "kern @ https://files.example.invalid/kern-1.whl", "sdata", "numpy"]

[project.optional-dependencies]
extra = ["flash-attn", "scipy"]

[dependency-groups]
dev = ["sdata", "pytest"]

[tool.uv]
constraint-dependencies = ["flash-attn==2.8.3", "numpy<3"]

[tool.uv.sources]
flash-attn = { index = "astral" }
sdata = { git = "git@git.example.invalid:org/sdata.git" }
torch = [{ index = "pytorch" }]

[[tool.uv.index]]
name = "astral"
url = "https://wheels.example.invalid/simple/cu128/"
explicit = true

[[tool.uv.index]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu128"
explicit = true
`;
    const out = parse(setAsideText(text, ['wheels.example.invalid', 'git.example.invalid', 'files.example.invalid'])) as any;
    expect(out.project.dependencies).toEqual(['torch==2.8.*', 'numpy']);
    expect(out.project['optional-dependencies'].extra).toEqual(['scipy']);
    expect(out['dependency-groups'].dev).toEqual(['pytest']);
    expect(out.tool.uv['constraint-dependencies']).toEqual(['numpy<3']);
    expect(Object.keys(out.tool.uv.sources)).toEqual(['torch']);
    expect(out.tool.uv.index.map((i: { name: string }) => i.name)).toEqual(['pytorch']);
    // danlu's own PyTorch index is never set aside (a direct wheel URL on its host is).
    const torchHost = parse(setAsideText(text, ['download.pytorch.org'])) as any;
    expect(torchHost.tool.uv.index.map((i: { name: string }) => i.name)).toEqual(['astral', 'pytorch']);
    expect(torchHost.project.dependencies).toContain('torch==2.8.*');
    // Nothing on the hosts: the text comes back equivalent.
    expect(parse(setAsideText(text, ['elsewhere.invalid']))).toEqual(parse(text));
  });
});
