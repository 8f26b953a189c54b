import { beforeAll, describe, expect, it } from 'vitest';
import { fakeDeps, fixture, type FakeCommand } from '../../probe/fake-deps.js';
import type { HostFacts } from '../../probe/types.js';
import { runRules } from '../run.js';
import { DOCKER_INFO, DOCKER_VERSION, factsFor, h100Host } from '../testing/facts.js';
import type { DoctorFacts, Finding } from '../types.js';
import { dockerBuildx } from './docker-buildx.js';
import { dockerClient } from './docker-client.js';
import { buildCheck } from '../up-check.js';
import { dockerCompose } from './docker-compose.js';
import { dockerDaemon } from './docker-daemon.js';
import { dockerFlavour } from './docker-flavour.js';
import { dockerGroup } from './docker-group.js';
import { dockerVersion } from './docker-version.js';
import { gpuContainerRun } from './gpu-container-run.js';
import { nvidiaRuntime } from './nvidia-runtime.js';

const docker = (f: string) => fixture(`docker/${f}`);
const NO_PLUGIN: FakeCommand = { code: 1, stderr: "docker: 'compose' is not a docker command.\nSee 'docker --help'\n" };
const host = (commands: Record<string, FakeCommand> = {}, machine = {}) => h100Host({ docker: true, commands, machine });
const layer = (facts: DoctorFacts, name: string): Finding[] => runRules(facts).filter((f) => f.layer === name);

/** docker info of the engine with the nvidia runtime, the runtime taken out. */
function infoWithoutNvidia(): string {
  const info = JSON.parse(docker('info-nvidia-runtime.json')) as { Runtimes: Record<string, unknown> };
  delete info.Runtimes.nvidia;
  return JSON.stringify(info);
}

let healthy: HostFacts;
beforeAll(async () => {
  healthy = await host();
});

describe('docker and gpu layers on a healthy Engine (recorded docker version/info)', () => {
  it('passes every check with one line each', () => {
    const facts = factsFor(healthy);
    expect(layer(facts, 'docker').map((f) => [f.id, f.severity, f.title])).toEqual([
      ['docker-client', 'ok', 'Docker client 27.3.1'],
      ['docker-daemon', 'ok', 'Docker daemon reachable (Engine 27.3.1)'],
      ['docker-version', 'ok', 'Docker Engine 27.3.1 supports --gpus and CDI'],
      ['docker-flavour', 'ok', 'Docker Engine (not Desktop, not snap, not rootless)'],
      ['docker-group', 'ok', 'alice is in the docker group'],
      ['docker-compose', 'ok', 'Compose v2 2.29.7'],
    ]);
    expect(layer(facts, 'gpu')).toEqual([
      expect.objectContaining({ id: 'nvidia-runtime', severity: 'ok', title: 'Docker can give containers the GPU (runtime "nvidia", nvidia-ctk 1.16.2)' }),
    ]);
  });
});

describe('dockerDaemon', () => {
  it('separates "daemon not reachable" from a missing client, quoting docker', async () => {
    const h = await host({
      [DOCKER_VERSION]: { code: 1, stdout: docker('version-daemon-down.json'), stderr: docker('version-daemon-down.stderr') },
      [DOCKER_INFO]: { code: 1, stdout: docker('info-daemon-down.json') },
    });
    const facts = factsFor(h);
    expect(dockerClient(facts)[0]).toMatchObject({ severity: 'ok', title: 'Docker client 27.3.1' });
    const [f] = dockerDaemon(facts);
    expect(f).toMatchObject({
      id: 'docker-daemon',
      severity: 'error',
      title: 'Docker daemon not reachable',
      fix: { command: 'sudo systemctl enable --now docker', safe: false },
    });
    expect(f!.detail).toContain('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    expect(nvidiaRuntime(facts)[0]).toMatchObject({ severity: 'info', title: 'NVIDIA runtime not checked: the Docker daemon did not answer' });
    expect([...dockerVersion(facts), ...dockerFlavour(facts)]).toEqual([]);
  });

  it('names DOCKER_HOST when it points at a dead socket', async () => {
    const h = await host({ [DOCKER_VERSION]: { code: 1, stdout: docker('version-daemon-down.json'), stderr: docker('version-daemon-down.stderr') } });
    const [f] = dockerDaemon(factsFor(h, { env: { DOCKER_HOST: 'unix:///tmp/nothing.sock' } }));
    expect(f!.title).toBe('Docker daemon not reachable (DOCKER_HOST=unix:///tmp/nothing.sock)');
    expect(f!.fix?.description).toContain('unset DOCKER_HOST');
  });

  it('gives permission denied its own fix', async () => {
    const h = await host({
      [DOCKER_VERSION]: { code: 1, stdout: docker('version-daemon-down.json'), stderr: docker('version-permission-denied.stderr') },
      'id -Gn': { stdout: 'alice sudo\n' },
    });
    const facts = factsFor(h);
    expect(dockerDaemon(facts)[0]).toMatchObject({
      severity: 'error',
      title: 'permission denied on the Docker socket',
      fix: { command: 'sudo usermod -aG docker alice' },
    });
    expect(dockerGroup(facts)[0]).toMatchObject({
      severity: 'warn',
      title: 'alice is not in the docker group: docker needs sudo',
      fix: { command: 'sudo usermod -aG docker alice' },
    });
  });

  it('says a hung daemon is not answering', async () => {
    const h = await host({ [DOCKER_VERSION]: { code: null, timedOut: true } });
    expect(dockerDaemon(factsFor(h))[0]).toMatchObject({ severity: 'error', title: 'Docker daemon not answering' });
  });
});

describe('dockerFlavour', () => {
  it('warns about Docker Desktop on Linux and skips the runtime check there', async () => {
    const h = await host({ [DOCKER_VERSION]: { stdout: docker('version-desktop.json') }, [DOCKER_INFO]: { stdout: docker('info-desktop.json') } });
    const facts = factsFor(h);
    expect(dockerFlavour(facts)[0]).toMatchObject({
      severity: 'warn',
      title: 'Docker Desktop on Linux: containers run in a VM without the NVIDIA toolkit',
      fix: { command: 'docker context use default' },
    });
    expect(nvidiaRuntime(facts)[0]).toMatchObject({ severity: 'info' });
  });

  it('explains rootless Docker and accepts its CDI spec', async () => {
    const h = await host({ [DOCKER_INFO]: { stdout: docker('info-rootless-cdi.json') } });
    const facts = factsFor(h);
    expect(dockerFlavour(facts)[0]).toMatchObject({ severity: 'info', title: 'rootless Docker: the NVIDIA runtime goes in your own daemon.json' });
    expect(dockerFlavour(facts)[0]!.fix?.command).toContain('--config=$HOME/.config/docker/daemon.json');
    expect(nvidiaRuntime(facts)[0]).toMatchObject({ severity: 'ok', title: expect.stringContaining('CDI spec') });
  });

  it('rejects snap Docker', async () => {
    const h = await host({}, { env: { PATH: '/snap/bin:/usr/bin' }, files: { '/snap/bin/docker': '' } });
    expect(dockerFlavour(factsFor(h))[0]).toMatchObject({
      severity: 'error',
      title: 'Docker is installed from snap',
      fix: { command: expect.stringContaining('sudo snap remove docker') },
    });
  });
});

describe('dockerVersion and dockerCompose', () => {
  const withDocker = (patch: Partial<NonNullable<HostFacts['docker']>>): DoctorFacts => factsFor({ ...healthy, docker: { ...healthy.docker!, ...patch } });

  it('fails engines older than 19.03 (no --gpus)', () => {
    const [f] = dockerVersion(withDocker({ daemon: { ok: true, version: '18.09.7', reason: null } }));
    expect(f).toMatchObject({ severity: 'error', title: 'Docker Engine 18.09.7 is too old for GPUs' });
    expect(f!.detail).toContain('unknown flag: --gpus');
  });

  it('accepts docker-compose v1 >= 1.28 with a warning and fails older ones', async () => {
    const v1 = await host({ 'docker compose version --short': NO_PLUGIN, 'docker-compose --version': { stdout: docker('compose-v1-dash-version.txt') } });
    // Without BuildKit in the environment, VS Code's docker-compose build fails on the cache mounts.
    const noBuildkit = dockerCompose(factsFor(v1))[0]!;
    expect(noBuildkit).toMatchObject({
      severity: 'warn',
      title: 'only docker-compose v1 (1.29.2), without BuildKit for VS Code',
      fix: { command: 'sudo apt-get install -y docker-compose-plugin' },
    });
    expect(noBuildkit.detail).toMatch(/the --mount option requires BuildKit/);
    expect(noBuildkit.fix!.description).toMatch(/DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1/);
    const withBuildkit = dockerCompose(factsFor(v1, { env: { DOCKER_BUILDKIT: '1', COMPOSE_DOCKER_CLI_BUILD: '1' } }))[0];
    expect(withBuildkit).toMatchObject({
      severity: 'warn',
      title: 'only docker-compose v1 (1.29.2); v1 is end of life',
      fix: { command: 'sudo apt-get install -y docker-compose-plugin' },
    });
    expect(dockerCompose(withDocker({ compose: { v2: null, v1: '1.25.0' } }))[0]).toMatchObject({
      severity: 'error',
      title: 'docker-compose 1.25.0 is too old for GPU reservations',
    });
    expect(dockerCompose(withDocker({ compose: { v2: null, v1: null } }))[0]).toMatchObject({ severity: 'error', title: 'Docker Compose is missing' });
  });
});

describe('dockerBuildx: what Compose v1 builds with (L5)', () => {
  const v1Only = { 'docker compose version --short': NO_PLUGIN, 'docker-compose --version': { stdout: docker('compose-v1-dash-version.txt') } };

  it('fails a docker 23+ CLI without buildx under Compose v1, as `up` would, with the fix', async () => {
    const h = await host(v1Only);
    expect(h.docker?.buildx).toBe(null);
    const [f] = dockerBuildx(factsFor(h));
    expect(f).toMatchObject({ id: 'docker-buildx', severity: 'error', fix: { command: 'sudo apt-get install -y docker-buildx-plugin' } });
    expect(f!.title).toBe("the docker CLI on PATH (27.3.1) has no buildx plugin, which Compose v1's BuildKit builds need");
    expect(layer(factsFor(h), 'docker').map((x) => x.id)).toContain('docker-buildx');
  });

  it('passes buildx present, a docker before 23 (BuildKit built in), and Compose v2 (its own builder)', async () => {
    const withBuildx = await host({ ...v1Only, 'docker buildx version': { stdout: 'github.com/docker/buildx v0.17.1 257815a\n' } });
    expect(dockerBuildx(factsFor(withBuildx))[0]).toMatchObject({ severity: 'ok', title: 'buildx 0.17.1 (Compose v1 builds with BuildKit)' });
    const old = factsFor({ ...healthy, docker: { ...healthy.docker!, client: '20.10.24', compose: { v2: null, v1: '1.29.2' }, buildx: null } });
    expect(dockerBuildx(old)[0]).toMatchObject({ severity: 'ok', title: 'docker 20.10.24 builds with its own BuildKit (no buildx needed)' });
    expect(dockerBuildx(factsFor(healthy))).toEqual([]);
  });

  it('up runs the same rule before it builds (the first docker on PATH)', async () => {
    const deps = fakeDeps({
      commands: {
        'docker version --format {{.Client.Version}}': { stdout: '28.2.2\n' },
        'docker buildx version': { code: 1, stderr: "docker: 'buildx' is not a docker command." },
      },
    });
    expect(await buildCheck(deps as never, { v2: null, v1: '1.29.2' }, 'docker')).toMatchObject({ id: 'docker-buildx', severity: 'error' });
    expect(await buildCheck(deps as never, { v2: '2.29.7', v1: null }, 'docker')).toBe(null);
  });
});

describe('nvidiaRuntime', () => {
  it('fails an engine without the runtime with the exact docker error and the toolkit commands', async () => {
    const h = await host({ [DOCKER_INFO]: { stdout: infoWithoutNvidia() }, 'nvidia-ctk --version': { code: null } });
    const [f] = nvidiaRuntime(factsFor(h));
    expect(f).toMatchObject({ id: 'nvidia-runtime', severity: 'error', title: 'Docker has no NVIDIA runtime: containers cannot get the GPU' });
    expect(f!.detail).toContain('could not select device driver "" with capabilities: [[gpu]]');
    expect(f!.fix).toMatchObject({
      safe: false,
      command: 'sudo apt-get install -y nvidia-container-toolkit && sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
    });
  });

  it('only configures and restarts when nvidia-ctk is already installed', async () => {
    const h = await host({ [DOCKER_INFO]: { stdout: infoWithoutNvidia() } });
    expect(nvidiaRuntime(factsFor(h))[0]!.fix).toMatchObject({
      command: 'sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
      description: expect.stringContaining('nvidia-ctk 1.16.2 is installed'),
    });
  });
});

describe('gpuContainerRun (--deep)', () => {
  const probe = (output: string, ok = false, image: string | null = 'nvidia/cuda:13.0.3-devel-ubuntu24.04') =>
    gpuContainerRun(factsFor(healthy, { deep: true, gpuProbe: { image, ok, output, timedOut: false } }));

  it('passes when the container lists the GPU', () => {
    expect(probe('GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1c0a9baf-0145-ba6f-785c-472c90d07688)', true)[0]).toMatchObject({
      severity: 'ok',
      title: 'a GPU container starts and sees 1 GPU',
    });
  });

  it('recognises the missing runtime, a too-new image and NVML errors', () => {
    expect(probe('docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].')[0]).toMatchObject({
      severity: 'error',
      title: 'Docker cannot give containers the GPU (no NVIDIA runtime)',
      fix: { command: expect.stringContaining('nvidia-ctk runtime configure --runtime=docker') },
    });
    const cuda =
      'nvidia-container-cli: requirement error: unsatisfied condition: cuda>=13.2, please update your driver to a newer version, or use an earlier cuda container: unknown';
    expect(probe(cuda)[0]).toMatchObject({ severity: 'error', title: 'the image needs a newer driver than this host has' });
    expect(probe('Failed to initialize NVML: Unknown Error')[0]!.fix?.command).toBe('sudo nvidia-ctk system create-dev-char-symlinks --create-all');
  });

  it('asks for an image instead of pulling one', () => {
    expect(probe('', false, null)[0]).toMatchObject({ severity: 'info', fix: { command: 'docker pull nvidia/cuda:13.0.3-devel-ubuntu24.04' } });
  });

  it('says nothing without --deep', () => {
    expect(gpuContainerRun(factsFor(healthy))).toEqual([]);
  });

  it('with --deep on a host without a driver or daemon, says why no container was started', () => {
    const r = gpuContainerRun(factsFor({ ...healthy, nvidia: null, docker: null }, { deep: true, gpuProbe: null }));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ severity: 'info', title: '--deep: no GPU container started (no NVIDIA driver on this host; no Docker daemon answers)' });
  });
});
