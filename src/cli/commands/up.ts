import { EXIT } from '../../lib/errors.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { DIR_OPTION, ensureUp, openProject, uiFrom } from '../lifecycle.js';
import { err, painter, printJson } from '../output.js';

export default defineCommand({
  name: 'up',
  summary: 'Start the dev container (building the image first when it is missing or its inputs changed).',
  usage: 'danlu up [--build] [--verbose] [-C DIR] [--json]',
  maxOperands: 0,
  options: {
    build: { type: 'boolean', description: 'rebuild the image even if it exists' },
    verbose: { type: 'boolean', short: 'v', description: 'stream the build and compose output' },
    'no-sync': { type: 'boolean', description: 'do not install the environment (uv-sync.sh) after the container starts' },
    ...DIR_OPTION,
    ...COMMON_OPTIONS,
  },
  details:
    'Before compose runs: .env must match you (UID/GID), the host cache folders are created as you\n(Docker would create them as root), and GPUs are requested only where Docker has the NVIDIA runtime.\n' +
    'After it: the environment is installed in the container (.devcontainer/uv-sync.sh: uv lock when there is\nno uv.lock, then uv sync), logged to .danlu/logs/sync.log; skipped when nothing it reads changed.',
  async run({ values }) {
    const { ctx, engine } = await openProject(values.dir);
    const outcome = await ensureUp(ctx, engine, uiFrom(values), { build: values.build, sync: !values['no-sync'] });
    if (values.json) {
      printJson({ project: ctx.project, image: ctx.image, compose: engine.flavor.kind, ...outcome });
      return EXIT.ok;
    }
    const p = painter(process.stderr);
    for (const d of outcome.createdDirs) err(p.dim(`created ${d}`));
    const name = outcome.container?.name ?? ctx.project;
    err(`${p.green(outcome.action === 'unchanged' ? 'already running' : outcome.action)} ${name} ${p.dim(`(${ctx.image})`)}`);
    if (outcome.sync === 'up to date' && outcome.action === 'unchanged') err(p.dim('environment up to date'));
    if (outcome.action !== 'unchanged' || outcome.sync === 'synced') err(p.dim('next: danlu shell, or danlu run -- python train.py'));
    return EXIT.ok;
  },
});
