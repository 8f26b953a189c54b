import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import { chooseImage } from './choose-image.js';
import type { TorchChoice } from './choose-torch.js';
import type { HostGpus } from './host-gpus.js';
import type { CompilePlan } from './packages.js';
import type { TeamVariants } from './team-variants.js';
import type { CudaPlan, Decision, Plan, PlanOptions, PlanStep } from './types.js';

export interface ImageInput {
  catalog: Catalog;
  host: HostFacts;
  options: PlanOptions;
  gpus: HostGpus;
  torch: TorchChoice;
  /** A team's torch variants (null: one build). */
  split: TeamVariants | null;
  /** Whether the image compiles CUDA code (the special-packages step's answer). */
  compiles: CompilePlan;
}

/**
 * The CUDA image for this machine, and the committed defaults: with torch variants those are the
 * default variant's image (as for a machine with no driver known: the image of the wheel's CUDA),
 * the same on every machine.
 */
export function planImage({ catalog, host, options, gpus, torch, split, compiles }: ImageInput): PlanStep<{ cuda: CudaPlan; committed: Plan['committed'] }> {
  const { gpuSel, driverCuda } = gpus;
  const image = chooseImage(catalog, {
    backend: torch.backend.name,
    cuda: options.cuda,
    ubuntu: options.ubuntu,
    driverCuda,
    driverVersion: host.nvidia?.driverVersion ?? null,
    gpus: gpuSel.selected,
    compilesCuda: compiles.value,
  });
  const decisions = [...image.decisions];
  const committedImage = split
    ? chooseImage(catalog, {
        backend: split.variants[0]!.backend,
        cuda: options.cuda,
        ubuntu: options.ubuntu,
        driverCuda: null,
        gpus: [],
        compilesCuda: compiles.value,
      }).cuda
    : image.cuda;
  const committed: Plan['committed'] = {
    image: committedImage.image,
    cudaVersion: committedImage.version,
    pytorchIndex: split ? split.variants[0]!.index : `${catalog.torch.indexBase}/${torch.backend.name}`,
    torchExtra: split ? split.variants[0]!.extra : null,
  };
  if (image.cuda.version && gpuSel.selected.some((g) => g.class === 'datacenter')) {
    decisions.push({
      what: 'forward compatibility',
      choice: 'not used',
      why: "data-center GPUs may run images newer than the driver through cuda-compat; consumer and RTX workstation cards may not, so danlu keeps the image within the driver's CUDA",
      source: 'NVIDIA forward-compatibility guide',
    });
  }
  if (compiles.value) {
    decisions.push({ what: 'CUDA compilation', choice: 'yes', why: compiles.why, source: 'project files' });
  }
  return { value: { cuda: image.cuda, committed }, decisions, warnings: image.warnings };
}

/** The shapes of the images danlu writes into .env (any registry or mirror in front). */
const DANLU_BASE_IMAGE = /^(?:[^/\s]+\/)*(?:nvidia\/cuda:\d+\.\d+(?:\.\d+)?-devel-ubuntu\d+\.\d+|(?:library\/)?ubuntu:\d+\.\d+)$/;
const DANLU_UV_IMAGE = /^(?:[^/\s]+\/)*astral-sh\/uv:[A-Za-z0-9._-]+$/;

/** BASE_IMAGE / UV_IMAGE values of the user's own in .env: kept, and said. */
export function userImagesOf(env: Record<string, string>): PlanStep<{ base?: string; uv?: string } | null> {
  const decisions: Decision[] = [];
  const out: { base?: string; uv?: string } = {};
  const base = env.BASE_IMAGE?.trim();
  const uv = env.UV_IMAGE?.trim();
  if (base && !DANLU_BASE_IMAGE.test(base)) out.base = base;
  if (uv && !DANLU_UV_IMAGE.test(uv)) out.uv = uv;
  for (const [key, value] of [
    ['BASE_IMAGE', out.base],
    ['UV_IMAGE', out.uv],
  ] as const)
    if (value)
      decisions.push({
        what: key === 'BASE_IMAGE' ? 'base image' : 'uv image',
        choice: `${value} (kept)`,
        why: `.env's ${key} is not an image danlu writes: your own image stays; the Dockerfile's default is the planned one`,
        source: `.env ${key}`,
      });
  return { value: out.base || out.uv ? out : null, decisions, warnings: [] };
}
