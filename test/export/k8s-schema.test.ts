import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { renderK8s, type K8sOptions } from '../../src/export/k8s.js';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, pythonDirs, uvEnv } from '../../scripts/lib/uv-harness.mjs';
import { fixturePlan, k8sOptions, SHAPES } from './support.js';

/**
 * The manifests of `danlu export k8s`, judged by a maintained validator against the official
 * Kubernetes OpenAPI schemas: kubernetes-validate (from PyPI, pinned), which bundles the JSON
 * schemas of every Kubernetes release from 1.25 on. Two releases, the oldest and the newest the
 * exports aim at, in its strict mode (a field the API does not know is an error, as with
 * `kubectl apply --validate=strict`).
 *
 * There is no API server on this machine (nor a cluster, nor kubectl): the schemas are the
 * judge, not a server-side dry run; admission, defaulting and the scheduler are not exercised.
 *
 * The validator runs with the real uv (DANLU_TEST_UV, uv's cache at DANLU_TEST_UV_CACHE) as
 * `uv tool run`, against the PyPI index pip is configured with here (the uv harness reads pip's
 * settings at run time, its certificate too). The first run downloads the wheel (about 22 MB).
 */
const UV = process.env.DANLU_TEST_UV ?? '';
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');
const VALIDATOR = 'kubernetes-validate==1.37.0';
const VERSIONS = ['1.30.0', '1.37.0'] as const;
const NO_UV = 'DANLU_TEST_UV is not set (the path of the real uv that runs kubernetes-validate)';

const plan = await fixturePlan();

const options = (over: Partial<K8sOptions> = {}): K8sOptions => k8sOptions(plan, over);

/** The objects of a manifest stream: `kind/name` as the validator names them, in order. */
function names(text: string): string[] {
  return parseAllDocuments(text).map((d) => {
    const o = d.toJS();
    return `${String(o.kind).toLowerCase()}/${o.metadata.name}`;
  });
}

interface Verdict {
  status: number | null;
  /** `kind/name` -> the versions it passed against (the validator's major.minor). */
  passed: Map<string, string[]>;
  /** ERROR, WARN and FATAL lines (a schema the validator does not have is only a WARN). */
  problems: string[];
  output: string;
}

describe.runIf(!UV)('k8s manifests against the Kubernetes schemas: no validator', () => {
  it('needs the real uv (DANLU_TEST_UV): skipped without it, a failure with CI=true', (ctx) => {
    if (process.env.CI !== 'true') ctx.skip(NO_UV);
    expect.fail(`${NO_UV}; CI=true needs it`);
  });
});

describe.skipIf(!UV)(`k8s manifests against the Kubernetes ${VERSIONS.join(' and ')} schemas (${VALIDATOR}, strict)`, { timeout: 300_000 }, () => {
  let root = '';
  let env: Record<string, string> = {};

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'danlu-k8s-schema-'));
    mkdirSync(CACHE, { recursive: true });
    env = { ...uvEnv({ pip: discoverPip(), cacheDir: CACHE, pythons: pythonDirs() }), UV_TOOL_DIR: join(root, 'tools') };
    // The first `uv tool run` downloads and installs the validator (into uv's cache): done once here.
    const r = uv(['--version']);
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout.trim()).toBe(VALIDATOR.split('==')[1]);
  }, 600_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function uv(args: string[]) {
    const r = spawnSync(UV, ['tool', 'run', '--from', VALIDATOR, 'kubernetes-validate', ...args], {
      encoding: 'utf8',
      env,
      timeout: 600_000,
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
  }

  /** Validates a multi-document YAML file (as `kubectl apply -f` reads it) against both versions. */
  function validate(name: string, text: string, { strict = true } = {}): Verdict {
    const file = join(root, `${name}.yaml`);
    writeFileSync(file, text);
    const r = uv([...VERSIONS.flatMap((v) => ['-k', v]), ...(strict ? ['--strict'] : []), file]);
    const passed = new Map<string, string[]>();
    const problems: string[] = [];
    for (const line of r.stdout.split('\n')) {
      const ok = /^INFO \S+ passed for resource (\S+) against version (\S+)$/.exec(line);
      if (ok) passed.set(ok[1], [...(passed.get(ok[1]) ?? []), ok[2]]);
      else if (/^(ERROR|WARN|FATAL)\b/.test(line)) problems.push(line.replace(`${file} `, ''));
    }
    return { status: r.status, passed, problems, output: `${r.stdout}${r.stderr}` };
  }

  /** Every object passed against both versions (the schemas are picked by major.minor). */
  function expectValid(name: string, text: string): void {
    const v = validate(name, text);
    expect(v.problems, v.output).toEqual([]);
    expect(v.status, v.output).toBe(0);
    const objects = names(text);
    expect(objects.length).toBeGreaterThan(0);
    expect(Object.fromEntries(v.passed), v.output).toEqual(Object.fromEntries(objects.map((o) => [o, VERSIONS.map((x) => x.replace(/\.0$/, ''))])));
  }

  // The kubeflow.org/v1 PyTorchJob (--operator kubeflow) is a custom resource: its CRD is not
  // part of the core Kubernetes schemas, so kubernetes-validate has nothing to judge it by (it
  // would only warn "Couldn't find schema"). It is left out here; k8s.test.ts checks its fields
  // against the CRD's and its pod templates against the core ones.
  describe.each(SHAPES)('$id', (shape) => {
    const r = renderK8s(plan, options({ gpus: shape.gpus, nodes: shape.nodes }));
    const what = shape.nodes > 1 ? 'the Indexed Job, its headless Service and the cache claims' : 'the Job and the cache PersistentVolumeClaims';

    it(`${what} are valid`, () => {
      expect(names(r.text).map((n) => n.split('/')[0])).toEqual([
        'persistentvolumeclaim',
        'persistentvolumeclaim',
        ...(shape.nodes > 1 ? ['service'] : []),
        'job',
      ]);
      expectValid(`k8s-${shape.id}`, r.text);
    });
  });

  it('the PersistentVolumeClaims with a namespace, a storage class and ReadWriteOnce are valid, and the Job that mounts them', () => {
    const r = renderK8s(
      plan,
      options({
        gpus: 8,
        namespace: 'ml',
        storageClass: 'nfs-client',
        accessMode: 'ReadWriteOnce',
        hfCache: { claim: 'hf', size: '1Ti' },
        uvCache: { claim: 'uv', size: '20g' },
      }),
    );
    expectValid('k8s-claims', r.text);
  });

  it('the validator is live: an unknown field fails in strict mode (only there), a wrong type fails', () => {
    const job = () => parseAllDocuments(renderK8s(plan, options({ gpus: 8, pvcs: false })).text)[0].toJS();

    const unknown = job();
    unknown.spec.template.spec.containers[0].gpuCount = 8;
    const strict = validate('unknown-field', stringify(unknown));
    expect(strict.status, strict.output).not.toBe(0);
    expect(strict.problems, strict.output).toHaveLength(VERSIONS.length);
    for (const p of strict.problems) expect(p).toMatch(/^ERROR .*spec\.template\.spec\.containers\.0: .*'gpuCount' was unexpected/);
    const lax = validate('unknown-field-lax', stringify(unknown), { strict: false });
    expect(lax.problems, lax.output).toEqual([]);
    expect(lax.status, lax.output).toBe(0);

    const wrongType = job();
    wrongType.spec.template.spec.containers[0].command = 'uv run python train.py';
    const typed = validate('wrong-type', stringify(wrongType));
    expect(typed.status, typed.output).not.toBe(0);
    expect(typed.problems, typed.output).toHaveLength(VERSIONS.length);
    for (const p of typed.problems) expect(p).toMatch(/^ERROR .*spec\.template\.spec\.containers\.0\.command: .*is not of type 'array'/);
  });
});
