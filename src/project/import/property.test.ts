import fc from 'fast-check';
import { stringify as tomlStringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { stringify as yamlStringify } from 'yaml';
import { DanluError } from '../../lib/errors.js';
import { parseCondaEnv, parseCondaSpec } from './conda.js';
import { parseInstallCommands } from './install-commands.js';
import { checkMarker } from './marker.js';
import { mergeResults } from './merge.js';
import { normalizeSpecifier, parsePep508 } from './pep508.js';
import { poetryConstraint } from './poetry.js';
import { parsePyprojectDeps } from './pyproject.js';
import { parseRequirements } from './requirements.js';
import { parseSpec } from './spec.js';
import { memoryFs } from './test-helpers.js';
import type { ImportResult } from './types.js';

/** Fixed seeds and bounded runs: the same cases every time, in well under a second each. */
const RUNS = { seed: 20250611, numRuns: 400 };

/** Pieces of requirement lines, shell lines and YAML, so random text is near-valid often enough to reach deep code. */
const FRAGMENTS = [
  'torch',
  'Torch_Vision',
  'a',
  'flash-attn',
  '==',
  '>=',
  '<',
  '~=',
  '!=',
  '===',
  '=',
  '2.1.2',
  '+cu118',
  '.*',
  '1.0.dev0',
  ',',
  ' ',
  '  ',
  '\t',
  '[',
  ']',
  'extra',
  ';',
  ' ; ',
  "python_version >= '3.8'",
  'sys_platform == "linux"',
  ' and ',
  ' or ',
  '(',
  ')',
  '"',
  "'",
  '@',
  ' @ ',
  'git+https://github.com/o/r.git',
  '@v1',
  '#egg=x',
  '&subdirectory=sub',
  '#',
  ' # c',
  '\\',
  '\n',
  '\r\n',
  '-r ',
  '-c ',
  '-e ',
  '.',
  './p',
  '../',
  'x.whl',
  'pkg-1.0-py3-none-any.whl',
  'https://h/x.zip',
  '--hash=sha256:ab',
  '--index-url ',
  '--extra-index-url=',
  '-f ',
  'https://download.pytorch.org/whl/cu121',
  '--no-build-isolation',
  '--pre',
  '${VAR}',
  'pip install ',
  'conda install -c nvidia ',
  'uv add ',
  'git clone --recursive ',
  'cd ',
  '&&',
  '|',
  'MAX_JOBS=4 ',
  'python setup.py develop',
  'apt-get install -y ',
  '```',
  '$ ',
  'dependencies:',
  'channels:',
  '- ',
  '  - ',
  'pip:',
  ': ',
  '{',
  '}',
  '[x',
  'name: e',
  'cudatoolkit=11.3',
  'pytorch=1.12.1=py3_0',
];

const fragmentText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) => a.join(''));
const anyText = fc.oneof(fragmentText, fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));

/** Only a DanluError (bad input, exit code 2, with a location) may come out. */
function onlyDanluError(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DanluError);
    expect((err as DanluError).code).toBe(2);
    expect((err as DanluError).location?.file).toBeTruthy();
  }
}

function wellFormed(r: ImportResult, lines: number): void {
  for (const q of r.requirements) expect(parsePep508(q.raw).ok).toBe(true);
  for (const e of r.report) {
    // A line that made a parser throw is caught and reported as "could not be read": that would be a bug.
    expect(e.reason ?? '').not.toMatch(/^could not be read \(/);
    expect(e.origin.line).toBeGreaterThanOrEqual(1);
    if (e.origin.file === 'requirements.txt') expect(e.origin.line).toBeLessThanOrEqual(lines);
  }
}

describe('property: the importers never crash', () => {
  it('single requirement-like strings: every parser answers ok / not ok', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const f of [parsePep508, parseSpec, normalizeSpecifier, checkMarker, poetryConstraint, parseCondaSpec]) expect(() => f(s)).not.toThrow();
      }),
      RUNS,
    );
  });

  it('random and malformed requirements files (with includes and cycles) never throw', () => {
    fc.assert(
      fc.property(anyText, anyText, (main, other) => {
        const fs = memoryFs({ 'requirements.txt': `${main}\n-r other.txt\n`, 'other.txt': `${other}\n-r requirements.txt\n` });
        const text = `${main}\n-r other.txt\n`;
        const r = parseRequirements(text, 'requirements.txt', fs);
        wellFormed(r, text.split(/\r\n|\n|\r/).length);
        expect(() => mergeResults([{ result: r, rank: 1 }])).not.toThrow();
      }),
      RUNS,
    );
  });

  it('random install guides (plain and Markdown) never throw', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (text, markdown) => {
        const r = parseInstallCommands(text, markdown ? 'README.md' : 'INSTALL.txt', { projectNames: ['proj'] });
        wellFormed(r, Infinity);
      }),
      RUNS,
    );
  });

  it('random YAML text: a conda environment or a DanluError at file:line', () => {
    fc.assert(
      fc.property(anyText, (text) => onlyDanluError(() => parseCondaEnv(text, 'environment.yml', memoryFs({})))),
      RUNS,
    );
  });

  it('random YAML documents of any shape: a conda environment or a DanluError', () => {
    const entry = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(...FRAGMENTS),
      fc.integer(),
      fc.constant(null),
      fc.dictionary(fc.constantFrom('pip', 'x'), fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 })),
    );
    const env = fc.record(
      {
        name: fc.string({ maxLength: 10 }),
        channels: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), fc.anything()),
        dependencies: fc.oneof(fc.array(entry, { maxLength: 8 }), fc.anything()),
        variables: fc.anything(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(env, fc.anything()), (doc) => onlyDanluError(() => parseCondaEnv(String(yamlStringify(doc) ?? ''), 'environment.yml'))),
      RUNS,
    );
  });

  it('random TOML text and random pyproject tables: a result or a DanluError', () => {
    fc.assert(
      fc.property(anyText, (text) => onlyDanluError(() => parsePyprojectDeps(text, 'pyproject.toml'))),
      RUNS,
    );
    const deps = fc.array(fc.oneof(fragmentText, fc.string({ maxLength: 30 })), { maxLength: 6 });
    const table = fc.record(
      {
        project: fc.record(
          {
            name: fc.string({ maxLength: 8 }),
            dependencies: deps,
            'optional-dependencies': fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), deps, { maxKeys: 3 }),
            dynamic: fc.array(fc.constantFrom('dependencies', 'version')),
          },
          { requiredKeys: [] },
        ),
        'build-system': fc.record({ requires: deps }),
        tool: fc.record(
          {
            poetry: fc.record({
              dependencies: fc.dictionary(
                fc.string({ minLength: 1, maxLength: 8 }),
                fc.oneof(
                  fc.string({ maxLength: 12 }),
                  fc.record({ version: fc.string({ maxLength: 10 }), optional: fc.boolean(), git: fc.string({ maxLength: 10 }) }, { requiredKeys: [] }),
                ),
              ),
            }),
            uv: fc.record(
              {
                sources: fc.dictionary(
                  fc.string({ minLength: 1, maxLength: 8 }),
                  fc.record({ git: fc.string({ maxLength: 10 }), index: fc.string({ maxLength: 5 }) }, { requiredKeys: [] }),
                ),
                'no-build-isolation-package': fc.array(fc.string({ maxLength: 8 })),
              },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(table, (t) => onlyDanluError(() => parsePyprojectDeps(tomlStringify(t), 'pyproject.toml'))),
      RUNS,
    );
  });
});
