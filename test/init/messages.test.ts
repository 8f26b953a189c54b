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
});
