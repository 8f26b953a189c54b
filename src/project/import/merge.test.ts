import { describe, expect, it } from 'vitest';
import { intersectSpecifiers, mergeResults, RANK } from './merge.js';
import { parseRequirements } from './requirements.js';
import { parseInstallCommands } from './install-commands.js';
import { parsePyprojectDeps } from './pyproject.js';

describe('intersectSpecifiers', () => {
  it.each([
    ['>=2.5.0', '>=2.5.1', '>=2.5.1', false],
    ['>=2.0.1', '==2.0.1', '==2.0.1', false],
    ['==2.0.1', '>=2.5', '==2.0.1', true],
    ['==1.0', '==2.0', '==1.0', true],
    ['>=1.3.0,<=1.11.0', '>=1.10.0', '>=1.10.0,<=1.11.0', false],
    ['>=2', '<1', '>=2,<1', true],
    ['>=1,!=1.5', '<2', '>=1,<2,!=1.5', false],
    ['~=2.0', '>=2.1', '>=2.1,~=2.0', false],
    ['<2', '<=2', '<2', false],
  ])('%s & %s -> %s', (a, b, specifier, conflict) => {
    expect(intersectSpecifiers(a, b)).toEqual({ specifier, conflict });
  });
});

const none = () => null;

describe('mergeResults', () => {
  const req = parseRequirements('torch==2.0.1\nsentencepiece\nSentencePiece==0.1.96\nnumpy>=1.20\naccelerate\n', 'requirements.txt', none);
  const py = parsePyprojectDeps('[project]\nname = "x"\ndependencies = ["torch>=2.0.1", "numpy<1.20", "accelerate", "einops"]\n', 'pyproject.toml');
  const guide = parseInstallCommands('pip install torch==1.7.1 tiktoken\n', 'README.md', { markdown: false });
  const r = mergeResults([
    { result: req, rank: RANK.requirements },
    { result: guide, rank: RANK.guide },
    { result: py, rank: RANK.pyproject },
  ]);

  it('keeps one requirement per package, the stronger file first, with every origin', () => {
    expect(r.requirements.map((q) => q.raw)).toEqual(['torch==2.0.1', 'numpy<1.20', 'accelerate', 'einops', 'sentencepiece==0.1.96', 'tiktoken']);
    expect(r.requirements[0]!.origin).toEqual({ file: 'pyproject.toml', line: 3 });
    expect(r.requirements[0]!.alsoIn).toEqual([
      { file: 'requirements.txt', line: 1 },
      { file: 'README.md', line: 1 },
    ]);
  });

  it('warns on merged and conflicting specifiers and guide differences, not on plain duplicates', () => {
    const ids = r.warnings.map((w) => w.id);
    expect(ids).toEqual(['merged-specifiers', 'merged-specifiers', 'conflicting-pins', 'guide-differs']);
    expect(r.warnings[1]!.message).toBe('sentencepiece: unpinned (requirements.txt:2) and ==0.1.96 (requirements.txt:3) merged into ==0.1.96');
    expect(r.warnings[2]!.message).toMatch(/numpy: <1.20 \(pyproject.toml:3\) and >=1.20 \(requirements.txt:4\) cannot both hold; kept <1.20/);
    // accelerate in pyproject.toml and requirements.txt, the same: merged, said only in the report
    expect(r.report.find((e) => e.origin.file === 'requirements.txt' && e.origin.line === 5)!.became).toMatch(/merged with pyproject.toml:3/);
  });

  it('notes the merge in the report line of the merged-away requirement', () => {
    const line = r.report.find((e) => e.origin.file === 'requirements.txt' && e.origin.line === 1)!;
    expect(line.became).toMatch(/merged with pyproject.toml:3/);
    expect(r.report).toHaveLength(req.report.length + py.report.length + guide.report.length);
  });

  it('keeps the same package in different groups or under different markers apart', () => {
    const a = parseRequirements('bitsandbytes>=0.42; sys_platform == "darwin"\nbitsandbytes>=0.45; sys_platform == "linux"\n', 'a.txt', none);
    const b = parseRequirements('bitsandbytes\n', 'b.txt', none, { group: 'dev' });
    const m = mergeResults([
      { result: a, rank: 1 },
      { result: b, rank: 1 },
    ]);
    expect(m.requirements.map((q) => [q.raw, q.group])).toEqual([
      ['bitsandbytes>=0.42; sys_platform == "darwin"', 'main'],
      ['bitsandbytes>=0.45; sys_platform == "linux"', 'main'],
      ['bitsandbytes', 'dev'],
    ]);
  });

  it('merges indexes by URL, joining their packages', () => {
    const a = parseInstallCommands(
      'pip install torch --index-url https://download.pytorch.org/whl/cu121\npip install xformers --index-url https://download.pytorch.org/whl/cu121/\n',
      'x.txt',
    );
    const m = mergeResults([{ result: a, rank: RANK.guide }]);
    expect(m.indexes).toHaveLength(1);
    expect(m.indexes[0]!.packages).toEqual([{ name: 'torch' }, { name: 'xformers' }]);
  });
});
