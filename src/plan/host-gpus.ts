import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import { driverCuda } from './driver.js';
import { classifyGpu, lookupGpu } from '../catalog/gpus.js';
import type { GpuFacts } from '../probe/types.js';
import { selectGpus } from './resources.js';
import type { Decision, GpuRequest, PlanOptions, PlanStep, Warning } from './types.js';

/** GPUs with compute capability and class filled in from the catalog when the host did not say. */
export function enrichGpus(gpus: readonly GpuFacts[]): GpuFacts[] {
  return gpus.map((g) => {
    const known = lookupGpu(g.name);
    return {
      ...g,
      computeCapability: g.computeCapability ?? known?.computeCapability ?? null,
      class: g.class ?? classifyGpu(g.name, g.brand),
    };
  });
}

/** The host's GPUs as the plan sees them (planHostGpus). */
export interface HostGpus {
  allGpus: ReturnType<typeof enrichGpus>;
  gpuSel: ReturnType<typeof selectGpus>;
  driverCuda: string | null;
}

/**
 * The host's GPUs as the plan sees them: every GPU with its catalog facts, those the container
 * gets (--gpus), and the CUDA the driver runs (from nvidia-smi, or from the driver's version).
 */
export function planHostGpus(host: HostFacts, options: PlanOptions, catalog: Catalog): PlanStep<HostGpus> {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  const allGpus = enrichGpus(host.nvidia?.gpus ?? []);
  const gpuSel = selectGpus(allGpus, options.gpus, host.docker, host.os.kind);
  warnings.push(...gpuSel.warnings);
  const dCuda = host.nvidia ? driverCuda(host.nvidia.driverVersion, host.nvidia.cudaVersion, catalog) : null;
  if (host.nvidia && !host.nvidia.cudaVersion && dCuda) {
    decisions.push({
      what: "driver's CUDA",
      choice: dCuda,
      why: `nvidia-smi printed no CUDA version (newer drivers may not): driver ${host.nvidia.driverVersion} is at least the one CUDA ${dCuda} ships with`,
      source: 'catalog: CUDA toolkit -> driver table',
    });
  }

  if (!host.nvidia) {
    warnings.push({
      id: 'no-nvidia-gpu',
      message:
        host.os.kind === 'macos'
          ? 'macOS has no CUDA: planning a CPU environment'
          : 'no NVIDIA GPU or driver found: planning for CPU unless the project or a flag names a CUDA variant',
      fix: 'on the GPU machine run `danlu host --json > host.json`, then `danlu init --host host.json` here',
    });
  }
  for (const gpu of gpuSel.selected) {
    if (!gpu.computeCapability) {
      warnings.push({
        id: 'gpu-arch-unknown',
        message: `compute capability of ${gpu.name} is unknown; the plan cannot check the wheels' architectures for it`,
      });
    }
  }
  if (new Set(gpuSel.selected.map((g) => g.computeCapability)).size > 1) {
    decisions.push({
      what: 'mixed GPUs',
      choice: gpuSel.selected.map((g) => `${g.index}:${g.computeCapability}`).join(' '),
      why: 'the chosen wheels must carry code for every one of them',
      source: 'host probe',
    });
  }

  return { value: { allGpus, gpuSel, driverCuda: dCuda }, decisions, warnings };
}

/** The GPUs the container gets (--gpus), with the selection's decisions. */
export function planGpuRequest(gpuSel: HostGpus['gpuSel']): PlanStep<GpuRequest> {
  return { value: gpuSel.request, decisions: gpuSel.decisions, warnings: [] };
}
