import { describe, expect, it } from 'vitest';
import { buildError, upError } from './lifecycle.js';
import { syncError } from './sync.js';

describe('image build failures say their cause', () => {
  it('a docker without buildx: the plugin, not a proxy', () => {
    const e = buildError(
      'ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit',
      1,
      '/p/.danlu/logs/build.log',
    );
    expect(e.message).toBe('the docker CLI has no buildx plugin, which BuildKit builds need (build exit 1); full log: /p/.danlu/logs/build.log');
    expect(e.hint).toMatch(/docker-buildx-plugin/);
    expect(e.hint).not.toMatch(/proxy/);
  });
  it('Compose v1 without BuildKit (the VS Code path): the variables that turn it on', () => {
    expect(buildError('the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/', 1, 'l').hint).toMatch(
      /DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1/,
    );
  });
  it('a base image the daemon cannot pull: the daemon needs the mirror or proxy, not the build args', () => {
    const e = buildError(
      'ERROR: failed to solve: ubuntu:24.04: failed to resolve source metadata for docker.io/library/ubuntu:24.04: failed to do request: dial tcp: i/o timeout',
      1,
      'l',
    );
    expect(e.message).toMatch(/^the Docker daemon could not pull a base image/);
    expect(e.hint).toMatch(/registry-mirrors/);
  });
  it('anything else: the generic hint, and the log', () => {
    const e = buildError('E: Unable to locate package nonexistent', 100, '/p/build.log');
    expect(e.message).toBe('the image build failed (exit 100); full log: /p/build.log');
  });
  it('compose up: the NVIDIA runtime missing', () => {
    expect(upError('could not select device driver "" with capabilities: [[gpu]]', 1).message).toMatch(/Docker cannot give the container GPUs/);
  });
});

describe('environment sync failures say their cause', () => {
  it('an index that does not answer: the host and the mirrors command', () => {
    const e = syncError(
      'error: Failed to fetch: `https://pypi.org/simple/numpy/`\n  Caused by: error sending request for url (https://pypi.org/simple/numpy/)\n  Caused by: dns error',
      2,
      '/p/.danlu/logs/sync.log',
    );
    expect(e.message).toBe('uv could not reach https://pypi.org while installing the environment (exit 2); log: /p/.danlu/logs/sync.log');
    expect(e.hint).toMatch(/danlu mirrors --apply/);
  });
  it('no Python interpreter (the download from GitHub failed): the Python mirror', () => {
    const e = syncError(
      'error: Failed to install cpython-3.12.12-linux-x86_64-gnu\n  Caused by: Failed to download https://github.com/astral-sh/python-build-standalone/releases/download/...',
      2,
      'l',
    );
    expect(e.message).toMatch(/^uv could not get the Python interpreter/);
    expect(e.hint).toMatch(/UV_PYTHON_INSTALL_MIRROR/);
  });
  it('no Python interpreter (a mirror answered 404): the Python mirror, not "unreachable"', () => {
    // uv 0.13.9's words when UV_PYTHON_INSTALL_MIRROR lacks the build (recorded by test/lifecycle/generated-image.test.ts).
    const e = syncError(
      'error: Failed to download `http://127.0.0.1:36421/python/20261110/cpython-3.13.18%2B20261110-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`\n  cause: HTTP status client error (404 File not found) for url (http://127.0.0.1:36421/python/20261110/cpython-3.13.18%2B20261110-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz)',
      2,
      'l',
    );
    expect(e.message).toMatch(/^uv could not get the Python interpreter/);
    expect(e.hint).toMatch(/UV_PYTHON_INSTALL_MIRROR/);
  });
  it('a resolution conflict: where the pins come from', () => {
    const e = syncError('  × No solution found when resolving dependencies:\n  ╰─▶ Because torch==2.1.0 ...', 1, 'l');
    expect(e.message).toMatch(/^uv found no set of versions/);
    expect(e.hint).toMatch(/danlu import/);
  });
});
