import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, tempProject } from '../support/cli.js';

/** What init says about CUDA variants matches what it does. */
describe('variants the files name, and the one this machine takes', () => {
  it('several variants in the files: the note names the one this machine takes (a third one here)', () => {
    const dir = tempProject({
      'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu118\ntorch\n',
      'README.md': '```bash\npip install torch --index-url https://download.pytorch.org/whl/cu121\n```\n',
    });
    try {
      const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(r.stderr).toMatch(/several PyTorch variants.*this machine takes cu1[23]\d/);
      expect(r.stderr).not.toMatch(/the plan picks one/);
    } finally {
      cleanup(dir);
    }
  });

  it('a variant the files name that this host cannot run is said by init, not only by plan --explain', () => {
    const dir = tempProject({ 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\ntorch==2.3.1\n' });
    try {
      const r = danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'rtx3090-470.json')]);
      expect(r.stderr).toMatch(/note {2}cu121 not followed: cu121 \(requirements\.txt:1\) does not run on this host/);
    } finally {
      cleanup(dir);
    }
  });

  it("a README's +cuXXX line merged into requirements.txt's torch range is cited at the README's line", () => {
    const dir = tempProject({
      'requirements.txt': 'torch>=2.0.0\nnumpy\n',
      'README.md': '```bash\npip install torch==2.8.0+cu128 --extra-index-url https://download.pytorch.org/whl/cu128\npip install -r requirements.txt\n```\n',
    });
    try {
      const r = danlu(['init', dir, '--yes', '--no-solve', '--host', join(HOST_FILES, 'rtx3090-470.json')]);
      expect(r.stderr).toMatch(/cu128 not followed: cu128 \(README\.md:2\) does not run on this host/);
    } finally {
      cleanup(dir);
    }
  });

  it('a package only the guide names, left out on this machine, is not said to go to a group', () => {
    const readme = '```bash\npip install -r requirements.txt\npip install flash-attn --no-build-isolation\npip install einops\n```\n';
    const dir = tempProject({ 'requirements.txt': 'torch>=2.4\n', 'README.md': readme });
    try {
      const v100 = danlu(['init', dir, '--yes', '--no-solve', '--host', join(HOST_FILES, 'v100-550.json')]);
      expect(v100.stderr).toMatch(/went to group "readme": einops\n/);
      expect(v100.stderr).toMatch(/FlashAttention-2 runs on Ampere/);
    } finally {
      cleanup(dir);
    }
  });

  it('the same note for several lines is said once, and hundreds of extras are counted, not listed', () => {
    const win = 'xformers @ https://download.pytorch.org/whl/cu121/xformers-0.0.23-cp310-cp310-win_amd64.whl';
    const extras = Array.from({ length: 12 }, (_, i) => `e${i} = ["${win}"]`).join('\n');
    const dir = tempProject({
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy"]\n\n[project.optional-dependencies]\n${extras}\n`,
    });
    try {
      const r = danlu(['init', dir, '--yes', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(r.stderr.match(/xformers: this wheel is for Windows/g)).toHaveLength(1);
      expect(r.stderr).toMatch(/\(1 main, 1 e0, 1 e1, 1 e2, 1 e3, 1 e4, 7 more extras and groups\)/);
    } finally {
      cleanup(dir);
    }
  });
});

describe("the project's torch pin comes from what the environment installs", () => {
  const PYPROJECT =
    '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy"]\n\n[project.optional-dependencies]\n' +
    'xpu = ["torch @ https://download.pytorch.org/whl/xpu/torch-2.6.0%2Bxpu-cp312-cp312-linux_x86_64.whl"]\ncu124 = ["torch==2.5.1"]\n';
  const planOf = (files: Record<string, string>) => {
    const dir = tempProject({ ...files, 'demo/train.py': 'import torch\n' });
    try {
      const r = danlu(['plan', dir, '--no-solve', '--json', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { torch: { version: string }; warnings: { id: string }[] };
    } finally {
      cleanup(dir);
    }
  };

  it('a torch in extras nothing selects (one per vendor or release) pins nothing', () => {
    const p = planOf({ 'pyproject.toml': PYPROJECT });
    expect(p.warnings.map((w) => w.id)).not.toContain('torch-pin-unknown');
    expect(p.torch.version).not.toBe('2.5.1');
  });

  it("the extra the README installs is the project's choice: its torch is the pin", () => {
    const p = planOf({ 'pyproject.toml': PYPROJECT, 'README.md': '```bash\npip install -e ".[cu124]"\n```\n' });
    expect(p.torch.version).toBe('2.5.1');
  });
});

describe('plan --explain claims nothing uv did not find', () => {
  it('without a lock, it does not say that every dependency installs or that nothing holds torch back', () => {
    const dir = tempProject({ 'requirements.txt': 'torch\nnumpy\n' });
    try {
      const r = danlu(['plan', dir, '--explain', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toMatch(/every dependency installs on it|nothing in the project holds it back/);
      expect(r.stdout).toMatch(/python: not known: uv did not lock the project/);
    } finally {
      cleanup(dir);
    }
  });
});
