import { Document, isMap, isSeq, type Node } from 'yaml';
import type { Plan } from '../plan/types.js';
import { CANONICAL } from '../catalog/mirrors.js';
import { ACCELERATORS } from '../catalog/accelerator.js';
import { ENGINES } from '../catalog/engine.js';
import { CACHE_DIRS, CONTAINER_VENV, ENV_STORE, STORE_CACHE, STORE_VENVS } from './paths.js';

export { CACHE_DIRS };

/**
 * The named volume earlier versions kept the container's venv in (compose named it
 * `<project>_venv`); `danlu down --volumes` still removes one that is left.
 */
export const LEGACY_VENV_VOLUME = 'venv';

export const SERVICE = 'devcontainer';
export const EXTEND_FILE = '.devcontainer/docker-compose.extend.yml';

/** The compose project's environment in the container: the store's folder for this project. */
export const CONTAINER_PROJECT_ENV = `\${USER_HOME:?}/${ENV_STORE}/${STORE_VENVS}/\${COMPOSE_PROJECT_NAME:?run danlu init to write .env}`;

/**
 * The container's start command: the project's folder in the store exists, and the stable path
 * the image's PATH and VS Code name links to it (uv itself is given the real path: it may
 * replace a symlinked environment with a folder). An image without a writable /opt/danlu (one
 * you wrote yourself) still starts, with the reason in `danlu logs`. `$$` is a literal `$` for
 * compose.
 */
export const START_COMMAND = [
  '/bin/sh',
  '-c',
  `mkdir -p "$$UV_PROJECT_ENVIRONMENT"; ln -sfn "$$UV_PROJECT_ENVIRONMENT" ${CONTAINER_VENV} || echo "the environment is at $$UV_PROJECT_ENVIRONMENT (${CONTAINER_VENV} could not link to it)" >&2; exec sleep infinity`,
];

const PROXY_ARGS = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

function need(name: string): string {
  return `\${${name}:?run danlu init to write .env}`;
}

/** docker-compose.yml: the same on every machine; per-machine values come from .env. */
export function composeObject(plan: Plan): Record<string, unknown> {
  const devices = ACCELERATORS[plan.accelerator];
  const engine = ENGINES[plan.engine];
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
        command: START_COMMAND,
        working_dir: plan.project.workspace,
        volumes,
        environment: {
          ...(devices.visibleDevices ? { [devices.visibleDevices]: `\${${devices.visibleDevices}:-all}` } : {}),
          UV_DEFAULT_INDEX: `\${UV_DEFAULT_INDEX:-${CANONICAL.pypi}}`,
          PYPI_MIRROR: '${PYPI_MIRROR:-}',
          // The environment and uv's cache on the one mounted store: hardlinks, not copies.
          // UV_LINK_MODE=copy in .env for a machine where you edit installed packages in place
          // (a hardlinked file is the cache's file too).
          UV_CACHE_DIR: `\${USER_HOME:?}/${ENV_STORE}/${STORE_CACHE}`,
          UV_PROJECT_ENVIRONMENT: CONTAINER_PROJECT_ENV,
          VIRTUAL_ENV: CONTAINER_PROJECT_ENV,
          UV_LINK_MODE: '${UV_LINK_MODE:-hardlink}',
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
        ...(engine.hostAliasTarget ? { extra_hosts: [`${engine.hostAlias}:${engine.hostAliasTarget}`] } : {}),
      },
    },
  };
}

/** The machine-local override: GPU request (only where Docker can give GPUs) and your mounts. */
export function extendObject(plan: Plan): Record<string, unknown> {
  const service: Record<string, unknown> = {};
  const driver = ACCELERATORS[plan.accelerator].composeDriver;
  if (plan.gpu.enabled && driver) {
    const model = ENGINES[plan.engine].gpuRequest;
    switch (model) {
      case 'deploy-devices': {
        const device: Record<string, unknown> = { driver };
        if (plan.gpu.devices === 'all') device.count = 'all';
        else device.device_ids = plan.gpu.devices;
        device.capabilities = ['gpu'];
        service.deploy = { resources: { reservations: { devices: [device] } } };
        break;
      }
      default:
        // A new request model is written here: the compiler names this line until it is.
        throw new Error(`no compose GPU request for ${model satisfies never}`);
    }
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
