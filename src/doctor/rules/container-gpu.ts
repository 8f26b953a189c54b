import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { ACCELERATORS } from '../../catalog/accelerator.js';

const f = findings('container');

/** The running container sees the GPU (pain points 4, 24). */
export const containerGpu: Rule = ({ container, host, plan }): Finding[] => {
  if (!container?.running || !container.gpu) return [];
  if (!host.nvidia) return [];
  // A plan whose accelerator lists no devices (a CPU torch build) starts its container without GPUs.
  if (plan && !ACCELERATORS[plan.accelerator].deviceProbe) {
    return [f.info('container-gpu', `the plan's torch is ${plan.torch.backend}: its container gets no GPU, by design`)];
  }
  const { ok, output } = container.gpu;
  if (ok) {
    const gpus = output.split('\n').filter((l) => /^GPU \d+:/.test(l.trim()));
    return [f.ok('container-gpu', `the container sees ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}`, gpus.join('; '))];
  }
  if (/Failed to initialize NVML: Unknown Error/i.test(output)) {
    return [
      f.error(
        'container-gpu',
        'the container lost the GPU: "Failed to initialize NVML: Unknown Error"',
        'Happens after `systemctl daemon-reload` or a package upgrade with the systemd cgroup driver.',
        manual(
          'create the /dev/char links (or switch to CDI), then recreate the container',
          'sudo nvidia-ctk system create-dev-char-symlinks --create-all && danlu down && danlu up',
        ),
      ),
    ];
  }
  const notFound = /not found|no such file|executable file not found/i.test(output);
  return [
    f.error(
      'container-gpu',
      notFound ? 'nvidia-smi: command not found in the container: it was started without the GPU' : 'nvidia-smi fails in the container',
      output.split('\n').slice(0, 3).join(' '),
      manual(
        'check the GPU request in .devcontainer/docker-compose.extend.yml and the NVIDIA runtime (gpu layer above), then recreate',
        'danlu init && danlu up',
      ),
    ),
  ];
};
