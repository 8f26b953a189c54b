import type { Catalog } from '../catalog/index.js';
import { CANONICAL } from '../catalog/mirrors.js';
import { ENV_MIRROR_KEYS, envComment, envValue } from '../project/dotenv.js';
import type { Plan } from '../plan/types.js';
import { EXTEND_FILE } from './compose.js';
import { ACCELERATORS } from '../catalog/accelerator.js';

export interface EnvEntry {
  key: string;
  value: string;
  /** A comment line written above the entry (group headings). */
  comment?: string;
  /** What .env.example shows instead of the machine's value. */
  example?: string;
  /** The comment .env.example shows instead (committed: nothing of this machine in it). */
  exampleComment?: string;
}

/** The docker-hub mirror, when set, is a registry host to put in front of the image name. */
function mirroredImage(image: string, registry: string | null): string {
  if (!registry) return image;
  const firstPart = image.split('/')[0]!;
  const hasRegistry = image.includes('/') && (firstPart.includes('.') || firstPart.includes(':'));
  if (hasRegistry) return image;
  return `${registry.replace(/\/+$/, '')}/${image.includes('/') ? image : `library/${image}`}`;
}

function mirroredGhcr(image: string, registry: string | null): string {
  return registry ? image.replace(/^ghcr\.io\//, `${registry.replace(/\/+$/, '')}/`) : image;
}

/** The per-machine settings, in the order they are written. */
export function envEntries(plan: Plan, catalog: Catalog, devImage: string): EnvEntry[] {
  const devices = ACCELERATORS[plan.accelerator].visibleDevices;
  const m = plan.mirrors.urls;
  const lockWithMirror = plan.lockWithMirror;
  const gpus = plan.gpus.map((g) => g.name);
  return [
    { key: 'COMPOSE_PROJECT_NAME', value: plan.project.slug, comment: "Compose: project name and files (the second one is this machine's GPU and mounts)" },
    { key: 'COMPOSE_FILE', value: `docker-compose.yml:${EXTEND_FILE}` },
    {
      key: 'DEV_IMAGE',
      value: devImage,
      comment: 'Image: shared by every project of this machine with the same inputs; the tag changes with them',
      example: 'danlu-dev:<cuda>-<user>-<hash>',
    },
    { key: 'BASE_IMAGE', value: plan.userImages?.base ?? mirroredImage(plan.cuda.image, m.dockerhub), example: plan.committed.image },
    { key: 'UV_IMAGE', value: plan.userImages?.uv ?? mirroredGhcr(catalog.tools.uv.image, m.ghcr), example: catalog.tools.uv.image },
    { key: 'CUDA_VERSION', value: plan.cuda.version ?? 'none', example: plan.committed.cudaVersion ?? 'none' },
    {
      key: 'USER_NAME',
      value: plan.user.containerName,
      comment: 'The container user: same UID/GID as you, so files in mounted folders stay yours',
      example: '<your user name>',
    },
    { key: 'USER_UID', value: String(plan.user.uid), example: '<id -u>' },
    { key: 'USER_GID', value: String(plan.user.gid), example: '<id -g>' },
    { key: 'USER_HOME', value: plan.user.uid === 0 ? '/root' : `/home/${plan.user.containerName}`, example: '/home/<your user name>' },
    {
      key: 'HOST_HOME',
      value: plan.user.home,
      comment: 'Host folder whose caches (Hugging Face, uv, torch hub, uv Pythons) every container shares',
      example: '<your home folder>',
    },
    { key: 'TZ', value: plan.timezone, example: 'Etc/UTC' },
    {
      key: 'SHM_SIZE',
      value: plan.shmSize,
      comment: `Runtime: /dev/shm for DataLoader workers; GPUs: ${gpus.length ? gpus.join(', ') : 'none'}`,
      exampleComment: 'Runtime: /dev/shm for DataLoader workers (danlu init: half the RAM, at most 64g); the GPUs the container gets',
      example: '<half the RAM, at most 64g>',
    },
    ...(devices ? [{ key: devices, value: plan.gpu.devices === 'all' ? 'all' : plan.gpu.devices.join(','), example: 'all' }] : []),
    // This machine's choice (--no-starship, or the .env value); the committed default is the same everywhere.
    { key: 'INSTALL_STARSHIP', value: plan.starship ? 'true' : 'false', example: 'true' },
    {
      key: 'EXTRA_APT_PACKAGES',
      value: plan.extraAptPackages,
      example: '',
      comment: 'Extra system packages for the image, space-separated (rebuilds only the last layer)',
    },
    {
      key: 'DANLU_MIRROR_PRESET',
      value: plan.mirrors.preset === 'custom' ? 'custom' : plan.mirrors.preset,
      comment: 'Mirrors for this machine (global = upstream). Never written to committed files',
      example: 'global',
    },
    { key: ENV_MIRROR_KEYS.apt, value: m.apt ?? '', example: '' },
    { key: ENV_MIRROR_KEYS.pypi, value: m.pypi ?? '', example: '' },
    {
      key: 'UV_DEFAULT_INDEX',
      value: lockWithMirror && m.pypi ? m.pypi : CANONICAL.pypi,
      example: CANONICAL.pypi,
      comment: lockWithMirror
        ? 'uv in the container resolves and locks through the PyPI mirror ([tool.danlu] lock-with-mirror = true)'
        : 'uv locks against PyPI itself, so uv.lock keeps canonical URLs; .devcontainer/uv-sync.sh installs through PYPI_MIRROR',
    },
    {
      key: 'PYTORCH_INDEX',
      value: m.pytorch ? `${m.pytorch.replace(/\/+$/, '')}/${plan.torch.backend}` : plan.torch.index,
      example: plan.committed.pytorchIndex,
    },
    ...(plan.torch.extra && plan.pyproject.sync.variantExtra
      ? [
          {
            key: plan.pyproject.sync.variantExtra.variable,
            value: plan.torch.extra,
            example: plan.pyproject.sync.variantExtra.fallback,
            comment: `This machine's torch variant: the extra of pyproject.toml that uv-sync.sh installs (${plan.torch.variants.map((v) => v.extra).join(', ')})`,
          },
        ]
      : []),
    { key: ENV_MIRROR_KEYS.huggingface, value: m.huggingface ?? CANONICAL.huggingface, example: CANONICAL.huggingface },
    { key: 'HF_HUB_DISABLE_XET', value: m.huggingface ? '1' : '0', example: '0' },
    { key: ENV_MIRROR_KEYS.python, value: m.python ?? CANONICAL.python, example: CANONICAL.python },
    { key: ENV_MIRROR_KEYS.dockerhub, value: m.dockerhub ?? '', example: '' },
    { key: ENV_MIRROR_KEYS.ghcr, value: m.ghcr ?? '', example: '' },
  ];
}

export { envValue };

export function envText(entries: readonly EnvEntry[], example = false): string {
  const out: string[] = [];
  for (const e of entries) {
    const comment = example && e.exampleComment !== undefined ? e.exampleComment : e.comment;
    if (comment) out.push('', envComment(comment));
    out.push(`${e.key}=${envValue(example && e.example !== undefined ? e.example : e.value, e.key)}`);
  }
  return `${out.join('\n').trimStart()}\n`;
}
