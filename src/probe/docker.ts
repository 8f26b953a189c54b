import type { ExecResult } from '../lib/exec.js';
import { DEFAULT_ENGINE, ENGINES, type EngineKind } from '../catalog/engine.js';
import { findOnPath, firstLine, type ProbeDeps } from './deps.js';
import {
  classifyDaemonError,
  inGroupFile,
  isNvidiaCdiSpec,
  parseComposeVersion,
  parseDockerInfoJson,
  parseDockerVersionJson,
  parseGroupNames,
  parseNvidiaCtkVersion,
} from './docker-parse.js';
import type { DockerDaemonFacts, DockerFacts, ProbeNote } from './types.js';
import { sudoInvoker } from './user.js';

/** Each docker call; a hung daemon must not hold the whole probe (runCommand kills at the limit). */
export const DOCKER_TIMEOUT_MS = 1500;
const CDI_DIRS = ['/etc/cdi', '/var/run/cdi'];

export interface DockerProbeResult {
  facts: DockerFacts | null;
  notes: ProbeNote[];
}

const json = ['--format', '{{json .}}'];

/** Daemon state from `docker version`: it prints the client part even when the daemon is down. */
export function daemonFacts(r: ExecResult, serverVersion: string | null, timeoutMs = DOCKER_TIMEOUT_MS): DockerDaemonFacts {
  if (r.code === 0 && serverVersion) return { ok: true, version: serverVersion, reason: null };
  if (r.timedOut) return { ok: false, version: null, reason: `timed out: docker did not answer within ${timeoutMs / 1000} s` };
  const message = firstLine(r.stderr) || firstLine(r.stdout.replace(/^\s*\{.*$/gm, ''));
  const problem = classifyDaemonError(`${r.stderr}\n${r.stdout}`);
  return { ok: false, version: null, reason: message ? `${problem}: ${message}` : problem };
}

/** The invoking user's membership in the `docker` group; null when it cannot be told. */
async function dockerGroupMember(deps: ProbeDeps): Promise<boolean | null> {
  if (deps.platform !== 'linux') return null;
  let info: { username: string; uid: number; gid: number };
  try {
    info = deps.userInfo();
  } catch {
    return null;
  }
  const invoker = sudoInvoker(deps.env, info.uid);
  const name = invoker?.name ?? info.username;
  // Without a name, `id -Gn` reports this process's groups, which is what the socket checks.
  const r = await deps.exec('id', invoker ? ['-Gn', name] : ['-Gn'], { timeoutMs: DOCKER_TIMEOUT_MS });
  if (r.code === 0) return parseGroupNames(r.stdout).includes('docker');
  const etcGroup = await deps.readFile('/etc/group');
  if (etcGroup === null) return null;
  return inGroupFile(etcGroup, 'docker', name, invoker?.gid ?? info.gid) ?? false;
}

async function cdiSpecPresent(deps: ProbeDeps, extraDirs: readonly string[]): Promise<boolean> {
  const dirs = [...new Set([...CDI_DIRS, ...extraDirs])];
  const listings = await Promise.all(dirs.map((d) => deps.listDir(d)));
  return listings.some((names) => names.some(isNvidiaCdiSpec));
}

/**
 * `docker-compose --version`, only when the `docker compose` plugin is absent: v1 is Python and
 * takes about half a second to start, and is not needed when v2 is there.
 */
async function composeVersions(deps: ProbeDeps): Promise<{ plugin: ExecResult; standalone: ExecResult | null }> {
  const spec = ENGINES[engineKind(deps.env)];
  const plugin = await deps.exec(dockerCommand(deps.env), [spec.composePlugin, 'version', '--short'], { timeoutMs: DOCKER_TIMEOUT_MS });
  if (plugin.code === 0 || plugin.timedOut || plugin.missing || !spec.composeStandalone) return { plugin, standalone: null };
  // Compose v1 starts Python for its version: asked once per binary, then remembered.
  const bin = deps.versionCache ? await findOnPath(spec.composeStandalone, deps) : null;
  const cached = bin ? await deps.versionCache!.read(bin, ['--version']) : null;
  if (cached !== null) return { plugin, standalone: { code: 0, stdout: cached, stderr: '', missing: false, timedOut: false, ms: 0 } };
  const standalone = await deps.exec(spec.composeStandalone, ['--version'], { timeoutMs: DOCKER_TIMEOUT_MS });
  if (bin && standalone.code === 0) await deps.versionCache!.write(bin, ['--version'], standalone.stdout);
  return { plugin, standalone };
}

const rootlessSocket = (env: NodeJS.ProcessEnv) => /^unix:\/\/\/run\/user\/\d+\//.test(env.DOCKER_HOST ?? '');

const NOT_PROBED: ExecResult = { code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: 0 };

/**
 * The container engine of this machine: the one place that decides it (Docker is the only kind
 * today). Everything else reads the kind from the facts (`engineOf`) and the rest from ENGINES.
 */
export function engineKind(_env: NodeJS.ProcessEnv = process.env): EngineKind {
  return DEFAULT_ENGINE;
}

/** The engine of probed (or recorded) facts; a --host file from before the field is Docker's. */
export function engineOf(facts: { engine?: EngineKind } | null | undefined): EngineKind {
  return facts?.engine ?? DEFAULT_ENGINE;
}

/** The engine's client danlu runs, for every probe and command; DANLU_DOCKER picks another one. */
export function dockerCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.DANLU_DOCKER || ENGINES[engineKind(env)].binary;
}

/**
 * `runtime` asks only what planning and `up` need (daemon and how it hands out GPUs), skipping
 * compose and the rest. `timeoutMs`: each call's limit (`up` waits a little longer than a probe).
 */
export async function probeDocker(deps: ProbeDeps, mode: 'full' | 'runtime' = 'full', timeoutMs = DOCKER_TIMEOUT_MS): Promise<DockerProbeResult> {
  const notes: ProbeNote[] = [];
  const t = { timeoutMs };
  const docker = dockerCommand(deps.env);
  const full = mode === 'full';
  const [version, info, compose, ctk, dockerPath, group, buildx] = await Promise.all([
    deps.exec(docker, ['version', ...json], t),
    deps.exec(docker, ['info', ...json], t),
    full ? composeVersions(deps) : Promise.resolve({ plugin: NOT_PROBED, standalone: null }),
    full ? deps.exec('nvidia-ctk', ['--version'], t) : Promise.resolve(NOT_PROBED),
    full ? findOnPath(docker, deps) : Promise.resolve(null),
    full ? dockerGroupMember(deps) : Promise.resolve(null),
    full ? deps.exec(docker, ['buildx', 'version'], t) : Promise.resolve(NOT_PROBED),
  ]);
  const ctkVersion = ctk.code === 0 ? parseNvidiaCtkVersion(ctk.stdout + ctk.stderr) : null;
  const standalone = compose.standalone?.code === 0 ? parseComposeVersion(compose.standalone.stdout) : null;
  if (version.missing) {
    notes.push({ what: 'docker', message: 'docker not found' });
    return { facts: null, notes };
  }
  const parsedVersion = parseDockerVersionJson(version.stdout);
  const parsedInfo = info.code === 0 ? parseDockerInfoJson(info.stdout) : null;
  const daemon = daemonFacts(version, parsedVersion.server, timeoutMs);
  if (!daemon.ok) notes.push({ what: 'docker daemon', message: `docker daemon ${daemon.reason}` });
  const v2 = compose.plugin.code === 0 ? parseComposeVersion(compose.plugin.stdout) : null;
  const v1 = standalone?.startsWith('1.') ? standalone : null;
  if (!v2 && standalone && !v1) {
    const message = `only the standalone docker-compose ${standalone} was found; the \`docker compose\` plugin is missing`;
    notes.push({ what: 'docker compose', message });
  }
  return {
    facts: {
      engine: engineKind(deps.env),
      client: parsedVersion.client,
      daemon,
      compose: { v2, v1 },
      nvidiaRuntime: parsedInfo?.nvidiaRuntime ?? false,
      cdi: (parsedInfo?.cdiGpuDevices.length ?? 0) > 0 || (await cdiSpecPresent(deps, parsedInfo?.cdiSpecDirs ?? [])),
      rootless: parsedInfo?.rootless ?? rootlessSocket(deps.env),
      desktop: parsedVersion.desktop || (parsedInfo?.desktop ?? false),
      snap: dockerPath?.startsWith('/snap/') === true,
      inDockerGroup: group,
      nvidiaCtk: ctkVersion,
      ...(full ? { buildx: buildx.code === 0 ? (/\bv?(\d+\.\d+\.\d+)/.exec(buildx.stdout)?.[1] ?? 'present') : null } : {}),
    },
    notes,
  };
}
