import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ASTRAL_PACKAGES } from '../../src/catalog/data/special-package-facts.js';
import { parseCatalogFile } from '../../src/catalog/file.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { readCatalogState, userCatalogPaths } from '../../src/catalog/load.js';
import { endpointsFrom, updateUserCatalog } from '../../src/catalog/update/run.js';
import { allUpstreams, dockerHubHandler, pytorchHandler, rateLimitReply, startProxy, startServer, upstreamEnv, type TestServer } from './support/servers.js';

const NOW = new Date('2027-01-15T09:30:00Z');
let dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'danlu-catalog-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('danlu catalog update against recorded upstreams', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(allUpstreams());
  });
  afterAll(async () => {
    await server.close();
  });

  it('writes a catalog with every part and reports each source', async () => {
    const dir = tempDir();
    const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir), now: NOW, timeoutMs: 5000 });

    expect(report.ok).toBe(true);
    expect(report.catalog).toEqual({ file: join(dir, 'catalog.json'), written: true, previous: null, asOf: '2027-01-15' });
    expect(report.parts).toEqual({ torch: 'updated', cudaImages: 'updated', wheelImage: 'updated', wheels: 'updated', astral: 'updated' });
    expect(report.sources.map((s) => [s.source, s.part, s.ok, s.items])).toEqual([
      ['pytorch-index', 'torch', true, 8],
      ['docker-hub', 'cuda-images', true, 11],
      // v2.8.3.post1 48 + v2.8.3 48 + v2.7.4.post1 50 + v2.5.9.post1 32 (its torch 1.x builds left out)
      ['github:Dao-AILab/flash-attention', 'wheels', true, 178],
      // v0.9.52 56 + v0.8.0 2 (FA3) + v0.7.12 8 + v0.4.16 3
      ['github:mjun0812/flash-attention-prebuild-wheels', 'wheels', true, 69],
      // cu128: flash-attn 3, mamba-ssm 1, causal-conv1d 1, deepspeed 1 (its +cu128torch2.7 spelling skipped); cu130: flash-attn 2
      ['astral-index', 'astral', true, 8],
    ]);
    const astral = JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')).parts.astral;
    expect(astral.rows.find((r: any) => r.package === 'flash-attn' && r.cuda === '12.8' && r.torch === '2.11')).toMatchObject({
      version: '2.8.3.post1',
      python: ['3.10', '3.11', '3.12', '3.13', '3.14'],
    });
    expect(astral.rows.some((r: any) => r.version === '0.17.5')).toBe(false);
    expect(astral).toMatchObject({ asOf: '2027-01-15', confidence: 'V', base: 'https://wheels.astral.sh/simple' });
    const torchReport = report.sources[0]!;
    expect(torchReport.notes[0]).toBe('17 of 48 pages exist (PEP 503 HTML and PEP 691 JSON); variants with torch: cu126 cu128 cu130 cu132 cpu');
    expect(torchReport.notes).toContain('new torch release 2.16.0 [cu130 cu132 cpu]');
    expect(torchReport.notes).toContain('torch 2.16.0 cu130: architectures not published by the index; inherited from 2.15.0 cu130 (?)');
    // The recorded pages predate the 13.x point releases the embedded catalog has.
    expect(report.sources[1]!.notes).toEqual([
      '51 tags in 3 pages',
      'no longer on Docker Hub: 12.0.1, 12.1.1, 12.2.2, 12.3.2, 12.5.1, 13.0.3, 13.1.2, 13.2.2',
      'new devel-ubuntu tags: 13.0.0, 13.0.1, 13.0.2, 13.1.1, 13.2.1, 13.3.0',
      'also listed: cudnn-devel-ubuntu (23), cudnn8-devel-ubuntu (2), tensorrt-devel-ubuntu (1)',
      'wheel image: cu121: 12.1.1 is gone and no other CUDA 12.1 image exists',
      'wheel image: cu130: 13.0.3 is gone; using 13.0.2',
      'wheel image: cu132: 13.2.2 is gone; using 13.2.1',
    ]);

    // Every request stayed within the bounds and on the local server.
    // (Astral: one page per CUDA channel of the recorded pages (8) and package of the table.)
    expect(server.requests.length).toBeLessThanOrEqual(60 + 8 * ASTRAL_PACKAGES.length);

    const text = readFileSync(join(dir, 'catalog.json'), 'utf8');
    const file = parseCatalogFile(text);
    expect(file.generatedBy).toMatch(/^danlu .* catalog update$/);
    expect(file.origins.torch).toEqual({ fetchedAt: '2027-01-15T09:30:00.000Z', urls: [`${server.url}/whl`] });
    expect(file.origins.cudaImages?.urls).toEqual([`${server.url}/v2/repositories/nvidia/cuda/tags?page_size=100&name=devel-ubuntu`]);

    const torch = file.parts.torch!;
    expect(torch.indexBase).toBe('https://download.pytorch.org/whl');
    expect(torch.asOf).toBe('2027-01-15');
    expect(torch.releases.map((r) => r.version)).toEqual([
      '2.16.0',
      '2.15.0',
      '2.14.0',
      '2.13.0',
      '2.12.1',
      '2.11.0',
      '2.10.0',
      '2.9.1',
      '2.8.0',
      '2.7.1',
      '2.6.0',
      '2.5.1',
      '2.4.1',
      '2.3.1',
      '2.2.2',
      '2.1.2',
      '2.0.1',
    ]);
    const r216 = torch.releases[0]!;
    expect(r216).toEqual({
      version: '2.16.0',
      released: '2027-01',
      python: ['3.11', '3.12', '3.13', '3.14', '3.15'],
      backends: [
        {
          name: 'cu130',
          archs: ['7.5', '8.0', '8.6', '9.0', '10.0', '12.0'],
          abi: 'cxx11',
          confidence: '?',
          ptx: '12.0',
          python: ['3.11', '3.12', '3.13', '3.14', '3.14t', '3.15', '3.15t'],
          platforms: ['linux_aarch64', 'linux_x86_64', 'win_amd64'],
        },
        {
          name: 'cu132',
          archs: ['7.5', '8.0', '8.6', '9.0', '10.0', '12.0'],
          abi: 'cxx11',
          confidence: '?',
          ptx: '12.0',
          python: ['3.11', '3.12', '3.13', '3.14', '3.14t', '3.15', '3.15t'],
          platforms: ['linux_aarch64', 'linux_x86_64'],
        },
        {
          name: 'cpu',
          archs: [],
          abi: 'cxx11',
          confidence: 'V',
          python: ['3.11', '3.12', '3.13', '3.14', '3.14t', '3.15', '3.15t'],
          platforms: ['linux_aarch64', 'linux_x86_64', 'macosx_arm64', 'win_amd64'],
        },
      ],
      pypiDefault: 'cu132',
      torchvision: '0.31.0',
      torchaudio: null,
      xformers: '0.0.35',
    });
    // 2.15.0's torchvision is on the index now: the embedded "not default" note is gone.
    const r215 = torch.releases[1]!;
    expect(r215.notDefault).toBeUndefined();
    expect(r215.torchvision).toBe('0.30.0');
    // Curated facts of known releases survive; the index decides the variants.
    const r211 = torch.releases.find((r) => r.version === '2.11.0')!;
    const e211 = EMBEDDED_CATALOG.torch.releases.find((r) => r.version === '2.11.0')!;
    expect(r211.backends.map((b) => [b.name, b.archs, b.confidence])).toEqual(e211.backends.map((b) => [b.name, b.archs, b.confidence]));
    expect([r211.torchvision, r211.torchaudio, r211.xformers, r211.pypiDefault, r211.released]).toEqual(['0.26.0', '2.11.0', '0.0.35', 'cu130', '2026-03']);
    // The yanked 2.11.1 on cu128 is not a release.
    expect(torch.releases.some((r) => r.version === '2.11.1')).toBe(false);
    // Older releases the index pages do not list are kept as they were.
    expect(torch.releases.find((r) => r.version === '2.7.1')).toEqual(EMBEDDED_CATALOG.torch.releases.find((r) => r.version === '2.7.1'));

    const images = file.parts.cudaImages!;
    expect(images.rows.map((r) => `${r.version}:${r.ubuntu.join('/')}:${r.supported ? 'S' : '-'}:${(r.arch ?? []).join('/')}`)).toEqual([
      '11.8.0:20.04/22.04:-:amd64',
      '12.4.1:20.04/22.04:S:amd64/arm64',
      '12.6.3:20.04/22.04/24.04:S:amd64/arm64',
      '12.8.1:20.04/22.04/24.04:S:amd64/arm64',
      '12.9.1:20.04/22.04/24.04:S:amd64/arm64',
      '13.0.0:22.04/24.04:-:amd64/arm64',
      '13.0.1:22.04/24.04:-:amd64/arm64',
      '13.0.2:22.04/24.04:S:amd64/arm64',
      '13.1.1:22.04/24.04:S:amd64/arm64',
      '13.2.1:22.04/24.04:S:amd64/arm64',
      '13.3.0:24.04/26.04:S:amd64/arm64',
    ]);
    expect(file.parts.wheelImage!.rows).toEqual([
      { backend: 'cu118', image: '11.8.0' },
      { backend: 'cu124', image: '12.4.1' },
      { backend: 'cu126', image: '12.6.3' },
      { backend: 'cu128', image: '12.8.1' },
      { backend: 'cu129', image: '12.9.1' },
      { backend: 'cu130', image: '13.0.2' },
      { backend: 'cu132', image: '13.2.1' },
    ]);

    const wheels = file.parts.wheels!;
    expect(wheels.rows.filter((w) => w.channel === 'official')).toHaveLength(178);
    expect(wheels.rows).toHaveLength(178 + 69);
    expect(wheels.rows.find((w) => w.filename === 'flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl')).toEqual({
      package: 'flash-attn',
      version: '2.8.3',
      url: 'https://github.com/Dao-AILab/flash-attention/releases/download/v2.8.3/flash_attn-2.8.3%2Bcu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl',
      filename: 'flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl',
      cuda: '12',
      torch: '2.8',
      cxx11abi: true,
      python: '3.12',
      platform: 'linux_x86_64',
      channel: 'official',
      release: 'v2.8.3',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(wheels.rows.find((w) => w.filename === 'flash_attn-2.8.3+cu132torch2.14-cp314-cp314t-linux_x86_64.whl')).toMatchObject({
      cuda: '13.2',
      torch: '2.14',
      cxx11abi: null,
      python: '3.14t',
      channel: 'community',
      release: 'v0.9.52',
    });
    expect(wheels.rows.find((w) => w.package === 'flash-attn-3' && w.cuda === '13.0')).toMatchObject({ version: '3.0.0', torch: '2.9', python: '>=3.9' });
    // torch 1.x builds, sdists, a checksums file and FA4's sdist are not wheels for the resolver.
    expect(wheels.rows.some((w) => w.torch.startsWith('1.'))).toBe(false);
    expect(wheels.rows.every((w) => w.filename.endsWith('.whl'))).toBe(true);

    // The planner's loader now merges it.
    const state = await readCatalogState(upstreamEnv(server.url, dir));
    expect(state.catalog.name).toBe('user');
    expect(state.catalog.asOf).toBe('2027-01-15');
    expect(state.parts.torch).toMatchObject({ from: 'user', fetchedAt: '2027-01-15T09:30:00.000Z' });
  });

  it('keeps the previous catalog as catalog.prev.json, byte for byte', async () => {
    const dir = tempDir();
    const env = upstreamEnv(server.url, dir);
    await updateUserCatalog({ env, now: NOW, only: ['cuda-images'] });
    const first = readFileSync(join(dir, 'catalog.json'));
    const report = await updateUserCatalog({ env, now: new Date('2027-01-16T00:00:00Z'), only: ['torch'] });
    expect(report.catalog.previous).toBe(join(dir, 'catalog.prev.json'));
    expect(readFileSync(join(dir, 'catalog.prev.json')).equals(first)).toBe(true);
    const now = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
    // The part not fetched this time is carried over.
    expect(now.parts.cudaImages).toEqual(parseCatalogFile(first.toString('utf8')).parts.cudaImages);
    expect(now.parts.torch?.asOf).toBe('2027-01-16');
    expect(now.asOf).toBe('2027-01-16');
    expect(readdirSync(dir).sort()).toEqual(['catalog.json', 'catalog.prev.json']);
  });
});

describe('failures', () => {
  it('a GitHub rate limit fails that source only; the rest is saved and its wheels are kept', async () => {
    const reset = Math.floor(Date.now() / 1000) + 1800;
    const resetText = new Date(reset * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const server = await startServer(
      allUpstreams({ github: (repo) => (repo === 'mjun0812/flash-attention-prebuild-wheels' ? rateLimitReply(reset) : undefined) }),
    );
    try {
      const dir = tempDir();
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir), now: NOW, only: ['wheels'] });
      expect(report.ok).toBe(false);
      expect(report.catalog.written).toBe(true);
      const failed = report.sources.find((s) => !s.ok)!;
      expect(failed.source).toBe('github:mjun0812/flash-attention-prebuild-wheels');
      expect(failed.error).toBe(
        `GitHub API rate limit reached (60 requests an hour); it resets at ${resetText} (in 30 min); set GITHUB_TOKEN or GH_TOKEN for a higher limit`,
      );
      expect(failed.notes).toEqual(['kept 0 community wheels from the catalog in use']);
      const file = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
      expect(file.parts.wheels!.rows.every((w) => w.channel === 'official')).toBe(true);
      expect(report.parts).toEqual({
        torch: 'not requested',
        cudaImages: 'not requested',
        wheelImage: 'not requested',
        wheels: 'updated',
        astral: 'not requested',
      });
    } finally {
      await server.close();
    }
  });

  it('with a token, the token goes to the API and the message does not ask for one', async () => {
    const reset = Math.floor(Date.now() / 1000) + 600;
    const server = await startServer(allUpstreams({ github: (repo, page) => (repo.startsWith('mjun0812') && page === 2 ? rateLimitReply(reset) : undefined) }));
    try {
      const dir = tempDir();
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir, { GH_TOKEN: 'ghp_test123' }), now: NOW, only: ['wheels'] });
      const failed = report.sources.find((s) => !s.ok)!;
      expect(failed.error).toMatch(/^GitHub API rate limit reached \(60 requests an hour\); it resets at \S+Z \(in 10 min\)$/);
      const githubRequests = server.requests.filter((r) => r.path.includes('releases'));
      expect(githubRequests.length).toBe(4);
      expect(githubRequests.every((r) => r.headers.authorization === 'Bearer ghp_test123')).toBe(true);
      expect(githubRequests.every((r) => r.headers['x-github-api-version'] === '2022-11-28')).toBe(true);
      // Page 2 of the community repo failed: the whole channel is kept, not half of it.
      const file = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
      expect(file.parts.wheels!.rows.some((w) => w.channel === 'community')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('an index that never answers times out; the other parts are saved and torch is kept', async () => {
    const server = await startServer(allUpstreams({ pytorch: (_req, url) => (url.pathname.startsWith('/whl/') ? { hang: true } : undefined) }));
    try {
      const dir = tempDir();
      const env = upstreamEnv(server.url, dir);
      // An earlier catalog with a torch part of its own.
      const earlier = await startServer(allUpstreams());
      try {
        await updateUserCatalog({ env: upstreamEnv(earlier.url, dir), now: new Date('2026-11-25T00:00:00Z'), only: ['torch'] });
      } finally {
        await earlier.close();
      }
      const before = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
      const started = Date.now();
      const report = await updateUserCatalog({ env, now: NOW, timeoutMs: 300 });
      expect(Date.now() - started).toBeLessThan(5000);
      const torch = report.sources.find((s) => s.source === 'pytorch-index')!;
      expect(torch.ok).toBe(false);
      expect(torch.error).toMatch(
        /^8 of 48 index pages failed \(40 more not tried\): http:\/\/127\.0\.0\.1:\d+\/whl\/cu117\/torch\/: no complete answer within 0\.3 s/,
      );
      expect(report.parts.torch).toBe('kept');
      expect(report.parts.cudaImages).toBe('updated');
      const after = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
      expect(after.parts.torch).toEqual(before.parts.torch);
      expect(after.origins.torch).toEqual(before.origins.torch);
      expect(after.parts.wheels!.rows.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('a truncated Docker Hub page fails cuda-images; nothing of it is written', async () => {
    const hub = dockerHubHandler();
    const server = await startServer(
      allUpstreams({
        hub: (req, url, base) => {
          const reply = hub(req, url, base);
          return reply && url.searchParams.get('page') === '2' ? { ...reply, truncateAt: 5000 } : reply;
        },
      }),
    );
    try {
      const dir = tempDir();
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir), now: NOW, only: ['cuda-images', 'torch'] });
      const hubReport = report.sources.find((s) => s.source === 'docker-hub')!;
      expect(hubReport.ok).toBe(false);
      expect(hubReport.error).toMatch(/page=2&page_size=100: the answer was cut off \(HTTP 200, 5000 bytes read of \d+\)$/);
      const file = parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8'));
      expect(Object.keys(file.parts)).toEqual(['torch']);
      // The first page was served whole, the second was retried once and cut off again.
      expect(server.requests.filter((r) => r.path.includes('page=2')).length).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('when every source fails the old catalog stays byte for byte, with no stray files', async () => {
    const server = await startServer(() => ({ status: 503, body: 'Service Unavailable' }));
    try {
      const dir = tempDir();
      const good = await startServer(allUpstreams());
      try {
        await updateUserCatalog({ env: upstreamEnv(good.url, dir), now: new Date('2026-11-25T00:00:00Z') });
        await updateUserCatalog({ env: upstreamEnv(good.url, dir), now: new Date('2026-11-26T00:00:00Z'), only: ['cuda-images'] });
      } finally {
        await good.close();
      }
      const before = readFileSync(join(dir, 'catalog.json'));
      const prevBefore = readFileSync(join(dir, 'catalog.prev.json'));
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir), now: NOW });
      expect(report.ok).toBe(false);
      expect(report.catalog.written).toBe(false);
      expect(report.sources.every((s) => !s.ok)).toBe(true);
      expect(report.sources.find((s) => s.source === 'docker-hub')!.error).toMatch(/: HTTP 503$/);
      expect(Object.values(report.parts).every((p) => p === 'kept')).toBe(true);
      expect(readFileSync(join(dir, 'catalog.json')).equals(before)).toBe(true);
      expect(readFileSync(join(dir, 'catalog.prev.json')).equals(prevBefore)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['catalog.json', 'catalog.prev.json']);
    } finally {
      await server.close();
    }
  });

  it('a catalog folder that cannot be written leaves the old catalog as it was', async () => {
    const server = await startServer(allUpstreams());
    try {
      const root = tempDir();
      const blocker = join(root, 'not-a-folder');
      writeFileSync(blocker, 'x');
      const report = await updateUserCatalog({
        env: upstreamEnv(server.url, root),
        now: NOW,
        only: ['cuda-images'],
        paths: { dir: blocker, file: join(blocker, 'catalog.json'), prev: join(blocker, 'catalog.prev.json') },
      });
      expect(report.ok).toBe(false);
      expect(report.catalog.written).toBe(false);
      expect(report.catalog.error).toMatch(/^cannot write .*not-a-folder\/catalog\.json: .*; the catalog in use was not changed$/);
      expect(report.parts.cudaImages).toBe('kept');
      expect(readFileSync(blocker, 'utf8')).toBe('x');
    } finally {
      await server.close();
    }
  });

  it('a broken user catalog is replaced by the update and kept aside as catalog.prev.json', async () => {
    const server = await startServer(allUpstreams());
    try {
      const dir = tempDir();
      writeFileSync(join(dir, 'catalog.json'), '{"kind": "danlu-catalog", "schema": 1, "parts": {');
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir), now: NOW, only: ['cuda-images'] });
      expect(report.catalog.written).toBe(true);
      expect(readFileSync(join(dir, 'catalog.prev.json'), 'utf8')).toBe('{"kind": "danlu-catalog", "schema": 1, "parts": {');
      expect(Object.keys(parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8')).parts)).toEqual(['cudaImages', 'wheelImage']);
      expect(userCatalogPaths(upstreamEnv(server.url, dir)).file).toBe(join(dir, 'catalog.json'));
    } finally {
      await server.close();
    }
  });

  it('Docker Hub "next" links that go round in a circle, or never end, fail the source', async () => {
    const page = (next: string) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 1, next, previous: null, results: [{ name: '12.8.1-devel-ubuntu24.04', images: [] }] }),
    });
    const circle = await startServer(
      allUpstreams({ hub: (_req, url) => (url.pathname.startsWith('/v2/') ? page(`{{BASE}}${url.pathname}?page_size=100&name=devel-ubuntu`) : undefined) }),
    );
    const endless = await startServer(
      allUpstreams({
        hub: (_req, url) =>
          url.pathname.startsWith('/v2/')
            ? page(`{{BASE}}/v2/repositories/nvidia/cuda/tags?page_size=100&name=devel-ubuntu&page=${Number(url.searchParams.get('page') ?? 1) + 1}`)
            : undefined,
      }),
    );
    try {
      const a = await updateUserCatalog({ env: upstreamEnv(circle.url, tempDir()), now: NOW, only: ['cuda-images'] });
      expect(a.sources[0]!.error).toMatch(/: the "next" links go round in a circle$/);
      const b = await updateUserCatalog({ env: upstreamEnv(endless.url, tempDir()), now: NOW, only: ['cuda-images'] });
      expect(b.sources[0]!.error).toMatch(/: still more pages after 40; nothing was changed$/);
      expect(endless.requests.length).toBe(40);
      expect(b.catalog.written).toBe(false);
    } finally {
      await circle.close();
      await endless.close();
    }
  });

  it('a 403 that is not S3 saying "no such page" fails the index source', async () => {
    const server = await startServer(
      allUpstreams({
        pytorch: (req, url, base) =>
          url.pathname === '/whl/cu128/torchvision/'
            ? { status: 403, headers: { 'content-type': 'text/html' }, body: '<html><body>Blocked by the proxy policy</body></html>' }
            : pytorchHandler(req, url, base),
      }),
    );
    try {
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, tempDir()), now: NOW, only: ['torch'] });
      expect(report.sources[0]!.error).toMatch(/index pages failed.*\/whl\/cu128\/torchvision\/: HTTP 403/);
      expect(report.catalog.written).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('a short secondary rate limit (Retry-After) is waited out once', async () => {
    let first = true;
    const server = await startServer(
      allUpstreams({
        github: (repo) => {
          if (!repo.startsWith('Dao-AILab') || !first) return undefined;
          first = false;
          return {
            status: 403,
            headers: { 'content-type': 'application/json', 'retry-after': '1' },
            body: '{"message": "You have exceeded a secondary rate limit."}',
          };
        },
      }),
    );
    try {
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, tempDir()), now: NOW, only: ['wheels'] });
      expect(report.sources.map((s) => [s.ok, s.items])).toEqual([
        [true, 178],
        [true, 69],
      ]);
    } finally {
      await server.close();
    }
  });

  it('a 403 that is not a rate limit says what GitHub said', async () => {
    const server = await startServer(
      allUpstreams({
        github: () => ({ status: 403, headers: { 'content-type': 'application/json' }, body: '{"message": "Resource not accessible by integration"}' }),
      }),
    );
    try {
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, tempDir()), now: NOW, only: ['wheels'] });
      expect(report.sources[0]!.error).toMatch(/releases\?per_page=100: HTTP 403: Resource not accessible by integration$/);
    } finally {
      await server.close();
    }
  });
});

describe('proxy and mirror settings', () => {
  it('the whole update goes through HTTP_PROXY', async () => {
    const server = await startServer(allUpstreams());
    const proxy = await startProxy();
    try {
      const dir = tempDir();
      const report = await updateUserCatalog({ env: upstreamEnv(server.url, dir, { HTTP_PROXY: proxy.url }), now: NOW });
      expect(report.ok).toBe(true);
      expect(proxy.seen.length).toBe(server.requests.length);
      expect(proxy.seen).toContain(`GET ${server.url}/whl/cu130/torch/ auth=`);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('the PyTorch index comes from DANLU_PYTORCH_INDEX_URL, else the PYTORCH_MIRROR setting, else upstream', () => {
    expect(endpointsFrom({})).toEqual({
      pytorchIndex: 'https://download.pytorch.org/whl',
      dockerHub: 'https://hub.docker.com',
      githubApi: 'https://api.github.com',
    });
    expect(endpointsFrom({ PYTORCH_MIRROR: 'https://mirrors.example/pytorch-wheels/' }).pytorchIndex).toBe('https://mirrors.example/pytorch-wheels');
    expect(endpointsFrom({ PYTORCH_MIRROR: 'https://m/', DANLU_PYTORCH_INDEX_URL: 'http://127.0.0.1:9/whl' }).pytorchIndex).toBe('http://127.0.0.1:9/whl');
    expect(endpointsFrom({ DANLU_DOCKERHUB_URL: 'http://h/', DANLU_GITHUB_API_URL: 'http://g' })).toMatchObject({
      dockerHub: 'http://h',
      githubApi: 'http://g',
    });
  });

  it('a mirror set in PYTORCH_MIRROR is read instead of upstream', async () => {
    const server = await startServer(allUpstreams());
    try {
      const dir = tempDir();
      const env: NodeJS.ProcessEnv = { ...upstreamEnv(server.url, dir), PYTORCH_MIRROR: `${server.url}/whl` };
      delete env.DANLU_PYTORCH_INDEX_URL;
      const report = await updateUserCatalog({ env, now: NOW, only: ['torch'] });
      expect(report.sources[0]).toMatchObject({ ok: true, items: 8, urls: [`${server.url}/whl`] });
      // The plan still points at the canonical index; mirrors are applied per machine.
      expect(parseCatalogFile(readFileSync(join(dir, 'catalog.json'), 'utf8')).parts.torch!.indexBase).toBe('https://download.pytorch.org/whl');
    } finally {
      await server.close();
    }
  });
});
