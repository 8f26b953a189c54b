import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readProject } from './read-project.js';

const root = mkdtempSync(join(tmpdir(), 'danlu-read-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('reading a project with a very long dependency list', () => {
  it('a 5 MB pyproject.toml (267k dependencies): read without overflowing the stack, each at its line', async () => {
    const n = 267_000;
    const dir = join(root, 'big');
    const head = '[project]\nname = "big"\nversion = "0.1"\ndependencies = [\n';
    const deps = Array.from({ length: n }, (_, i) => `  "pkg${i}>=1.0",\n`).join('');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pyproject.toml'), `${head}${deps}]\n[dependency-groups]\ndev = ["pkg7>=1.0", "pytest"]\n`);
    const project = await readProject(dir);
    const names = project.requirements.map((r) => r.name);
    expect(names).toHaveLength(n + 2);
    expect(project.requirements[0]).toMatchObject({ name: 'pkg0', specifier: '>=1.0', origin: { line: 5 } });
    expect(project.requirements[n - 1]!.origin.line).toBe(n + 4);
    // The same text again, in a group: found where the group writes it.
    expect(project.requirements[n]).toMatchObject({ name: 'pkg7', origin: { line: n + 7 } });
    expect(project.requirements[n + 1]).toMatchObject({ name: 'pytest', origin: { line: n + 7 } });
    expect(project.imported?.requirements.length).toBe(n + 2);
  }, 120_000);
});
