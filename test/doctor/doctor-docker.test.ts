/**
 * doctor against a real Docker engine (the private dockerd .ci/run starts, without the NVIDIA
 * runtime). nvidia-smi is the recorded H100 one, so the GPU checks have a GPU to reason about.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { danlu, jsonOut, tempProject } from '../support/cli.js';
import { docker, dockerBin, removeContainers, STAND_INS, standInImage, uniqueName } from '../support/tools.js';
import { fakeH100Bin } from './fake-nvidia-smi.js';

type Finding = { id: string; severity: string; title: string; detail: string; fix: { command: string | null; description: string; safe: boolean } | null };
type Json = { findings: Finding[]; summary: Record<string, number> };

const ENGINE = process.env.DANLU_TEST_DOCKER !== '1';
/** The busybox stand-in .ci/run builds; the tests that start containers need it. */
const NO_IMAGE = ENGINE || standInImage('busybox') === null;
const scratch = mkdtempSync(join(tmpdir(), 'danlu-doctor-docker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The chosen docker client first, then a fake H100 nvidia-smi. */
function pathWithDocker(fakeGpu = true): string {
  const bin = dockerBin();
  return [fakeGpu ? fakeH100Bin() : null, bin ? dirname(bin) : null, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter(Boolean).join(':');
}

function doctor(dir: string, args: string[], env: Record<string, string> = {}): { json: Json; code: number; ms: number } {
  const started = Date.now();
  const r = danlu(['doctor', dir, '--json', ...args], { env: { PATH: pathWithDocker(), ...env } });
  return { json: jsonOut(r) as Json, code: r.code, ms: Date.now() - started };
}
const find = (j: Json, id: string) => j.findings.find((f) => f.id === id);

describe.skipIf(ENGINE)('doctor with a Docker engine that has no NVIDIA runtime', () => {
  it('reports the missing runtime as an error, with the toolkit commands as the fix', () => {
    const { json, code } = doctor(tempProject(), []);
    expect(code).toBe(1);
    expect(find(json, 'docker-daemon')).toMatchObject({ severity: 'ok' });
    expect(find(json, 'nvidia-driver')).toMatchObject({ severity: 'ok', title: expect.stringContaining('580.159.04 (CUDA 13.0)') });
    const f = find(json, 'nvidia-runtime')!;
    expect(f).toMatchObject({ severity: 'error', title: 'Docker has no NVIDIA runtime: containers cannot get the GPU' });
    expect(f.detail).toContain('could not select device driver "" with capabilities: [[gpu]]');
    expect(f.fix).toMatchObject({
      safe: false,
      command: expect.stringContaining('sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker'),
    });
  });

  it.skipIf(NO_IMAGE)("--deep starts a GPU container and shows the engine's own error", () => {
    const dir = tempProject({ '.env': `BASE_IMAGE=${STAND_INS.busybox}\n` });
    const { json } = doctor(dir, ['--deep']);
    const f = find(json, 'gpu-container-run')!;
    expect(f).toMatchObject({ severity: 'error', title: 'Docker cannot give containers the GPU (no NVIDIA runtime)' });
    expect(f.detail).toContain(
      `docker run --rm --gpus all ${STAND_INS.busybox} nvidia-smi -L: docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]]`,
    );
    expect(f.fix?.command).toContain('nvidia-ctk runtime configure');
  });
});

describe.skipIf(NO_IMAGE)('doctor inside a running dev container', () => {
  const project = uniqueName('danlu-doctor');
  let name = '';
  beforeAll(() => {
    name = `${project}-devcontainer-1`;
    const r = docker(
      [
        'run',
        '-d',
        '--name',
        name,
        '--network',
        'none',
        '--shm-size',
        '64m',
        '--label',
        `com.docker.compose.project=${project}`,
        '--label',
        'com.docker.compose.service=devcontainer',
        STAND_INS.busybox,
        'sleep',
        '300',
      ],
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => removeContainers(name));

  it('finds the container by its compose labels and checks shm, GPU and torch in it', () => {
    const dir = tempProject({ '.env': `COMPOSE_PROJECT_NAME=${project}\n` });
    const { json } = doctor(dir, []);
    expect(find(json, 'container')).toMatchObject({ severity: 'ok', title: expect.stringMatching(/^dev container [0-9a-f]{12} is running$/) });
    expect(find(json, 'container-shm')).toMatchObject({ severity: 'error', title: '/dev/shm in the container is only 64 MB' });
    expect(find(json, 'container-gpu')).toMatchObject({
      severity: 'error',
      title: 'nvidia-smi: command not found in the container: it was started without the GPU',
    });
    expect(find(json, 'container-torch')).toMatchObject({ severity: 'warn', title: 'could not import torch in the container' });
  });
});

describe.skipIf(!dockerBin())('doctor when the daemon is stopped or hung (docker client only)', () => {
  let server: Server | null = null;
  afterAll(() => server?.close());

  it('reports "daemon not reachable" within 3 seconds for a socket with nothing listening', () => {
    const sock = `unix://${join(scratch, 'nothing.sock')}`;
    const { json, code, ms } = doctor(tempProject(), [], { DOCKER_HOST: sock });
    expect(ms).toBeLessThan(3000);
    expect(code).toBe(1);
    const f = find(json, 'docker-daemon')!;
    expect(f).toMatchObject({ severity: 'error', title: `Docker daemon not reachable (DOCKER_HOST=${sock})` });
    expect(f.detail).toMatch(/Cannot connect to the Docker daemon at unix:\/\/.*nothing\.sock\. Is the docker daemon running\?/);
    expect(find(json, 'docker-client')).toMatchObject({ severity: 'ok' });
    expect(find(json, 'nvidia-driver')).toMatchObject({ severity: 'ok' });
    expect(find(json, 'nvidia-runtime')).toMatchObject({ severity: 'info', title: 'NVIDIA runtime not checked: the Docker daemon did not answer' });
  });

  it('gives up on a daemon that accepts connections but never answers, within a few seconds', async () => {
    const path = join(scratch, 'hung.sock');
    server = createServer(() => {
      /* accept and say nothing */
    });
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    const { json, ms } = doctor(tempProject(), [], { DOCKER_HOST: `unix://${path}` });
    expect(ms).toBeLessThan(5000);
    expect(find(json, 'docker-daemon')).toMatchObject({ severity: 'error', title: `Docker daemon not answering (DOCKER_HOST=unix://${path})` });
  });
});
