import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVerdict } from './verdict.js';

/** uv 0.13.9's own words for each case, recorded from `uv lock` on small projects (test/fixtures/uv-messages). */
const said = (name: string) => readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'uv-messages', `${name}.txt`), 'utf8').replace(/^exit.*\n/, '');

describe("uv lock's verdict, read from its words", () => {
  it('locked', () => expect(readVerdict(0, 'Resolved 3 packages in 2ms\n')).toEqual({ kind: 'locked' }));

  it('a path source that is not there: the path', () => {
    const text = 'Using CPython 3.12.1\nerror: Distribution not found at: file:///home/u/demo/deps/my%20ext\n';
    expect(readVerdict(2, text)).toMatchObject({ kind: 'missing-path', path: '/home/u/demo/deps/my ext' });
  });

  it('a build that cannot import a module it never declared: the package and the module', () => {
    expect(readVerdict(1, said('build-missing-module'))).toMatchObject({ kind: 'build', package: 'legacy-op', missing: 'pkg_resources' });
    expect(readVerdict(1, said('build'))).toMatchObject({ kind: 'build', missing: null });
    const sub = said('build-missing-module').replace("No module named 'pkg_resources'", "No module named 'torch.utils'");
    expect(readVerdict(1, sub)).toMatchObject({ kind: 'build', package: 'legacy-op', missing: null });
  });

  it('a requirement needs a newer Python than the planned one: python-below, with the package and its minimum', () => {
    const v = readVerdict(1, said('python-below'));
    expect(v).toMatchObject({ kind: 'python-below', package: 'torch', minimum: '3.9' });
  });

  it('a companion release pins another torch: unsatisfiable, torch involved, who pins it', () => {
    const v = readVerdict(1, said('companion'));
    expect(v.kind).toBe('unsatisfiable');
    if (v.kind !== 'unsatisfiable') return;
    expect(v.torch).toBe(true);
    expect(v.part).toBeNull();
    expect(v.bindings[0]).toEqual({ by: 'vllm==0.8.5', requirement: 'torch==2.6.0' });
  });

  it('an extra whose package pins another torch: the extra is named', () => {
    const v = readVerdict(1, said('ex'));
    expect(v).toMatchObject({ kind: 'unsatisfiable', torch: true, part: { kind: 'extra', name: 'serve' } });
    if (v.kind === 'unsatisfiable') expect(v.bindings[0]).toEqual({ by: 'vllm==0.8.5', requirement: 'torch==2.6.0' });
  });

  it("a dependency group pinning torch: the group, and both of its torch requirements (one is the plan's constraint)", () => {
    const v = readVerdict(1, said('grp'));
    expect(v).toMatchObject({ kind: 'unsatisfiable', torch: true, part: { kind: 'group', name: 'dev' } });
    if (v.kind === 'unsatisfiable') expect(v.bindings.map((b) => b.requirement)).toEqual(['torch==2.14.*', 'torch==2.6.0']);
  });

  it('no wheel for the planned Python: the package and the Pythons it has wheels for, newest first', () => {
    expect(readVerdict(1, said('py'))).toMatchObject({ kind: 'python', package: 'mediapipe', pythons: ['3.11', '3.10', '3.9', '3.8'] });
    expect(readVerdict(1, said('rp'))).toMatchObject({ kind: 'python', package: 'torch', pythons: ['3.11', '3.10', '3.9', '3.8'] });
  });

  it('a file uv refuses to read (duplicate normalized extra): refused', () => {
    const v = readVerdict(2, said('dup'));
    expect(v.kind).toBe('refused');
    if (v.kind === 'refused') expect(v.lines.join('\n')).toContain('duplicate normalized extra name');
  });

  it('a git host it cannot reach: unreachable, with the host', () => {
    expect(readVerdict(1, said('git'))).toMatchObject({ kind: 'unreachable', hosts: ['github.com'] });
  });

  it('a build that fails: the package', () => {
    expect(readVerdict(1, said('build'))).toMatchObject({ kind: 'build', package: 'av' });
  });

  it('a package PyPI does not have: unsatisfiable without torch', () => {
    expect(readVerdict(1, said('notfound'))).toMatchObject({ kind: 'unsatisfiable', torch: false, part: null, notFound: 'aws-c-common' });
  });

  it("the project's own environments reach Pythons the planned torch lacks: unsatisfiable with torch", () => {
    expect(readVerdict(1, said('envs'))).toMatchObject({ kind: 'unsatisfiable', torch: true });
  });

  it('a build that takes a name its module dropped (inspect.getargspec): the module and the name', () => {
    expect(readVerdict(1, said('build-removed-name'))).toMatchObject({ kind: 'build', package: 'pyext', removed: { module: 'inspect', name: 'getargspec' } });
    const imported = said('build').replace(
      /\n$/,
      "\n         ImportError: cannot import name 'Mapping' from 'collections' (/usr/lib/python3.12/collections/__init__.py)\n",
    );
    expect(readVerdict(1, imported)).toMatchObject({ kind: 'build', removed: { module: 'collections', name: 'Mapping' } });
    expect(readVerdict(1, said('build'))).toMatchObject({ kind: 'build', removed: null });
  });

  it('two extras that cannot be installed together: both named, the project not a side', () => {
    const v = readVerdict(1, said('extras-clash'));
    expect(v).toMatchObject({
      kind: 'unsatisfiable',
      torch: true,
      clash: {
        project: false,
        parts: [
          { kind: 'extra', name: 'gpu' },
          { kind: 'extra', name: 'train' },
        ],
      },
    });
  });

  it("a group that cannot be installed with the project's own dependencies: the group is the part", () => {
    const v = readVerdict(1, said('group-vs-project'));
    expect(v).toMatchObject({
      kind: 'unsatisfiable',
      torch: false,
      part: { kind: 'group', name: 'cog' },
      clash: { project: true, parts: [{ kind: 'group', name: 'cog' }] },
    });
  });
});
