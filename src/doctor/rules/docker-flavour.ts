import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** Engine vs Desktop, rootless, snap: each changes how GPUs reach containers (pain points 4, 23). */
export const dockerFlavour: Rule = ({ host }): Finding[] => {
  const d = host.docker;
  if (!d) return [];
  if (d.snap) {
    return [
      f.error(
        'docker-flavour',
        'Docker is installed from snap',
        'The snap\'s confinement keeps the NVIDIA Container Toolkit out: `docker run --gpus all` fails with `could not select device driver "" with capabilities: [[gpu]]`.',
        manual('replace it with Docker Engine from docker.com', 'sudo snap remove docker && curl -fsSL https://get.docker.com | sudo sh'),
      ),
    ];
  }
  if (!d.daemon.ok) return [];
  if (d.desktop && host.os.kind === 'linux') {
    return [
      f.warn(
        'docker-flavour',
        'Docker Desktop on Linux: containers run in a VM without the NVIDIA toolkit',
        'GPU containers need Docker Engine on the host.',
        manual('install Docker Engine and switch to it', 'docker context use default'),
      ),
    ];
  }
  if (d.desktop) {
    return [
      f.info(
        'docker-flavour',
        'Docker Desktop: GPU support comes from Desktop itself',
        '`docker info` lists no nvidia runtime under Docker Desktop; only a real container run shows whether the GPU works.',
        manual('test it', 'danlu doctor --deep'),
      ),
    ];
  }
  if (d.rootless) {
    return [
      f.info(
        'docker-flavour',
        'rootless Docker: the NVIDIA runtime goes in your own daemon.json',
        'Rootless Docker reads ~/.config/docker/daemon.json, not /etc/docker/daemon.json, and needs no-cgroups in the toolkit.',
        manual(
          'configure the toolkit for the rootless daemon',
          'nvidia-ctk runtime configure --runtime=docker --config=$HOME/.config/docker/daemon.json && systemctl --user restart docker && sudo nvidia-ctk config --set nvidia-container-cli.no-cgroups --in-place',
        ),
      ),
    ];
  }
  return [f.ok('docker-flavour', 'Docker Engine (not Desktop, not snap, not rootless)')];
};
