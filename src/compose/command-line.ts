/**
 * Pure builders for Docker Compose command lines, v2 (`docker compose`) and v1
 * (`docker-compose`). The project folder is the working directory, so compose reads
 * .env there (COMPOSE_PROJECT_NAME, COMPOSE_FILE and the build args).
 */

/** v2: the engine's client with its compose plugin subcommand (`docker compose`); v1: a standalone binary. */
export type ComposeFlavor = { kind: 'v2'; docker: string; plugin: string; version: string } | { kind: 'v1'; bin: string; version: string };

export interface CommandLine {
  cmd: string;
  args: string[];
  /** Extra environment for the command. */
  env: Record<string, string>;
}

export const SERVICE = 'devcontainer';

function base(flavor: ComposeFlavor, args: string[], env: Record<string, string> = {}): CommandLine {
  return flavor.kind === 'v2' ? { cmd: flavor.docker, args: [flavor.plugin, ...args], env } : { cmd: flavor.bin, args, env };
}

/** BuildKit is needed for the Dockerfile's cache mounts; compose v1 only uses it through the docker CLI. */
const BUILDKIT = { DOCKER_BUILDKIT: '1', COMPOSE_DOCKER_CLI_BUILD: '1' };

export function buildLine(flavor: ComposeFlavor, opts: { noCache?: boolean; pull?: boolean; progressPlain?: boolean } = {}): CommandLine {
  const args = ['build'];
  if (opts.noCache) args.push('--no-cache');
  if (opts.pull) args.push('--pull');
  if (opts.progressPlain && flavor.kind === 'v2') args.push('--progress', 'plain');
  args.push(SERVICE);
  return base(flavor, args, { ...BUILDKIT, ...(opts.progressPlain ? { BUILDKIT_PROGRESS: 'plain' } : {}) });
}

export function upLine(flavor: ComposeFlavor, opts: { build?: boolean } = {}): CommandLine {
  const args = ['up', '-d'];
  if (opts.build) args.push('--build');
  args.push(SERVICE);
  return base(flavor, args, BUILDKIT);
}

export interface ExecOptions {
  /** Allocate a TTY: only when our stdin is one. */
  tty: boolean;
  workdir?: string;
  env?: Record<string, string>;
}

export function execLine(flavor: ComposeFlavor, command: readonly string[], opts: ExecOptions): CommandLine {
  const args = ['exec'];
  if (!opts.tty) args.push('-T');
  if (opts.workdir) args.push('--workdir', opts.workdir);
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  args.push(SERVICE, ...command);
  return base(flavor, args);
}

/** `danlu run -- CMD`: through `uv run`, so the project's locked environment is in place first. */
export function runLine(flavor: ComposeFlavor, command: readonly string[], opts: ExecOptions): CommandLine {
  return execLine(flavor, ['uv', 'run', '--', ...command], opts);
}

export function shellLine(flavor: ComposeFlavor, opts: ExecOptions): CommandLine {
  return execLine(flavor, ['bash', '-l'], opts);
}

export function logsLine(flavor: ComposeFlavor, opts: { follow?: boolean; tail?: string; color?: boolean } = {}): CommandLine {
  const args = ['logs'];
  // Both compose versions colour the service prefix; a pipe or a file gets plain text.
  if (opts.color === false) args.push('--no-color');
  if (opts.follow) args.push('--follow');
  if (opts.tail) args.push('--tail', opts.tail);
  args.push(SERVICE);
  return base(flavor, args);
}

export function downLine(flavor: ComposeFlavor, opts: { volumes?: boolean; timeout?: number } = {}): CommandLine {
  const args = ['down'];
  if (opts.volumes) args.push('--volumes');
  if (opts.timeout !== undefined) args.push('--timeout', String(opts.timeout));
  return base(flavor, args);
}

/**
 * Stops and removes only the dev container, for a compose file that also holds services of the
 * project's own (`down` would stop those too, and `--volumes` delete their data).
 */
export function removeServiceLine(flavor: ComposeFlavor): CommandLine {
  return base(flavor, ['rm', '--stop', '--force', SERVICE]);
}

/** The named volume compose made for the dev container (`<project>_<volume>`). */
export function volumeRemoveLine(docker: string, project: string, volume: string): CommandLine {
  return { cmd: docker, args: ['volume', 'rm', '--force', `${project}_${volume}`], env: {} };
}

/** The compose container of this project, found by the labels both compose versions set. */
export function psLine(docker: string, project: string): CommandLine {
  return {
    cmd: docker,
    args: [
      'ps',
      '--all',
      '--no-trunc',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--filter',
      `label=com.docker.compose.service=${SERVICE}`,
      '--format',
      '{{json .}}',
    ],
    env: {},
  };
}

export function describe(line: CommandLine): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [line.cmd, ...line.args].map(quote).join(' ');
}
