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

  it('two projects of one machine with the same image inputs share one dev image; other inputs, another (L8)', () => {
    const host = ['--host', join(HOST_FILES, 'h100-580.json')];
    const dirs = [
      tempProject({ 'requirements.txt': 'numpy\n', 'train.py': 'import torch\n' }, 'alpha'),
      tempProject({ 'requirements.txt': 'scipy\npandas\n', 'main.py': 'import torch\n' }, 'beta-project'),
      tempProject({ 'requirements.txt': 'numpy\n', 'README.md': '# x\n\n```\nsudo apt-get install -y ffmpeg\n```\n' }, 'gamma'),
    ];
    try {
      const tags = dirs.map((dir) => {
        expect(danlu(['init', dir, '--yes', ...host]).code).toBe(0);
        return /^DEV_IMAGE=(.*)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))![1];
      });
      // The runtime stage names the project; the dev image does not depend on it.
      expect(readFileSync(join(dirs[0]!, '.devcontainer', 'Dockerfile'), 'utf8')).not.toBe(readFileSync(join(dirs[1]!, '.devcontainer', 'Dockerfile'), 'utf8'));
      expect(tags[1]).toBe(tags[0]);
      // An apt package of the project's is an input of the dev image.
      expect(tags[2]).not.toBe(tags[0]);
    } finally {
      for (const d of dirs) cleanup(d);
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
