import { backendCuda } from '../lib/version.js';
import { describeParallelism, extensionBuild, extensionBuildDeps, pkgResourcesNote, torchArchList, torchImportsPkgResources } from './build.js';
import type { Resolution, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';
import { astralIndexResolution } from './astral.js';

/** `git+https://host/repo.git@rev` -> { git, rev }; null when not a git URL. */
export function parseGitUrl(url: string): { git: string; rev?: string; subdirectory?: string } | null {
  const m = /^git\+(https?:\/\/[^@#]+?)(?:@([^#]+))?(?:#(.*))?$/.exec(url.trim());
  if (!m) return null;
  const sub = m[3] ? /(?:^|&)subdirectory=([^&]+)/.exec(m[3])?.[1] : undefined;
  return { git: m[1]!, ...(m[2] ? { rev: m[2] } : {}), ...(sub ? { subdirectory: sub } : {}) };
}

export function resolveClip(req: SpecialRequirement): Resolution {
  const given = req.url ? parseGitUrl(req.url) : null;
  // openai-clip is a faithful re-upload of OpenAI's CLIP (it installs the same `clip` module):
  // the project's choice is kept, and no second distribution of `clip` is added from git.
  if (req.name === 'openai-clip' && !given) {
    return {
      kind: 'pypi',
      name: req.name,
      specifier: req.specifier,
      notes: [
        'For the newest code instead, replace it with clip from git: clip = { git = "https://github.com/openai/CLIP" } (never both: each installs the clip module).',
      ],
      why: 'openai-clip on PyPI is a re-upload of OpenAI CLIP (the same clip module): the project chose it, so it stays; git HEAD is not added next to it.',
      source: 'PyPI: openai-clip 1.0.1 (2022; module clip, from github.com/openai/CLIP); github.com/openai/CLIP setup.py (name "clip")',
      confidence: 'S',
    };
  }
  return {
    kind: 'git',
    name: req.name,
    git: given?.git ?? 'https://github.com/openai/CLIP',
    ...(given?.rev ? { rev: given.rev } : {}),
    why:
      req.name === 'clip'
        ? 'The "clip" project on PyPI is a clipboard tool; OpenAI CLIP is only published as its GitHub repository.'
        : 'openai-clip points at a git source: the GitHub repository is the source, and installs as "clip".',
    ...(req.name === 'clip' ? {} : { rename: 'clip' }),
    source: 'PyPI: clip 0.2.0 "A CLI clipboard manager", openai-clip 1.0.1 (2022); github.com/openai/CLIP setup.py (name "clip")',
    confidence: 'S',
    ...(given?.rev ? {} : { warning: 'CLIP has no releases: uv.lock records the commit; pin rev= for a reproducible build.' }),
  };
}

export function resolveApex(req: SpecialRequirement, target: WheelTarget): Resolution {
  const cuda = backendCuda(target.backend) !== null;
  const spec = extensionBuild(target, { variables: cuda ? { APEX_CPP_EXT: '1', APEX_CUDA_EXT: '1' } : { APEX_CPP_EXT: '1' } });
  return {
    kind: 'git',
    name: req.name,
    git: 'https://github.com/NVIDIA/apex',
    build: spec,
    why:
      `The "apex" on PyPI is an unrelated Pyramid toolkit${req.specifier ? ` (so ${req.specifier} is dropped)` : ''}; NVIDIA apex has no wheels and builds ` +
      `from its repository with its C++/CUDA extensions against the runtime torch (${describeParallelism(target, spec.buildVariables)}).`,
    source: 'PyPI: apex 0.9.10dev "Pyramid toolkit"; NVIDIA/apex README (APEX_CPP_EXT=1 APEX_CUDA_EXT=1 pip install --no-build-isolation)',
    confidence: 'S',
    ...(cuda ? {} : { warning: 'CPU plan: apex builds without its CUDA extensions (no fused optimizers or FusedLayerNorm).' }),
  };
}

// mamba-ssm, causal-conv1d: see ./dao-extension.ts (release wheel by URL, else a configured build).
export { resolveDaoExtension } from './dao-extension.js';

export function resolveBitsandbytes(req: SpecialRequirement, target: WheelTarget): Resolution {
  const cuda = backendCuda(target.backend);
  return {
    kind: 'pypi',
    name: req.name,
    specifier: req.specifier,
    notes: [
      'One PyPI wheel carries several CUDA builds (libbitsandbytes_cuda*.so) and loads the one for torch.version.cuda.',
      `Set BNB_CUDA_VERSION (e.g. ${cuda ? cuda.replace('.', '') : '128'}) only to force another build; it must not exceed what the driver supports.`,
    ],
    why: `bitsandbytes needs no special index: its PyPI wheel picks the CUDA library matching torch ${target.torch}+${target.backend} at import.`,
    source:
      'bitsandbytes installation guide (huggingface.co/docs/bitsandbytes/main/en/installation); which CUDA builds each release carries is not recorded by danlu',
    confidence: 'S',
  };
}

export function resolveDeepspeed(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  // A prebuilt wheel (ops compiled) from Astral's index when it has one for this torch.
  const astral = astralIndexResolution('deepspeed', req.specifier, target, ctx);
  if (astral) return astral;
  const archs = torchArchList(target);
  const buildDependencies = extensionBuildDeps([], torchImportsPkgResources(target.torch));
  return {
    kind: 'pypi',
    name: req.name,
    specifier: req.specifier,
    notes: [
      'DeepSpeed compiles its CUDA ops just in time on first use: keep the devel image (nvcc) and ninja in the environment.',
      `To compile them while installing instead, set DS_BUILD_OPS=1${archs ? ` and TORCH_CUDA_ARCH_LIST="${archs}"` : ''} (long build).`,
    ],
    build: { buildDependencies, buildVariables: {}, needsDevel: backendCuda(target.backend) !== null },
    why: `DeepSpeed's PyPI file is an sdist whose setup.py imports torch, so the build sees the runtime torch (match-runtime) and the ops are left to JIT.${pkgResourcesNote({ buildDependencies }, target)}`,
    source:
      'uv docs/concepts/projects/config.md (extra-build-dependencies for deepspeed); DeepSpeed installation guide, deepspeed.ai/tutorials/advanced-install (DS_BUILD_OPS, TORCH_CUDA_ARCH_LIST)',
    confidence: 'S',
  };
}

export function resolveFlashinfer(req: SpecialRequirement, target: WheelTarget): Resolution {
  const digits = /^cu(\d+)$/.exec(target.backend)?.[1];
  return {
    kind: 'pypi',
    name: req.name,
    specifier: req.specifier,
    notes: [
      'flashinfer-python JIT-compiles kernels on first use: keep the devel image, or add flashinfer-cubin / flashinfer-jit-cache.',
      `flashinfer-jit-cache wheels are on https://flashinfer.ai/whl/${digits ? `cu${digits}` : 'cu129'} (a separate index).`,
    ],
    why: 'Current flashinfer-python is a pure-Python wheel on PyPI whose kernels compile (or load from the cubin/jit-cache packages) at run time.',
    source: 'flashinfer releases; vLLM requirements/cuda.txt (flashinfer-python and flashinfer-cubin pins)',
    confidence: 'S',
  };
}

export function resolveKtransformers(req: SpecialRequirement, target: WheelTarget): Resolution {
  return {
    kind: 'pypi',
    name: req.name,
    specifier: req.specifier,
    notes: [
      'GitHub releases of kvcache-ai/ktransformers carry wheels named ktransformers-<v>+cu<XYZ>torch<XY><avx2|avx512|fancy>-cp<XY>-cp<XY>-linux_x86_64.whl; pick one matching the CPU flags and pin its URL.',
    ],
    build: extensionBuild(target),
    why: `ktransformers ${req.specifier || ''} from PyPI may build from source (CUDA and CPU kernels); its prebuilt wheels depend on the CPU's AVX level, which danlu does not choose for you.`.replace(
      '  ',
      ' ',
    ),
    warning: 'ktransformers: check that a prebuilt wheel exists for this torch/CUDA/CPU, or expect a long source build.',
    source: 'kvcache-ai/ktransformers GitHub release asset names',
    confidence: '?',
  };
}
