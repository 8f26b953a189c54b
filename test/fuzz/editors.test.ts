import fc from 'fast-check';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mergeEnv } from '../../src/apply/merge-env.js';
import { mergeJsonc } from '../../src/apply/merge-jsonc.js';
import { mergePyproject } from '../../src/apply/merge-pyproject.js';
import { mergeYaml } from '../../src/apply/merge-yaml.js';
import { DanluError } from '../../src/lib/errors.js';
import { parseEnv, parseEnvLines } from '../../src/project/dotenv.js';
import { envText, envValue, type EnvEntry } from '../../src/render/env.js';
import { renderNewPyproject } from '../../src/render/pyproject.js';
import { ownEntries, pinEdits, withPinConstraints } from '../../src/plan/pyproject/plan-pyproject.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { hostProfile, projectFacts } from '../../src/plan/testing/fixtures.js';

/** Fixed seed and bounded runs: the same cases on every CI run. */
const opts = { seed: 20261122, numRuns: 200 };

const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 200 });

describe('.env', () => {
  it('any text either parses or fails with a DanluError carrying its line', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          parseEnvLines(text, '.env');
        } catch (e) {
          expect(e).toBeInstanceOf(DanluError);
          expect((e as DanluError).location?.line).toBeGreaterThan(0);
        }
      }),
      opts,
    );
  });

  it('a written value reads back unchanged, or is refused', () => {
    fc.assert(
      fc.property(key, fc.string({ unit: 'grapheme', maxLength: 40 }), (k, value) => {
        let line: string;
        try {
          line = `${k}=${envValue(value, k)}`;
        } catch (e) {
          expect(e).toBeInstanceOf(DanluError);
          return;
        }
        expect(parseEnv(`${line}\n`, '.env')[k]).toBe(value);
      }),
      opts,
    );
  });

  it("merging keeps the user's keys and sets danlu's, and a second merge changes nothing", () => {
    const entry = fc.record({ key, value: fc.stringMatching(/^[A-Za-z0-9_./:-]{0,20}$/) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.array(entry, { maxLength: 8 }), (userEntries, ours) => {
        const existing = envText(userEntries.map((e) => ({ ...e, comment: 'mine' })));
        const desired: EnvEntry[] = [...new Map(ours.map((e) => [e.key, e])).values()];
        const first = mergeEnv(existing, { path: '.env', text: envText(desired), entries: desired, keep: [] });
        const text = first.text ?? existing;
        const parsed = parseEnv(text, '.env');
        for (const e of desired) expect(parsed[e.key]).toBe(e.value);
        for (const u of userEntries) if (!desired.some((d) => d.key === u.key)) expect(u.key in parsed).toBe(true);
        expect(mergeEnv(text, { path: '.env', text: envText(desired), entries: desired, keep: [] }).action).toBe('unchanged');
      }),
      opts,
    );
  });
});

// Plain data that every format can hold.
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean());
const data = fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(key, scalar, { maxKeys: 4 })), { maxKeys: 6 });

describe('YAML and JSONC merges', () => {
  it('YAML: the result parses, keeps every value the user had, adds what was missing, and is stable', () => {
    fc.assert(
      fc.property(data, data, (mine, ours) => {
        const existing = `# user file\n${stringifyYaml(mine)}`;
        const r = mergeYaml(existing, { path: 'x.yml', text: stringifyYaml(ours), data: ours }, false);
        const text = r.text ?? existing;
        const out = parseYaml(text) ?? {};
        for (const [k, v] of Object.entries(mine)) if (r.action !== 'conflict') expect(out[k]).toBeDefined(), expect(typeof out[k]).toBe(typeof v);
        if (r.action === 'updated') {
          expect(text.startsWith('# user file')).toBe(true);
          for (const k of Object.keys(ours)) expect(k in out).toBe(true);
          const again = mergeYaml(text, { path: 'x.yml', text: stringifyYaml(ours), data: ours }, false);
          expect(again.action === 'unchanged' || again.action === 'conflict').toBe(true);
        }
      }),
      opts,
    );
  });

  it('JSONC: comments survive, the result parses, and a second merge changes nothing', () => {
    fc.assert(
      fc.property(data, data, (mine, ours) => {
        const existing = `// my settings\n${JSON.stringify(mine, null, 2)}\n`;
        const r = mergeJsonc(existing, { path: 'x.json', text: JSON.stringify(ours), data: ours }, false);
        const text = r.text ?? existing;
        expect(text.startsWith('// my settings')).toBe(true);
        const out = parseJsonc(text);
        for (const k of Object.keys(mine)) expect(k in out).toBe(true);
        if (r.action === 'updated') {
          expect(mergeJsonc(text, { path: 'x.json', text: '', data: ours }, false).action).not.toBe('updated');
        }
      }),
      opts,
    );
  });

  it('malformed YAML or JSONC fails with file:line, never anything else', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const merge of [mergeYaml, mergeJsonc]) {
          try {
            merge(text, { path: 'f', text: 'x', data: { a: 1 } }, false);
          } catch (e) {
            expect(e).toBeInstanceOf(DanluError);
            expect((e as DanluError).location?.file).toBe('f');
          }
        }
      }),
      opts,
    );
  });
});

describe('pyproject.toml merge', () => {
  const plan = makePlan({
    host: hostProfile({ gpus: ['NVIDIA H100 80GB HBM3'], driver: '580.159.04', cuda: '13.0' }),
    project: projectFacts(),
    options: {},
    catalog: EMBEDDED_CATALOG,
  });
  const wants = { ...plan.pyproject, project: { ...plan.pyproject.project, name: 'x', version: '0.1.0' } };
  const spec = { path: 'pyproject.toml', text: renderNewPyproject(wants), pyproject: wants };

  it("any user TOML: the result parses, keeps the user's tables, routes torch, and is stable", () => {
    const userDoc = fc.record({
      project: fc.record({
        name: fc.string({ minLength: 1, maxLength: 10 }),
        dependencies: fc.array(fc.constantFrom('numpy', 'einops>=0.7', 'timm', 'torch>=2.0'), { maxLength: 4 }),
      }),
      tool: fc.dictionary(fc.constantFrom('ruff', 'black', 'pytest'), fc.dictionary(key, scalar, { maxKeys: 3 }), { maxKeys: 2 }),
    });
    fc.assert(
      fc.property(userDoc, (doc) => {
        const existing = `# mine\n${stringifyToml(doc)}`;
        const r = mergePyproject(existing, spec, false);
        const text = r.text ?? existing;
        const out = parseToml(text) as any;
        expect(text.startsWith('# mine')).toBe(true);
        for (const t of Object.keys(doc.tool)) expect(out.tool[t]).toEqual(doc.tool[t]);
        for (const d of doc.project.dependencies) expect(out.project.dependencies).toContain(d);
        expect(out.tool.uv.sources.torch).toEqual(wants.torchSources.torch);
        expect(mergePyproject(text, spec, false).action).toBe('unchanged');
      }),
      { ...opts, numRuns: 100 },
    );
  });

  it('torch pins the plan moved: rewritten in place when asked, a constraint when unpinned or a range that admits the plan, else a conflict', () => {
    const entry = fc.tuple(
      fc.constantFrom('torch', 'torchvision', 'torchaudio'),
      fc.constantFrom('', '==2.0.1', '>=2.0', '~=2.1.0'),
      fc.constantFrom('', ' ; sys_platform == "linux"'),
    );
    const doc = fc.record({
      deps: fc.uniqueArray(entry, { maxLength: 3, selector: ([n]) => n }),
      other: fc.array(fc.constantFrom('numpy', 'einops>=0.7'), { maxLength: 2 }),
      explicit: fc.boolean(),
    });
    fc.assert(
      fc.property(doc, ({ deps, other, explicit }) => {
        const written = deps.map(([n, v, m]) => `${n}${v}${m}`);
        const list = [...other, ...written];
        const existing = `[project]\nname = "p"\nversion = "1"\ndependencies = [\n${list.map((d) => `  ${JSON.stringify(d)},  # ${d.length}\n`).join('')}]\n`;
        const replaced = deps.map(([n, , m], i) => ({ name: n, from: written[i]!, to: `${n}==2.14.*${m}`, specifier: '==2.14.*', why: 'test' }));
        // The plan decides what happens to each entry; the merge carries it out.
        const pins = pinEdits(replaced, ownEntries(parseToml(existing) as Record<string, unknown>), { pins: explicit ? 'follow' : 'keep' });
        const planned = { ...spec, pyproject: { ...wants, pins, constraints: withPinConstraints(wants.constraints, pins) } };
        const r = mergePyproject(existing, planned, false);
        // A range that admits the planned 2.14.* (>=2.0) is held by a constraint; a pin that excludes it is a conflict.
        const pinnedOnes = deps.filter(([, v]) => v !== '' && v !== '>=2.0');
        if (!explicit && pinnedOnes.length > 0) {
          expect(r.action).toBe('conflict');
          expect(r.text).toBeNull();
          expect(r.conflicts.filter((c) => c.startsWith('project.dependencies: yours'))).toHaveLength(pinnedOnes.length);
          return;
        }
        const out = parseToml(r.text!) as any;
        const kept = [...other, ...(explicit ? replaced.map((x) => x.to) : written)];
        const nameOf = (d: string) => /^[A-Za-z0-9._-]+/.exec(d)![0];
        // The plan's own dependencies join when the file names them nowhere.
        const expected = [...kept, ...wants.dependencies.filter((d) => !kept.some((k) => nameOf(k) === nameOf(d)))];
        expect(out.project.dependencies).toEqual(expected);
        // Comments stay with their lines, spacing and all.
        for (const d of other) expect(r.text).toContain(`${JSON.stringify(d)},  # ${d.length}\n`);
        const constraints = out.tool?.uv?.['constraint-dependencies'] ?? [];
        for (const [n] of deps) expect(constraints.includes(`${n}==2.14.*`)).toBe(!explicit);
        expect(mergePyproject(r.text!, planned, false).action).toBe('unchanged');
      }),
      { ...opts, numRuns: 100 },
    );
  });

  it('malformed TOML fails with file:line:column', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          mergePyproject(text, spec, false);
        } catch (e) {
          expect(e).toBeInstanceOf(DanluError);
          expect((e as DanluError).location?.line).toBeGreaterThan(0);
        }
      }),
      opts,
    );
  });
});
