import { readFile } from 'node:fs/promises';
import { downLine, removeServiceLine, volumeRemoveLine, type CommandLine } from '../../compose/command-line.js';
import { parseYamlStrict } from '../../apply/merge-yaml.js';
import { LEGACY_VENV_VOLUME, SERVICE } from '../../render/compose.js';
import { removeProjectEnv } from '../../compose/project-env.js';
import { cacheHome } from '../../doctor/probes/caches.js';
import { homedir } from 'node:os';
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
  summary: "Stop and remove the dev container (the image, caches and the project's environment stay).",
  usage: 'danlu down [--volumes] [-C DIR] [--json]',
  maxOperands: 0,
  options: {
    volumes: { type: 'boolean', description: "also remove the project's environment (reinstalled from uv's cache on the next up)" },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    const before = await containerState(ctx, engine);
    // A compose file with services of the project's own: only the dev container goes; `down`
    // would stop the others and delete their volumes. The environment is a folder of the host's
    // store, removed after the container; a venv volume of an earlier version goes too.
    const others = await otherServices(join(ctx.dir, 'docker-compose.yml'));
    const volume = `${ctx.project}_${LEGACY_VENV_VOLUME}`;
    const hadVolume = values.volumes ? await volumeExists(engine.docker, volume) : false;
    const lines: CommandLine[] = others.length === 0 ? [downLine(engine.flavor, { volumes: values.volumes, timeout: 5 })] : [removeServiceLine(engine.flavor)];
    if (hadVolume) lines.push(volumeRemoveLine(engine.docker, ctx.project, LEGACY_VENV_VOLUME));
    const home = cacheHome(process.env, ctx.env, homedir()).home;
    // Removing a container can take many seconds (the engine deletes its layer): say what runs.
    const what = [before ? `removing ${before.name}` : null, values.volumes ? "the project's environment" : null].filter(Boolean).join(' and ');
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
    const env = values.volumes ? await removeProjectEnv(home, ctx.project).finally(() => spin.stop()) : null;
    spin.stop();
    if (values.json)
      printJson({
        project: ctx.project,
        removed: before ? before.name : null,
        volumes: Boolean(values.volumes),
        removedVolume: removedVolume ? volume : null,
        removedEnvironment: env?.removed ? env.path : null,
        kept: others,
      });
    else {
      // What was removed, truthfully: the container, the volume, both or neither.
      const parts = [
        before ? `removed ${before.name}` : 'no dev container was running',
        env?.removed ? `removed the environment ${env.path}` : values.volumes ? 'no environment to remove' : null,
        removedVolume ? `removed the old venv volume ${volume}` : null,
      ];
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
