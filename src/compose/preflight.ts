import { join } from 'node:path';
import { readIfExists, writeAll } from '../apply/write.js';
import { realDoctorDeps } from '../doctor/probes/deps.js';
import { extendRequestsGpus } from '../doctor/probes/project-files.js';
import { upCheck } from '../doctor/up-check.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { setEnvValues } from '../project/dotenv.js';
import { probeUser } from '../probe/user.js';
import { EXTEND_FILE } from '../render/compose.js';
import type { ProjectContext } from './context.js';
import type { Engine } from './engine.js';

/**
 * Before `up`/`build` start anything: doctor's rules for this (.env is this user's, the cache
 * folders, the GPU request), over the facts gathered here. Missing cache folders are created as
 * the user (doctor's safe fix); a finding that would make the container start wrong stops it,
 * in doctor's words; a cache folder owned by someone else is a note with its fix.
 */
export async function preflight(ctx: ProjectContext, engine: Engine | null): Promise<{ createdDirs: string[]; notes: string[] }> {
  const deps = realDoctorDeps();
  const { facts: user } = await probeUser(deps);
  const envText = await readIfExists(ctx.envPath);
  const extend = await readIfExists(join(ctx.dir, EXTEND_FILE));
  // The engine's own facts (as doctor probes them): the GPU request rule sees what doctor sees.
  const docker = engine ? engine.facts : null;
  const check = await upCheck(deps, {
    user,
    processUid: deps.processUid(),
    env: process.env,
    files: { envPath: ctx.envPath, envText, env: ctx.env, envError: null, extendRequestsGpus: extendRequestsGpus(extend) },
    docker,
  });
  const stop = check.refuse[0];
  if (stop) {
    const fix = stop.fix;
    const how = fix ? `${fix.description}${fix.safe && fix.action ? ' (`danlu doctor --fix` does it)' : fix.command ? `: ${fix.command}` : ''}` : undefined;
    const more =
      check.refuse.length > 1
        ? ` (and ${check.refuse
            .slice(1)
            .map((f) => f.title)
            .join('; ')})`
        : '';
    throw new DanluError(`${stop.title}${more}`, {
      code: stop.id === 'gpu-request' ? EXIT.failed : EXIT.usage,
      location: stop.id.startsWith('env-') ? { file: ctx.envPath } : undefined,
      hint: [how, stop.id.startsWith('env-') ? 'or `danlu init` to write .env for you' : null].filter(Boolean).join('; '),
    });
  }
  const notes = check.notes.map((f) => `${f.title}; fix: ${f.fix?.command ?? f.fix?.description ?? '`danlu doctor --fix`'}`);
  return { createdDirs: check.created.flatMap((r) => r.paths ?? []), notes };
}

/** After the Dockerfile or a build arg changed, .env names the new image tag. */
export async function syncImageTag(ctx: ProjectContext): Promise<boolean> {
  if (ctx.image === ctx.envImage) return false;
  const text = (await readIfExists(ctx.envPath)) ?? '';
  const updated = setEnvValues(text, ctx.envPath, { DEV_IMAGE: ctx.image });
  await writeAll(ctx.dir, [{ path: '.env', text: updated, backup: false }]);
  ctx.envImage = ctx.image;
  return true;
}
