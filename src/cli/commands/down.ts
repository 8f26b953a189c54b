import { downLine } from '../../compose/command-line.js';
import { runLogged } from '../../compose/run.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { join } from 'node:path';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { DIR_OPTION, openProject } from '../lifecycle.js';
import { containerState } from '../../compose/lifecycle.js';
import { err, printJson } from '../output.js';

export default defineCommand({
  name: 'down',
  summary: 'Stop and remove the dev container (the image, caches and the venv volume stay).',
  usage: 'danlu down [--volumes] [-C DIR] [--json]',
  options: {
    volumes: { type: 'boolean', description: 'also remove the venv volume (the environment is reinstalled on next up)' },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    const before = await containerState(ctx, engine);
    const r = await runLogged(downLine(engine.flavor, { volumes: values.volumes, timeout: 5 }), ctx.dir, join(ctx.dir, '.danlu', 'logs', 'down.log'), () => undefined);
    if (r.code !== 0) {
      err(r.tail.slice(-10).join('\n'));
      throw new DanluError(`docker compose down failed (exit ${r.code})`, { code: EXIT.failed });
    }
    if (values.json) printJson({ project: ctx.project, removed: before ? before.name : null, volumes: Boolean(values.volumes) });
    else err(before ? `removed ${before.name}` : 'nothing was running');
    return EXIT.ok;
  },
});
