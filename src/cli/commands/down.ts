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
import { spinner } from '../../lib/spinner.js';
import { runCommand } from '../../lib/exec.js';

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
    const volume = `${ctx.project}_${VENV_VOLUME}`;
    const hadVolume = values.volumes ? await volumeExists(engine.docker, volume) : false;
    // Removing a container can take many seconds (the engine deletes its layer): say what runs.
    const what = [before ? `removing ${before.name}` : null, hadVolume ? `the venv volume ${volume}` : null].filter(Boolean).join(' and ');
    const spin = spinner(what || 'checking', !values.json && Boolean(process.stderr.isTTY));
    if (what && !values.json && !process.stderr.isTTY) err(`${what}...`);
    for (const line of lines) {
      const r = await runLogged(line, ctx.dir, join(ctx.dir, '.danlu', 'logs', 'down.log'), (l) =>
        spin.update(`${what || 'checking'}: ${l.trim().slice(0, 60)}`),
      );
      if (r.code !== 0) {
        spin.stop();
        err(r.tail.slice(-10).join('\n'));
        throw new DanluError(`${[line.cmd, ...line.args.slice(0, 2)].join(' ')} failed (exit ${r.code})`, { code: EXIT.failed });
      }
    }
    const removedVolume = hadVolume && !(await volumeExists(engine.docker, volume));
    spin.stop();
    if (values.json)
      printJson({
        project: ctx.project,
        removed: before ? before.name : null,
        volumes: Boolean(values.volumes),
        removedVolume: removedVolume ? volume : null,
        kept: others,
      });
    else {
      // What was removed, truthfully: the container, the volume, both or neither.
      const parts = [before ? `removed ${before.name}` : 'no dev container was running', removedVolume ? `removed the venv volume ${volume}` : null];
      err(`${parts.filter(Boolean).join('; ')}${others.length > 0 ? ` (left the project's own services alone: ${others.join(', ')})` : ''}`);
    }
    return EXIT.ok;
  },
});

async function volumeExists(docker: string, name: string): Promise<boolean> {
  const r = await runCommand(docker, ['volume', 'inspect', '--format', '{{.Name}}', name], { timeoutMs: 5000 });
  return r.code === 0 && r.stdout.trim() === name;
}

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
