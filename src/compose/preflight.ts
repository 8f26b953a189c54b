import { chown, mkdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readIfExists, writeAll } from '../apply/write.js';
import { DanluError, EXIT } from '../lib/errors.js';
import { setEnvValues } from '../project/dotenv.js';
import { realDeps } from '../probe/deps.js';
import { probeUser } from '../probe/user.js';
import { CACHE_DIRS, EXTEND_FILE } from '../render/compose.js';
import type { ProjectContext } from './context.js';
import type { Engine } from './engine.js';

export interface Invoker {
  uid: number;
  gid: number;
  name: string;
}

export async function invokingUser(): Promise<Invoker> {
  const { facts } = await probeUser(realDeps());
  return { uid: facts.uid, gid: facts.gid, name: facts.name };
}

/** .env was written for a user; a container for another one would own files wrongly. */
export function checkUser(ctx: ProjectContext, me: Invoker): void {
  const uid = Number(ctx.env.USER_UID);
  const gid = Number(ctx.env.USER_GID);
  if (uid !== me.uid || gid !== me.gid) {
    throw new DanluError(`.env is for UID:GID ${ctx.env.USER_UID}:${ctx.env.USER_GID}, but you are ${me.name} (${me.uid}:${me.gid})`, {
      location: { file: ctx.envPath },
      hint: 'run `danlu init` to rewrite .env for this user (files in the workspace would otherwise get the wrong owner)',
    });
  }
}

/**
 * Creates the host cache folders before compose does: Docker would create a missing bind
 * source as root:root. Under sudo they are handed to the invoking user.
 */
export async function ensureCacheDirs(ctx: ProjectContext, me: Invoker): Promise<string[]> {
  const home = ctx.env.HOST_HOME;
  if (!home) throw new DanluError('.env has no HOST_HOME', { location: { file: ctx.envPath }, hint: 'run `danlu init` again' });
  const created: string[] = [];
  const asRootForUser = process.getuid?.() === 0 && me.uid !== 0;
  for (const d of CACHE_DIRS) {
    const path = join(home, d);
    const first = await mkdir(path, { recursive: true });
    if (!first) continue;
    created.push(path);
    if (asRootForUser) {
      // Hand over every folder mkdir created, from the first new one down to the leaf.
      let cur = first;
      const rest = relative(first, path).split(sep).filter(Boolean);
      await chown(cur, me.uid, me.gid);
      for (const part of rest) {
        cur = join(cur, part);
        await chown(cur, me.uid, me.gid);
      }
    }
  }
  return created;
}

/** Cache folders the user cannot write (typically created as root by an earlier `docker compose up`). */
export async function rootOwnedCaches(ctx: ProjectContext, me: Invoker): Promise<string[]> {
  if (me.uid === 0) return [];
  const bad: string[] = [];
  for (const d of CACHE_DIRS) {
    const s = await stat(join(ctx.env.HOST_HOME ?? '', d)).catch(() => null);
    if (s && s.uid !== me.uid) bad.push(join(ctx.env.HOST_HOME!, d));
  }
  return bad;
}

/** The machine file asks for GPUs that Docker cannot give: compose would fail at start. */
export async function checkGpuRequest(ctx: ProjectContext, engine: Engine): Promise<void> {
  const text = await readIfExists(join(ctx.dir, EXTEND_FILE));
  if (!text || engine.nvidiaRuntime) return;
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    return;
  }
  const devices = (data as any)?.services?.devcontainer?.deploy?.resources?.reservations?.devices;
  if (Array.isArray(devices) && devices.length > 0) {
    throw new DanluError(
      `${EXTEND_FILE} requests GPUs, but Docker has no NVIDIA runtime: the container would fail with \`could not select device driver "nvidia" with capabilities: [[gpu]]\``,
      {
        code: EXIT.failed,
        hint: 'install the NVIDIA Container Toolkit and run `sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`; or `danlu init --gpus none` to start without GPUs',
      },
    );
  }
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
