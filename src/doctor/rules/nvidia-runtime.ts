import type { Finding, Rule } from '../types.js';
import { findings } from './finding.js';
import { engineGpus } from '../../probe/gpu-access.js';
import { toolkitFix } from './toolkit-fix.js';

const f = findings('gpu');

/** Docker has the NVIDIA runtime or CDI specs, so `--gpus all` can work (pain point 4). */
export const nvidiaRuntime: Rule = ({ host }): Finding[] => {
  const d = host.docker;
  if (!d) return [];
  if ((host.nvidia?.gpus.length ?? 0) === 0 && !host.nvidia) return [f.info('nvidia-runtime', 'no NVIDIA GPU on this host: GPU in containers not checked')];
  if (!d.daemon.ok) return [f.info('nvidia-runtime', 'NVIDIA runtime not checked: the Docker daemon did not answer')];
  const gpus = engineGpus(d, host.os.kind);
  // Docker Desktop on Linux: its VM gets no GPU; the Docker flavour finding says so, with the fix.
  if (d.desktop && gpus === 'none') {
    return [f.info('nvidia-runtime', 'NVIDIA runtime not checked: Docker Desktop on Linux runs containers in a VM without the GPU')];
  }
  if (gpus === 'desktop') {
    return [
      f.info('nvidia-runtime', 'Docker Desktop passes GPUs itself (no nvidia runtime is listed)', '`danlu doctor --deep` starts a GPU container to prove it.'),
    ];
  }
  if (gpus !== 'none') {
    const how = [d.nvidiaRuntime ? 'runtime "nvidia"' : null, d.cdi ? 'CDI spec' : null, d.nvidiaCtk ? `nvidia-ctk ${d.nvidiaCtk}` : null].filter(Boolean);
    return [f.ok('nvidia-runtime', `Docker can give containers the GPU (${how.join(', ')})`)];
  }
  return [
    f.error(
      'nvidia-runtime',
      'Docker has no NVIDIA runtime: containers cannot get the GPU',
      '`docker run --gpus all` fails with `could not select device driver "" with capabilities: [[gpu]]` (or "unknown or invalid runtime name: nvidia"); `docker info` lists no nvidia runtime and no CDI spec is in /etc/cdi.',
      toolkitFix(d),
    ),
  ];
};
