import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/compose/engine.js';
import { gpuRequest } from '../../src/doctor/rules/gpu-request.js';
import { nvidiaRuntime } from '../../src/doctor/rules/nvidia-runtime.js';
import { DOCKER_INFO, DOCKER_VERSION, factsFor, h100Host } from '../../src/doctor/testing/facts.js';
import type { Exec } from '../../src/lib/exec.js';
import { selectGpus } from '../../src/plan/resources.js';
import { REPO } from '../support/cli.js';

/**
 * "Can this engine give the container GPUs?" has one answer (engineGpus), and the plan, doctor
 * and `up` give it alike, on a Docker Desktop host, a CDI host, a host with the nvidia runtime
 * and a bare one (recorded `docker version` / `docker info` outputs; the bare one is the runtime
 * host's info without its nvidia runtime). `up` reads the engine connectEngine probed.
 */
const DOCKER = join(REPO, 'test', 'fixtures', 'hosts', 'docker');
const read = (f: string) => readFileSync(join(DOCKER, f), 'utf8');
const bareInfo = () => {
  const info = JSON.parse(read('info-nvidia-runtime.json'));
  delete info.Runtimes.nvidia;
  return JSON.stringify(info);
};

const HOSTS = [
  { name: 'Docker Desktop', version: read('version-desktop.json'), info: read('info-desktop.json'), gpus: 'desktop' },
  { name: 'CDI', version: read('version-ok.json'), info: read('info-rootless-cdi.json'), gpus: 'cdi' },
  { name: 'nvidia runtime', version: read('version-ok.json'), info: read('info-nvidia-runtime.json'), gpus: 'runtime' },
  { name: 'bare', version: read('version-ok.json'), info: bareInfo(), gpus: 'none' },
] as const;

/** A fake exec for connectEngine: the two docker outputs and compose v2; anything else is missing. */
function execFor(version: string, info: string): Exec {
  const out: Record<string, string> = { [DOCKER_VERSION]: version, [DOCKER_INFO]: info, 'docker compose version --short': '2.29.7\n' };
  return async (cmd, args) => {
    const stdout = out[[cmd, ...args].join(' ')];
    return stdout === undefined
      ? { code: null, stdout: '', stderr: '', missing: true, timedOut: false, ms: 0 }
      : { code: 0, stdout, stderr: '', missing: false, timedOut: false, ms: 1 };
  };
}

describe('the plan, doctor and up agree on whether the engine can give a container GPUs', () => {
  it.each(HOSTS)('$name', async ({ name, version, info, gpus }) => {
    const recorded = await h100Host({ docker: true, commands: { [DOCKER_VERSION]: { stdout: version }, [DOCKER_INFO]: { stdout: info } } });
    // Docker Desktop hands out GPUs on Windows, through WSL2: its host is a WSL2 one.
    const host = name === 'Docker Desktop' ? { ...recorded, os: { ...recorded.os, kind: 'wsl2' as const } } : recorded;
    const engine = await connectEngine(execFor(version, info), { PATH: '/nonexistent' }, null);
    expect(engine.gpus).toBe(gpus);
    const can = gpus !== 'none';
    // plan: the machine's compose file requests the GPUs, or leaves the request out
    expect(selectGpus(host.nvidia!.gpus, undefined, host.docker, host.os.kind).request.enabled).toBe(can);
    // doctor: an error only where the engine cannot
    expect(nvidiaRuntime(factsFor(host)).map((f) => f.severity)).toEqual([can ? expect.stringMatching(/^(ok|info)$/) : 'error']);
    // up: the same rule over the engine it connected to refuses only there
    expect(gpuRequest({ files: { extendRequestsGpus: true }, host: { docker: engine.facts } }).map((f) => f.id)).toEqual(can ? [] : ['gpu-request']);
    // doctor's full probe and up's engine say the same (the fix may name nvidia-ctk, which only doctor asks for)
    const said = (docker: typeof host.docker) => gpuRequest({ files: { extendRequestsGpus: true }, host: { docker } }).map((f) => [f.id, f.severity, f.title]);
    expect(said(host.docker)).toEqual(said(engine.facts));
  });

  it('Docker Desktop on Linux (its VM gets no GPU): the plan requests none and doctor says why', async () => {
    const host = await h100Host({
      docker: true,
      commands: { [DOCKER_VERSION]: { stdout: read('version-desktop.json') }, [DOCKER_INFO]: { stdout: read('info-desktop.json') } },
    });
    expect(host.os.kind).toBe('linux');
    expect(selectGpus(host.nvidia!.gpus, undefined, host.docker, host.os.kind).request.enabled).toBe(false);
    expect(nvidiaRuntime(factsFor(host)).map((f) => [f.severity, f.title])).toEqual([
      ['info', 'NVIDIA runtime not checked: Docker Desktop on Linux runs containers in a VM without the GPU'],
    ]);
  });
});
