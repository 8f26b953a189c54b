import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheDir, makeCacheDir } from './cache-dir.js';

describe("danlu's cache folder", () => {
  const root = mkdtempSync(join(tmpdir(), 'danlu-cache-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is under XDG_CACHE_HOME, else under the home folder', () => {
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/a' }, 'compile')).toEqual({ base: '/x/cache', path: '/x/cache/danlu/compile' });
    expect(cacheDir({ HOME: '/home/a' })).toEqual({ base: '/home/a', path: '/home/a/.cache/danlu' });
    // A relative XDG_CACHE_HOME is not one (the XDG rule).
    expect(cacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/a' })?.base).toBe('/home/a');
  });

  it('is none at all with HOME= (empty) or a relative HOME: never a folder in the current one', () => {
    expect(cacheDir({ HOME: '' })).toBeNull();
    expect(cacheDir({ HOME: 'some/where' })).toBeNull();
    expect(cacheDir({ HOME: '', XDG_CACHE_HOME: '' })).toBeNull();
  });

  it('is made below its base, never the base itself (HOME=/missing/dir creates nothing)', async () => {
    const missing = join(root, 'missing', 'dir');
    expect(await makeCacheDir(cacheDir({ HOME: missing })!)).toBe(false);
    expect(existsSync(join(root, 'missing'))).toBe(false);

    const home = join(root, 'home');
    rmSync(home, { recursive: true, force: true });
    mkdirSync(home);
    const dir = cacheDir({ HOME: home }, 'compile')!;
    expect(await makeCacheDir(dir)).toBe(true);
    expect(statSync(dir.path).isDirectory()).toBe(true);
    expect(statSync(dir.path).mode & 0o777).toBe(0o700);
    expect(await makeCacheDir(dir)).toBe(true);
  });

  it('gives up at once where a folder cannot be made (XDG_CACHE_HOME=/proc/self)', async () => {
    const started = Date.now();
    expect(await makeCacheDir(cacheDir({ XDG_CACHE_HOME: '/proc/self' }, 'compile')!)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
