import { Document, isMap, isSeq, type Node } from 'yaml';
import type { Plan } from '../plan/types.js';
import { CONTAINER_VENV } from './dockerfile.js';
import { CANONICAL } from '../catalog/mirrors.js';
import { ACCELERATORS } from '../catalog/accelerator.js';

/** The named volume that holds the container's venv (compose names it `<project>_venv`). */
export const VENV_VOLUME = 'venv';

export const SERVICE = 'devcontainer';
export const EXTEND_FILE = '.devcontainer/docker-compose.extend.yml';

/** Host cache folders shared by every project's container (relative to the home folder). */
export const CACHE_DIRS = ['.cache/huggingface', '.cache/uv', '.cache/torch/hub', '.local/share/uv'] as const;

const PROXY_ARGS = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

function need(name: string): string {
  return `\${${name}:?run danlu init to write .env}`;
}

/** docker-compose.yml: the same on every machine; per-machine values come from .env. */
export function composeObject(plan: Plan): Record<string, unknown> {
  const devices = ACCELERATORS[plan.accelerator];
  const buildArgs: Record<string, string> = {
    BASE_IMAGE: need('BASE_IMAGE'),
    UV_IMAGE: need('UV_IMAGE'),
    USER_NAME: need('USER_NAME'),
    USER_UID: need('USER_UID'),
    USER_GID: need('USER_GID'),
    USER_HOME: need('USER_HOME'),
    TZ: '${TZ:-Etc/UTC}',
    APT_MIRROR: '${APT_MIRROR:-}',
    PYPI_MIRROR: '${PYPI_MIRROR:-}',
    INSTALL_STARSHIP: '${INSTALL_STARSHIP:-true}',
    EXTRA_APT_PACKAGES: '${EXTRA_APT_PACKAGES:-}',
  };
  for (const p of PROXY_ARGS) buildArgs[p] = `\${${p}:-}`;
  const volumes: Record<string, unknown>[] = [
    { type: 'bind', source: '.', target: plan.project.workspace },
    ...CACHE_DIRS.map((d) => ({ type: 'bind', source: `${need('HOST_HOME')}/${d}`, target: `\${USER_HOME:?}/${d}` })),
    { type: 'volume', source: VENV_VOLUME, target: CONTAINER_VENV },
  ];
  return {
    services: {
      [SERVICE]: {
        image: need('DEV_IMAGE'),
        // Host network for builds: a proxy on the host's 127.0.0.1 (the usual setup) works in RUN steps.
        build: { context: '.devcontainer', dockerfile: 'Dockerfile', target: 'dev', network: 'host', args: buildArgs },
        user: `${need('USER_UID')}:${need('USER_GID')}`,
        init: true,
        cap_add: ['SYS_PTRACE'],
        shm_size: '${SHM_SIZE:-8g}',
        command: ['sleep', 'infinity'],
        working_dir: plan.project.workspace,
        volumes,
        environment: {
          ...(devices.visibleDevices ? { [devices.visibleDevices]: `\${${devices.visibleDevices}:-all}` } : {}),
          UV_DEFAULT_INDEX: `\${UV_DEFAULT_INDEX:-${CANONICAL.pypi}}`,
          PYPI_MIRROR: '${PYPI_MIRROR:-}',
          PYTORCH_INDEX: `\${PYTORCH_INDEX:-${plan.committed.pytorchIndex}}`,
          ...(plan.pyproject.sync.variantExtra
            ? { [plan.pyproject.sync.variantExtra.variable]: `\${${plan.pyproject.sync.variantExtra.variable}:-${plan.pyproject.sync.variantExtra.fallback}}` }
            : {}),
          UV_PYTHON_INSTALL_MIRROR: '${UV_PYTHON_INSTALL_MIRROR:-https://github.com/astral-sh/python-build-standalone/releases/download}',
          UV_PYTHON_PREFERENCE: '${UV_PYTHON_PREFERENCE:-system}',
          HF_ENDPOINT: '${HF_ENDPOINT:-https://huggingface.co}',
          HF_HUB_DISABLE_XET: '${HF_HUB_DISABLE_XET:-0}',
          http_proxy: '${http_proxy:-}',
          https_proxy: '${https_proxy:-}',
          no_proxy: '${no_proxy:-localhost,127.0.0.1}',
        },
        extra_hosts: ['host.docker.internal:host-gateway'],
      },
    },
    volumes: { [VENV_VOLUME]: {} },
  };
}

/** The machine-local override: GPU request (only where Docker can give GPUs) and your mounts. */
export function extendObject(plan: Plan): Record<string, unknown> {
  const service: Record<string, unknown> = {};
  const driver = ACCELERATORS[plan.accelerator].composeDriver;
  if (plan.gpu.enabled && driver) {
    const device: Record<string, unknown> = { driver };
    if (plan.gpu.devices === 'all') device.count = 'all';
    else device.device_ids = plan.gpu.devices;
    device.capabilities = ['gpu'];
    service.deploy = { resources: { reservations: { devices: [device] } } };
    if (plan.gpus.length > 1) {
      // NCCL needs locked memory and a big stack for peer-to-peer transports (pain point 22).
      service.ulimits = { memlock: -1, stack: 67108864 };
    }
  } else {
    service.labels = { 'dev.danlu.gpu': `none (${plan.gpu.enabled ? `the plan's torch is ${plan.torch.backend}` : plan.gpu.reason})` };
  }
  // The labels the Dev Containers CLI and VS Code find a dev container by: the container `danlu up`
  // starts is the one they attach to (`devcontainer exec`, Reopen in Container), not a second one.
  service.labels = {
    ...(service.labels as Record<string, string> | undefined),
    'devcontainer.local_folder': plan.project.dir,
    'devcontainer.config_file': `${plan.project.dir}/.devcontainer/devcontainer.json`,
  };
  // Source builds of CUDA extensions in the container use this machine's cores, memory and GPUs.
  if (Object.keys(plan.buildEnv).length > 0) service.environment = { ...plan.buildEnv };
  return { services: { [SERVICE]: service } };
}

/** YAML text from plain data through the yaml Document API; `notes` puts comments above keys. */
export function yamlText(obj: unknown, notes: Record<string, string> = {}): string {
  const doc = new Document(obj);
  for (const [path, comment] of Object.entries(notes)) {
    const node = doc.getIn(path.split('.'), true) as Node | undefined;
    if (node && (isMap(node) || isSeq(node) || typeof node === 'object')) node.commentBefore = ` ${comment}`;
  }
  return doc.toString({ lineWidth: 0 });
}
