import { syncEnvironment, type SyncResult } from '../compose/sync.js';
import { loadContext, type ProjectContext } from '../compose/context.js';
import { connectEngine, type Engine } from '../compose/engine.js';
import { buildImage, composeUp, containerState, imageExists, type ContainerState, type UiOptions } from '../compose/lifecycle.js';
import { preflight, syncImageTag } from '../compose/preflight.js';
import type { OptionDef } from './command.js';
import { err } from './output.js';

/** Options every lifecycle command takes. */
export const DIR_OPTION = {
  dir: { type: 'string', short: 'C', value: 'DIR', description: 'the project folder (default: this one or the nearest parent with docker-compose.yml)' },
} as const satisfies Record<string, OptionDef>;

export async function openProject(dir: string | undefined): Promise<{ ctx: ProjectContext; engine: Engine }> {
  const ctx = await loadContext(dir ?? '.');
  const engine = await connectEngine();
  return { ctx, engine };
}

export interface UpOutcome {
  action: 'started' | 'unchanged' | 'recreated';
  built: boolean;
  retagged: boolean;
  createdDirs: string[];
  container: ContainerState | null;
  notes: string[];
  /** The environment sync after start: run, nothing changed since the last one, or not asked for. */
  sync: SyncResult | 'not run';
}

/**
 * Brings the dev container up safely: .env must match this user, cache folders exist (as the
 * user) before compose mounts them, GPUs are asked for only where Docker can give them, and the
 * image is (re)built when it is missing or its inputs changed.
 */
export async function ensureUp(ctx: ProjectContext, engine: Engine, ui: UiOptions, opts: { build?: boolean; sync?: boolean } = {}): Promise<UpOutcome> {
  // doctor's rules for .env's user, the cache folders and the GPU request (compose/preflight.ts).
  const { createdDirs, notes } = await preflight(ctx, engine);
  const previous = ctx.envImage;
  const retagged = await syncImageTag(ctx);
  if (retagged) {
    notes.push(`the Dockerfile or its build args changed: new image ${ctx.image}`);
    // The superseded tag stays for other projects of this machine that may share it: listed, not removed.
    if (previous && previous !== ctx.image && (await imageExists(engine, previous)))
      notes.push(`${previous} is no longer this project's image; \`${engine.docker} image rm ${previous}\` frees it once no other project uses it`);
  }
  const built = Boolean(opts.build) || !(await imageExists(engine, ctx.image));
  if (built) await buildImage(ctx, engine, ui);
  const before = await containerState(ctx, engine);
  await composeUp(ctx, engine, ui);
  const container = await containerState(ctx, engine);
  const action = before?.state !== 'running' ? 'started' : before.id === container?.id ? 'unchanged' : 'recreated';
  if (!ui.json) for (const n of notes) err(`note: ${n}`);
  const sync = opts.sync && container ? await syncEnvironment(ctx, engine, container.id, ui) : 'not run';
  return { action, built, retagged, createdDirs, container, notes, sync };
}

export function uiFrom(values: { verbose?: boolean; json?: boolean }): UiOptions {
  return { verbose: Boolean(values.verbose), json: Boolean(values.json) };
}
