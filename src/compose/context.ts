import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { readIfExists } from '../lib/read-file.js';
import { DanluError } from '../lib/errors.js';
import { parseEnv } from '../project/dotenv.js';
import { buildInputsHash, dockerfileBody, retagForInputs } from '../render/image-name.js';

export const DOCKERFILE = '.devcontainer/Dockerfile';

/** What the lifecycle commands need to know about a project that `danlu init` prepared. */
export interface ProjectContext {
  dir: string;
  envPath: string;
  env: Record<string, string>;
  /** COMPOSE_PROJECT_NAME: names the container, the network and the environment's folder in the store. */
  project: string;
  /** The image tag for the current Dockerfile and build args. */
  image: string;
  /** DEV_IMAGE as .env has it (differs from `image` after the Dockerfile or a build arg changed). */
  envImage: string;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The folder with docker-compose.yml: DIR itself, or the nearest parent (like git finds its root). */
export async function findProjectDir(start: string): Promise<string> {
  let dir = resolve(start);
  for (;;) {
    if (await isFile(join(dir, 'docker-compose.yml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new DanluError(`no docker-compose.yml in ${resolve(start)} or any parent folder`, {
        hint: 'run `danlu init` in the project first',
      });
    }
    dir = parent;
  }
}

export async function loadContext(start: string): Promise<ProjectContext> {
  const dir = await findProjectDir(start);
  const envPath = join(dir, '.env');
  const envText = await readIfExists(envPath);
  if (envText === null) {
    throw new DanluError(`no .env in ${dir}: this machine has no settings for the project yet`, {
      hint: 'run `danlu init` here (it writes .env for this machine)',
    });
  }
  const env = parseEnv(envText, envPath);
  const envImage = env.DEV_IMAGE;
  if (!envImage) throw new DanluError('.env has no DEV_IMAGE', { location: { file: envPath }, hint: 'run `danlu init` again' });
  const dockerfile = await readIfExists(join(dir, DOCKERFILE));
  const image = dockerfile === null ? envImage : retagForInputs(envImage, buildInputsHash(dockerfileBody(dockerfile), env));
  const project =
    env.COMPOSE_PROJECT_NAME ||
    dir
      .split('/')
      .pop()!
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '');
  return { dir, envPath, env, project, image, envImage };
}
