import { satisfiesOr } from '../lib/py.js';
import { backendCuda, compareDotted, majorOf } from '../lib/version.js';
import { astralIndexResolution } from './astral.js';
import { describeParallelism, extensionBuild, gpuCapabilities } from './build.js';
import type { Resolution, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

const REPO = 'https://github.com/thu-ml/SageAttention';
/** The release its setup.py names, and the one SageAttention 1 release PyPI has. */
const V2 = '2.2.0';
const V1 = '1.0.6';
const SOURCE = `${REPO} setup.py (${V2}: imports torch; TORCH_CUDA_ARCH_LIST or the GPUs present; CUDA 12.0+, 12.3+ for 9.0, 12.4+ for 8.9, 12.8+ for 12.0; compute capability 8.0 and newer; EXT_PARALLEL); PyPI: sageattention ${V1} (SageAttention 1, Triton, pure Python)`;
/** The CUDA its setup.py requires to compile for a compute capability (its own checks). */
const CUDA_FOR_CC: readonly [string, string][] = [
  ['8.9', '12.4'],
  ['9.0', '12.3'],
  ['12.0', '12.8'],
];

/**
 * sageattention: SageAttention 2 (CUDA kernels for compute capability 8.0 and newer, built against
 * the runtime torch) from Astral's GPU index when it has a build for this torch, else built from
 * its repository, configured (PyPI has only SageAttention 1, Triton kernels in pure Python, which
 * a specifier below 2 keeps). A GPU older than Ampere, or a CUDA its setup.py refuses, is a
 * conflict that says what to do.
 */
export function resolveSageattention(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const spec = req.specifier;
  if (spec && !satisfiesOr(V2, spec, true) && satisfiesOr(V1, spec, false)) {
    return {
      kind: 'pypi',
      name: req.name,
      specifier: spec,
      notes: ['SageAttention 1 runs Triton kernels: nothing compiles while installing; the first call compiles them on the GPU.'],
      why: `${spec} asks for SageAttention 1, which PyPI has (${V1}): Triton kernels in pure Python, nothing built against torch.`,
      source: SOURCE,
      confidence: 'V',
    };
  }
  const cuda = backendCuda(target.backend);
  const conflict = (message: string, fix: string): Resolution => ({ kind: 'conflict', name: req.name, message, fix, source: SOURCE, confidence: 'V' });
  if (!cuda)
    return conflict(`sageattention's kernels need an NVIDIA GPU; the plan's torch is ${target.backend}.`, 'Plan for an NVIDIA GPU, or drop sageattention.');
  const astral = astralIndexResolution('sageattention', spec, target, ctx);
  if (astral) return astral;

  const { ccs, unknown } = gpuCapabilities(target);
  const old = ccs.filter((cc) => majorOf(cc) < 8);
  if (old.length > 0) {
    return conflict(
      `SageAttention 2 has kernels for compute capability 8.0 and newer (Ampere on); the GPUs here include sm_${old.map((c) => c.replace('.', '')).join(', sm_')}.`,
      `Pin sageattention==${V1} (SageAttention 1, Triton kernels), or plan for an Ampere or newer GPU.`,
    );
  }
  if (compareDotted(cuda, '12.0') < 0) {
    return conflict(
      `SageAttention 2 builds need CUDA 12.0 or newer; the plan's torch is ${target.backend}.`,
      'Plan a CUDA 12 torch build (a driver of 525 or newer).',
    );
  }
  const tooOld = CUDA_FOR_CC.find(([cc, need]) => ccs.includes(cc) && compareDotted(cuda, need) < 0);
  if (tooOld) {
    return conflict(
      `SageAttention 2 builds for compute capability ${tooOld[0]} need CUDA ${tooOld[1]} or newer; the plan's torch is ${target.backend}.`,
      `Plan a torch build for CUDA ${tooOld[1]} or newer.`,
    );
  }
  // Its setup.py reads TORCH_CUDA_ARCH_LIST, else the GPUs present, which an image build has none
  // of: with a GPU unknown, every architecture it supports that this CUDA compiles. It builds its
  // extensions EXT_PARALLEL at a time, each with MAX_JOBS nvcc: one at a time keeps MAX_JOBS the bound.
  const every = ['8.0', '8.6', '8.9', '9.0', ...(compareDotted(cuda, '12.8') >= 0 ? ['12.0'] : [])];
  const archs = ccs.length > 0 && unknown === 0 ? null : every.join(';');
  const build = extensionBuild(target, { variables: { EXT_PARALLEL: '1', ...(archs ? { TORCH_CUDA_ARCH_LIST: archs } : {}) } });
  return {
    kind: 'git',
    name: req.name,
    git: REPO,
    build,
    why:
      `Astral's GPU index has no sageattention build for torch ${target.torch}+${target.backend}, and PyPI has only SageAttention 1 (${V1}): ` +
      `SageAttention 2 builds from its repository against the runtime torch (${describeParallelism(target, build.buildVariables)}, EXT_PARALLEL=1).`,
    source: SOURCE,
    confidence: 'S',
    warning: 'sageattention builds from its repository (no release tags): uv.lock records the commit; the build takes a while.',
  };
}
