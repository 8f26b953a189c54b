// What the end-to-end benches share: the real engine and uv, the stand-in images built, a work
// folder with a home for a non-root user, the environment danlu runs in, a timed runner.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLoopImages } from '../scripts/lib/loop-images.mjs';
import { discoverPip } from '../scripts/lib/uv-harness.mjs';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const danlu = join(root, 'bin', 'danlu.mjs');
export const UID = 1000;
export const USER = 'benchuser';

/** Sets up a bench run (exits 2 without DANLU_TEST_UV); `name` names its temp folder. */
export function loopBench(name) {
  const DOCKER = process.env.DANLU_DOCKER || '/usr/bin/docker';
  const UV = process.env.DANLU_TEST_UV;
  if (!UV) {
    console.error(`${name}: set DANLU_TEST_UV to a uv binary (as .ci/run does)`);
    process.exit(2);
  }
  const pip = discoverPip();
  buildLoopImages({ docker: DOCKER, uv: UV, cert: pip.cert ?? null });
  const work = mkdtempSync(join(tmpdir(), `danlu-bench-${name}-`));
  const home = join(work, 'home');
  mkdirSync(home);
  chownSync(home, UID, UID);
  // Compose v1 runs the `docker` first on PATH: the one named here.
  const env = {
    ...process.env,
    PATH: `${dirname(DOCKER)}:${process.env.PATH}`,
    NO_COLOR: '1',
    CI: 'true',
    DOCKER_BUILDKIT: '1',
    COMPOSE_DOCKER_CLI_BUILD: '1',
    SUDO_USER: USER,
    SUDO_UID: String(UID),
    SUDO_GID: String(UID),
  };
  /** Runs a command to its end; its time in ms; throws with its stderr when it fails. */
  const run = (cmd, argv, cwd, timeout = 1_800_000) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { cwd, env, encoding: 'utf8', timeout });
    if (r.status !== 0) throw new Error(`${[cmd, ...argv].join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)}`);
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout };
  };
  return { DOCKER, UV, pip, work, home, env, run };
}

/** KEY=value lines of a .env text replaced. */
export const setEnv = (text, values) => Object.entries(values).reduce((t, [k, v]) => t.replace(new RegExp(`^${k}=.*$`, 'm'), `${k}=${v}`), text);
