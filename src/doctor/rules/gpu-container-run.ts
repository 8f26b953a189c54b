import { ENGINES } from '../../catalog/engine.js';
import { engineOf } from '../../probe/docker.js';
import type { Finding, Fix, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { toolkitFix } from './toolkit-fix.js';

const f = findings('gpu');

interface Known {
  test: RegExp;
  title: string;
  fix: (facts: Parameters<Rule>[0]) => Fix;
}

/** Errors a GPU container start produces, each with its cause (pain points 4, 10, 14, 23, 24). */
const KNOWN: Known[] = [
  {
    test: /could not select device driver|unknown or invalid runtime name: nvidia/i,
    title: 'Docker cannot give containers the GPU (no NVIDIA runtime)',
    fix: (x) => toolkitFix(x.host.docker!),
  },
  {
    test: /unsatisfied condition: cuda>=/i,
    title: 'the image needs a newer driver than this host has',
    fix: () => manual("choose an image no newer than the driver's CUDA (`danlu init --cuda <driver CUDA>`), or update the driver"),
  },
  {
    test: /Failed to initialize NVML: Unknown Error/i,
    title: 'the container lost the GPU (NVML Unknown Error)',
    fix: () =>
      manual(
        'create the /dev/char links for NVIDIA devices (or use CDI) and recreate the container',
        'sudo nvidia-ctk system create-dev-char-symlinks --create-all',
      ),
  },
  {
    test: /file creation failed: .*libnvidia-ml\.so\.1: file exists/i,
    title: "NVIDIA driver libraries inside the image collide with the host's",
    fix: () => manual('never install driver packages (cuda-drivers, nvidia-utils) in the image or the WSL distro'),
  },
  {
    test: /only \d+ Devices available/i,
    title: 'Docker found no GPU to give',
    fix: () => manual('restart Docker (Docker Desktop: update or roll back; GPU passthrough has regressed in some releases)'),
  },
];

/** `--deep`: a real `docker run --gpus all <image> nvidia-smi -L`, the only proof that matters. */
export const gpuContainerRun: Rule = (facts): Finding[] => {
  const probe = facts.gpuProbe;
  if (!facts.deep) return [];
  // Asked for, but not possible here: say so rather than stay silent.
  const missing = [!facts.host.nvidia && 'no NVIDIA driver on this host', !facts.host.docker?.daemon.ok && 'no Docker daemon answers'].filter(Boolean);
  if (missing.length > 0) return [f.info('gpu-container-run', `--deep: no GPU container started (${missing.join('; ')})`, '')];
  if (!probe) return [];
  if (!probe.image) {
    const want = facts.files.env?.BASE_IMAGE ?? facts.plan?.cuda.image ?? 'nvidia/cuda:12.8.1-base-ubuntu24.04';
    return [
      f.info(
        'gpu-container-run',
        'no CUDA image here to start a GPU container with (doctor never pulls)',
        '',
        manual('pull one, then run doctor --deep again', `${ENGINES[engineOf(facts.host.docker)].binary} pull ${want}`),
      ),
    ];
  }
  const engine = ENGINES[engineOf(facts.host.docker)];
  const cmd = `${engine.binary} run --rm ${engine.gpuRunArgs.join(' ')} ${probe.image} nvidia-smi -L`;
  if (probe.ok) {
    const gpus = probe.output.split('\n').filter((l) => /^GPU \d+:/.test(l));
    return [f.ok('gpu-container-run', `a GPU container starts and sees ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}`, `${cmd}: ${gpus.join('; ')}`)];
  }
  if (probe.timedOut) return [f.warn('gpu-container-run', 'the GPU container did not finish in time', `${cmd} timed out.`)];
  const known = KNOWN.find((k) => k.test.test(probe.output));
  return [f.error('gpu-container-run', known?.title ?? 'a GPU container fails to start', `${cmd}: ${probe.output}`, known ? known.fix(facts) : undefined)];
};
