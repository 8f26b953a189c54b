import type { DockerFacts } from '../../probe/types.js';
import type { Fix } from '../types.js';
import { manual } from './finding.js';

export const TOOLKIT_GUIDE = 'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html';

/** The host-level commands that give Docker the NVIDIA runtime; printed, never run. */
export function toolkitFix(d: Pick<DockerFacts, 'rootless' | 'nvidiaCtk'>): Fix {
  const configure = d.rootless
    ? 'nvidia-ctk runtime configure --runtime=docker --config=$HOME/.config/docker/daemon.json && systemctl --user restart docker'
    : 'sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker';
  if (d.nvidiaCtk) {
    return manual(`nvidia-ctk ${d.nvidiaCtk} is installed but Docker was not configured (or not restarted): configure the runtime`, configure);
  }
  return manual(
    `install the NVIDIA Container Toolkit (add NVIDIA's apt repository first: ${TOOLKIT_GUIDE}), then configure Docker and restart it`,
    `sudo apt-get install -y nvidia-container-toolkit && ${configure}`,
  );
}
