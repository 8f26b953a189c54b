import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { danlu, read, REPO, tempProject, write } from '../support/cli.js';
import { dockerCompose, dockerEnv, findDockerCompose, removeImages, standInImage } from '../support/tools.js';

/**
 * The VS Code path without VS Code: the Dev Containers CLI (a dev dependency) on the files
 * `danlu init` writes, with the real engine and the Compose that CI has. The Dockerfile is the
 * small stand-in of the lifecycle test (no registry here). `--update-remote-user-uid-default
 * never`: this engine has no bridge network for the CLI's own UID-update build, and the
 * container user already has the host UID.
 */
const base = standInImage('ubuntu2404');
const CLI = join(REPO, 'node_modules', '.bin', 'devcontainer');
const ready = Boolean(base && findDockerCompose());

const smallDockerfile = `FROM ${base} AS dev
RUN printf '#!/bin/sh\\necho "$@" >> /tmp/uv-calls\\n[ "$1" = run ] || exit 0\\nshift\\n[ "$1" = -- ] && shift\\nexec "$@"\\n' > /usr/local/bin/uv && chmod 755 /usr/local/bin/uv
CMD ["sleep", "infinity"]
`;

describe.skipIf(!ready)('devcontainer up / exec on the generated files (Dev Containers CLI)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    const images: string[] = [];
    for (const dir of dirs) {
      const image = /^DEV_IMAGE=(.+)$/m.exec(read(dir, '.env'))?.[1];
      if (image) images.push(image);
      dockerCompose(dir, ['-f', 'docker-compose.yml', '-f', '.devcontainer/docker-compose.extend.yml', 'down', '--volumes']);
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
    removeImages(...images);
  });

  for (const who of [
    { name: 'root', uid: 0 },
    { name: 'alice', uid: 1000 },
  ]) {
    it(`as ${who.name}: up succeeds, the user is the host's, uv-sync.sh ran`, () => {
      const dir = tempProject({}, `devc-${who.name}`);
      dirs.push(dir);
      const home = join(dir, '..', 'home');
      mkdirSync(home);
      chownSync(home, who.uid, who.uid);
      const host = join(dir, '..', 'host.json');
      writeFileSync(host, JSON.stringify({ user: { name: who.name, uid: who.uid, gid: who.uid, home }, nvidia: null }));
      expect(danlu(['init', dir, '--yes', '--host', host]).code).toBe(0);
      write(dir, '.devcontainer/docker-compose.extend.yml', 'services:\n  devcontainer:\n    network_mode: none\n');
      write(dir, '.devcontainer/Dockerfile', smallDockerfile);
      const env = { ...process.env, ...dockerEnv(), HOME: home };
      const up = spawnSync(CLI, ['up', '--workspace-folder', dir, '--update-remote-user-uid-default', 'never', '--log-format', 'json'], {
        encoding: 'utf8',
        env,
        timeout: 300_000,
      });
      const result = up.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l))
        .find((j) => j.outcome);
      expect(result, up.stderr.slice(-2000)).toMatchObject({ outcome: 'success', remoteUser: who.uid === 0 ? 'root' : String(who.uid) });
      const id = spawnSync(CLI, ['exec', '--workspace-folder', dir, 'id', '-u'], { encoding: 'utf8', env, timeout: 60_000 });
      expect(id.status, id.stderr).toBe(0);
      expect(id.stdout.trim().split('\n').at(-1)).toBe(String(who.uid));
      const calls = spawnSync(CLI, ['exec', '--workspace-folder', dir, 'cat', '/tmp/uv-calls'], { encoding: 'utf8', env, timeout: 60_000 });
      expect(calls.stdout).toMatch(/sync --frozen --all-groups/);
    }, 400_000);
  }
});
