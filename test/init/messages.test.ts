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
});
