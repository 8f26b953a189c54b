import { runCommand, type Exec, type ExecResult } from '../lib/exec.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { access } from 'node:fs/promises';
import { findOnPath } from '../probe/deps.js';
import { cacheDir } from '../lib/cache-dir.js';
import { fileVersionCache, type VersionCache } from '../probe/version-cache.js';
import type { ComposeFlavor } from './command-line.js';

const defaultCache = (env: NodeJS.ProcessEnv): VersionCache | null => (env.DANLU_VERSION_CACHE === '0' ? null : fileVersionCache(cacheDir(env)));

/**
 * `docker-compose version --short` (Compose v1 is Python: half a second to start), remembered per
 * binary so that `danlu exec` and `danlu run` do not wait for it every time.
 */
async function composeV1Version(exec: Exec, env: NodeJS.ProcessEnv, cache: VersionCache | null): Promise<ExecResult> {
  const args = ['version', '--short'];
  const exists = (p: string) =>
    access(p).then(
      () => true,
      () => false,
    );
  const bin = cache ? await findOnPath('docker-compose', { env, exists, platform: process.platform }) : null;
  const cached = bin ? await cache!.read(bin, args) : null;
  if (cached !== null) return { code: 0, stdout: cached, stderr: '', missing: false, timedOut: false, ms: 0 };
  const r = await exec('docker-compose', args, { timeoutMs: 3000 });
  if (bin && r.code === 0 && r.stdout.trim()) await cache!.write(bin, args, r.stdout);
  return r;
}

/** The docker client danlu runs; DANLU_DOCKER picks another one. */
export function dockerCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.DANLU_DOCKER || 'docker';
}

export interface Engine {
  docker: string;
  flavor: ComposeFlavor;
  serverVersion: string;
  nvidiaRuntime: boolean;
}

const DAEMON_TIMEOUT_MS = 2500;

function daemonError(stderr: string, timedOut: boolean, docker: string): DanluError {
  if (timedOut) {
    return new DanluError(`the Docker daemon did not answer within ${DAEMON_TIMEOUT_MS / 1000} s`, {
      code: EXIT.failed,
      hint: 'check it with `sudo systemctl status docker`; restart it with `sudo systemctl restart docker`',
    });
  }
  if (/permission denied/i.test(stderr)) {
    return new DanluError('permission denied on the Docker socket', {
      code: EXIT.failed,
      hint: 'add yourself to the docker group: `sudo usermod -aG docker "$USER"`, then log out and in (or run `newgrp docker`)',
    });
  }
  return new DanluError(`Docker daemon not reachable: ${stderr.trim().split('\n')[0] || `${docker} version failed`}`, {
    code: EXIT.failed,
    hint: 'start it: `sudo systemctl start docker` (Docker Engine) or start Docker Desktop; on WSL2 without systemd: `sudo service docker start`',
  });
}

/**
 * Checks the daemon and finds compose, in parallel and with time-outs, so a stopped or hung
 * daemon is reported within a few seconds.
 */
export async function connectEngine(
  exec: Exec = runCommand,
  env: NodeJS.ProcessEnv = process.env,
  cache: VersionCache | null = defaultCache(env),
): Promise<Engine> {
  const docker = dockerCommand(env);
  const [version, v2, v1, runtimes] = await Promise.all([
    exec(docker, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: DAEMON_TIMEOUT_MS }),
    exec(docker, ['compose', 'version', '--short'], { timeoutMs: 3000 }),
    composeV1Version(exec, env, cache),
    exec(docker, ['info', '--format', '{{json .Runtimes}}'], { timeoutMs: DAEMON_TIMEOUT_MS }),
  ]);
  if (version.missing) {
    throw new DanluError('docker is not installed (no `docker` command)', {
      code: EXIT.failed,
      hint: '`danlu setup-host --print` shows how to install Docker Engine',
    });
  }
  if (version.code !== 0 || !version.stdout.trim()) throw daemonError(version.stderr, version.timedOut, docker);
  let flavor: ComposeFlavor;
  if (v2.code === 0 && v2.stdout.trim()) flavor = { kind: 'v2', docker, version: v2.stdout.trim().replace(/^v/, '') };
  else if (v1.code === 0 && v1.stdout.trim()) flavor = { kind: 'v1', bin: 'docker-compose', version: v1.stdout.trim() };
  else {
    throw new DanluError('Docker Compose is not installed (neither `docker compose` nor `docker-compose`)', {
      code: EXIT.failed,
      hint: "install the plugin: `sudo apt-get install docker-compose-plugin` (Docker's apt repository)",
    });
  }
  return { docker, flavor, serverVersion: version.stdout.trim(), nvidiaRuntime: /"nvidia"/.test(runtimes.stdout) };
}
