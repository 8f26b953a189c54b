import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allUpstreams, rateLimitReply, runNode, startServer, upstreamEnv, type TestServer } from './support/servers.js';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'bin', 'danlu.mjs');
const danlu = (args: string[], env: NodeJS.ProcessEnv) => runNode([BIN, ...args], env);
const json = (text: string) => JSON.parse(text) as any;

describe('danlu catalog (built CLI)', () => {
  let server: TestServer;
  let limited: TestServer;
  let root: string;
  beforeAll(async () => {
    server = await startServer(allUpstreams());
    limited = await startServer(
      allUpstreams({ github: (repo) => (repo.startsWith('Dao-AILab') ? rateLimitReply(Math.floor(Date.now() / 1000) + 3600) : undefined) }),
    );
    root = mkdtempSync(join(tmpdir(), 'danlu-catalog-cli-'));
  });
  afterAll(async () => {
    await server.close();
    await limited.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('update --json fetches every source, writes the user catalog and prints the report; catalog --json shows where parts came from', async () => {
    const dir = join(root, 'ok');
    const env = upstreamEnv(server.url, dir);
    const before = await danlu(['catalog', '--json'], env);
    expect(before.code).toBe(0);
    expect(json(before.stdout)).toMatchObject({
      name: 'embedded',
      active: { catalog: 'embedded', file: null },
      userCatalog: { file: join(dir, 'catalog.json'), state: 'absent' },
    });

    const r = await danlu(['catalog', 'update', '--json', '--timeout', '5'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = json(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.catalog).toMatchObject({ file: join(dir, 'catalog.json'), written: true, previous: null });
    expect(report.sources.map((s: any) => `${s.source} ${s.ok} ${s.items}`)).toEqual([
      'pytorch-index true 8',
      'docker-hub true 11',
      'github:Dao-AILab/flash-attention true 178',
      'github:mjun0812/flash-attention-prebuild-wheels true 69',
      'astral-index true 8',
    ]);
    expect(Object.keys(report.sources[0]).sort()).toEqual(['items', 'ms', 'notes', 'ok', 'part', 'source', 'urls']);

    const shown = await danlu(['catalog', '--json'], env);
    expect(shown.code).toBe(0);
    const c = json(shown.stdout);
    expect(Object.keys(c)).toEqual(['name', 'asOf', 'parts', 'active', 'userCatalog']);
    expect(c.active).toEqual({ catalog: 'user', file: join(dir, 'catalog.json') });
    expect(c.userCatalog).toMatchObject({ state: 'valid', used: ['torch', 'cudaImages', 'wheelImage', 'wheels', 'astral'] });
    const part = (name: string) => c.parts.find((p: any) => p.part === name);
    expect(Object.keys(part('torch'))).toEqual(['part', 'asOf', 'newest', 'source', 'confidence', 'holds', 'origin']);
    expect(part('torch').holds[0]).toBe('2.16.0 [cu130 cu132 cpu]');
    expect(part('torch').newest).toBe('torch 2.16.0');
    expect(part('cuda-images').newest).toMatch(/^CUDA 13\.\d+\.\d+$/);
    expect(part('torch').origin).toEqual({
      from: 'user',
      file: join(dir, 'catalog.json'),
      fetchedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      urls: [`${server.url}/whl`],
    });
    expect(part('wheels').holds).toEqual([
      'community flash-attn: 67 wheels, 2 versions',
      'community flash-attn-3: 2 wheels, 1 versions',
      'official flash-attn: 178 wheels, 4 versions',
    ]);
    expect(part('gpus').origin).toEqual({ from: 'embedded' });
    // The release-wheel tables the resolvers use without an update are listed too.
    expect(part('mamba-ssm-wheels').holds).toContain('v2.3.2.post1: torch 2.6–2.10, cu11/cu12/cu13, Python 3.10–3.13');
    expect(part('causal-conv1d-wheels').origin).toEqual({ from: 'embedded' });
    expect(part('flash-attn-community').holds).toEqual(expect.arrayContaining([expect.stringMatching(/^flash-attn 2: \d+ wheels, torch 2\.0–2\.\d+$/)]));

    // The planner of `danlu plan` reads it: an H100 on driver 595 gets the new torch.
    const project = join(root, 'proj');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'requirements.txt'), 'numpy\n');
    const host = join(root, 'h100-595.json');
    writeFileSync(
      host,
      JSON.stringify({
        os: { kind: 'linux', distro: 'ubuntu', release: '24.04' },
        user: { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' },
        cpus: 32,
        memoryBytes: 274877906944,
        nvidia: {
          driverVersion: '595.58.03',
          cudaVersion: '13.2',
          gpus: [{ index: 0, name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0', memoryMiB: 81559 }],
        },
      }),
    );
    const plan = await danlu(['plan', project, '--host', host, '--json'], env);
    expect(plan.code).toBe(0);
    const p = json(plan.stdout);
    expect([p.torch.version, p.torch.backend, p.cuda.image]).toEqual(['2.16.0', 'cu132', 'nvidia/cuda:13.2.1-devel-ubuntu24.04']);
    expect(p.catalog.name).toBe('user');

    // Human output of `catalog`: which file, and per part where from.
    const human = await danlu(['catalog'], env);
    expect(human.stdout).toContain(`user catalog: ${join(dir, 'catalog.json')} (as of `);
    expect(human.stdout).toMatch(new RegExp(`from: user catalog, fetched \\S+ from ${server.url}/whl`));
  });

  it('update without --json prints one line per source and where it wrote; no progress off a terminal', async () => {
    const dir = join(root, 'human');
    const r = await danlu(['catalog', 'update', '--only', 'cuda-images,torch'], upstreamEnv(server.url, dir));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ok {5}pytorch-index: 8 releases\n/);
    expect(r.stdout).toContain('\nok     docker-hub: 11 CUDA versions\n');
    expect(r.stdout).toContain('         new torch release 2.16.0 [cu130 cu132 cpu]\n');
    expect(r.stdout).toContain(`\nWrote ${join(dir, 'catalog.json')} (as of `);
    expect(r.stdout).toContain('Parts: torch updated, cudaImages updated, wheelImage updated, wheels not requested, astral not requested.');
  });

  it('exits 1 when a source fails, saving the rest and saying what failed', async () => {
    const dir = join(root, 'limited');
    const r = await danlu(['catalog', 'update', '--only', 'wheels', '--json'], upstreamEnv(limited.url, dir));
    expect(r.code).toBe(1);
    const report = json(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.catalog.written).toBe(true);
    expect(report.sources.map((s: any) => [s.source, s.ok])).toEqual([
      ['github:Dao-AILab/flash-attention', false],
      ['github:mjun0812/flash-attention-prebuild-wheels', true],
    ]);
    expect(report.sources[0].error).toMatch(
      /^GitHub API rate limit reached \(60 requests an hour\); it resets at .* \(in 60 min\); set GITHUB_TOKEN or GH_TOKEN for a higher limit$/,
    );

    const human = await danlu(['catalog', 'update', '--only', 'wheels'], upstreamEnv(limited.url, dir));
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^failed github:Dao-AILab\/flash-attention: GitHub API rate limit reached/);
    expect(human.stderr).toContain('some sources failed');
  });

  it.each([
    [['catalog', 'update', '--only', 'gpus'], '--only: unknown part "gpus"'],
    [['catalog', 'update', '--only', ','], '--only: expected a comma-separated list of parts'],
    [['catalog', 'update', '--timeout', '0'], '--timeout 0: expected seconds per request, more than 0 and at most 600'],
    [['catalog', 'update', '--timeout', 'soon'], '--timeout soon: expected seconds'],
    [['catalog', 'update', 'now'], 'catalog update: unexpected argument "now"'],
    [['catalog', 'refresh'], 'catalog: unknown subcommand "refresh"'],
    [['catalog', '--only', 'torch'], '--only and --timeout belong to `danlu catalog update`'],
  ])('bad usage %j exits 2 and touches nothing', async (args, message) => {
    const dir = join(root, 'usage');
    const asked = server.requests.length;
    const r = await danlu([...args, '--json'], upstreamEnv(server.url, dir));
    expect(r.code).toBe(2);
    expect(json(r.stdout).error.message).toContain(message);
    expect(r.stderr).toContain(message);
    expect(server.requests.length).toBe(asked);
    expect(existsSync(dir)).toBe(false);
  });

  it('a broken user catalog: `catalog` warns, shows the embedded one, and exits 0', async () => {
    const dir = join(root, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'catalog.json'), '{"kind": "danlu-catalog", "schema": 1, "asOf": "2027-01-15"');
    const r = await danlu(['catalog', '--json'], upstreamEnv(server.url, dir));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^danlu: warning: ignoring the user catalog .*catalog\.json: \$: not valid JSON/);
    const c = json(r.stdout);
    expect(c.name).toBe('embedded');
    expect(c.userCatalog).toMatchObject({ state: 'invalid', error: expect.stringContaining('not valid JSON') });
    expect(readFileSync(join(dir, 'catalog.json'), 'utf8')).toBe('{"kind": "danlu-catalog", "schema": 1, "asOf": "2027-01-15"');
  });
});
