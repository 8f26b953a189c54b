import { EXIT } from '../../lib/errors.js';
import { containerState, imageExists } from '../../compose/lifecycle.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { DIR_OPTION, openProject } from '../lifecycle.js';
import { out, painter, printJson } from '../output.js';

export default defineCommand({
  name: 'status',
  summary: 'Is the dev container running, and is its image up to date?',
  usage: 'danlu status [-C DIR] [--json]',
  maxOperands: 0,
  options: { ...DIR_OPTION, ...COMMON_OPTIONS },
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    const [container, exists] = await Promise.all([containerState(ctx, engine), imageExists(engine, ctx.image)]);
    const result = {
      project: ctx.project,
      dir: ctx.dir,
      compose: { kind: engine.flavor.kind, version: engine.flavor.version },
      docker: { server: engine.serverVersion, nvidiaRuntime: engine.facts.nvidiaRuntime, gpus: engine.gpus },
      image: { tag: ctx.image, exists, upToDate: ctx.image === ctx.envImage && (!container || container.image === ctx.image) },
      container,
    };
    if (values.json) {
      printJson(result);
      return EXIT.ok;
    }
    const p = painter(process.stdout);
    out(`${p.bold(ctx.project)} ${ctx.dir}`);
    out(
      `  container ${container ? `${container.name} ${container.state === 'running' ? p.green(container.status) : p.yellow(container.status)}` : p.dim('none (danlu up starts it)')}`,
    );
    const notes = [exists ? '' : p.yellow('(not built yet)'), result.image.upToDate ? '' : p.yellow('(inputs changed: danlu up rebuilds)')].filter(Boolean);
    out(`  image     ${[ctx.image, ...notes].join(' ')}`);
    out(
      p.dim(
        `  docker ${engine.serverVersion}, compose ${engine.flavor.kind} ${engine.flavor.version}, GPUs ${engine.gpus === 'none' ? 'no' : `yes (${engine.gpus === 'runtime' ? 'NVIDIA runtime' : engine.gpus === 'cdi' ? 'CDI' : 'Docker Desktop'})`}`,
      ),
    );
    return EXIT.ok;
  },
});
