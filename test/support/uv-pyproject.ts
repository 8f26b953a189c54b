import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { isValidName, markerError, requirementError, specifierSetError } from './pep508.js';
import { REPO } from './cli.js';

/**
 * What `uv lock --offline` checks before it needs the network, as far as a machine without uv
 * can check it: the TOML (TOML 1.0, by Python's tomllib, as build backends read it), `[project]` and `[dependency-groups]` by PEP 621/735/508/440 (a
 * recognizer written from the PEPs, test/support/pep508.ts), and `[tool.uv]` against uv's own
 * settings schema at the version danlu installs (test/fixtures/uv, made by
 * scripts/vendor-uv-schema.mjs), plus the source-to-index references uv resolves when it reads
 * the project. Returns the problems found; [] for a file uv would take.
 */

export const UV_SCHEMA_FILE = join(REPO, 'test', 'fixtures', 'uv', `uv-0.11.15.schema.json`);

let validate: ValidateFunction | undefined;

function uvSchema(): ValidateFunction {
  if (!validate) {
    const schema = JSON.parse(readFileSync(UV_SCHEMA_FILE, 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('uint', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
    ajv.addFormat('uri', (s: string) => URL.canParse(s));
    validate = ajv.compile(schema);
  }
  return validate;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function requirements(list: unknown, where: string, out: string[]): void {
  if (!Array.isArray(list)) {
    out.push(`${where}: expected an array of PEP 508 strings`);
    return;
  }
  list.forEach((item, i) => {
    if (typeof item !== 'string') out.push(`${where}[${i}]: expected a string`);
    else {
      const error = requirementError(item);
      if (error) out.push(`${where}[${i}]: ${error}`);
    }
  });
}

function checkProject(project: unknown, out: string[]): void {
  if (!isObj(project)) {
    out.push('[project]: missing');
    return;
  }
  const dynamic = Array.isArray(project.dynamic) ? project.dynamic : [];
  if (typeof project.name !== 'string' || !isValidName(project.name)) out.push(`project.name: ${JSON.stringify(project.name)} is not a valid name`);
  if (project.version !== undefined) {
    if (typeof project.version !== 'string' || specifierSetError(`==${project.version}`) !== null)
      out.push(`project.version: ${JSON.stringify(project.version)} is not PEP 440`);
  } else if (!dynamic.includes('version')) out.push('project.version: missing and not dynamic');
  if (project['requires-python'] !== undefined) {
    const rp = project['requires-python'];
    const error = typeof rp === 'string' ? specifierSetError(rp) : 'not a string';
    if (error) out.push(`project.requires-python: ${error}`);
  }
  if (project.dependencies !== undefined) requirements(project.dependencies, 'project.dependencies', out);
  const extras = project['optional-dependencies'];
  if (extras !== undefined) {
    if (!isObj(extras)) out.push('project.optional-dependencies: expected a table');
    else {
      for (const [extra, list] of Object.entries(extras)) {
        if (!isValidName(extra)) out.push(`project.optional-dependencies.${extra}: not a valid extra name`);
        requirements(list, `project.optional-dependencies.${extra}`, out);
      }
    }
  }
}

function checkGroups(groups: unknown, out: string[]): void {
  if (groups === undefined) return;
  if (!isObj(groups)) {
    out.push('[dependency-groups]: expected a table');
    return;
  }
  for (const [name, list] of Object.entries(groups)) {
    if (!isValidName(name)) out.push(`dependency-groups.${name}: not a valid group name`);
    if (!Array.isArray(list)) {
      out.push(`dependency-groups.${name}: expected an array`);
      continue;
    }
    list.forEach((item, i) => {
      if (isObj(item)) {
        const include = item['include-group'];
        if (typeof include !== 'string' || !(include in groups)) out.push(`dependency-groups.${name}[${i}]: include-group names no group`);
      } else if (typeof item !== 'string') out.push(`dependency-groups.${name}[${i}]: expected a string`);
      else {
        const error = requirementError(item);
        if (error) out.push(`dependency-groups.${name}[${i}]: ${error}`);
      }
    });
  }
}

function checkToolUv(uv: unknown, out: string[]): void {
  if (uv === undefined) return;
  const check = uvSchema();
  if (!check(uv)) {
    for (const e of check.errors ?? [])
      out.push(
        `tool.uv${e.instancePath.replaceAll('/', '.')}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
      );
    return;
  }
  const t = uv as Obj;
  for (const key of ['override-dependencies', 'constraint-dependencies', 'build-constraint-dependencies', 'dev-dependencies']) {
    if (t[key] !== undefined) requirements(t[key], `tool.uv.${key}`, out);
  }
  const extraBuild = t['extra-build-dependencies'];
  if (isObj(extraBuild)) {
    for (const [pkg, list] of Object.entries(extraBuild)) {
      (list as unknown[]).forEach((item, i) => {
        const req = typeof item === 'string' ? item : (item as Obj).requirement;
        const error = requirementError(String(req));
        if (error) out.push(`tool.uv.extra-build-dependencies.${pkg}[${i}]: ${error}`);
      });
    }
  }
  const indexes = Array.isArray(t.index) ? (t.index as Obj[]) : [];
  const names = new Set<string>();
  indexes.forEach((index, i) => {
    if (typeof index.name === 'string') {
      // uv's IndexName: ASCII letters, digits, '-', '_' and '.'.
      if (!/^[A-Za-z0-9._-]+$/.test(index.name)) out.push(`tool.uv.index[${i}].name: "${index.name}" is not a valid index name`);
      if (names.has(index.name)) out.push(`tool.uv.index[${i}].name: "${index.name}" is declared twice`);
      names.add(index.name);
    } else if (index.explicit === true) out.push(`tool.uv.index[${i}]: an explicit index needs a name`);
    if (typeof index.url === 'string' && !URL.canParse(index.url)) out.push(`tool.uv.index[${i}].url: not a URL`);
  });
  const sources = isObj(t.sources) ? t.sources : {};
  for (const [pkg, value] of Object.entries(sources)) {
    const list = Array.isArray(value) ? (value as Obj[]) : [value as Obj];
    list.forEach((source, i) => {
      const where = `tool.uv.sources.${pkg}${Array.isArray(value) ? `[${i}]` : ''}`;
      if (typeof source.index === 'string' && !names.has(source.index)) out.push(`${where}: references an undeclared index "${source.index}"`);
      if (typeof source.marker === 'string') {
        const error = markerError(source.marker);
        if (error) out.push(`${where}.marker: ${error}`);
      } else if (Array.isArray(value) && value.length > 1 && source.extra === undefined && source.group === undefined) {
        out.push(`${where}: each source of a list needs a marker, an extra or a group`);
      }
      if (typeof source.url === 'string' && !URL.canParse(source.url)) out.push(`${where}.url: not a URL`);
    });
  }
}

let hasTomllib: boolean | undefined;

/**
 * Python's tomllib reads TOML 1.0 strictly, as every build backend does (smol-toml also takes
 * TOML 1.1, e.g. a trailing comma in an inline table). Needed under .ci/run; elsewhere a
 * python3 without tomllib (< 3.11) skips this part of the check.
 */
function tomllibError(text: string): string | null {
  if (hasTomllib === undefined) {
    hasTomllib = spawnSync('python3', ['-c', 'import tomllib'], { encoding: 'utf8' }).status === 0;
    if (!hasTomllib && process.env.DANLU_TEST_DOCKER === '1') throw new Error('python3 with tomllib (3.11+) is needed for these checks; .ci/run installs it');
  }
  if (!hasTomllib) return null;
  const script = 'import sys, tomllib\ntry:\n    tomllib.loads(sys.stdin.read())\nexcept tomllib.TOMLDecodeError as e:\n    print(e)\n    sys.exit(1)\n';
  const r = spawnSync('python3', ['-c', script], { input: text, encoding: 'utf8' });
  return r.status === 0 ? null : (r.stdout || r.stderr).trim();
}

/** Problems uv would report when reading this pyproject.toml; [] when there are none. */
export function uvParseProblems(text: string): string[] {
  const strict = tomllibError(text);
  if (strict) return [`TOML 1.0 (Python tomllib): ${strict}`];
  let data: Obj;
  try {
    data = parseToml(text) as Obj;
  } catch (e) {
    return [`TOML: ${(e as Error).message.split('\n')[0]}`];
  }
  const out: string[] = [];
  checkProject(data.project, out);
  checkGroups(data['dependency-groups'], out);
  checkToolUv(isObj(data.tool) ? data.tool.uv : undefined, out);
  return out;
}
