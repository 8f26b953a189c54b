import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DanluError } from '../../lib/errors.js';
import { classifyRequirementsFile, formatOf } from './discover.js';
import { importFiles, importProject } from './import-project.js';
import { formatReport, summarize } from './report.js';
import { names, req, warningIds } from './test-helpers.js';

const roots: string[] = [];
function repo(files: Record<string, string>, name = 'my-repo'): string {
  const root = join(mkdtempSync(join(tmpdir(), 'danlu-import-')), name);
  roots.push(dirname(root));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('classifyRequirementsFile', () => {
  it.each([
    ['requirements.txt', 'main'],
    ['requirements/requirements.txt', 'main'],
    ['requirements/runtime.txt', 'main'],
    ['requirements-dev.txt', 'dev'],
    ['dev-requirements.txt', 'dev'],
    ['requirements_test.txt', 'dev'],
    ['requirements/tests.txt', 'dev'],
    ['requirements/docs.txt', 'docs'],
    ['requirements-sparse_attn.txt', 'sparse-attn'],
    ['requirements/deepspeed.txt', 'deepspeed'],
  ])('%s -> %s', (file, group) => {
    expect(classifyRequirementsFile(file).group).toBe(group);
  });

  it('knows constraint files and the formats of danlu import FILE', () => {
    expect(classifyRequirementsFile('constraints.txt').constraint).toBe(true);
    expect(
      ['requirements.in', 'environment.yaml', 'pyproject.toml', 'setup.cfg', 'README.md', 'INSTALL_COMMANDS.txt', '.gitmodules', 'x.bin'].map(formatOf),
    ).toEqual(['requirements', 'conda', 'pyproject', 'setup', 'install-commands', 'install-commands', 'gitmodules', null]);
  });
});

describe('importProject', () => {
  const root = repo({
    'pyproject.toml': '[project]\nname = "my-repo"\ndependencies = ["numpy>=1.24"]\n',
    'requirements.txt': 'numpy>=1.26\ntorch==2.4.0+cu121\n-e ./third_party/ext\n',
    'requirements-dev.txt': 'pytest\n',
    'constraints.txt': 'urllib3<3\n',
    'requirements/docs.txt': 'sphinx\n',
    'third_party/ext/setup.py': 'from torch.utils.cpp_extension import BuildExtension, CUDAExtension\nsetup(name="ext")\n',
    'examples/demo/requirements.txt': 'gradio\n',
    '.venv/lib/requirements.txt': 'never-read\n',
    '.python-version': '3.12\n',
    'README.md':
      '# My repo\n\n```bash\ngit clone --recursive https://github.com/me/my-repo\ncd my-repo\npip install -r requirements.txt\npip install "tiktoken>=0.5" --no-build-isolation\n```\n\nRun `pip install wandb` for logging.\n',
  });

  it('reads root files and the requirements/ folder, skips examples and virtual environments', async () => {
    const r = await importProject(root);
    expect(r.files.map((f) => `${f.role} ${f.file}${f.group ? ` (${f.group})` : ''}`)).toEqual([
      'imported pyproject.toml',
      'imported constraints.txt (main)',
      'imported requirements.txt (main)',
      'imported requirements-dev.txt (dev)',
      'imported requirements/docs.txt (docs)',
      'imported .python-version',
      'imported README.md',
      'skipped examples/demo/requirements.txt',
      'skipped third_party/ext/setup.py',
    ]);
    expect(r.files.at(-1)!.reason).toMatch(/local package ext/);
  });

  it('merges, groups, keeps constraints apart and reads the guide (README packages go to group readme)', async () => {
    const r = await importProject(root);
    expect(req(r, 'numpy')).toMatchObject({ specifier: '>=1.26', alsoIn: [{ file: 'requirements.txt', line: 1 }] });
    expect(req(r, 'torch')).toMatchObject({ specifier: '==2.4.0', localVersion: 'cu121' });
    expect(names(r, 'dev')).toEqual(['pytest']);
    expect(names(r, 'docs')).toEqual(['sphinx']);
    expect(r.constraints.map((c) => c.raw)).toEqual(['urllib3<3']);
    expect(names(r, 'readme')).toEqual(['tiktoken', 'wandb']);
    expect(r.submodules).toHaveLength(1);
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.12']);
    expect(warningIds(r)).toEqual(expect.arrayContaining(['merged-specifiers', 'guide-only-packages']));
  });

  it("reads a local path package's own setup.py: a torch extension needs torch at build time", async () => {
    const r = await importProject(root);
    expect(req(r, 'ext').source).toEqual({ kind: 'path', path: 'third_party/ext', editable: true });
    expect(r.buildTimeTorch.map((b) => [b.name, b.why])).toEqual([
      ['tiktoken', 'the install guide installs tiktoken with --no-build-isolation'],
      ['ext', 'ext (third_party/ext): setup.py imports torch and builds torch C++/CUDA extensions'],
    ]);
  });

  it('prints a report with every line and a summary, and the result is plain JSON', async () => {
    const r = await importProject(root);
    const text = formatReport(r);
    expect(text).toContain('requirements.txt:2  torch==2.4.0+cu121');
    expect(text).toContain('-> [dependency] dependency torch==2.4.0; local version +cu121 dropped (CUDA hint cu121)');
    expect(text).toMatch(/skipped examples\/demo\/requirements.txt/);
    expect(summarize(r)).toMatch(/^\d+ dependencies \(\d+ main, /);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('stops with a DanluError at file:line on a pyproject.toml or environment.yml that does not parse', async () => {
    const bad = repo({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = [\n' });
    await expect(importProject(bad)).rejects.toMatchObject({ name: 'DanluError', code: 2, location: { file: 'pyproject.toml', line: 4 } });
    const badEnv = repo({ 'environment.yml': 'name: x\ndependencies:\n  - a\n\t- b\n' });
    await expect(importProject(badEnv)).rejects.toBeInstanceOf(DanluError);
    await expect(importProject(join(bad, 'missing'))).rejects.toBeInstanceOf(DanluError);
  });

  it('importFiles: only the named files, includes relative to the guide, unknown formats refused', async () => {
    const r = await importFiles(['examples/demo/requirements.txt'], { cwd: root });
    expect(r.requirements.map((q) => [q.name, q.origin.file])).toEqual([['gradio', 'examples/demo/requirements.txt']]);
    const sub = repo({ 'docs/INSTALL.txt': 'pip install -r reqs/requirements.txt\n', 'docs/reqs/requirements.txt': 'einops\n' });
    expect(names(await importFiles(['docs/INSTALL.txt'], { cwd: sub }))).toEqual(['einops']);
    await expect(importFiles(['notes.bin'], { cwd: repo({ 'notes.bin': 'x' }) })).rejects.toBeInstanceOf(DanluError);
    await expect(importFiles(['nope.txt'], { cwd: sub })).rejects.toBeInstanceOf(DanluError);
  });
});
