import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG, type Catalog } from '../../src/catalog/index.js';
import { loadCatalog } from '../../src/catalog/load.js';
import { updateUserCatalog } from '../../src/catalog/update/run.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { hostProfile, projectFacts } from '../../src/plan/testing/fixtures.js';
import { allUpstreams, startServer, upstreamEnv, type TestServer } from './support/servers.js';

const H100 = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' };
const plan = (catalog: Catalog, driver: string, cuda: string, options = {}) =>
  makePlan({ host: hostProfile({ gpus: [H100], driver, cuda }), project: projectFacts(), options, catalog });

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** Runs `catalog update` against `server` into a fresh folder and loads what the planner would. */
async function updatedCatalog(server: TestServer): Promise<{ catalog: Catalog; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-plan-catalog-'));
  dirs.push(dir);
  const env = upstreamEnv(server.url, dir);
  const report = await updateUserCatalog({ env, now: new Date('2027-01-15T00:00:00Z') });
  expect(report.ok).toBe(true);
  const warnings: string[] = [];
  const catalog = await loadCatalog({ env, warn: (l) => warnings.push(l) });
  expect(warnings).toEqual([]);
  return { catalog, dir };
}

describe('the planner follows the updated catalog', () => {
  let server: TestServer;
  let dropped: TestServer;
  beforeAll(async () => {
    server = await startServer(allUpstreams());
    dropped = await startServer(allUpstreams({ drop: /^13\.0\.2-/ }));
  });
  afterAll(async () => {
    await server.close();
    await dropped.close();
  });

  it('H100 with driver 595 picks the new torch 2.16.0 on cu132', async () => {
    const before = plan(EMBEDDED_CATALOG, '595.58.03', '13.2');
    expect([before.torch.version, before.torch.backend]).toEqual(['2.14.1', 'cu132']);

    const { catalog } = await updatedCatalog(server);
    expect(catalog.name).toBe('user');
    const after = plan(catalog, '595.58.03', '13.2');
    expect(after.torch).toMatchObject({
      version: '2.16.0',
      backend: 'cu132',
      index: 'https://download.pytorch.org/whl/cu132',
      torchvision: '0.31.0',
      torchaudio: null,
      xformers: '0.0.35',
      archs: ['7.5', '8.0', '8.6', '9.0', '10.0', '12.0'],
    });
    expect(after.cuda.image).toBe('nvidia/cuda:13.2.1-devel-ubuntu24.04');
    expect(after.python).toBe('3.12');
    expect(after.catalog).toEqual({ name: 'user', asOf: '2027-01-15' });
  });

  it('a pin to the old release still resolves in the updated catalog', async () => {
    const { catalog } = await updatedCatalog(server);
    const p = plan(catalog, '595.58.03', '13.2', { torch: '2.14' });
    expect([p.torch.version, p.torch.backend]).toEqual(['2.14.0', 'cu132']);
  });

  it('with 13.0.2 deleted from Docker Hub, the cu130 image moves to the newest 13.0 tag left', async () => {
    const before = plan(EMBEDDED_CATALOG, '580.159.04', '13.0');
    expect([before.torch.backend, before.cuda.image]).toEqual(['cu130', 'nvidia/cuda:13.0.3-devel-ubuntu24.04']);

    const kept = (await updatedCatalog(server)).catalog;
    expect(plan(kept, '580.159.04', '13.0').cuda.image).toBe('nvidia/cuda:13.0.2-devel-ubuntu24.04');

    const { catalog } = await updatedCatalog(dropped);
    expect(catalog.cudaImages.rows.some((r) => r.version === '13.0.2')).toBe(false);
    expect(catalog.wheelImage.rows.find((r) => r.backend === 'cu130')).toEqual({ backend: 'cu130', image: '13.0.1' });
    const after = plan(catalog, '580.159.04', '13.0');
    expect([after.torch.version, after.torch.backend]).toEqual(['2.16.0', 'cu130']);
    expect(after.cuda.image).toBe('nvidia/cuda:13.0.1-devel-ubuntu24.04');
    // An explicit --cuda 13.0.2 now says the tag is gone.
    expect(() => plan(catalog, '580.159.04', '13.0', { cuda: '13.0.2' })).toThrow(/no nvidia\/cuda image tag for CUDA 13\.0\.2/);
  });

  it('a catalog that lost its only 13.0 tag falls back to the newest older CUDA image', () => {
    const catalog: Catalog = {
      ...EMBEDDED_CATALOG,
      cudaImages: { ...EMBEDDED_CATALOG.cudaImages, rows: EMBEDDED_CATALOG.cudaImages.rows.filter((r) => r.version !== '13.0.3') },
    };
    expect(plan(catalog, '580.159.04', '13.0').cuda.image).toBe('nvidia/cuda:12.9.1-devel-ubuntu24.04');
  });

  it('a broken user catalog warns once and plans with the embedded one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'danlu-plan-catalog-'));
    dirs.push(dir);
    writeFileSync(
      join(dir, 'catalog.json'),
      JSON.stringify({ kind: 'danlu-catalog', schema: 1, asOf: '2027-01-15', generatedBy: 'x', parts: { torch: { releases: 'none' } }, origins: {} }),
    );
    const warnings: string[] = [];
    const catalog = await loadCatalog({ env: { DANLU_CATALOG_DIR: dir }, warn: (l) => warnings.push(l) });
    expect(catalog).toBe(EMBEDDED_CATALOG);
    expect(warnings[0]).toBe(
      `danlu: warning: ignoring the user catalog ${join(dir, 'catalog.json')}: $.parts.torch.releases: expected an array; using the embedded catalog`,
    );
    expect(plan(catalog, '595.58.03', '13.2').torch.version).toBe('2.14.1');
  });

  it("a flash-attn build that Astral's index serves after an update is planned from it", async () => {
    const fa = { name: 'flash-attn', raw: 'flash-attn', specifier: '', origin: { file: 'requirements.txt', line: 1 } };
    const withFa = (catalog: Catalog) =>
      makePlan({
        host: hostProfile({ gpus: [H100], driver: '580.95.05', cuda: '13.0' }),
        project: projectFacts({ requirements: [fa] }),
        options: { torch: '2.14' },
        catalog,
      });
    const kindOf = (p: ReturnType<typeof makePlan>) => p.packages.find((x) => x.name === 'flash-attn')!.resolution;
    expect(kindOf(withFa(EMBEDDED_CATALOG)).kind).not.toBe('index');
    const file = 'flash_attn-2.8.3.post1+cu.13.0.torch.2.14-cp312-cp312-linux_x86_64.whl';
    const page = JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'flash-attn', files: [{ filename: file, url: `/artifacts/0/${file}`, hashes: {} }] });
    const astral = await startServer(
      allUpstreams({
        astral: (_req, url) =>
          url.pathname.startsWith('/astral/')
            ? url.pathname === '/astral/cu130/flash-attn/'
              ? { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: page }
              : { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' }
            : undefined,
      }),
    );
    try {
      const { catalog } = await updatedCatalog(astral);
      const r = kindOf(withFa(catalog));
      expect(r).toMatchObject({ kind: 'index', indexName: 'astral-cu130', specifier: '==2.8.3.post1+cu.13.0.torch.2.14' });
    } finally {
      await astral.close();
    }
  });
});
