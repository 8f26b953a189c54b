import type { EngineKind } from '../../catalog/engine.js';
import type { Rule } from '../types.js';
import { cacheDirs } from './cache-dirs.js';
import { catalogAge } from './catalog-age.js';
import { containerExtensions } from './container-extensions.js';
import { containerGpu } from './container-gpu.js';
import { containerRunning } from './container-running.js';
import { containerShm } from './container-shm.js';
import { containerTorch } from './container-torch.js';
import { diskFree } from './disk-free.js';
import { dockerBuildx } from './docker-buildx.js';
import { dockerClient } from './docker-client.js';
import { dockerCompose } from './docker-compose.js';
import { dockerDaemon } from './docker-daemon.js';
import { dockerFlavour } from './docker-flavour.js';
import { dockerGroup } from './docker-group.js';
import { dockerVersion } from './docker-version.js';
import { driverVsTorch } from './driver-vs-torch.js';
import { envCuda } from './env-cuda.js';
import { envImage } from './env-image.js';
import { envUser } from './env-user.js';
import { gpuArch } from './gpu-arch.js';
import { gpuRequest } from './gpu-request.js';
import { gpuContainerRun } from './gpu-container-run.js';
import { hostOs } from './host-os.js';
import { localhostProxy } from './localhost-proxy.js';
import { mirrorLeak } from './mirror-leak.js';
import { noProxy } from './no-proxy.js';
import { nvidiaDriver } from './nvidia-driver.js';
import { nvidiaRuntime } from './nvidia-runtime.js';
import { projectPlan } from './project-plan.js';
import { proxyLayers } from './proxy-layers.js';
import { pythonVersion } from './python-version.js';
import { torchIndex } from './torch-index.js';
import { uvLock } from './uv-lock.js';
import { venv } from './venv.js';
import { wslGpu } from './wsl-gpu.js';

type NamedRule = { name: string; rule: Rule };

/**
 * The rules that check the container engine itself (client, daemon, version, flavour, group,
 * compose, BuildKit), per engine: a new EngineKind makes the compiler ask for its list.
 */
export const ENGINE_RULES: Record<EngineKind, readonly NamedRule[]> = {
  docker: [
    { name: 'docker-client', rule: dockerClient },
    { name: 'docker-daemon', rule: dockerDaemon },
    { name: 'docker-version', rule: dockerVersion },
    { name: 'docker-flavour', rule: dockerFlavour },
    { name: 'docker-group', rule: dockerGroup },
    { name: 'docker-compose', rule: dockerCompose },
    { name: 'docker-buildx', rule: dockerBuildx },
  ],
};

/** Every rule for a machine with this engine, in report order (layers: host, engine, gpu, network, project, container). */
export function rulesFor(engine: EngineKind): readonly NamedRule[] {
  return [
    { name: 'host-os', rule: hostOs },
    { name: 'wsl-gpu', rule: wslGpu },
    { name: 'nvidia-driver', rule: nvidiaDriver },
    { name: 'driver-vs-torch', rule: driverVsTorch },
    { name: 'gpu-arch', rule: gpuArch },
    ...ENGINE_RULES[engine],
    { name: 'nvidia-runtime', rule: nvidiaRuntime },
    { name: 'gpu-request', rule: gpuRequest },
    { name: 'gpu-container-run', rule: gpuContainerRun },
    { name: 'proxy-layers', rule: proxyLayers },
    { name: 'no-proxy', rule: noProxy },
    { name: 'localhost-proxy', rule: localhostProxy },
    { name: 'project-plan', rule: projectPlan },
    { name: 'catalog-age', rule: catalogAge },
    { name: 'env-user', rule: envUser },
    { name: 'env-cuda', rule: envCuda },
    { name: 'env-image', rule: envImage },
    { name: 'cache-dirs', rule: cacheDirs },
    { name: 'torch-index', rule: torchIndex },
    { name: 'python-version', rule: pythonVersion },
    { name: 'uv-lock', rule: uvLock },
    { name: 'venv', rule: venv },
    { name: 'mirror-leak', rule: mirrorLeak },
    { name: 'disk-free', rule: diskFree },
    { name: 'container', rule: containerRunning },
    { name: 'container-shm', rule: containerShm },
    { name: 'container-gpu', rule: containerGpu },
    { name: 'container-torch', rule: containerTorch },
    { name: 'container-extensions', rule: containerExtensions },
  ];
}
