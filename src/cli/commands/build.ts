import { DanluError, EXIT } from '../../lib/errors.js';
import { buildImage } from '../../compose/lifecycle.js';
import { checkUser, invokingUser, syncImageTag } from '../../compose/preflight.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { DIR_OPTION, openProject, uiFrom } from '../lifecycle.js';
import { printJson } from '../output.js';

export default defineCommand({
  name: 'build',
  summary: 'Build the dev image (a spinner and a one-line summary; --verbose streams the log).',
  usage: 'danlu build [--no-cache] [--verbose] [-C DIR] [--json]',
  options: {
    'no-cache': { type: 'boolean', description: 'do not use the layer cache' },
    target: { type: 'string', value: 'STAGE', description: 'dev (default)' },
    verbose: { type: 'boolean', short: 'v', description: 'stream the build log' },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  async run({ values }) {
    if (values.target && values.target !== 'dev') throw new DanluError(`--target ${values.target}: expected dev`);
    const { ctx, engine } = await openProject(values.dir);
    checkUser(ctx, await invokingUser());
    await syncImageTag(ctx);
    await buildImage(ctx, engine, uiFrom(values), { noCache: values['no-cache'] });
    if (values.json) printJson({ project: ctx.project, image: ctx.image, built: true });
    return EXIT.ok;
  },
});
