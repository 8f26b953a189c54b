import { presetNamed } from '../catalog/mirrors.js';
import type { UbuntuRelease } from '../catalog/cuda-images.js';

/**
 * Where the host's packages come from, per mirror preset (seed 001, steps 4, 6 and 7).
 * Docker Engine only from Docker's apt repository (never Docker Desktop, never rootless);
 * in mainland China a mirror of that repository and of NVIDIA's toolkit repository.
 */
export interface HostSources {
  /** Ubuntu archive mirror for apt; null = keep the system's sources. */
  aptMirror: string | null;
  /** Docker CE apt repository (with `gpg` beside it). */
  dockerRepo: string;
  /** libnvidia-container apt repository root (with `gpgkey` and `stable/deb/$(ARCH)`). */
  nvidiaRepo: string;
  /** Registry host in front of Docker Hub images for the checks; null = Docker Hub. */
  registry: string | null;
}

export const HOST_SOURCES_PROVENANCE = {
  source:
    'docs.docker.com/engine/install/ubuntu; docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html; developer.aliyun.com/mirror/docker-ce; mirrors.ustc.edu.cn/help/libnvidia-container.html',
  asOf: '2026-11-22',
};

export function hostSources(mirror: 'global' | 'cn'): HostSources {
  if (mirror === 'cn') {
    const cn = presetNamed('cn')!.choice;
    return {
      aptMirror: cn.apt,
      dockerRepo: 'https://mirrors.aliyun.com/docker-ce/linux/ubuntu',
      nvidiaRepo: 'https://mirrors.ustc.edu.cn/libnvidia-container',
      registry: cn.dockerhub,
    };
  }
  return {
    aptMirror: null,
    dockerRepo: 'https://download.docker.com/linux/ubuntu',
    nvidiaRepo: 'https://nvidia.github.io/libnvidia-container',
    registry: null,
  };
}

/** Docker Engine, as Docker's guide installs it. */
export const DOCKER_PACKAGES = ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-buildx-plugin', 'docker-compose-plugin'] as const;

/** Distribution packages that conflict with Docker Engine (Docker's guide removes them first). */
export const DOCKER_CONFLICTS = ['docker.io', 'docker-doc', 'docker-compose', 'docker-compose-v2', 'podman-docker', 'containerd', 'runc'] as const;

/** Linux driver packages that must not be inside a WSL2 distro (pain point 10). */
export const WSL_DRIVER_PATTERNS = ['nvidia-driver-*', 'libnvidia-compute-*', 'nvidia-utils-*', 'cuda-drivers*', 'nvidia-dkms-*'] as const;

/** The checks' images: hello-world, and a small CUDA image for `nvidia-smi` in a container. */
export function checkImages(release: UbuntuRelease, registry: string | null): { hello: string; cuda: string } {
  const prefix = registry ? `${registry.replace(/\/+$/, '')}/` : '';
  return {
    hello: `${prefix}${registry ? 'library/' : ''}hello-world`,
    cuda: `${prefix}nvidia/cuda:12.8.1-base-ubuntu${release}`,
  };
}
