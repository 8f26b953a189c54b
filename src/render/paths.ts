/** Where things live in the dev container, and the host folders mounted there. */

/** The folder of danlu's own paths in the image, owned by the image's user. */
export const CONTAINER_DANLU = '/opt/danlu';

/**
 * The project's environment by a stable path: PATH, VIRTUAL_ENV in the runtime image and VS
 * Code's interpreter name it. In the dev container it is a link, made at start, to the
 * project's folder in the mounted store; in the runtime image, the folder itself.
 */
export const CONTAINER_VENV = `${CONTAINER_DANLU}/venv`;

/**
 * One host folder (under the home folder, mounted at the same place in the container) holds
 * uv's cache and every project's environment. On one mounted filesystem uv hardlinks a venv's
 * files from its cache, so a second project with the same packages adds almost nothing to the
 * disk; across two mounts (a venv volume and a cache bind mount) it can only copy.
 */
export const ENV_STORE = '.cache/danlu/uv';
/** uv's cache inside the store. */
export const STORE_CACHE = 'cache';
/** The projects' environments inside the store, one folder per compose project. */
export const STORE_VENVS = 'venvs';

/** Host folders (relative to the home folder) mounted at the same place in every project's container. */
export const CACHE_DIRS = ['.cache/huggingface', ENV_STORE, '.cache/torch/hub', '.local/share/uv'] as const;

/** A compose project name as compose accepts it: nothing that could leave the store's folder. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** The host folder of a compose project's environment, or null for a name compose would refuse. */
export function hostProjectEnv(home: string, project: string): string | null {
  return PROJECT_NAME.test(project) ? `${home.replace(/\/+$/, '')}/${ENV_STORE}/${STORE_VENVS}/${project}` : null;
}
