import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, read, REPO, tempProject } from '../support/cli.js';
import { isValidName } from '../support/pep508.js';
import { uvParseProblems } from '../support/uv-pyproject.js';

const HOST = ['--host', join(HOST_FILES, 'h100-580.json')];

describe('the project name and identity', () => {
  // Folder names users have: uv refuses a [project] name that is not a valid package name.
  const folders: [string, RegExp][] = [
    ['my proj', /^my-proj$/],
    ['丹炉项目', /^project-[0-9a-f]{6}$/],
    ['café-ml', /^cafe-ml$/],
    ["it's", /^it-s$/],
    ['-dash', /^dash$/],
    ['.hidden', /^hidden$/],
    ['proj$(touch PWNED)`id`;&|x', /^proj-touch-pwned-id-x$/],
  ];
  for (const [folder, expected] of folders) {
    it(`a folder named ${JSON.stringify(folder)} gets a valid, normalized [project] name`, () => {
      const dir = tempProject({ 'requirements.txt': 'numpy\n' }, folder);
      try {
        expect(danlu(['init', dir, '--yes', ...HOST]).code).toBe(0);
        const name = (parseToml(read(dir, 'pyproject.toml')) as any).project.name as string;
        expect(isValidName(name)).toBe(true);
        expect(name).toMatch(expected);
        expect(name).toBe(name.toLowerCase());
      } finally {
        cleanup(dir);
      }
    });
  }

  it('setup.py names the package: compose project and workspace follow it from the first run on', () => {
    const dir = tempProject({ 'setup.py': 'from setuptools import setup\nsetup(name="SAM-2", version="1.0", install_requires=["numpy"])\n' }, 'sam2real');
    try {
      const first = jsonOut(danlu(['init', dir, '--yes', '--json', ...HOST]));
      const second = jsonOut(danlu(['init', dir, '--yes', '--json', ...HOST]));
      expect(first.plan.project).toEqual(second.plan.project);
      expect(second.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
      expect((parseToml(read(dir, 'pyproject.toml')) as any).project.name).toBe('sam-2');
    } finally {
      cleanup(dir);
    }
  });

  it("a clone in a folder of another name: the README's own install is the project itself, not a git dependency", () => {
    const dir = tempProject({}, 'sam2real');
    cpSync(join(REPO, 'test', 'fixtures', 'repos', 'facebookresearch__sam2'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'setup.py'),
      'from setuptools import setup\nsetup(name="SAM-2", version="1.0", install_requires=["torch>=2.5.1", "numpy>=1.24.4"])\n',
    );
    writeFileSync(join(dir, 'README.md'), '```sh\ngit clone https://github.com/facebookresearch/sam2.git && cd sam2\npip install -e ".[notebooks]"\n```\n');
    try {
      expect(danlu(['init', dir, '--yes', ...HOST]).code).toBe(0);
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(JSON.stringify(py.tool?.uv?.sources ?? {})).not.toContain('facebookresearch/sam2');
      expect(JSON.stringify(py['dependency-groups'] ?? {})).not.toMatch(/"sam2/);
    } finally {
      cleanup(dir);
    }
  });

  it('a project whose dependencies are dynamic gets no static [project] dependencies (the backend would refuse the file)', () => {
    const dir = tempProject({}, 'ktransformers');
    cpSync(join(REPO, 'test', 'fixtures', 'repos', 'kvcache-ai__ktransformers'), dir, { recursive: true });
    try {
      const out = jsonOut(danlu(['init', dir, '--yes', '--json', ...HOST]));
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project.dynamic).toContain('dependencies');
      expect(py.project.dependencies).toBeUndefined();
      expect(py.project['optional-dependencies']).toBeUndefined();
      expect(py['dependency-groups'].environment).toContain(`torch${out.plan.torch.specifier}`);
    } finally {
      cleanup(dir);
    }
  });
});

describe('bad input stops before anything is written', () => {
  it('a requirements line pip would refuse: exit 2 with file:line:column, nothing written', () => {
    const dir = tempProject({ 'requirements.txt': 'torch>=2.0\nnumpy==\nfoo @ \n!!bad\n' });
    try {
      const r = danlu(['init', dir, '--yes', ...HOST]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/requirements\.txt:2:1: not a valid requirement: "==" is not a version specifier \(and 2 more lines/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const json = danlu(['init', dir, '--yes', '--json', ...HOST]);
      expect(JSON.parse(json.stdout).error.location).toEqual({ file: 'requirements.txt', line: 2, column: 1 });
      expect(readdirSync(dir)).toEqual(['requirements.txt']);
    } finally {
      cleanup(dir);
    }
  });

  it('an unknown --backend is refused (exit 2), not planned as another variant', () => {
    const dir = tempProject({ 'requirements.txt': 'numpy\n' });
    try {
      const r = danlu(['init', dir, '--yes', '--backend', 'cu999', ...HOST]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--backend cu999: no PyTorch release danlu knows has that variant/);
      expect(readdirSync(dir)).toEqual(['requirements.txt']);
    } finally {
      cleanup(dir);
    }
  });
});

describe('extra and group names in the spelling of the file (PEP 685)', () => {
  it.each([
    ['an extra spelled with _ (model_worker)', '[project.optional-dependencies]\nmodel_worker = ["torch", "transformers>=4.31.0"]\n', 'model-worker'],
    ['a dependency group spelled with . and capitals (Eval.Tools)', '[dependency-groups]\n"Eval.Tools" = ["torch", "numpy"]\n', 'eval-tools'],
  ])('%s: edited under its own key, never a second key uv refuses', (_what, table, normal) => {
    const dir = tempProject({
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["numpy"]\n\n${table}`,
    });
    try {
      const r = danlu(['init', dir, '--yes', '--json', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(r.code, r.stderr).toBe(0);
      const text = read(dir, 'pyproject.toml');
      expect(uvParseProblems(text)).toEqual([]);
      const py = parseToml(text) as any;
      const keys = [...Object.keys(py.project['optional-dependencies'] ?? {}), ...Object.keys(py['dependency-groups'] ?? {})];
      expect(keys.filter((k) => k.toLowerCase().replace(/[-_.]+/g, '-') === normal)).toHaveLength(1);
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', '--host', join(HOST_FILES, 'h100-580.json')]));
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    } finally {
      cleanup(dir);
    }
  });
});
