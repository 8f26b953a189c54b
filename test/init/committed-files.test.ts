import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, REPO, tempProject } from '../support/cli.js';

/** The files `danlu init` writes that a repository commits (README's table). */
const COMMITTED = [
  'pyproject.toml',
  '.python-version',
  'docker-compose.yml',
  '.devcontainer/Dockerfile',
  '.devcontainer/devcontainer.json',
  '.devcontainer/uv-sync.sh',
  '.env.example',
  '.gitignore',
  '.dockerignore',
  '.vscode/extensions.json',
  '.vscode/settings.json',
  '.vscode/launch.json',
];

function initFor(repo: string, host: string) {
  const dir = tempProject({}, repo);
  cpSync(join(REPO, 'test', 'fixtures', 'repos', repo), dir, { recursive: true });
  const r = danlu(['init', dir, '--yes', '--json', '--host', join(HOST_FILES, `${host}.json`)]);
  expect([0, 1], r.stderr).toContain(r.code);
  const files = Object.fromEntries(COMMITTED.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const extend = readFileSync(join(dir, '.devcontainer', 'docker-compose.extend.yml'), 'utf8');
  return { dir, plan: jsonOut(r).plan, files, extend };
}

describe('committed files do not depend on the machine', () => {
  // One H100 with 16 cores / 128 GiB against two H100s with 64 cores / 512 GiB: the same torch build.
  for (const repo of ['hiyouga__LLaMA-Factory', 'Zyphra__Zonos', 'karpathy__nanoGPT']) {
    it(`${repo}: two hosts, one torch build, byte-identical committed files`, () => {
      const a = initFor(repo, 'h100-580');
      const b = initFor(repo, 'h100x2-ubuntu2404');
      try {
        expect([b.plan.torch.version, b.plan.torch.backend]).toEqual([a.plan.torch.version, a.plan.torch.backend]);
        for (const f of COMMITTED) expect(b.files[f], f).toBe(a.files[f]);
        // Build settings of this machine live in its own (uncommitted) compose file.
        expect(a.files['pyproject.toml']).not.toMatch(/MAX_JOBS|TORCH_CUDA_ARCH_LIST|extra-build-variables/);
        expect(a.files['.env.example']).not.toMatch(/H100/);
      } finally {
        cleanup(a.dir);
        cleanup(b.dir);
      }
    });
  }

  it('a per-machine .env value (INSTALL_STARSHIP=false, --no-starship) stays in .env: committed files unchanged (L4)', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n' });
    try {
      const host = ['--host', join(HOST_FILES, 'h100-580.json')];
      expect(danlu(['init', dir, '--yes', ...host]).code).toBe(0);
      const before = Object.fromEntries(COMMITTED.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
      const env = readFileSync(join(dir, '.env'), 'utf8');
      writeFileSync(join(dir, '.env'), env.replace(/^INSTALL_STARSHIP=.*$/m, 'INSTALL_STARSHIP=false'));
      expect(danlu(['init', dir, '--yes', ...host]).code).toBe(0);
      expect(danlu(['init', dir, '--yes', '--no-starship', ...host]).code).toBe(0);
      for (const f of COMMITTED) expect(readFileSync(join(dir, f), 'utf8'), f).toBe(before[f]);
      expect(readFileSync(join(dir, '.env'), 'utf8')).toMatch(/^INSTALL_STARSHIP=false$/m);
    } finally {
      cleanup(dir);
    }
  });

  it("a source build gets this machine's MAX_JOBS in the uncommitted compose file", () => {
    const a = initFor('hiyouga__LLaMA-Factory', 'h100-580');
    const b = initFor('hiyouga__LLaMA-Factory', 'h100x2-ubuntu2404');
    try {
      expect(a.extend).toMatch(/MAX_JOBS: "\d+"/);
      expect(a.extend).not.toBe(b.extend);
    } finally {
      cleanup(a.dir);
      cleanup(b.dir);
    }
  });
});
