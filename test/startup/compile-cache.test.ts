import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { danlu, HOST_FILES, REPO } from '../support/cli.js';

const bundleHash = () => /\/\/# danlu-build=([0-9a-f]+)\n$/.exec(readFileSync(join(REPO, 'dist', 'danlu.cjs'), 'utf8'))![1];
const HOST = join(HOST_FILES, 'h100x2-ubuntu2404.json');
/** The cache key names the bundle's path too (another checkout of the same build has its own file). */
const where = () =>
  createHash('sha256')
    .update(join(REPO, 'dist', 'danlu.cjs'))
    .digest('hex')
    .slice(0, 8);

describe('compile cache of the bundle', () => {
  let cacheHome: string;
  const folder = () => join(cacheHome, 'danlu', 'compile');
  const files = () => {
    try {
      return readdirSync(folder()).sort();
    } catch {
      return [];
    }
  };
  const run = (args: string[], env: Record<string, string> = {}) => danlu(args, { env: { XDG_CACHE_HOME: cacheHome, ...env } });

  beforeEach(() => {
    cacheHome = mkdtempSync(join(tmpdir(), 'danlu-cache-'));
  });
  afterEach(() => {
    chmodSync(cacheHome, 0o755);
    rmSync(cacheHome, { recursive: true, force: true });
  });

  it('writes one file per build and command, and reuses it', () => {
    expect(run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST, '--json']).code).toBe(0);
    const name = `${bundleHash()}-${process.version}-${process.arch}-${where()}-plan.bin`;
    expect(files()).toEqual([name]);
    const first = readFileSync(join(folder(), name));
    expect(first.length).toBeGreaterThan(10_000);
    // A second run accepts the cache and leaves it as it is.
    const again = run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).torch.backend).toMatch(/^cu\d+$/);
    expect(readFileSync(join(folder(), name)).equals(first)).toBe(true);
  });

  it('replaces a damaged cache file and runs normally', () => {
    mkdirSync(folder(), { recursive: true });
    const name = `${bundleHash()}-${process.version}-${process.arch}-${where()}-plan.bin`;
    writeFileSync(join(folder(), name), Buffer.alloc(4096, 7));
    const r = run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).python).toMatch(/^3\.\d+$/);
    expect(readFileSync(join(folder(), name)).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('keeps one file per checkout of the same build (stack traces name this checkout)', () => {
    const other = mkdtempSync(join(tmpdir(), 'danlu-checkout-'));
    try {
      for (const d of ['bin', 'dist']) cpSync(join(REPO, d), join(other, d), { recursive: true });
      cpSync(join(REPO, 'package.json'), join(other, 'package.json'));
      expect(run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST]).code).toBe(0);
      const r = spawnSync(process.execPath, [join(other, 'bin', 'danlu.mjs'), 'plan', join(REPO, 'examples', 'mnist'), '--host', HOST], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cacheHome },
      });
      expect(r.status).toBe(0);
      const theirs = createHash('sha256')
        .update(join(other, 'dist', 'danlu.cjs'))
        .digest('hex')
        .slice(0, 8);
      expect(files()).toEqual(
        [
          `${bundleHash()}-${process.version}-${process.arch}-${where()}-plan.bin`,
          `${bundleHash()}-${process.version}-${process.arch}-${theirs}-plan.bin`,
        ].sort(),
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('removes the caches of other builds', () => {
    mkdirSync(folder(), { recursive: true });
    writeFileSync(join(folder(), `0000000000000000-${process.version}-${process.arch}-plan.bin`), 'old');
    expect(run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST]).code).toBe(0);
    expect(files()).toEqual([`${bundleHash()}-${process.version}-${process.arch}-${where()}-plan.bin`]);
  });

  it('writes nothing for a usage error or when turned off', () => {
    expect(run(['plan', '--no-such-flag']).code).toBe(2);
    expect(run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST], { DANLU_COMPILE_CACHE: '0' }).code).toBe(0);
    expect(files()).toEqual([]);
  });

  it('runs normally when the cache folder cannot be written', () => {
    if (process.getuid?.() === 0) {
      // root writes anyway: a file where the folder should be stops it just as well.
      mkdirSync(join(cacheHome, 'danlu'));
      writeFileSync(folder(), 'not a folder');
    } else chmodSync(cacheHome, 0o500);
    const r = run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).cuda.image).toMatch(/^nvidia\/cuda:/);
  });
});
