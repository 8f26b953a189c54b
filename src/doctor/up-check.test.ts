import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_DIRS } from '../render/compose.js';
import { realDoctorDeps } from './probes/deps.js';
import { extendRequestsGpus } from './probes/project-files.js';
import { upCheck, type UpCheckInput } from './up-check.js';

const root = mkdtempSync(join(tmpdir(), 'danlu-upcheck-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 1000;

function input(home: string, over: Partial<UpCheckInput> = {}): UpCheckInput {
  const env = { USER_UID: String(uid), USER_GID: String(uid), HOST_HOME: home };
  return {
    user: { name: 'alice', uid, gid: uid, home },
    processUid: uid,
    env: {},
    files: { envPath: join(root, '.env'), envText: 'x', env, envError: null, extendRequestsGpus: false },
    docker: { daemon: { ok: true }, nvidiaRuntime: false, cdi: false, desktop: false, rootless: false, nvidiaCtk: null },
    ...over,
  };
}

describe('the doctor rules danlu up runs', () => {
  it("creates the missing cache folders as the user with doctor's fix, and lets up go on", async () => {
    const home = join(root, 'h1');
    mkdirSync(home);
    const r = await upCheck(realDoctorDeps(), input(home));
    expect(r.refuse).toEqual([]);
    expect(r.created.flatMap((c) => c.paths ?? []).sort()).toEqual(CACHE_DIRS.map((d) => join(home, d)).sort());
    for (const d of CACHE_DIRS) expect(statSync(join(home, d)).uid).toBe(uid);
    expect((await upCheck(realDoctorDeps(), input(home))).created).toEqual([]);
  });

  it("refuses a .env written for another user, in doctor's words", async () => {
    const home = join(root, 'h2');
    mkdirSync(home);
    const base = input(home);
    const r = await upCheck(realDoctorDeps(), { ...base, files: { ...base.files, env: { ...base.files.env!, USER_UID: '4321' } } });
    expect(r.refuse.map((f) => f.id)).toEqual(['env-uid']);
    expect(r.refuse[0]!.title).toBe(`USER_UID=4321 in .env, but you are alice (${uid}:${uid})`);
  });

  it('refuses a GPU request Docker cannot serve; none asked, nothing said', async () => {
    const home = join(root, 'h3');
    mkdirSync(home);
    const base = input(home);
    const gpu = await upCheck(realDoctorDeps(), { ...base, files: { ...base.files, extendRequestsGpus: true } });
    expect(gpu.refuse.map((f) => f.id)).toEqual(['gpu-request']);
    expect(gpu.refuse[0]!.fix?.command).toMatch(/nvidia-ctk runtime configure/);
    const withRuntime = await upCheck(realDoctorDeps(), {
      ...base,
      files: { ...base.files, extendRequestsGpus: true },
      docker: { ...base.docker!, nvidiaRuntime: true },
    });
    expect(withRuntime.refuse).toEqual([]);
  });

  it("reads the machine file's GPU reservation", () => {
    expect(
      extendRequestsGpus(
        'services:\n  devcontainer:\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n',
      ),
    ).toBe(true);
    expect(extendRequestsGpus('services:\n  devcontainer:\n    network_mode: none\n')).toBe(false);
    expect(extendRequestsGpus('a: [')).toBe(false);
    expect(extendRequestsGpus(null)).toBe(false);
  });
});
