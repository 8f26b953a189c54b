import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, jsonOut, read, REPO, tempProject } from '../support/cli.js';
import { uvParseProblems } from '../support/uv-pyproject.js';

/** What happens to torch-family pins in the project's own pyproject.toml when the plan moves torch. */
const RTX5090 = join(REPO, 'examples', 'hosts', 'rtx5090-driver570.json');
const H100 = join(REPO, 'examples', 'hosts', 'h100-driver580.json');

const pinned = `[project]
name = "old"
version = "0.1"
requires-python = ">=3.9"
dependencies = [
  "torch==2.0.1",  # the paper's version
  "torchvision==0.15.2",
  "numpy<2",
]
`;

describe("the project's torch pins", () => {
  it("--upgrade-torch moves each entry with its own marker and leaves another platform's entry as written (A5)", () => {
    const cases = [
      // A darwin entry next to a marked Linux one: the Linux marker stays, never inverted.
      {
        deps: `["torch>=2.7.0,<3.0; sys_platform != 'darwin'", "torch>=2.7.0,<2.8.0; sys_platform == 'darwin'", "torchvision", "numpy"]`,
        want: ['torch==2.14.* ; sys_platform != "darwin"', "torch>=2.7.0,<2.8.0; sys_platform == 'darwin'", 'torchvision==0.29.*', 'numpy'],
      },
      // An unmarked entry and one for macOS and Windows only (platform_system, `in`): the second is not lost.
      {
        deps: `["torch>=2.7.0,<3.0", "torch==2.2.2; platform_system == 'Darwin' or platform_system == 'Windows'", "torchvision[extra-a]>=0.20", "numpy"]`,
        want: ['torch==2.14.*', "torch==2.2.2; platform_system == 'Darwin' or platform_system == 'Windows'", 'torchvision[extra-a]==0.29.*', 'numpy'],
      },
    ];
    for (const c of cases) {
      const dir = tempProject({ 'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ${c.deps}\n` });
      try {
        const r = danlu(['init', dir, '--yes', '--upgrade-torch', '--host', H100]);
        expect(r.code, r.stderr).toBe(0);
        const text = read(dir, 'pyproject.toml');
        expect((parseToml(text) as any).project.dependencies).toEqual(c.want);
        expect(uvParseProblems(text)).toEqual([]);
      } finally {
        cleanup(dir);
      }
    }
  });

  it('are rewritten in place when the user asks for another torch (--torch/--backend), comments kept', () => {
    const dir = tempProject({ 'pyproject.toml': pinned });
    try {
      const r = danlu(['init', dir, '--yes', '--json', '--torch', '2.7', '--backend', 'cu128', '--host', RTX5090]);
      expect(r.code, r.stderr).toBe(0);
      const out = jsonOut(r);
      expect(out.pins.map((p: { from: string; to: string }) => `${p.from} -> ${p.to}`)).toEqual([
        'torch==2.0.1 -> torch==2.7.*',
        'torchvision==0.15.2 -> torchvision==0.22.*',
      ]);
      expect(out.files.find((f: { path: string }) => f.path === 'pyproject.toml').notes).toEqual(
        expect.arrayContaining([expect.stringMatching(/^pin torch==2\.0\.1 -> torch==2\.7\.\*/)]),
      );
      const text = read(dir, 'pyproject.toml');
      expect(text).toContain('"torch==2.7.*",  # the paper\'s version');
      expect((parseToml(text) as any).project.dependencies).toEqual(['torch==2.7.*', 'torchvision==0.22.*', 'numpy<2']);
      expect(uvParseProblems(text)).toEqual([]);
      // The next plain run keeps the new pins and changes nothing.
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', '--host', RTX5090]));
      expect(again.plan.torch.version).toBe('2.7.1');
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });

  it('that the plan cannot keep are a conflict without a flag, and --upgrade-torch takes the plan', () => {
    const old = pinned.replace('torch==2.0.1', 'torch==1.7.1').replace('"torchvision==0.15.2",\n', '');
    const dir = tempProject({ 'pyproject.toml': old });
    try {
      const r = danlu(['init', dir, '--yes', '--host', H100]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('project.dependencies: yours "torch==1.7.1", danlu\'s "torch==2.14.*"');
      expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toBe(old);
      const up = danlu(['init', dir, '--yes', '--upgrade-torch', '--host', H100]);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain('pin torch==1.7.1 -> torch==2.14.*');
      expect((parseToml(read(dir, 'pyproject.toml')) as any).project.dependencies).toEqual(['torch==2.14.*', 'numpy<2']);
    } finally {
      cleanup(dir);
    }
  });

  it('that are absent stay absent: an unpinned torch gets a uv constraint instead', () => {
    const dir = tempProject({ 'pyproject.toml': '[project]\nname = "free"\nversion = "0.1"\ndependencies = ["torch", "einops"]\n' });
    try {
      const r = danlu(['init', dir, '--yes', '--host', H100]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('pin torch kept, constrained to torch==2.14.*');
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project.dependencies).toEqual(['torch', 'einops']);
      expect(py.tool.uv['constraint-dependencies']).toContain('torch==2.14.*');
      expect(uvParseProblems(read(dir, 'pyproject.toml'))).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });
});

describe('pins of the CUDA libraries torch pins itself (unseen corpus)', () => {
  it.each([
    [
      "a README's troubleshooting line over torch==2.4.0",
      { 'requirements.txt': 'torch==2.4.0\n', 'README.md': '# demo\n\nIf you see a cuBLAS error:\n\n```bash\npip install nvidia-cublas-cu12==12.4.5.8\n```\n' },
      /nvidia-cublas-cu12==12\.4\.5\.8 \(README\.md:6\)/,
    ],
    [
      "a pip freeze of another machine's torch (cuDNN for CUDA 11)",
      { 'requirements.txt': 'torch==2.0.1\nnumpy==1.24.4\nnvidia-cudnn-cu11==8.9.5.29\nnvidia-nccl-cu11==2.14.3\n' },
      /nvidia-cudnn-cu11==8\.9\.5\.29 \(requirements\.txt:3\), nvidia-nccl-cu11==2\.14\.3 \(requirements\.txt:4\)/,
    ],
  ])('%s: left out, said, the rest kept', (_what, files, said) => {
    const dir = tempProject(files);
    try {
      const r = danlu(['init', dir, '--yes', '--json', '--host', H100]);
      expect([0, 1]).toContain(r.code);
      const out = jsonOut(r);
      expect(out.plan.warnings.find((w: { id: string }) => w.id === 'torch-cuda-libraries-left-out')?.message).toMatch(said);
      const text = read(dir, 'pyproject.toml');
      expect(text).not.toMatch(/"nvidia-(cublas|cudnn|nccl)-cu1\d==/);
      expect(text).toMatch(/"torch==2\.\d+\.\d+"|"torch==2\.\d+\.\*"/);
    } finally {
      cleanup(dir);
    }
  });
});
