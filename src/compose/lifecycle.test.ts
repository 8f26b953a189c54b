import { describe, expect, it } from 'vitest';
import { buildError, upError } from './lifecycle.js';

describe('image build failures say their cause', () => {
  it('a docker without buildx: the plugin, not a proxy', () => {
    const e = buildError('ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit', 1, '/p/.danlu/logs/build.log');
    expect(e.message).toBe('the docker CLI has no buildx plugin, which BuildKit builds need (build exit 1); full log: /p/.danlu/logs/build.log');
    expect(e.hint).toMatch(/docker-buildx-plugin/);
    expect(e.hint).not.toMatch(/proxy/);
  });
  it('Compose v1 without BuildKit (the VS Code path): the variables that turn it on', () => {
    expect(buildError('the --mount option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/', 1, 'l').hint).toMatch(/DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1/);
  });
  it('a base image the daemon cannot pull: the daemon needs the mirror or proxy, not the build args', () => {
    const e = buildError('ERROR: failed to solve: ubuntu:24.04: failed to resolve source metadata for docker.io/library/ubuntu:24.04: failed to do request: dial tcp: i/o timeout', 1, 'l');
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
