import { shortHash } from './header.js';

/** The .env keys that are build args of the dev image: a change to any of them is a new image. */
export const BUILD_INPUT_KEYS = [
  'BASE_IMAGE',
  'UV_IMAGE',
  'USER_NAME',
  'USER_UID',
  'USER_GID',
  'USER_HOME',
  'TZ',
  'APT_MIRROR',
  'PYPI_MIRROR',
  'INSTALL_STARSHIP',
  'EXTRA_APT_PACKAGES',
] as const;

const HASH_LINE = /^(?:#|\/\/) danlu-hash: [0-9a-f]{16}\n/m;

/** The Dockerfile without danlu's header: what the image is built from. */
export function dockerfileBody(text: string): string {
  const m = HASH_LINE.exec(text);
  return m ? text.slice(m.index + m[0].length) : text;
}

/**
 * What the dev image is built from: the Dockerfile up to its later stages (`FROM dev AS ...`:
 * the runtime image names the project; the dev image does not), so projects of one machine with
 * the same image inputs share one dev image.
 */
export function devStageText(body: string): string {
  const m = /^FROM\s+dev\s+AS\s+/im.exec(body);
  return m ? body.slice(0, m.index) : body;
}

/** Hash of everything the dev image is built from: the Dockerfile's dev stage and the build args. */
export function buildInputsHash(body: string, values: Record<string, string | undefined>): string {
  body = devStageText(body);
  const args = BUILD_INPUT_KEYS.map((k) => `${k}=${values[k] ?? ''}`).join('\n');
  return shortHash(`${body}\n${args}`, 10);
}

/** `danlu-dev:<cuda>-ubuntu<release>-<user>-<hash>`: one image per machine and inputs. */
export function devImageTag(cuda: string | null, ubuntu: string, user: string, hash: string): string {
  const safeUser = user.replace(/[^a-z0-9_.-]/g, '') || 'dev';
  return `danlu-dev:${cuda ? `cu${cuda}` : 'cpu'}-ubuntu${ubuntu}-${safeUser}-${hash}`;
}

/** The same tag with the hash of the current inputs (after the Dockerfile or .env changed). */
export function retagForInputs(tag: string, hash: string): string {
  return /-[0-9a-f]{10}$/.test(tag) ? tag.replace(/-[0-9a-f]{10}$/, `-${hash}`) : `${tag}-${hash}`;
}
