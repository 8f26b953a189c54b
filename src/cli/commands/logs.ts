import { logsLine } from '../../compose/command-line.js';
import { containerState } from '../../compose/lifecycle.js';
import { runAttached } from '../../compose/run.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import { DIR_OPTION, openProject } from '../lifecycle.js';

export default defineCommand({
  name: 'logs',
  summary: "Show the dev container's output.",
  usage: 'danlu logs [-f] [--tail N] [-C DIR]',
  maxOperands: 0,
  options: {
    follow: { type: 'boolean', short: 'f', description: 'keep following' },
    tail: { type: 'string', value: 'N', description: 'only the last N lines' },
    ...DIR_OPTION,
    help: { type: 'boolean', short: 'h', description: 'show this help' },
  },
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    // Compose prints "Attaching to" and exits 0 when there is nothing to attach to.
    if (!(await containerState(ctx, engine))) {
      throw new DanluError(`no dev container for ${ctx.project}`, { code: EXIT.failed, hint: '`danlu up` starts it' });
    }
    const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
    return runAttached(logsLine(engine.flavor, { follow: values.follow, tail: values.tail, color }), ctx.dir);
  },
});
