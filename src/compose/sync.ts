import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DanluError, EXIT } from '../lib/errors.js';
import { resolveInProject } from '../lib/project-path.js';
import { readIfExists } from '../lib/read-file.js';
import { maskSecrets } from '../lib/secrets.js';
import { spinner } from '../lib/spinner.js';
import { execLine } from './command-line.js';
import type { ProjectContext } from './context.js';
import type { Engine } from './engine.js';
import { runLogged } from './run.js';

/** The files whose content decides what the environment holds; the marker keeps their hash. */
const INPUTS = ['pyproject.toml', 'uv.lock', '.python-version', '.devcontainer/uv-sync.sh'];
const MARKER = join('.danlu', 'synced');

/** A hash of what the environment is installed from (with the image and container it went into). */
export async function syncKey(dir: string, image: string, containerId: string): Promise<string | null> {
  const texts = await Promise.all(INPUTS.map((f) => readIfExists(join(dir, f)).catch(() => null)));
  if (texts[0] === null) return null;
  const h = createHash('sha256');
  h.update(`${image}\0${containerId}\0`);
  INPUTS.forEach((f, i) => h.update(`${f}\0${texts[i] ?? ''}\0`));
  return h.digest('hex').slice(0, 16);
}

async function lastKey(dir: string): Promise<string | null> {
  return (await readFile(join(dir, MARKER), 'utf8').catch(() => '')).trim() || null;
}

async function saveKey(dir: string, key: string): Promise<void> {
  try {
    // Inside the project only: a .danlu that is a link out of it is not written through.
    const where = await resolveInProject(dir, MARKER);
    if (where.leaves) return;
    await mkdir(dirname(where.real), { recursive: true });
    await writeFile(`${where.real}.tmp`, `${key}\n`, { flag: 'wx' }).catch(async () => {
      await rm(`${where.real}.tmp`, { force: true });
      await writeFile(`${where.real}.tmp`, `${key}\n`, { flag: 'wx' });
    });
    await rename(`${where.real}.tmp`, where.real);
  } catch {
    /* the next `up` syncs again: harmless */
  }
}

/** uv's failure in one line, with what fixes it. */
export function syncError(output: string, code: number, logFile: string): DanluError {
  const host = /(?:Failed to fetch|error sending request for url|Could not connect to)[^`(]*[`(]?(https?:\/\/[^/`'")\s]+)/i.exec(output)?.[1];
  const known: [RegExp, string, string][] = [
    [
      /Failed to download.*python-build-standalone|Failed to download `[^`]*\/cpython-\d|No interpreter found for Python|Failed to install cpython|python-build-standalone/i,
      'uv could not get the Python interpreter',
      'set UV_PYTHON_INSTALL_MIRROR in .env (`danlu mirrors --apply` picks a reachable one), or use an image whose Python matches .python-version',
    ],
    [
      /dns error|failed to lookup address|Connection refused|timed out|error sending request|client error \(Connect\)|Network is unreachable/i,
      `uv could not reach ${host ?? 'an index'}`,
      'choose mirrors that answer from here (`danlu mirrors --probe`, then `danlu mirrors --apply`), or set a proxy (`danlu doctor` shows the layers)',
    ],
    [
      /No solution found when resolving|unsatisfiable/i,
      'uv found no set of versions that fits every requirement',
      '`danlu import` shows where each requirement comes from; loosen the pin uv names in its message (above)',
    ],
    [
      /needs to be updated|lockfile .* is not up-to-date|--locked/i,
      'uv.lock does not match pyproject.toml',
      'lock again in the container: `danlu exec -- uv lock`',
    ],
  ];
  for (const [re, what, fix] of known)
    if (re.test(output)) return new DanluError(`${what} while installing the environment (exit ${code}); log: ${logFile}`, { code: EXIT.failed, hint: fix });
  return new DanluError(`installing the environment failed (exit ${code}); log: ${logFile}`, {
    code: EXIT.failed,
    hint: "the lines above are uv's; `danlu shell` then `.devcontainer/uv-sync.sh` runs it by hand",
  });
}

export type SyncResult = 'synced' | 'up to date' | 'skipped';

/**
 * The environment sync of `danlu up`: the generated uv-sync.sh in the container (lock when there
 * is no uv.lock, then install what the project installs), logged to .danlu/logs/sync.log. Skipped
 * when nothing it reads changed since the last sync into this container.
 */
export async function syncEnvironment(ctx: ProjectContext, engine: Engine, containerId: string, ui: { json: boolean; verbose: boolean }): Promise<SyncResult> {
  if ((await readIfExists(join(ctx.dir, '.devcontainer', 'uv-sync.sh')).catch(() => null)) === null) return 'skipped';
  const before = await syncKey(ctx.dir, ctx.image, containerId);
  if (before === null) return 'skipped';
  if (before === (await lastKey(ctx.dir))) return 'up to date';
  const spin = spinner('installing the environment (uv)', !ui.json && Boolean(process.stderr.isTTY));
  const line = execLine(engine.flavor, ['bash', '.devcontainer/uv-sync.sh'], { tty: false });
  const result = await runLogged(line, ctx.dir, join(ctx.dir, '.danlu', 'logs', 'sync.log'), (l) => {
    const m = /^(Resolved|Prepared|Installed|Downloading|Building|Using CPython)\b.*/.exec(l.trim());
    if (m) spin.update(`installing the environment: ${m[0].slice(0, 70)}`);
  });
  if (result.code !== 0) {
    spin.stop();
    if (!ui.json) process.stderr.write(`${maskSecrets(result.tail.slice(-15).join('\n'))}\n`);
    throw syncError(result.tail.join('\n'), result.code, result.logFile);
  }
  spin.stop(ui.json ? undefined : 'environment installed');
  if (ui.verbose && !ui.json) process.stderr.write(`${maskSecrets(result.tail.join('\n'))}\n`);
  // uv lock may have just written uv.lock: the key is taken after.
  const after = await syncKey(ctx.dir, ctx.image, containerId);
  if (after) await saveKey(ctx.dir, after);
  return 'synced';
}
