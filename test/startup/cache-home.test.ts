import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { danlu, HOST_FILES, REPO } from '../support/cli.js';

/** The caches (compile cache, tool versions) with a home or cache folder that is empty, missing or odd. */
describe('caches and unusual HOME / XDG_CACHE_HOME', () => {
  let cwd: string;
  const plan = ['plan', join(REPO, 'examples', 'mnist'), '--host', join(HOST_FILES, 'h100-580.json'), '--json'];
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'danlu-home-'));
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('HOME= (empty) puts no .cache into the current folder', () => {
    const r = danlu(plan, { cwd, env: { HOME: '', XDG_CACHE_HOME: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('HOME=/missing/dir creates no such folder', () => {
    const missing = join(cwd, 'missing', 'dir');
    const r = danlu(plan, { cwd, env: { HOME: missing, XDG_CACHE_HOME: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(cwd, 'missing'))).toBe(false);
  });

  it('XDG_CACHE_HOME=/proc/self: runs without a cache, and ends', () => {
    const started = Date.now();
    const r = danlu(plan, { cwd, env: { XDG_CACHE_HOME: '/proc/self' }, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).python).toMatch(/^3\.\d+$/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('an existing home gets its cache as before', () => {
    const r = danlu(plan, { cwd, env: { HOME: cwd, XDG_CACHE_HOME: '' } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cwd, '.cache', 'danlu', 'compile')).length).toBe(1);
  });
});
