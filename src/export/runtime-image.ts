import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readIfExists } from '../apply/write.js';
import type { Catalog } from '../catalog/index.js';
import { DanluError } from '../lib/errors.js';
import type { Plan, Warning } from '../plan/types.js';
import { renderDockerfile } from '../render/dockerfile.js';
import { envEntries } from '../render/env.js';
import { shortHash } from '../render/header.js';
import { devImageName } from '../render/index.js';
import { BUILD_INPUT_KEYS } from '../render/image-name.js';

/** One command line of the build: what `danlu build --target runtime` runs, in order. */
export interface BuildStep {
  cmd: string;
  args: string[];
  /** Variables added to the inherited environment. */
  env: Record<string, string>;
}

export interface RuntimeBuildInput {
  projectDir: string;
  /** The local tag of the runtime image. */
  image: string;
  /** Also tag the image as REF and push it there. */
  push?: string;
  /** --build-arg values (see runtimeBuildArgs). */
  buildArgs: Record<string, string>;
  /** More `docker build` flags, e.g. ['--network', 'host'] or ['--no-cache']. */
  extra?: readonly string[];
  /** The docker client (the engine's; DANLU_DOCKER). */
  docker?: string;
}

/** The .env keys that are build args of the dev stage (as docker-compose.yml passes them)... */
const DEV_ARGS = BUILD_INPUT_KEYS;
/** ...and those the runtime stage adds: where uv fetches from while the image is built. */
const RUNTIME_ARGS = ['UV_DEFAULT_INDEX', 'PYTORCH_INDEX', 'UV_PYTHON_INSTALL_MIRROR', 'TORCH_EXTRA'] as const;
/** Docker's predefined proxy args: used by RUN steps, never written into the image or its history. */
const PROXY_ARGS = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const;

/**
 * Build args for the runtime target: the project's .env values (the same the dev image gets
 * from compose, plus the runtime stage's) and the proxies of the environment the build runs in.
 */
export function runtimeBuildArgs(dotenv: Record<string, string>, environment: Record<string, string | undefined> = {}): Record<string, string> {
  const args: Record<string, string> = {};
  for (const k of [...DEV_ARGS, ...RUNTIME_ARGS]) if (dotenv[k] !== undefined) args[k] = dotenv[k]!;
  for (const k of PROXY_ARGS) {
    const v = environment[k] ?? dotenv[k];
    if (v) args[k] = v;
  }
  return args;
}

/**
 * `docker build -f .devcontainer/Dockerfile --target runtime -t IMAGE ... DIR` (BuildKit on: the
 * Dockerfile uses RUN --mount), then `docker push REF` when asked. Pure: the runner runs it.
 */
export function runtimeBuildCommand(i: RuntimeBuildInput): BuildStep[] {
  const args = ['build', '-f', join(i.projectDir, '.devcontainer', 'Dockerfile'), '--target', 'runtime', '-t', i.image];
  if (i.push && i.push !== i.image) args.push('-t', i.push);
  for (const [k, v] of Object.entries(i.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  args.push(...(i.extra ?? []), i.projectDir);
  const docker = i.docker ?? 'docker';
  const steps: BuildStep[] = [{ cmd: docker, args, env: { DOCKER_BUILDKIT: '1' } }];
  if (i.push) steps.push({ cmd: docker, args: ['push', i.push], env: {} });
  return steps;
}

/**
 * The default name of the runtime image: `danlu-run/<slug>:<hash>`, the hash of the dev image's
 * tag (itself a hash of the Dockerfile and its build args) and of uv.lock, so a new lock or
 * base is a new tag. Only this machine has it: a cluster needs a pushed one (`--push REF`).
 */
export function runtimeImageName(slug: string, devImage: string, lockText: string): string {
  return `danlu-run/${slug}:${shortHash(`${devImage}\n${lockText}`, 10)}`;
}

/**
 * The default runtime image of a project: from DEV_IMAGE in its .env (what `danlu init` wrote
 * for this machine), else the name init would write, and its uv.lock (empty when missing).
 */
export async function defaultRuntimeImage(projectDir: string, plan: Plan, catalog: Catalog, dotenv: Record<string, string>): Promise<string> {
  const devImage = dotenv.DEV_IMAGE || devImageName(plan, renderDockerfile(plan, catalog), envEntries(plan, catalog, ''));
  const lockText = (await readIfExists(join(projectDir, 'uv.lock'))) ?? '';
  return runtimeImageName(plan.project.slug, devImage, lockText);
}

/** Is REF the default local name (which no cluster can pull)? */
export function isLocalRuntimeImage(ref: string): boolean {
  return ref.startsWith('danlu-run/');
}

export interface RuntimeInputs {
  lockText: string;
  warnings: Warning[];
}

/** What the runtime build needs from the project, checked before Docker is asked. */
export async function checkRuntimeInputs(projectDir: string): Promise<RuntimeInputs> {
  const warnings: Warning[] = [];
  const dockerfile = await readIfExists(join(projectDir, '.devcontainer', 'Dockerfile'));
  if (dockerfile === null || !/^FROM\s+\S+\s+AS\s+runtime\s*$/im.test(dockerfile)) {
    throw new DanluError(dockerfile === null ? 'no .devcontainer/Dockerfile in this project' : '.devcontainer/Dockerfile has no runtime stage', {
      location: { file: join(projectDir, '.devcontainer', 'Dockerfile') },
      hint: 'run `danlu init` (it adds the runtime stage; an edited Dockerfile is kept, so `--force` replaces it with a backup)',
    });
  }
  for (const f of ['pyproject.toml', '.python-version']) {
    if ((await readIfExists(join(projectDir, f))) === null) {
      throw new DanluError(`no ${f} in this project`, { location: { file: join(projectDir, f) }, hint: 'run `danlu init` first' });
    }
  }
  const lockText = await readIfExists(join(projectDir, 'uv.lock'));
  if (lockText === null) {
    throw new DanluError('no uv.lock: the runtime image installs the locked environment', {
      location: { file: join(projectDir, 'uv.lock') },
      hint: 'lock it in the dev container (`danlu exec -- uv lock`) and commit uv.lock',
    });
  }
  if ((await readIfExists(join(projectDir, '.dockerignore'))) === null) {
    warnings.push({
      id: 'no-dockerignore',
      message: 'no .dockerignore: .venv, .git, .env and data would be sent to Docker and copied into the image',
      fix: 'run `danlu init` (it writes .dockerignore)',
    });
  }
  return { lockText, warnings };
}

export interface BuildOutcome {
  code: number;
  /** The step that failed, when one did. */
  failed?: BuildStep;
}

/** Runs the steps one after another, streaming their output; stops at the first failure. */
export async function buildRuntimeImage(steps: readonly BuildStep[], opts: { write?: (chunk: string) => void; cwd?: string } = {}): Promise<BuildOutcome> {
  const write = opts.write ?? ((chunk: string) => void process.stderr.write(chunk));
  for (const step of steps) {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(step.cmd, step.args, { cwd: opts.cwd, env: { ...process.env, ...step.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.setEncoding('utf8').on('data', write);
      child.stderr.setEncoding('utf8').on('data', write);
      child.on('error', (err: NodeJS.ErrnoException) => {
        write(`${step.cmd}: ${err.code === 'ENOENT' ? 'not found; install Docker' : err.message}\n`);
        resolve(127);
      });
      child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0) return { code, failed: step };
  }
  return { code: 0 };
}
