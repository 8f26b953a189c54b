/**
 * Helpers for tests that run real external tools: docker-compose v1 (Debian's), shellcheck and a
 * real Docker engine (the private one `.ci/run` starts; see shared/docs/real-docker-in-ci.md).
 *
 * Finders return null when a tool is missing, so tests can guard with `it.skipIf(...)`:
 *
 *   it.skipIf(!findDockerCompose())('compose accepts …', () => { composeConfig(dir) … });
 *   it.skipIf(!dockerAvailable())('builds …', () => { dockerBuild({ context, tag }) … });
 *
 * Runners (`composeConfig`, `shellcheck`, `docker`, …) throw a plain error naming the guard to use
 * when called without their tool. Everything is synchronous: these tools are quick, and vitest runs
 * the tests of one file one after another.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface RunResult {
  /** Exit code; 127 when the program could not be started, 124 on timeout, 128+n on signal n. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Variables added to (or, when undefined, removed from) the inherited environment. */
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function mergeEnv(base: NodeJS.ProcessEnv, extra?: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs a program (no shell) and collects its output. Never throws. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: mergeEnv(process.env, opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout ?? '';
  let stderr = r.stderr ?? '';
  let code: number;
  if (r.error) {
    const err = r.error as NodeJS.ErrnoException;
    code = err.code === 'ETIMEDOUT' ? 124 : 127;
    stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}${cmd}: ${err.message}\n`;
  } else if (r.status !== null) {
    code = r.status;
  } else {
    code = 128 + (SIGNALS[r.signal ?? ''] ?? 0);
  }
  return { code, stdout, stderr };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` on PATH, or null. */
export function which(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function memo<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

// ---------------------------------------------------------------------------------------------
// docker-compose v1

/**
 * Debian's `docker-compose` (v1, 1.29) binary, or null. Prefers /usr/bin/docker-compose; another
 * `docker-compose` on PATH counts only if `version` says 1.x (the flags and messages differ in v2).
 */
export const findDockerCompose = memo((): string | null => {
  const candidates = ['/usr/bin/docker-compose', which('docker-compose')].filter((p): p is string => p !== null && isExecutable(p));
  for (const p of [...new Set(candidates)]) {
    const v = run(p, ['version', '--short'], { timeoutMs: 30_000 });
    if (v.code === 0 && /^1\./.test(v.stdout.trim())) return p;
  }
  return null;
});

export interface ComposeOptions {
  /** Compose files relative to the directory (each passed as `-f`); default: compose's own lookup. */
  files?: readonly string[];
  /** Extra environment; it wins over `.env`, as in compose. */
  env?: Record<string, string | undefined>;
  /** `-p`: keep projects of parallel test files apart (see `uniqueName`). */
  projectName?: string;
  timeoutMs?: number;
}

/**
 * Environment for compose: the inherited one without COMPOSE_* (a stray COMPOSE_FILE or
 * COMPOSE_PROJECT_NAME would change what is read), plus what `dockerEnv()` sets when a Docker client
 * is found (so `docker-compose build` uses BuildKit through Debian's client).
 */
function composeEnv(extra?: Record<string, string | undefined>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('COMPOSE_')) env[k] = undefined;
  return { ...env, ...(dockerBin() ? dockerEnv() : {}), ...extra };
}

/** Runs `docker-compose [-p name] [-f file]… ARGS` in `dir`. */
export function dockerCompose(dir: string, args: readonly string[], opts: ComposeOptions = {}): RunResult {
  const bin = findDockerCompose();
  if (!bin) throw new Error('docker-compose (v1) is not installed; guard the test with it.skipIf(!findDockerCompose())');
  const pre: string[] = [];
  if (opts.projectName) pre.push('-p', opts.projectName);
  for (const f of opts.files ?? []) pre.push('-f', f);
  return run(bin, [...pre, ...args], {
    cwd: dir,
    env: composeEnv(opts.env),
    timeoutMs: opts.timeoutMs ?? 300_000,
  });
}

/**
 * `docker-compose config` in `dir`: validates the compose file(s) plus `dir/.env` (no engine needed)
 * and prints the resolved file. Code 0 = valid; a missing `${X:?msg}` gives code 1 and msg on stderr.
 */
export function composeConfig(dir: string, files?: readonly string[], env?: Record<string, string | undefined>): RunResult {
  return dockerCompose(dir, ['config'], { files, env, timeoutMs: 60_000 });
}

// ---------------------------------------------------------------------------------------------
// shellcheck

export const findShellcheck = memo((): string | null => which('shellcheck') ?? (isExecutable('/usr/bin/shellcheck') ? '/usr/bin/shellcheck' : null));

export interface ShellcheckResult {
  /** 0 = clean; 1 = findings; 2+ = shellcheck itself failed. */
  code: number;
  /** Findings (gcc format: `file:line:col: severity: message [SCnnnn]`) and any error. */
  output: string;
}

/** Runs shellcheck on one script. `shell` forces a dialect (else the shebang decides). */
export function shellcheck(
  path: string,
  opts: { shell?: 'sh' | 'bash' | 'dash' | 'ksh'; severity?: 'error' | 'warning' | 'info' | 'style' } = {},
): ShellcheckResult {
  const bin = findShellcheck();
  if (!bin) throw new Error('shellcheck is not installed; guard the test with it.skipIf(!findShellcheck())');
  const args = ['--format=gcc'];
  if (opts.shell) args.push(`--shell=${opts.shell}`);
  if (opts.severity) args.push(`--severity=${opts.severity}`);
  const r = run(bin, [...args, path], { timeoutMs: 60_000 });
  return { code: r.code, output: r.stdout + r.stderr };
}

// ---------------------------------------------------------------------------------------------
// Docker

/**
 * The Docker client to use: Debian's /usr/bin/docker (20.10, BuildKit built in) when present. A newer
 * client elsewhere on PATH (here /usr/local/bin/docker 28.x) has no buildx plugin, so with
 * DOCKER_BUILDKIT=1 its `docker build` refuses to run. Null when there is no client at all.
 */
export const dockerBin = memo((): string | null => {
  if (isExecutable('/usr/bin/docker')) return '/usr/bin/docker';
  return which('docker');
});

/**
 * Environment for anything that runs docker or docker-compose: BuildKit on, compose builds through
 * the CLI, and PATH with the chosen client's folder first (compose v1 and danlu itself call plain
 * `docker`). DOCKER_HOST is inherited (`.ci/run` exports it).
 */
export function dockerEnv(): Record<string, string> {
  const bin = dockerBin();
  const path = process.env.PATH ?? '';
  const env: Record<string, string> = { DOCKER_BUILDKIT: '1', COMPOSE_DOCKER_CLI_BUILD: '1' };
  if (bin) {
    const dir = dirname(bin);
    env.PATH = [dir, ...path.split(delimiter).filter((d) => d && d !== dir)].join(delimiter);
  }
  return env;
}

const dockerProbe = memo((): { ok: boolean; reason: string | null } => {
  if (process.env.DANLU_TEST_DOCKER !== '1') {
    return { ok: false, reason: 'DANLU_TEST_DOCKER is not 1 (.ci/run sets it once its Docker engine answers)' };
  }
  const bin = dockerBin();
  if (!bin) return { ok: false, reason: 'no docker client installed' };
  const r = run(bin, ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
  if (r.code !== 0) {
    return { ok: false, reason: `\`docker version\` failed (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'}): ${r.stderr.trim()}` };
  }
  return { ok: true, reason: null };
});

/** True when DANLU_TEST_DOCKER=1 and the engine answers `docker version`. */
export function dockerAvailable(): boolean {
  return dockerProbe().ok;
}

/** Why Docker tests are skipped, or null when they run. */
export function dockerSkipReason(): string | null {
  return dockerProbe().reason;
}

/** Runs the chosen Docker client with `dockerEnv()` (BuildKit on). */
export function docker(args: readonly string[], opts: RunOptions = {}): RunResult {
  const bin = dockerBin();
  if (!bin) throw new Error('no docker client; guard the test with it.skipIf(!dockerAvailable())');
  return run(bin, args, { ...opts, env: { ...dockerEnv(), ...opts.env }, timeoutMs: opts.timeoutMs ?? 600_000 });
}

export interface BuildOptions {
  context: string;
  tag: string;
  /** Dockerfile path (default: context/Dockerfile). */
  file?: string;
  buildArgs?: Record<string, string>;
  target?: string;
  /** Build network; only `host` reaches anything (the engine has no bridge). Default host. */
  network?: string;
  /** Further flags, e.g. ['--no-cache', '--progress=plain']. */
  extra?: readonly string[];
  timeoutMs?: number;
}

/** `DOCKER_BUILDKIT=1 docker build --network host …` with Debian's client. */
export function dockerBuild(o: BuildOptions): RunResult {
  const args = ['build', '--network', o.network ?? 'host', '--progress=plain', '-t', o.tag];
  if (o.file) args.push('-f', o.file);
  if (o.target) args.push('--target', o.target);
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  args.push(...(o.extra ?? []), o.context);
  return docker(args, { timeoutMs: o.timeoutMs ?? 600_000 });
}

export function imageExists(ref: string): boolean {
  return dockerBin() !== null && docker(['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 30_000 }).code === 0;
}

/** Local stand-ins for registry images (built by scripts/ci/make-base-images.sh). */
export const STAND_INS = {
  /** busybox-static rootfs, CMD sh: for lifecycle tests. */
  busybox: 'danlu-test/busybox:local',
  /** Debian bookworm dressed as nvidia/cuda:12.8.1-devel-ubuntu24.04 (user ubuntu 1000:1000, ubuntu.sources). */
  ubuntu2404: 'danlu-test/ubuntu24.04:local',
  /** Debian bookworm dressed as nvidia/cuda:12.4.1-devel-ubuntu22.04 (no uid 1000, sources.list). */
  ubuntu2204: 'danlu-test/ubuntu22.04:local',
} as const;
export type StandIn = keyof typeof STAND_INS;

/** The stand-in's tag when Docker is available and the image exists, else null (for skipIf). */
export function standInImage(name: StandIn): string | null {
  if (!dockerAvailable()) return null;
  const ref = STAND_INS[name];
  return imageExists(ref) ? ref : null;
}

/**
 * Tags a stand-in under a real name (e.g. `nvidia/cuda:12.8.1-devel-ubuntu24.04`) so an unmodified
 * generated Dockerfile can build: BuildKit uses a local image of that name without pulling.
 * Remove the alias afterwards with `removeImages(alias)` (the stand-in itself stays).
 */
export function tagImage(source: string, alias: string): void {
  const r = docker(['tag', source, alias], { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`docker tag ${source} ${alias} failed: ${r.stderr.trim()}`);
}

/** Best-effort removal of images (tags); never throws. */
export function removeImages(...refs: string[]): void {
  if (refs.length && dockerBin()) docker(['image', 'rm', '--force', ...refs], { timeoutMs: 120_000 });
}

/** Best-effort removal of containers (running or not) and their anonymous volumes; never throws. */
export function removeContainers(...names: string[]): void {
  if (names.length && dockerBin()) docker(['rm', '--force', '--volumes', ...names], { timeoutMs: 120_000 });
}

let counter = 0;
/**
 * A name unique to this process and call, valid as a compose project, container name or image
 * repository: lower case letters, digits and dashes.
 */
export function uniqueName(prefix = 'danlu-test'): string {
  counter += 1;
  const rand = Math.random().toString(36).slice(2, 8);
  return `${prefix}-${process.pid}-${counter}-${rand}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}
