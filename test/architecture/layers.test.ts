import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

/**
 * probe -> plan -> render -> apply, with the knowledge below and the commands on top: a folder
 * imports only from folders of a lower layer (or its own). A new import up the layers fails here.
 */
const LAYER: Record<string, number> = {
  lib: 0,
  catalog: 1, // knowledge: dated tables and their accessors
  probe: 2,
  host: 2, // the --host FILE reader
  project: 3, // reading the project's files into facts
  wheels: 4, // special-package resolvers (planning)
  plan: 5,
  render: 6,
  apply: 7,
  doctor: 8,
  compose: 8,
  export: 8,
  network: 8,
  solve: 8, // the joint solve: plan, render and apply in memory, checked by the real uv
  'setup-host': 9,
  cli: 10,
  'main.ts': 11,
};

const SRC = join(REPO, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );

/** Every import of a folder from a folder of a higher layer (or, for wheels, of its own layer). */
function ups(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const from = relative(SRC, file);
    const top = from.split('/')[0]!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
      const to = relative(SRC, normalize(join(dirname(file), m[1]!)));
      const toTop = to.split('/')[0]!;
      if (toTop === top || to.startsWith('..')) continue;
      expect(LAYER[top], `unknown folder ${top} (give it a layer)`).toBeDefined();
      expect(LAYER[toTop], `unknown folder ${toTop} (give it a layer)`).toBeDefined();
      if (LAYER[toTop]! < LAYER[top]!) continue;
      if (LAYER[toTop] === LAYER[top] && top !== 'wheels') continue;
      found.set(from, [...(found.get(from) ?? []), `${from} -> ${to}`]);
    }
  }
  return found;
}

describe('layers', () => {
  const found = ups();
  it('no folder imports from a higher layer', () => {
    expect([...found.values()].flat()).toEqual([]);
  });
  it('no file imports itself through others (no cycles; type-only imports are left out)', () => {
    const graph = new Map<string, string[]>();
    for (const file of files(SRC)) {
      const text = readFileSync(file, 'utf8');
      const deps = [...text.matchAll(/^(import|export)(?!\s+type\b)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)]
        .map((m) => normalize(join(dirname(file), m[2]!)).replace(/\.js$/, '.ts'))
        .filter((d) => d.startsWith(SRC));
      graph.set(file, deps);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(SRC, x)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
  it('sees imports at all (the scan is not blind)', () => {
    const text = readFileSync(join(SRC, 'plan', 'make-plan.ts'), 'utf8');
    expect(text).toMatch(/from '\.\.\/catalog\//);
    expect(files(SRC).length).toBeGreaterThan(100);
  });
});
