import { describe, expect, it } from 'vitest';
import { fixture } from './fake-deps.js';
import {
  classifyDaemonError,
  inGroupFile,
  isNvidiaCdiSpec,
  parseComposeVersion,
  parseDockerInfoJson,
  parseDockerVersionJson,
  parseNvidiaCtkVersion,
} from './docker-parse.js';

const docker = (f: string) => fixture(`docker/${f}`);

describe('docker version', () => {
  it('reads client and server versions', () => {
    expect(parseDockerVersionJson(docker('version-ok.json'))).toEqual({ client: '27.3.1', server: '27.3.1', desktop: false });
  });

  it('reads the client alone when the daemon is down', () => {
    expect(parseDockerVersionJson(docker('version-daemon-down.json'))).toEqual({ client: '27.3.1', server: null, desktop: false });
  });

  it('recognises Docker Desktop from the server platform', () => {
    expect(parseDockerVersionJson(docker('version-desktop.json'))).toMatchObject({ server: '27.2.0', desktop: true });
  });

  it('finds the JSON line among warnings and survives garbage', () => {
    expect(parseDockerVersionJson(`WARNING: x\n${docker('version-ok.json')}`).client).toBe('27.3.1');
    expect(parseDockerVersionJson('Client: Docker Engine\n Version: 27.3.1\n')).toEqual({ client: null, server: null, desktop: false });
  });

  it('classifies daemon errors', () => {
    expect(classifyDaemonError(docker('version-permission-denied.stderr'))).toBe('permission denied');
    expect(classifyDaemonError(docker('version-daemon-down.stderr'))).toBe('not reachable');
    expect(classifyDaemonError('context deadline exceeded')).toBe('timed out');
    expect(classifyDaemonError('something else')).toBe('failed');
  });
});

describe('docker info', () => {
  it('finds the nvidia runtime on Docker Engine', () => {
    expect(parseDockerInfoJson(docker('info-nvidia-runtime.json'))).toEqual({
      ok: true,
      serverVersion: '27.3.1',
      nvidiaRuntime: true,
      rootless: false,
      desktop: false,
      cdiGpuDevices: [],
      cdiSpecDirs: ['/etc/cdi', '/var/run/cdi'],
    });
  });

  it('recognises Docker Desktop, which lists no nvidia runtime', () => {
    expect(parseDockerInfoJson(docker('info-desktop.json'))).toMatchObject({ ok: true, desktop: true, nvidiaRuntime: false });
  });

  it('recognises rootless mode and CDI-discovered GPUs', () => {
    const info = parseDockerInfoJson(docker('info-rootless-cdi.json'));
    expect(info).toMatchObject({ rootless: true, nvidiaRuntime: false, cdiGpuDevices: ['nvidia.com/gpu=0', 'nvidia.com/gpu=all'] });
    expect(info?.cdiSpecDirs).toContain('/home/alice/.config/cdi');
  });

  it('is not ok when the daemon is down', () => {
    expect(parseDockerInfoJson(docker('info-daemon-down.json'))).toMatchObject({ ok: false, nvidiaRuntime: false });
    expect(parseDockerInfoJson('')).toBeNull();
  });
});

describe('compose, nvidia-ctk, groups, CDI files', () => {
  it('parses compose v1 and v2 version texts', () => {
    expect(parseComposeVersion(docker('compose-v1-version.txt'))).toBe('1.29.2');
    expect(parseComposeVersion(docker('compose-v1-dash-version.txt'))).toBe('1.29.2');
    expect(parseComposeVersion(docker('compose-v2-standalone-version.txt'))).toBe('2.29.7');
    expect(parseComposeVersion('2.29.7\n')).toBe('2.29.7');
    expect(parseComposeVersion('v2.30.3-desktop.1\n')).toBe('2.30.3-desktop.1');
    expect(parseComposeVersion("docker: 'compose' is not a docker command.\n")).toBeNull();
  });

  it('parses nvidia-ctk --version', () => {
    expect(parseNvidiaCtkVersion(docker('nvidia-ctk-version.txt'))).toBe('1.16.2');
    expect(parseNvidiaCtkVersion('')).toBeNull();
  });

  it('reads docker group membership from /etc/group', () => {
    const etc = 'sudo:x:27:alice\ndocker:x:998:bob,alice\nvideo:x:44:\n';
    expect(inGroupFile(etc, 'docker', 'alice', 1000)).toBe(true);
    expect(inGroupFile(etc, 'docker', 'carol', 1000)).toBe(false);
    expect(inGroupFile(etc, 'docker', 'carol', 998)).toBe(true);
    expect(inGroupFile('sudo:x:27:alice\n', 'docker', 'alice', 1000)).toBeNull();
  });

  it('recognises NVIDIA CDI spec file names', () => {
    expect(['nvidia.yaml', 'nvidia-gpu.json', 'nvidia.yml'].every(isNvidiaCdiSpec)).toBe(true);
    expect(['amd.yaml', 'nvidia.yaml.bak'].some(isNvidiaCdiSpec)).toBe(false);
  });
});
