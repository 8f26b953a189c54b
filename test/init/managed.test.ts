import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, read, tempProject } from '../support/cli.js';

/**
 * What danlu wrote into pyproject.toml is danlu's ([tool.danlu.managed]): a re-run updates it
 * while the file holds it as danlu wrote it, keeps what the user changed, and never reads its
 * own entries back as the project's input.
 */
const H100 = ['--host', join(HOST_FILES, 'h100-580.json'), '--no-solve'];
const toml = (dir: string) => parseToml(read(dir, 'pyproject.toml')) as any;

describe("danlu's own values in pyproject.toml", () => {
  it('init --python 3.11 after a 3.12 plan: requires-python and the lock environments follow; a third run changes nothing', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n' });
    try {
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      expect(toml(dir).project['requires-python']).toBe('>=3.12');
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', '--python', '3.11', ...H100]));
      const py = toml(dir);
      expect(py.project['requires-python']).toBe('>=3.11');
      expect(py.tool.uv.environments).toEqual(["sys_platform == 'linux' and platform_machine == 'x86_64' and python_version == '3.11'"]);
      expect(py.tool.danlu.managed['requires-python']).toBe('>=3.11');
      expect(r.files.find((f: { path: string }) => f.path === 'pyproject.toml').notes.join('\n')).toMatch(/requires-python >=3\.12 -> >=3\.11/);
      const third = jsonOut(danlu(['init', dir, '--yes', '--json', '--python', '3.11', ...H100]));
      expect(third.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });

  it('a requires-python the user changed is theirs: kept on the next run', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n' });
    try {
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      writeFileSync(join(dir, 'pyproject.toml'), read(dir, 'pyproject.toml').replace('requires-python = ">=3.12"', 'requires-python = ">=3.10"'));
      expect(danlu(['init', dir, '--yes', '--python', '3.11', ...H100]).code).toBe(0);
      expect(toml(dir).project['requires-python']).toBe('>=3.10');
    } finally {
      cleanup(dir);
    }
  });

  it('the torch entries danlu added are not read back as the project pinning torch (plan --explain)', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n', 'train.py': 'import torch\n' });
    try {
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      expect(toml(dir).project.dependencies).toContain('torch==2.14.*');
      const plan = jsonOut(danlu(['plan', dir, '--json', '--host', join(HOST_FILES, 'rtx3090-470.json'), '--no-solve']));
      // On a 470 driver the plan is by the host, not "pinned by torch==2.14.*" from danlu's own line.
      expect(plan.torch.version).toBe('2.7.1');
      expect(plan.decisions.find((d: { what: string }) => d.what === 'torch').why).not.toMatch(/pinned by/);
      // And init on that host moves danlu's own entries, its index and constraint with the plan.
      expect(danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'rtx3090-470.json'), '--no-solve']).code).toBe(0);
      const py = toml(dir);
      expect(py.project.dependencies).toContain('torch==2.7.*');
      expect(py.project.dependencies).not.toContain('torch==2.14.*');
      expect(py.tool.uv.index.find((i: { name: string }) => i.name === 'pytorch').url).toBe('https://download.pytorch.org/whl/cu118');
    } finally {
      cleanup(dir);
    }
  });

  it("the project's own [tool.uv] environments are kept, narrowed to the container's Python, and said", () => {
    const dir = tempProject({
      'pyproject.toml':
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = ["torch>=1.13"]\n\n[tool.uv]\nenvironments = ["sys_platform == \'linux\'"]\n',
    });
    try {
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...H100]));
      expect(toml(dir).tool.uv.environments).toEqual(["sys_platform == 'linux' and python_version == '3.12'"]);
      expect(r.files.find((f: { path: string }) => f.path === 'pyproject.toml').notes.join('\n')).toMatch(/environments: yours, each narrowed/);
      // A user's requires-python is never danlu's to move.
      expect(toml(dir).project['requires-python']).toBe('>=3.8');
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...H100]));
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });
});

describe('.python-version danlu wrote is its own', () => {
  it('a second run does not read it as the project pinning Python; a --python choice stays the user’s', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n' });
    try {
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      expect(read(dir, '.python-version').trim()).toBe('3.12');
      expect(toml(dir).tool.danlu.managed['python-version']).toBe('3.12');
      const plan = jsonOut(danlu(['plan', dir, '--json', ...H100]));
      expect(plan.decisions.find((d: { what: string }) => d.what === 'python')?.source).not.toBe('.python-version');
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...H100]));
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
      // The user's own choice is not danlu's: it holds on the next run without the flag.
      expect(danlu(['init', dir, '--yes', '--python', '3.11', ...H100]).code).toBe(0);
      expect(toml(dir).tool.danlu.managed['python-version']).toBeUndefined();
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      expect(read(dir, '.python-version').trim()).toBe('3.11');
    } finally {
      cleanup(dir);
    }
  });

  it('a .python-version the project had is its own from the first run', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n', '.python-version': '3.11\n' });
    try {
      expect(danlu(['init', dir, '--yes', ...H100]).code).toBe(0);
      expect(toml(dir).tool.danlu.managed['python-version']).toBeUndefined();
      const plan = jsonOut(danlu(['plan', dir, '--json', ...H100]));
      expect(plan.decisions.find((d: { what: string }) => d.what === 'python')?.source).toBe('.python-version');
    } finally {
      cleanup(dir);
    }
  });
});
