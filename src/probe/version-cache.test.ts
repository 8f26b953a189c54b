import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileVersionCache } from './version-cache.js';

const V = ['--version'];

describe('the version cache of slow binaries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-vc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'docker-compose');
  const where = { base: dir, path: join(dir, 'cache') };
  const file = join(where.path, 'tool-versions.json');

  it('remembers an output per binary and forgets it when the binary changes', async () => {
    writeFileSync(bin, '#!/bin/sh\necho v1\n');
    const cache = fileVersionCache(where);
    expect(await cache.read(bin, V)).toBeNull();
    await cache.write(bin, V, 'docker-compose version 1.29.2, build unknown\n');
    expect(await fileVersionCache(where).read(bin, V)).toBe('docker-compose version 1.29.2, build unknown\n');
    // An upgrade replaces the file: another size or time, another key.
    writeFileSync(bin, '#!/bin/sh\necho v1.29.3\n');
    utimesSync(bin, new Date(), new Date(Date.now() + 5000));
    expect(await cache.read(bin, V)).toBeNull();
    await cache.write(bin, V, 'docker-compose version 1.29.3\n');
    expect(await cache.read(bin, V)).toBe('docker-compose version 1.29.3\n');
  });

  it('keeps the outputs of different arguments apart', async () => {
    const cache = fileVersionCache(where);
    await cache.write(bin, ['version', '--short'], '1.29.3\n');
    expect(await cache.read(bin, ['version', '--short'])).toBe('1.29.3\n');
    expect(await cache.read(bin, V)).toBe('docker-compose version 1.29.3\n');
  });

  it('treats a damaged cache file or a missing binary as no cache', async () => {
    writeFileSync(file, '{ not json');
    const cache = fileVersionCache(where);
    expect(await cache.read(bin, V)).toBeNull();
    await cache.write(bin, V, 'x\n');
    expect(await cache.read(bin, V)).toBe('x\n');
    expect(await cache.read(join(dir, 'missing'), V)).toBeNull();
    await cache.write(join(dir, 'missing'), V, 'y');
    expect(await cache.read(join(dir, 'missing'), V)).toBeNull();
  });
});
