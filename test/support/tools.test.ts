import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  STAND_INS,
  composeConfig,
  docker,
  dockerAvailable,
  dockerBin,
  dockerBuild,
  dockerCompose,
  dockerEnv,
  dockerSkipReason,
  findDockerCompose,
  findShellcheck,
  imageExists,
  removeImages,
  run,
  shellcheck,
  uniqueName,
} from './tools.js';

const compose = findDockerCompose();
const sc = findShellcheck();
const dockerOk = dockerAvailable();
if (!compose) console.warn('[tools.test] docker-compose v1 not installed: compose tests skipped');
if (!sc) console.warn('[tools.test] shellcheck not installed: shellcheck tests skipped');
if (!dockerOk) console.warn(`[tools.test] Docker tests skipped: ${dockerSkipReason()}`);

const dirs: string[] = [];
function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-tools-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('run', () => {
  it('reports a program that cannot start as 127, without throwing', () => {
    const r = run('/nonexistent/danlu-no-such-program', []);
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/ENOENT/);
  });

  it('returns the exit code and both streams', () => {
    const r = run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });
});

describe('docker client choice', () => {
  it("prefers Debian's /usr/bin/docker and puts its folder first on PATH", () => {
    const bin = dockerBin();
    if (existsSync('/usr/bin/docker')) expect(bin).toBe('/usr/bin/docker');
    const env = dockerEnv();
    expect(env.DOCKER_BUILDKIT).toBe('1');
    if (bin) expect(env.PATH?.split(':')[0]).toBe(dirname(bin));
  });
});

const COMPOSE_FILE = `services:
  app:
    image: danlu-test/busybox:local
    network_mode: none
    environment:
      GREETING: \${GREETING:?set GREETING in .env}
      OPTIONAL: \${OPTIONAL:-fallback}
`;

describe.skipIf(!compose)('docker-compose config (v1)', () => {
  it('accepts a valid file and reads .env from the folder', () => {
    const dir = tempDir({ 'docker-compose.yml': COMPOSE_FILE, '.env': 'GREETING=hello-from-dotenv\n' });
    const r = composeConfig(dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GREETING: hello-from-dotenv');
    expect(r.stdout).toContain('OPTIONAL: fallback');
  });

  it('rejects a missing ${X:?message} with the message', () => {
    const dir = tempDir({ 'docker-compose.yml': COMPOSE_FILE, '.env': 'OPTIONAL=x\n' });
    const r = composeConfig(dir, undefined, { GREETING: undefined });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('set GREETING in .env');
  });

  it('lets the given environment win over .env, and takes files with -f', () => {
    const dir = tempDir({
      'compose.base.yml': COMPOSE_FILE,
      'compose.extra.yml': 'services:\n  app:\n    working_dir: /work\n',
      '.env': 'GREETING=from-dotenv\n',
    });
    const r = composeConfig(dir, ['compose.base.yml', 'compose.extra.yml'], { GREETING: 'from-env' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GREETING: from-env');
    expect(r.stdout).toContain('working_dir: /work');
  });

  it('rejects a file that is not a compose file', () => {
    const dir = tempDir({ 'docker-compose.yml': 'services:\n  app:\n    image: [not, a, string]\n' });
    const r = composeConfig(dir);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/services\.app\.image/);
  });
});

describe.skipIf(!sc)('shellcheck', () => {
  it('flags a bad script', () => {
    const dir = tempDir({ 'bad.sh': '#!/bin/bash\nfile=$1\nrm $file\ncd /tmp\n' });
    const r = shellcheck(join(dir, 'bad.sh'));
    expect(r.code).toBe(1);
    expect(r.output).toContain('SC2086');
  });

  it('passes a clean script', () => {
    const dir = tempDir({ 'good.sh': '#!/bin/bash\nset -euo pipefail\nfile=$1\nrm -- "$file"\n' });
    expect(shellcheck(join(dir, 'good.sh'))).toEqual({ code: 0, output: '' });
  });
});

describe.skipIf(!dockerOk)('real Docker engine (DANLU_TEST_DOCKER=1)', () => {
  const images: string[] = [];
  afterAll(() => removeImages(...images));

  it('has the stand-in images that scripts/ci/make-base-images.sh builds', () => {
    for (const ref of Object.values(STAND_INS)) expect(imageExists(ref), ref).toBe(true);
  });

  it('builds FROM the busybox stand-in with BuildKit (cache mount) and runs with --network none', () => {
    const dir = tempDir({
      Dockerfile: [
        `FROM ${STAND_INS.busybox}`,
        'ARG WHO=nobody',
        'RUN --mount=type=cache,target=/cache echo "built for $WHO" > /built',
        'CMD ["cat", "/built"]',
        '',
      ].join('\n'),
    });
    const tag = `${uniqueName('danlu-tools')}:t`;
    images.push(tag);
    const b = dockerBuild({ context: dir, tag, buildArgs: { WHO: 'tests' } });
    expect(b.code, b.stderr).toBe(0);
    const r = docker(['run', '--rm', '--network', 'none', tag]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('built for tests\n');
  });

  it('stand-ins look like Ubuntu 24.04 (ubuntu 1000:1000, deb822) and 22.04 (no 1000, sources.list)', () => {
    const script = [
      'getent passwd 1000 || echo "no uid 1000"',
      'cat /etc/apt/sources.list.d/ubuntu.sources 2>/dev/null | grep -m1 URIs || true',
      'grep -m1 "^deb http://archive.ubuntu.com/ubuntu/" /etc/apt/sources.list || true',
      'apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq sudo >/dev/null && echo apt-ok',
      'for t in useradd usermod groupadd groupmod userdel sudo getent sed; do command -v $t >/dev/null || echo "missing $t"; done',
    ].join('\n');
    const noble = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'bash', STAND_INS.ubuntu2404, '-c', script]);
    expect(noble.code, noble.stderr).toBe(0);
    expect(noble.stdout).toContain('ubuntu:x:1000:1000:');
    expect(noble.stdout).toContain('URIs: http://archive.ubuntu.com/ubuntu/');
    expect(noble.stdout).toContain('apt-ok');
    expect(noble.stdout).not.toContain('missing');
    const jammy = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'bash', STAND_INS.ubuntu2204, '-c', script]);
    expect(jammy.code, jammy.stderr).toBe(0);
    expect(jammy.stdout).toContain('no uid 1000');
    expect(jammy.stdout).toContain('deb http://archive.ubuntu.com/ubuntu/ jammy main restricted');
    expect(jammy.stdout).toContain('apt-ok');
    expect(jammy.stdout).not.toContain('missing');
  });

  it.skipIf(!compose)('runs a compose v1 project: up -d, exec -T keeps the exit code, down', () => {
    const dir = tempDir({
      'docker-compose.yml': `services:\n  app:\n    image: ${STAND_INS.busybox}\n    network_mode: none\n    init: true\n    command: ["sleep", "600"]\n    environment:\n      GREETING: \${GREETING:?}\n`,
      '.env': 'GREETING=hi\n',
    });
    const projectName = uniqueName('danlu-tools');
    try {
      const up = dockerCompose(dir, ['up', '-d'], { projectName });
      expect(up.code, up.stderr).toBe(0);
      const ex = dockerCompose(dir, ['exec', '-T', 'app', 'sh', '-c', 'echo "$GREETING"; exit 7'], { projectName });
      expect(ex.stdout).toBe('hi\n');
      expect(ex.code).toBe(7);
    } finally {
      const down = dockerCompose(dir, ['down', '--volumes', '--timeout', '1'], { projectName });
      expect(down.code, down.stderr).toBe(0);
    }
  });
});
