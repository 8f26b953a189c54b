import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeProjectEnv } from './project-env.js';
import { DanluError } from '../lib/errors.js';
import { hostProjectEnv } from '../render/paths.js';

describe("removing a project's environment from the host store (down --volumes)", () => {
  const made: string[] = [];
  const home = () => {
    const h = mkdtempSync(join(tmpdir(), 'danlu-env-'));
    made.push(h);
    return h;
  };
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("removes the project's venv, and says when there was none", async () => {
    const h = home();
    const env = join(h, '.cache/danlu/uv/venvs/proj');
    mkdirSync(join(env, 'lib'), { recursive: true });
    writeFileSync(join(env, 'pyvenv.cfg'), 'home = /usr/bin\n');
    expect(await removeProjectEnv(h, 'proj')).toEqual({ path: env, removed: true });
    expect(existsSync(env)).toBe(false);
    expect(existsSync(join(h, '.cache/danlu/uv/venvs'))).toBe(true);
    expect(await removeProjectEnv(h, 'proj')).toEqual({ path: env, removed: false });
  });

  it('a name compose would refuse never becomes a path (.env is not to be trusted with rm)', async () => {
    const h = home();
    mkdirSync(join(h, '.cache/danlu/uv/venvs'), { recursive: true });
    writeFileSync(join(h, 'keep'), 'x');
    for (const name of ['..', '../..', 'a/../../..', '', '.hidden', 'UPPER', 'a b']) {
      expect(hostProjectEnv(h, name), name).toBeNull();
      expect(await removeProjectEnv(h, name)).toBeNull();
    }
    expect(existsSync(join(h, 'keep'))).toBe(true);
  });

  it('a folder there that is not a venv is left alone, with the reason', async () => {
    const h = home();
    const env = join(h, '.cache/danlu/uv/venvs/proj');
    mkdirSync(env, { recursive: true });
    writeFileSync(join(env, 'notes.txt'), 'mine');
    const e = await removeProjectEnv(h, 'proj').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DanluError);
    expect((e as DanluError).message).toMatch(/is not a Python environment; left it as it is/);
    expect(existsSync(join(env, 'notes.txt'))).toBe(true);
  });

  it('a link there is removed as a link: what it points to stays', async () => {
    const h = home();
    const target = join(h, 'elsewhere');
    mkdirSync(target);
    writeFileSync(join(target, 'data'), 'x');
    mkdirSync(join(h, '.cache/danlu/uv/venvs'), { recursive: true });
    symlinkSync(target, join(h, '.cache/danlu/uv/venvs/proj'));
    expect(await removeProjectEnv(h, 'proj')).toMatchObject({ removed: true });
    expect(existsSync(join(target, 'data'))).toBe(true);
  });
});
