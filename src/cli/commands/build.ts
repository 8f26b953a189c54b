import { DanluError, EXIT } from '../../lib/errors.js';
import { buildImage } from '../../compose/lifecycle.js';
import { preflight, syncImageTag } from '../../compose/preflight.js';
import { buildRuntimeImage, checkRuntimeInputs, runtimeBuildArgs, runtimeBuildCommand, runtimeImageName } from '../../export/runtime-image.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { DIR_OPTION, openProject, uiFrom } from '../lifecycle.js';
import { err, printJson } from '../output.js';

export default defineCommand({
  name: 'build',
  summary: 'Build the dev image, or with --target runtime the image with the locked environment baked in (for clusters).',
  usage: 'danlu build [--target dev|runtime] [--push REF] [--no-cache] [--verbose] [-C DIR] [--json]',
  maxOperands: 0,
  options: {
    target: { type: 'string', value: 'STAGE', description: 'dev (default) or runtime' },
    push: { type: 'string', value: 'REF', description: 'runtime: also tag the image as REF and push it' },
    'no-cache': { type: 'boolean', description: 'do not use the layer cache' },
    verbose: { type: 'boolean', short: 'v', description: 'stream the build log' },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  details:
    'The runtime target is built from the project folder with the same Dockerfile, so it shares the\ndev layers; it needs uv.lock. Push it with --push registry/name:tag, then `danlu export k8s|slurm --image REF`.',
  async run({ values }) {
    const target = values.target ?? 'dev';
    if (target !== 'dev' && target !== 'runtime') throw new DanluError(`--target ${target}: expected dev or runtime`);
    if (values.push && target !== 'runtime') throw new DanluError('--push goes with --target runtime');
    const { ctx, engine } = await openProject(values.dir);
    await preflight(ctx, null);
    await syncImageTag(ctx);
    if (target === 'dev') {
      await buildImage(ctx, engine, uiFrom(values), { noCache: values['no-cache'] });
      if (values.json) printJson({ project: ctx.project, target, image: ctx.image, built: true });
      return EXIT.ok;
    }
    const inputs = await checkRuntimeInputs(ctx.dir);
    if (!values.json) for (const w of inputs.warnings) err(`warn: ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
    const image = runtimeImageName(ctx.project, ctx.image, inputs.lockText);
    const extra = ['--network', 'host', ...(values['no-cache'] ? ['--no-cache'] : [])];
    const steps = runtimeBuildCommand({
      projectDir: ctx.dir,
      image,
      push: values.push,
      buildArgs: runtimeBuildArgs(ctx.env, process.env),
      extra,
      docker: engine.docker,
    });
    const outcome = await buildRuntimeImage(steps, { write: (chunk) => void process.stderr.write(chunk) });
    if (outcome.code !== 0) {
      throw new DanluError(`\`${outcome.failed?.cmd} ${outcome.failed?.args[0]}\` failed (exit ${outcome.code})`, {
        code: EXIT.failed,
        hint: values.push ? 'for a push: `docker login <registry>` first' : 'the output above says why',
      });
    }
    if (values.json) printJson({ project: ctx.project, target, image, pushed: values.push ?? null, built: true });
    else err(`built ${image}${values.push ? `, pushed ${values.push}` : ''}`);
    return EXIT.ok;
  },
});
