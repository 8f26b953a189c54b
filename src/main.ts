import type { CommandDef } from './cli/command.js';
import { commandHelp, parseCommandArgs } from './cli/command.js';
import { err, guardOutput, printJson } from './cli/output.js';
import { DanluError, EXIT, describeError } from './lib/errors.js';
import { VERSION } from './lib/product.js';
import { closest } from './lib/suggest.js';

type Loader = () => Promise<{ default: CommandDef }>;

/** Commands load lazily: `danlu --version` and `danlu host` never parse the init code. */
const COMMANDS: Record<string, { summary: string; load: Loader }> = {
  init: {
    summary: 'generate or update the GPU dev environment of a project',
    load: () => import('./cli/commands/init.js') as Promise<{ default: CommandDef }>,
  },
  import: {
    summary: 'what an existing repository needs, line by line (writes nothing)',
    load: () => import('./cli/commands/import.js') as Promise<{ default: CommandDef }>,
  },
  plan: {
    summary: 'show the versions danlu would choose, and why (writes nothing)',
    load: () => import('./cli/commands/plan.js') as Promise<{ default: CommandDef }>,
  },
  host: { summary: 'describe this machine: OS, user, GPUs, driver, Docker', load: () => import('./cli/commands/host.js') as Promise<{ default: CommandDef }> },
  doctor: {
    summary: 'check the host, Docker, the NVIDIA runtime, proxies and the project; --fix the safe parts',
    load: () => import('./cli/commands/doctor.js') as Promise<{ default: CommandDef }>,
  },
  up: { summary: 'start the dev container (builds the image when needed)', load: () => import('./cli/commands/up.js') as Promise<{ default: CommandDef }> },
  shell: { summary: 'a shell in the dev container', load: () => import('./cli/commands/shell.js') as Promise<{ default: CommandDef }> },
  run: {
    summary: 'run a command through uv run in the container: danlu run -- python train.py',
    load: () => import('./cli/commands/run.js') as Promise<{ default: CommandDef }>,
  },
  exec: { summary: 'run a command in the container as is', load: () => import('./cli/commands/exec.js') as Promise<{ default: CommandDef }> },
  logs: { summary: "the container's output", load: () => import('./cli/commands/logs.js') as Promise<{ default: CommandDef }> },
  status: { summary: 'is the container running, is its image up to date', load: () => import('./cli/commands/status.js') as Promise<{ default: CommandDef }> },
  down: { summary: 'stop and remove the container', load: () => import('./cli/commands/down.js') as Promise<{ default: CommandDef }> },
  build: {
    summary: 'build the dev image, or --target runtime for clusters',
    load: () => import('./cli/commands/build.js') as Promise<{ default: CommandDef }>,
  },
  export: {
    summary: 'write a cluster job for the project: Kubernetes (Job, Indexed Job, PyTorchJob) or Slurm (sbatch + pyxis)',
    load: () => import('./cli/commands/export.js') as Promise<{ default: CommandDef }>,
  },
  mirrors: {
    summary: 'mirror presets and candidates; --probe times them, --apply writes the fastest to .env',
    load: () => import('./cli/commands/mirrors.js') as Promise<{ default: CommandDef }>,
  },
  'setup-host': {
    summary: 'prepare an Ubuntu/WSL2 host: proxies, apt mirror, Docker Engine, NVIDIA Container Toolkit (a script)',
    load: () => import('./cli/commands/setup-host.js') as Promise<{ default: CommandDef }>,
  },
  catalog: {
    summary: 'the knowledge danlu plans with, its sources and dates; `catalog update` refreshes it',
    load: () => import('./cli/commands/catalog.js') as Promise<{ default: CommandDef }>,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    `danlu ${VERSION}: a reproducible GPU dev environment for any PyTorch project`,
    '',
    'Usage: danlu <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `danlu <command> --help` for its options. Every command takes --json.',
    '',
  ].join('\n');
}

function reportError(e: unknown, json: boolean): number {
  if (e instanceof DanluError) {
    if (json) printJson({ error: { message: e.message, location: e.location ?? null, hint: e.hint ?? null, code: e.code } });
    err(`danlu: error: ${describeError(e)}`);
    if (e.hint) err(`  hint: ${e.hint}`);
    return e.code;
  }
  err(`danlu: internal error: ${(e as Error)?.message ?? String(e)}`);
  if (process.env.DANLU_DEBUG) err(`${(e as Error)?.stack ?? ''}`);
  else err('  set DANLU_DEBUG=1 for the stack trace');
  return EXIT.failed;
}

export async function main(argv: string[]): Promise<number> {
  guardOutput();
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v' || first === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) argv = [topic, '--help'];
    else {
      process.stdout.write(mainHelp());
      return first === undefined ? EXIT.usage : EXIT.ok;
    }
  }
  const name = argv[0]!;
  const entry = COMMANDS[name];
  const json = argv.includes('--json');
  if (!entry) {
    const guess = closest(name, Object.keys(COMMANDS));
    return reportError(
      new DanluError(`unknown command: ${name}`, { hint: `${guess ? `did you mean \`danlu ${guess}\`? ` : ''}commands: ${Object.keys(COMMANDS).join(', ')}` }),
      json,
    );
  }
  try {
    const def = (await entry.load()).default;
    const args = parseCommandArgs(def, argv.slice(1));
    if ((args.values as { help?: boolean }).help) {
      process.stdout.write(commandHelp(def));
      return EXIT.ok;
    }
    return await def.run(args);
  } catch (e) {
    return reportError(e, json);
  }
}
