import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogFile } from '../../src/catalog/file.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { SNAPSHOT } from '../../src/catalog/snapshot.js';
import { statusBoard } from '../../src/catalog/update/progress.js';
import { allUpstreams, rateLimitReply, runNode, startServer, upstreamEnv, type TestServer } from './support/servers.js';

const SCRIPT = join(__dirname, '..', '..', 'scripts', 'refresh-catalog.mjs');

describe('scripts/refresh-catalog.mjs (npm run catalog:refresh)', () => {
  let server: TestServer;
  let limited: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startServer(allUpstreams());
    limited = await startServer(allUpstreams({ github: () => rateLimitReply(Math.floor(Date.now() / 1000) + 60) }));
    dir = mkdtempSync(join(tmpdir(), 'danlu-refresh-'));
  });
  afterAll(async () => {
    await server.close();
    await limited.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the snapshot in the user-catalog format with the same code, keeping curated facts', async () => {
    const out = join(dir, 'snapshot.json');
    const r = await runNode([SCRIPT, '--out', out, '--timeout', '5'], upstreamEnv(server.url, dir));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok     pytorch-index: 8 items\n');
    expect(r.stdout).toContain(`Wrote ${out} (as of `);
    const file = parseCatalogFile(readFileSync(out, 'utf8'));
    expect(file.generatedBy).toMatch(/^scripts\/refresh-catalog\.mjs \(danlu \d+\.\d+\.\d+\); curated facts kept from the previous snapshot$/);
    expect(Object.keys(file.parts)).toEqual(['torch', 'cudaImages', 'wheelImage', 'wheels', 'astral']);
    expect(file.parts.torch!.releases[0]!.version).toBe('2.16.0');
    expect(file.parts.torch!.releases.find((x) => x.version === '2.11.0')!.backends[0]!.archs).toEqual(
      EMBEDDED_CATALOG.torch.releases.find((x) => x.version === '2.11.0')!.backends[0]!.archs,
    );
    expect(file.parts.wheels!.rows).toHaveLength(247);
    expect(file.origins.torch!.urls).toEqual([`${server.url}/whl`]);
  });

  it('writes nothing when a source fails, unless --allow-partial; bad arguments exit 2', async () => {
    const out = join(dir, 'partial.json');
    writeFileSync(out, 'old');
    const env = upstreamEnv(limited.url, dir);
    const failed = await runNode([SCRIPT, '--out', out, '--only', 'wheels,cuda-images'], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('was not changed (a source failed; --allow-partial writes the parts that succeeded)');
    expect(readFileSync(out, 'utf8')).toBe('old');

    const partial = await runNode([SCRIPT, '--out', out, '--only', 'wheels,cuda-images', '--allow-partial', '--json'], env);
    expect(partial.code).toBe(1);
    expect(JSON.parse(partial.stdout)).toMatchObject({ ok: false, written: true, out });
    const file = parseCatalogFile(readFileSync(out, 'utf8'));
    // The parts that were not fetched, and the failed wheels, stay as the snapshot had them.
    expect(file.parts.torch).toEqual(SNAPSHOT.parts.torch);
    expect(file.parts.wheels).toEqual(SNAPSHOT.parts.wheels);
    expect(file.parts.cudaImages!.rows.some((r) => r.version === '13.3.0')).toBe(true);

    expect((await runNode([SCRIPT, '--only', 'gpus'], env)).code).toBe(2);
    expect((await runNode([SCRIPT, '--timeout', '-1'], env)).code).toBe(2);
    expect((await runNode([SCRIPT, '--bogus'], env)).code).toBe(2);
  });
});

describe('the progress display', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { stream: { isTTY, columns: 60, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
  }

  it('draws one line per source and redraws them in place', () => {
    const { stream, writes } = fakeStream(true);
    const board = statusBoard(stream);
    board.start(['pytorch-index', 'docker-hub']);
    board.update('pytorch-index', '3/48 index pages');
    board.finish('docker-hub', false, 'HTTP 503');
    board.finish('pytorch-index', true, '8 releases');
    board.stop();
    expect(writes[0]).toBe('\r\x1b[K⠋ pytorch-index  waiting\n\r\x1b[K⠋ docker-hub     waiting\n');
    expect(writes.at(-1)).toBe('\x1b[2A\r\x1b[K✓ pytorch-index  8 releases\n\r\x1b[K✗ docker-hub     HTTP 503\n');
  });

  it('is silent off a terminal or when asked', () => {
    for (const [tty, enabled] of [
      [false, undefined],
      [true, false],
    ] as const) {
      const { stream, writes } = fakeStream(tty);
      const board = statusBoard(stream, enabled);
      board.start(['a']);
      board.update('a', 'x');
      board.finish('a', true, 'y');
      board.stop();
      expect(writes).toEqual([]);
    }
  });
});
