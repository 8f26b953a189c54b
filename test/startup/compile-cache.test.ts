import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { danlu, HOST_FILES, REPO } from '../support/cli.js';

const bundleHash = () => /\/\/# danlu-build=([0-9a-f]+)\n$/.exec(readFileSync(join(REPO, 'dist', 'danlu.cjs'), 'utf8'))![1];
const HOST = join(HOST_FILES, 'h100x2-ubuntu2404.json');

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
    const name = `${bundleHash()}-${process.version}-${process.arch}-plan.bin`;
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
    const name = `${bundleHash()}-${process.version}-${process.arch}-plan.bin`;
    writeFileSync(join(folder(), name), Buffer.alloc(4096, 7));
    const r = run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).python).toMatch(/^3\.\d+$/);
    expect(readFileSync(join(folder(), name)).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('removes the caches of other builds', () => {
    mkdirSync(folder(), { recursive: true });
    writeFileSync(join(folder(), `0000000000000000-${process.version}-${process.arch}-plan.bin`), 'old');
    expect(run(['plan', join(REPO, 'examples', 'mnist'), '--host', HOST]).code).toBe(0);
    expect(files()).toEqual([`${bundleHash()}-${process.version}-${process.arch}-plan.bin`]);
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
