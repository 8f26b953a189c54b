import type { GpuProbeFacts, ImagePresence } from '../types.js';
import type { DoctorDeps } from './deps.js';
import { ACCELERATORS } from '../../catalog/accelerator.js';
import { ENGINES, type EngineKind } from '../../catalog/engine.js';
import { dockerCommand } from '../../probe/docker.js';

/** A real container start can take a while on a cold engine; only with --deep. */
export const GPU_RUN_TIMEOUT_MS = 30_000;

/** The first candidate image present locally: doctor never pulls. */
export function pickProbeImage(candidates: readonly string[], images: readonly ImagePresence[]): string | null {
  for (const ref of candidates) if (images.find((i) => i.ref === ref)?.present) return ref;
  return null;
}

/**
 * `docker run --rm --gpus all <image> nvidia-smi -L` (the engine's own GPU options): the only proof
 * that the engine can give a container the GPU (pain points 4, 11, 23: `docker info` is not enough,
 * Docker Desktop lists no runtime).
 */
export async function probeGpuContainer(deps: DoctorDeps, image: string | null, engine: EngineKind): Promise<GpuProbeFacts> {
  if (!image) return { image: null, ok: false, output: '', timedOut: false };
  // The host's GPUs are NVIDIA's (what the driver probe found): CUDA's device listing.
  const r = await deps.exec(
    dockerCommand(deps.env),
    ['run', '--rm', '--pull=never', '--network', 'none', ...ENGINES[engine].gpuRunArgs, image, ...ACCELERATORS.cuda.deviceProbe!],
    {
      timeoutMs: GPU_RUN_TIMEOUT_MS,
    },
  );
  const output = `${r.stdout}\n${r.stderr}`
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !/^Run 'docker run --help'/.test(l))
    .join('\n');
  return { image, ok: r.code === 0 && /^GPU \d+:/m.test(r.stdout), output, timedOut: r.timedOut };
}
