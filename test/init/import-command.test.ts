import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, jsonOut, tempProject } from '../support/cli.js';

describe('danlu import', () => {
  it('takes the repository folder as its argument, like -C', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\neinops\n', 'sub/requirements.txt': 'scipy\n' });
    try {
      const byArg = jsonOut(danlu(['import', dir, '--json']));
      const byFlag = jsonOut(danlu(['import', '-C', dir, '--json']));
      expect(byArg.requirements.map((r: { name: string }) => r.name)).toEqual(['numpy', 'einops']);
      expect(byArg).toEqual(byFlag);
    } finally {
      cleanup(dir);
    }
  });

  it('still reads named files, relative to -C', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\n', 'sub/requirements.txt': 'scipy\n' });
    try {
      const r = jsonOut(danlu(['import', join('sub', 'requirements.txt'), '-C', dir, '--json']));
      expect(r.requirements.map((x: { name: string }) => x.name)).toEqual(['scipy']);
    } finally {
      cleanup(dir);
    }
  });

  it('prints its summary once, at the end of the report', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy<2\neinops\n' });
    try {
      const r = danlu(['import', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout.match(/2 dependencies/g)).toHaveLength(1);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Summary: 2 dependencies/);
    } finally {
      cleanup(dir);
    }
  });

  it('accounts for every line it reads: a conda export, the install script the README runs, a second environment', () => {
    const dir = tempProject({
      'environment.yml':
        'name: demo\ndependencies:\n  - aws-c-common=0.9.0=hd590300_0\n  - python=3.10.12=hd12c33a_0_cpython\n  - pip:\n      - numpy==1.26.4\n',
      'install.sh': '#!/bin/bash\nset -e\npip install einops --extra-index-url https://mirrors.example.edu/pypi/simple\n',
      'README.md':
        '```bash\nconda env create -f environment.yml\nconda activate demo\nbash install.sh\nconda create -n serve --clone demo\nconda activate serve\npip install vllm\n```\n',
    });
    try {
      const r = jsonOut(danlu(['import', dir, '--json']));
      const at = (file: string, line: number) =>
        r.report
          .filter((e: { origin: { file: string; line: number } }) => e.origin.file === file && e.origin.line === line)
          .map((e: { kind: string }) => e.kind);
      expect(r.requirements.map((q: { name: string }) => q.name)).toEqual(['numpy', 'einops']);
      expect(at('environment.yml', 3)).toEqual(['left-out']);
      expect(at('install.sh', 3)).toEqual(['dependency', 'index']);
      expect(r.mirrors.map((m: { url: string }) => m.url)).toEqual(['https://mirrors.example.edu/pypi/simple']);
      expect(r.indexes).toEqual([]);
      for (const line of [2, 3, 4, 5, 6, 7]) expect(at('README.md', line).length).toBeGreaterThan(0);
      expect(at('README.md', 7)).toEqual(['left-out']);
    } finally {
      cleanup(dir);
    }
  });
});
