import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importProject } from './import-project.js';
import { formatReport } from './report.js';

const roots: string[] = [];
function repo(files: Record<string, string>): string {
  const root = join(mkdtempSync(join(tmpdir(), 'danlu-import-')), 'repo');
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

describe('credentials in the URLs of a project', () => {
  it('never reach the model: indexes and sources lose them, every text masks them, one warning says how uv gets them', async () => {
    const r = await importProject(
      repo({
        'requirements.txt': [
          '--extra-index-url https://alice:TOKENidx@pkgs.corp.example/repo/',
          '-f https://bob:TOKENfl@wheels.example/links.html',
          'privpkg @ https://dave:TOKENurl@files.example/p-1.0-py3-none-any.whl',
          'gitpkg @ git+https://eve:TOKENgit@github.com/o/g.git@v1',
          'sshpkg @ git+ssh://git@github.com/o/s.git',
          'numpy',
        ].join('\n'),
        'README.md': '```bash\npip install --index-url https://u:TOKENreadme@pypi.corp.example/simple foo\n```\n',
        'environment.yml': 'name: e\ndependencies:\n  - pip\n  - pip:\n    - ymlpkg @ git+https://u:TOKENyml@gitlab.example/o/y.git\n',
      }),
    );
    expect(JSON.stringify(r)).not.toContain('TOKEN');
    expect(formatReport(r)).not.toContain('TOKEN');
    expect(r.indexes.map((i) => i.url).sort()).toEqual(['https://pkgs.corp.example/repo/', 'https://wheels.example/links.html']);
    const source = (name: string) => r.requirements.find((q) => q.name === name)?.source;
    expect(source('privpkg')).toEqual({ kind: 'url', url: 'https://files.example/p-1.0-py3-none-any.whl' });
    expect(source('gitpkg')).toMatchObject({ kind: 'git', url: 'https://github.com/o/g.git', rev: 'v1' });
    expect(source('ymlpkg')).toMatchObject({ kind: 'git', url: 'https://gitlab.example/o/y.git' });
    expect(source('sshpkg')).toMatchObject({ kind: 'git', url: 'ssh://git@github.com/o/s.git' });
    expect(r.report.find((e) => e.text.startsWith('--extra-index-url'))?.text).toBe('--extra-index-url https://alice:***@pkgs.corp.example/repo/');
    const warnings = r.warnings.filter((w) => w.id === 'credentials-left-out');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/UV_INDEX_<NAME>_USERNAME .*netrc/);
    expect(r.credentials.map((c) => c.package ?? c.url).sort()).toEqual([
      'gitpkg',
      'https://pkgs.corp.example/repo/',
      'https://wheels.example/links.html',
      'privpkg',
      'ymlpkg',
    ]);
  });
});
