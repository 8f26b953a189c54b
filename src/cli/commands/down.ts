import { readFile } from 'node:fs/promises';
import { downLine, removeServiceLine, volumeRemoveLine, type CommandLine } from '../../compose/command-line.js';
import { parseYamlStrict } from '../../apply/merge-yaml.js';
import { SERVICE, VENV_VOLUME } from '../../render/compose.js';
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
  maxOperands: 0,
  options: {
    volumes: { type: 'boolean', description: 'also remove the venv volume (the environment is reinstalled on next up)' },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    const before = await containerState(ctx, engine);
    // A compose file with services of the project's own: only the dev container goes (and its
    // venv volume with --volumes); `down` would stop the others and delete their volumes.
    const others = await otherServices(join(ctx.dir, 'docker-compose.yml'));
    const lines: CommandLine[] =
      others.length === 0
        ? [downLine(engine.flavor, { volumes: values.volumes, timeout: 5 })]
        : [removeServiceLine(engine.flavor), ...(values.volumes ? [volumeRemoveLine(engine.docker, ctx.project, VENV_VOLUME)] : [])];
    for (const line of lines) {
      const r = await runLogged(line, ctx.dir, join(ctx.dir, '.danlu', 'logs', 'down.log'), () => undefined);
      if (r.code !== 0) {
        err(r.tail.slice(-10).join('\n'));
        throw new DanluError(`${[line.cmd, ...line.args.slice(0, 2)].join(' ')} failed (exit ${r.code})`, { code: EXIT.failed });
      }
    }
    if (values.json) printJson({ project: ctx.project, removed: before ? before.name : null, volumes: Boolean(values.volumes), kept: others });
    else
      err(
        `${before ? `removed ${before.name}` : 'nothing was running'}${others.length > 0 ? ` (left the project's own services alone: ${others.join(', ')})` : ''}`,
      );
    return EXIT.ok;
  },
});

/** Services in the compose file besides danlu's (an unreadable file counts as none). */
async function otherServices(file: string): Promise<string[]> {
  try {
    const { data } = parseYamlStrict(await readFile(file, 'utf8'), file);
    const services = data.services;
    return services && typeof services === 'object' && !Array.isArray(services) ? Object.keys(services).filter((s) => s !== SERVICE) : [];
  } catch {
    return [];
  }
}
