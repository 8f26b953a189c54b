import { lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Entries of the project a lock never reads (and a scratch copy must not point at). */
const SKIP = new Set(['.git', '.venv', 'venv', 'node_modules', '.danlu', 'uv.lock', '.python-version', 'pyproject.toml']);

export interface Scratch {
  dir: string;
  /** Writes (or replaces) the candidate files. */
  put(files: Record<string, string | null>): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A scratch copy of the project for `uv lock`: the candidate files danlu would write, the
 * project's own lock (so uv keeps the versions it holds), and every other top-level entry as a
 * link to the project's (path packages, version files and READMEs a build backend reads), so
 * nothing of the project is copied or changed by a lock that fails.
 */
export async function makeScratch(projectDir: string): Promise<Scratch> {
  const root = await mkdtemp(join(tmpdir(), 'danlu-solve-'));
  const dir = join(root, basename(projectDir));
  await mkdir(dir);
  for (const name of await readdir(projectDir).catch(() => [] as string[])) {
    if (SKIP.has(name)) continue;
    const st = await lstat(join(projectDir, name)).catch(() => null);
    if (!st) continue;
    await symlink(join(projectDir, name), join(dir, name)).catch(() => undefined);
  }
  return {
    dir,
    async put(files) {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) await rm(join(dir, path), { force: true });
        else await writeFile(join(dir, path), text);
      }
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
