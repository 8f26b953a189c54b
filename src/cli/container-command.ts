import { containerState } from '../compose/lifecycle.js';
import { execLine, runLine, shellLine, type CommandLine, type ExecOptions } from '../compose/command-line.js';
import type { ComposeFlavor } from '../compose/command-line.js';
import { runAttached } from '../compose/run.js';
import { DanluError } from '../lib/errors.js';
import { defineCommand, type OptionDef } from './command.js';
import { DIR_OPTION, ensureUp, openProject } from './lifecycle.js';
import { err } from './output.js';

type Builder = (flavor: ComposeFlavor, command: readonly string[], opts: ExecOptions) => CommandLine;

const OPTIONS = {
  ...DIR_OPTION,
  workdir: { type: 'string', short: 'w', value: 'PATH', description: 'working folder inside the container' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionDef>;

/**
 * exec, run and shell: start the container if it is not running, then attach. The exit code of
 * the command inside comes back unchanged; a TTY is allocated only when stdin is one.
 */
export function containerCommand(spec: { name: string; summary: string; usage: string; needsCommand: boolean; build: Builder }) {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    options: OPTIONS,
    afterDashDash: 'command',
    async run({ values, rest, positionals }) {
      const command = rest.length > 0 ? rest : positionals;
      if (spec.needsCommand && command.length === 0) {
        throw new DanluError(`${spec.name}: no command given`, { hint: `usage: ${spec.usage}` });
      }
      const { ctx, engine } = await openProject(values.dir);
      const state = await containerState(ctx, engine);
      if (state?.state !== 'running') {
        // Said before the wait: the container is started for this command and stays up afterwards.
        err(
          `${state ? `starting the stopped dev container ${state.name}` : `starting the dev container of ${ctx.project}`} (it stays up; \`danlu down\` stops it)`,
        );
        await ensureUp(ctx, engine, { verbose: false, json: true });
      }
      const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      const line = spec.build(engine.flavor, command, { tty, workdir: values.workdir });
      return runAttached(line, ctx.dir);
    },
  });
}

export const shellBuilder: Builder = (flavor, _command, opts) => shellLine(flavor, opts);
export { execLine, runLine };
