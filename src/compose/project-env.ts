import { lstat, readdir, rm } from 'node:fs/promises';
import { DanluError, EXIT } from '../lib/errors.js';
import { hostProjectEnv } from '../render/paths.js';

export type RemovedEnv = { path: string; removed: boolean };

/**
 * Removes a project's environment from the host store (`danlu down --volumes`): only a folder
 * that is a venv (its pyvenv.cfg) or empty, at the path the compose project name gives; a
 * symlink there is removed as a link, never followed.
 */
export async function removeProjectEnv(home: string, project: string): Promise<RemovedEnv | null> {
  const path = hostProjectEnv(home, project);
  if (path === null) return null;
  const st = await lstat(path).catch(() => null);
  if (st === null) return { path, removed: false };
  if (st.isDirectory()) {
    const cfg = await lstat(`${path}/pyvenv.cfg`).catch(() => null);
    const empty = (await readdir(path).catch(() => ['?'])).length === 0;
    if (!cfg && !empty) {
      throw new DanluError(`${path} is not a Python environment; left it as it is`, {
        code: EXIT.failed,
        hint: `remove it yourself if it is not yours to keep: rm -rf ${path}`,
      });
    }
  }
  try {
    await rm(path, { recursive: true, force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DanluError(`could not remove ${path} (${code ?? 'error'})`, {
      code: EXIT.failed,
      hint: code === 'EACCES' || code === 'EPERM' ? `files there belong to another user (a container run as root?): sudo rm -rf ${path}` : undefined,
    });
  }
  return { path, removed: true };
}
