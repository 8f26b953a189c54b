import { join } from 'node:path';
import { runCommand } from '../lib/exec.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { maskSecrets } from '../lib/secrets.js';
import { spinner } from '../lib/spinner.js';
import { buildLine, psLine, upLine, type CommandLine } from './command-line.js';
import type { ProjectContext } from './context.js';
import type { Engine } from './engine.js';
import { runAttached, runLogged } from './run.js';
import { buildCheck } from '../doctor/up-check.js';
import { realDoctorDeps } from '../doctor/probes/deps.js';

export interface ContainerState {
  id: string;
  name: string;
  /** running, exited, created... */
  state: string;
  status: string;
  image: string;
}

export async function containerState(ctx: ProjectContext, engine: Engine): Promise<ContainerState | null> {
  const line = psLine(engine.docker, ctx.project);
  const r = await runCommand(line.cmd, line.args, { timeoutMs: 5000 });
  const first = r.stdout.split('\n').find((l) => l.trim().startsWith('{'));
  if (!first) return null;
  const c = JSON.parse(first) as { ID: string; Names: string; State?: string; Status: string; Image: string };
  const state = c.State ?? (/^Up/.test(c.Status) ? 'running' : /^Exited/.test(c.Status) ? 'exited' : 'created');
  return { id: c.ID, name: c.Names, state, status: c.Status, image: c.Image };
}

export async function imageExists(engine: Engine, ref: string): Promise<boolean> {
  const r = await runCommand(engine.docker, ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: 10_000 });
  return r.code === 0;
}

/** Compose runs with DEV_IMAGE set to the tag of the current inputs. */
function withImage(line: CommandLine, ctx: ProjectContext): CommandLine {
  return { ...line, env: { ...line.env, DEV_IMAGE: ctx.image } };
}

export interface UiOptions {
  /** Stream the whole build log instead of a spinner and a summary. */
  verbose: boolean;
  /** Output is JSON: nothing but the result on stdout, no spinner. */
  json: boolean;
}

/** Builds the dev image: the log streams with --verbose, else a spinner, the current step and a summary. */
export async function buildImage(ctx: ProjectContext, engine: Engine, ui: UiOptions, opts: { noCache?: boolean } = {}): Promise<void> {
  // The engine's own check before a build that would stop on it (Docker: doctor's docker-buildx rule).
  const compose = engine.flavor.kind === 'v2' ? { v2: engine.flavor.version, v1: null } : { v2: null, v1: engine.flavor.version };
  const stop = await buildCheck(realDoctorDeps(), compose, engine.kind);
  if (stop)
    throw new DanluError(stop.title, {
      code: EXIT.failed,
      hint: stop.fix ? `${stop.fix.description}${stop.fix.command ? `: ${stop.fix.command}` : ''}` : undefined,
    });
  const line = withImage(buildLine(engine.flavor, { noCache: opts.noCache, progressPlain: !ui.verbose }), ctx);
  if (ui.verbose && !ui.json) {
    const code = await runAttached(line, ctx.dir);
    if (code !== 0) throw new DanluError(`the image build failed (exit ${code})`, { code: EXIT.failed });
    return;
  }
  const logFile = join(ctx.dir, '.danlu', 'logs', 'build.log');
  const spin = spinner(`building ${ctx.image}`, !ui.json && Boolean(process.stderr.isTTY));
  const step = /^#\d+ \[[^\]]*?(\d+\/\d+)\] (.*)$/;
  const result = await runLogged(line, ctx.dir, logFile, (l) => {
    const m = step.exec(l);
    if (m) spin.update(`building ${ctx.image}: step ${m[1]} ${m[2]!.slice(0, 60)}`);
  });
  if (result.code !== 0) {
    spin.stop();
    process.stderr.write(`${maskSecrets(result.tail.slice(-25).join('\n'))}\n`);
    throw buildError(result.tail.join('\n'), result.code, result.logFile);
  }
  spin.stop(ui.json ? undefined : `built ${ctx.image}`);
}

export async function composeUp(ctx: ProjectContext, engine: Engine, ui: UiOptions): Promise<void> {
  const line = withImage(upLine(engine.flavor), ctx);
  const logFile = join(ctx.dir, '.danlu', 'logs', 'up.log');
  const result = await runLogged(line, ctx.dir, logFile, () => undefined);
  if (result.code !== 0) {
    const text = result.tail.join('\n');
    process.stderr.write(`${maskSecrets(result.tail.slice(-15).join('\n'))}\n`);
    throw upError(text, result.code);
  }
  if (ui.verbose && !ui.json) process.stderr.write(`${maskSecrets(result.tail.join('\n'))}\n`);
}

/** The usual failures of the image build, each with its fix (the generic hint last). */
export function buildError(output: string, code: number, logFile: string): DanluError {
  const known: [RegExp, string, string][] = [
    [
      /BuildKit is enabled but the buildx component is missing or broken/i,
      'the docker CLI has no buildx plugin, which BuildKit builds need',
      'install it (Ubuntu/Debian: `sudo apt-get install docker-buildx-plugin`, or docker-buildx), or put a docker with buildx first on PATH',
    ],
    [
      /the --mount option requires BuildKit/i,
      'the build ran without BuildKit (the Dockerfile uses cache mounts)',
      'export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 (docker-compose v1), or install Compose v2',
    ],
    [
      /failed to resolve source metadata|pull access denied|manifest unknown|failed to do request|registry-1\.docker\.io|TLS handshake timeout|i\/o timeout.*(docker\.io|ghcr\.io|nvcr\.io)/i,
      'the Docker daemon could not pull a base image',
      "the daemon pulls, not the build: give it a registry mirror or a proxy (`danlu mirrors --probe`, then DOCKERHUB_MIRROR and the daemon's registry-mirrors; `danlu doctor` checks its proxy), or `docker pull` the BASE_IMAGE in .env first",
    ],
  ];
  for (const [re, what, fix] of known)
    if (re.test(output)) return new DanluError(`${what} (build exit ${code}); full log: ${logFile}`, { code: EXIT.failed, hint: fix });
  return new DanluError(`the image build failed (exit ${code}); full log: ${logFile}`, {
    code: EXIT.failed,
    hint: 'run `danlu build --verbose` to watch it; behind a proxy, export http_proxy/https_proxy first (they are passed as build args)',
  });
}

/** The usual failures of `compose up`, each with its fix. */
export function upError(output: string, code: number): DanluError {
  const known: [RegExp, string, string][] = [
    [
      /could not select device driver|unknown or invalid runtime name: nvidia/i,
      'Docker cannot give the container GPUs',
      'install the NVIDIA Container Toolkit and run `sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`, or `danlu init --gpus none`',
    ],
    [
      /unsatisfied condition: cuda>=/i,
      'the image needs a newer NVIDIA driver than this host has',
      "update the driver, or choose an older image with `danlu init --cuda <the driver's CUDA version>`",
    ],
    [
      /port is already allocated|address already in use/i,
      'a port of the container is already in use',
      'stop what uses it (`docker ps`), or change the port in .devcontainer/docker-compose.extend.yml',
    ],
    [
      /Conflict\. The container name .* is already in use/i,
      'a container with the same name already exists',
      'remove it with `docker rm -f <name>`, or set another COMPOSE_PROJECT_NAME in .env',
    ],
    [
      /pull access denied|manifest unknown|not found: manifest/i,
      'the image could not be pulled',
      'run `danlu build` (danlu images are built locally), or check BASE_IMAGE in .env',
    ],
    [/bind source path does not exist/i, 'a folder to mount does not exist', 'create it, or remove the mount from .devcontainer/docker-compose.extend.yml'],
  ];
  for (const [re, what, fix] of known) if (re.test(output)) return new DanluError(`${what} (compose exit ${code})`, { code: EXIT.failed, hint: fix });
  return new DanluError(`docker compose up failed (exit ${code})`, {
    code: EXIT.failed,
    hint: 'the output above says why; `danlu up --verbose` shows everything',
  });
}
