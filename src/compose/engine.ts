import { runCommand, type Exec, type ExecResult } from '../lib/exec.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { access } from 'node:fs/promises';
import { findOnPath, realDeps } from '../probe/deps.js';
import { dockerCommand, engineKind, probeDocker } from '../probe/docker.js';
import { engineGpus, type EngineGpus } from '../probe/gpu-access.js';
import type { DockerFacts } from '../probe/types.js';
import { cacheDir } from '../lib/cache-dir.js';
import { fileVersionCache, type VersionCache } from '../probe/version-cache.js';
import type { ComposeFlavor } from './command-line.js';
import { ENGINES, type EngineKind, type EngineSpec } from '../catalog/engine.js';

const defaultCache = (env: NodeJS.ProcessEnv): VersionCache | null => (env.DANLU_VERSION_CACHE === '0' ? null : fileVersionCache(cacheDir(env)));

/**
 * `docker-compose version --short` (Compose v1 is Python: half a second to start), remembered per
 * binary so that `danlu exec` and `danlu run` do not wait for it every time.
 */
async function composeV1Version(exec: Exec, env: NodeJS.ProcessEnv, cache: VersionCache | null, spec: EngineSpec): Promise<ExecResult> {
  const args = ['version', '--short'];
  const exists = (p: string) =>
    access(p).then(
      () => true,
      () => false,
    );
  const standalone = spec.composeStandalone;
  if (!standalone) return { code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: 0 };
  const bin = cache ? await findOnPath(standalone, { env, exists, platform: process.platform }) : null;
  const cached = bin ? await cache!.read(bin, args) : null;
  if (cached !== null) return { code: 0, stdout: cached, stderr: '', missing: false, timedOut: false, ms: 0 };
  const r = await exec(standalone, args, { timeoutMs: 3000 });
  if (bin && r.code === 0 && r.stdout.trim()) await cache!.write(bin, args, r.stdout);
  return r;
}

export { dockerCommand };

export interface Engine {
  /** Which engine: every fact that differs between engines is ENGINES[kind]. */
  kind: EngineKind;
  docker: string;
  flavor: ComposeFlavor;
  serverVersion: string;
  /** What the daemon said of itself (runtimes, CDI, Docker Desktop, rootless): doctor's facts. */
  facts: DockerFacts;
  /** How it hands containers GPUs: the answer the plan and doctor give too. */
  gpus: EngineGpus;
}

const DAEMON_TIMEOUT_MS = 2500;

/** The daemon did not answer: one line, with the fix for the reason `docker version` gave. */
function daemonError(reason: string, docker: string, spec: EngineSpec): DanluError {
  if (/^timed out/.test(reason)) {
    return new DanluError(`the Docker daemon did not answer within ${DAEMON_TIMEOUT_MS / 1000} s`, {
      code: EXIT.failed,
      hint: 'check it with `sudo systemctl status docker`; restart it with `sudo systemctl restart docker`',
    });
  }
  if (/permission denied/i.test(reason)) {
    return new DanluError(`permission denied on the ${spec.name} socket`, { code: EXIT.failed, hint: spec.socketAccessHint });
  }
  return new DanluError(`${spec.name} daemon not reachable: ${reason.replace(/^[a-z ]+: /, '') || `${docker} version failed`}`, {
    code: EXIT.failed,
    hint: spec.startHint,
  });
}

/**
 * Checks the daemon (doctor's own probe of it: one engine, probed once) and finds compose, in
 * parallel and with time-outs, so a stopped or hung daemon is reported within a few seconds.
 */
export async function connectEngine(
  exec: Exec = runCommand,
  env: NodeJS.ProcessEnv = process.env,
  cache: VersionCache | null = defaultCache(env),
): Promise<Engine> {
  const kind = engineKind(env);
  const spec = ENGINES[kind];
  const docker = dockerCommand(env);
  const [probed, v2, v1] = await Promise.all([
    probeDocker(realDeps({ env, exec }), 'runtime', DAEMON_TIMEOUT_MS),
    exec(docker, [spec.composePlugin, 'version', '--short'], { timeoutMs: 3000 }),
    composeV1Version(exec, env, cache, spec),
  ]);
  const facts = probed.facts;
  if (!facts) {
    throw new DanluError(`${spec.name} is not installed (no \`${docker}\` command)`, {
      code: EXIT.failed,
      hint: spec.installHint,
    });
  }
  if (!facts.daemon.ok || !facts.daemon.version) throw daemonError(facts.daemon.reason ?? '', docker, spec);
  let flavor: ComposeFlavor;
  if (v2.code === 0 && v2.stdout.trim()) flavor = { kind: 'v2', docker, plugin: spec.composePlugin, version: v2.stdout.trim().replace(/^v/, '') };
  else if (v1.code === 0 && v1.stdout.trim() && spec.composeStandalone) flavor = { kind: 'v1', bin: spec.composeStandalone, version: v1.stdout.trim() };
  else {
    throw new DanluError(
      `${spec.name} Compose is not installed (neither \`${docker} ${spec.composePlugin}\`${spec.composeStandalone ? ` nor \`${spec.composeStandalone}\`` : ''})`,
      { code: EXIT.failed, hint: spec.composeInstallHint },
    );
  }
  return { kind, docker, flavor, serverVersion: facts.daemon.version, facts, gpus: engineGpus(facts) };
}
