import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPECIAL_PACKAGE_FACTS } from '../../src/catalog/data/special-package-facts.js';
import { REPO } from '../support/cli.js';

/**
 * One kernel: each small fact has one owner, and a second copy fails here (a copy drifts: the
 * review found five torch families, nine "X.Y of a version" and lists of special packages that
 * nothing tied to the registry). Each rule names the one file allowed to hold the fact.
 */
const SRC = join(REPO, 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
const SOURCES = files(SRC).map((f) => ({ path: relative(SRC, f), text: readFileSync(f, 'utf8') }));

const RULES: { fact: string; owner: string; pattern: RegExp }[] = [
  { fact: 'the torch family', owner: 'lib/py.ts', pattern: /new Set\(\[\s*'torch',\s*'torchvision',\s*'torchaudio'\s*\]\)/ },
  { fact: '"X.Y" of a version (minorOf)', owner: 'lib/py.ts', pattern: /(?:function\s+minorOf\b|\bminorOf\s*=\s*\()/ },
  { fact: 'the canonical PyPI index URL', owner: 'catalog/mirrors.ts', pattern: /https:\/\/pypi\.org\/simple/ },
  { fact: 'the Ubuntu releases', owner: 'catalog/cuda-images.ts', pattern: /'2[24]\.04'\s*(?:\||,)\s*'2[24]\.04'/ },
  // Every engine call takes dockerCommand() (DANLU_DOCKER) or the engine's binary from ENGINES (the
  // check before a Compose v1 build asks the `docker` on PATH on purpose: the one it builds with).
  { fact: "the engine's client binary", owner: 'catalog/engine.ts', pattern: /exec\(\s*'docker'|binary:\s*'docker'/ },
  { fact: 'the default Python (a fallback)', owner: 'plan/choose-python.ts', pattern: /(?:\?\?|DEFAULT_PYTHON\s*=)\s*'3\.1\d'/ },
  // Engine facts are ENGINES[kind]: Podman is one entry there, not a search for Docker's names.
  { fact: "the engine's name for the host", owner: 'catalog/engine.ts', pattern: /host\.docker\.internal/ },
];

/** Every name a special package goes by: a literal list of two or more of them is a second table. */
const SPECIAL_NAMES: ReadonlySet<string> = new Set<string>(
  SPECIAL_PACKAGE_FACTS.flatMap((f) => [f.name, ...('aliases' in f ? f.aliases : []), ...('importName' in f ? [f.importName] : [])]).filter(
    (n) => !['torch', 'torchvision', 'torchaudio', 'triton', 'xformers'].includes(n),
  ),
);

describe('one kernel', () => {
  it.each(RULES)('$fact lives only in $owner', ({ owner, pattern }) => {
    const elsewhere = SOURCES.filter((s) => s.path !== owner && pattern.test(s.text)).map((s) => s.path);
    expect(elsewhere).toEqual([]);
    expect(SOURCES.find((s) => s.path === owner)?.text, `${owner} should hold it`).toMatch(pattern);
  });

  it("special packages are listed only in the catalog's table (the registry keys resolvers by it)", () => {
    const lists: string[] = [];
    for (const s of SOURCES) {
      if (s.path === 'catalog/data/special-package-facts.ts') continue;
      // Lists of string literals only (a table's rows are objects, not such a list).
      for (const m of s.text.matchAll(/\[(\s*'[^'\n]*'(?:\s*,\s*'[^'\n]*')+\s*,?\s*)\]/g)) {
        const names = [...m[1]!.matchAll(/'([a-z0-9_.-]+)'/g)].map((x) => x[1]!).filter((n) => SPECIAL_NAMES.has(n));
        if (new Set(names).size >= 2) lists.push(`${s.path}: [${names.join(', ')}]`);
      }
    }
    expect(lists).toEqual([]);
  });

  it('a decision is looked up by its id, never by its text', () => {
    const byText = /decisions\.(?:find|findIndex|filter|some|every)\(\((\w+)\) => \1\.what ===/;
    expect(SOURCES.filter((s) => byText.test(s.text)).map((s) => s.path)).toEqual([]);
    expect(byText.test("plan.decisions.find((d) => d.what === 'team hosts')")).toBe(true);
  });

  it('the rules are live: each finds its fact in a copy', () => {
    const list = /\[(\s*'[^'\n]*'(?:\s*,\s*'[^'\n]*')+\s*,?\s*)\]/;
    expect(list.exec("const EXT = ['flash_attn', 'mamba_ssm'] as const;")?.[1]).toContain('mamba_ssm');
    expect(RULES[0]!.pattern.test("const F = new Set(['torch', 'torchvision', 'torchaudio']);")).toBe(true);
    expect(RULES[1]!.pattern.test("const minorOf = (v: string) => v.split('.').slice(0, 2).join('.');")).toBe(true);
    expect(RULES[3]!.pattern.test("release: '22.04' | '24.04';")).toBe(true);
    expect(RULES[5]!.pattern.test("python: hint ?? '3.12',")).toBe(true);
    expect(RULES[5]!.pattern.test("{ ubuntu: '24.04', python: '3.12' }")).toBe(false);
    expect(RULES[6]!.pattern.test("extra_hosts: ['host.docker.internal:host-gateway'],")).toBe(true);
  });
});

describe('the planner reads like the process', () => {
  it('makePlan is a list of named steps under 80 lines', () => {
    const text = readFileSync(join(SRC, 'plan', 'make-plan.ts'), 'utf8');
    const body = /^export function makePlan\b[\s\S]*?^}/m.exec(text)?.[0] ?? '';
    expect(body).not.toBe('');
    expect(body.split('\n').length).toBeLessThan(80);
  });
});
