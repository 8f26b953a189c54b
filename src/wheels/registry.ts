import type { Provenance } from '../catalog/types.js';
import { withoutAstralLabel } from './astral.js';
import { resolveFlashAttn, resolveFlashAttn3 } from './flash-attn.js';
import { resolveMmcv, resolvePyg } from './indexes.js';
import { resolveApex, resolveBitsandbytes, resolveClip, resolveDaoExtension, resolveDeepspeed, resolveFlashinfer, resolveKtransformers } from './others.js';
import { resolveNunchaku, resolveVllm } from './pinned.js';
import { resolveTorch, resolveTorchaudio, resolveTorchPinned, resolveTorchvision, resolveXformers } from './torch-family.js';
import type { Resolution, ResolutionKind, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

export type Resolver = (req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext) => Resolution;

/** One package danlu does not leave to a plain PyPI requirement. */
export interface RegistryEntry extends Provenance {
  /** PEP 503 normalised name. */
  name: string;
  /** Other names (normalised) that mean the same package. */
  aliases: readonly string[];
  /** The kinds of resolution it produces, the usual one first. */
  kinds: readonly ResolutionKind[];
  resolve: Resolver;
}

const AS_OF = '2026-11-22';

function entry(
  name: string,
  kinds: readonly ResolutionKind[],
  confidence: Provenance['confidence'],
  source: string,
  resolve: Resolver,
  aliases: readonly string[] = [],
): RegistryEntry {
  return { name, aliases, kinds, confidence, source, asOf: AS_OF, resolve };
}

const PYG_SOURCE = 'data.pyg.org find-links pages (pyg-team/pyg-lib build matrix)';

/** The registry: every special package, with where its facts come from. */
export const SPECIAL_PACKAGES: readonly RegistryEntry[] = [
  entry('torch', ['torch-index', 'conflict'], 'V', 'PyTorch release matrix; uv PyTorch guide', (r, t) => resolveTorch(r, t)),
  entry('torchvision', ['torch-index', 'conflict'], 'V', 'PyTorch release matrix (torchvision 0.(minor+15))', resolveTorchvision),
  entry('torchaudio', ['torch-index', 'conflict'], 'V', 'last torchaudio: 2.11.0', resolveTorchaudio),
  entry('xformers', ['torch-index', 'conflict'], 'V', 'facebookresearch/xformers tags and workflows', (r, t) => resolveXformers(r, t)),
  entry('triton', ['torch-index'], 'V', 'served from the torch index, no CUDA pin', (r, t) => resolveTorchPinned(r, t)),
  entry(
    'flash-attn',
    ['index', 'wheel', 'build', 'conflict'],
    'V',
    "Astral's GPU indexes; official publish.yml per tag; community wheel list",
    resolveFlashAttn,
  ),
  entry('flash-attn-3', ['wheel', 'git', 'conflict'], 'S', 'community FA3 abi3 wheels; Hopper only', resolveFlashAttn3),
  entry('pyg-lib', ['index', 'build'], 'S', PYG_SOURCE, (r, t) => resolvePyg(r, t)),
  entry('torch-scatter', ['index', 'build'], 'S', PYG_SOURCE, (r, t) => resolvePyg(r, t)),
  entry('torch-sparse', ['index', 'build'], 'S', PYG_SOURCE, (r, t) => resolvePyg(r, t)),
  entry('torch-cluster', ['index', 'build'], 'S', PYG_SOURCE, (r, t) => resolvePyg(r, t)),
  entry('torch-spline-conv', ['index', 'build'], 'S', PYG_SOURCE, (r, t) => resolvePyg(r, t)),
  entry('mmcv', ['index', 'build'], 'V', 'open-mmlab/mmcv docs/en/_static/version.json; setup.py (imports pkg_resources)', (r, t) => resolveMmcv(r, t), [
    'mmcv-full',
  ]),
  entry(
    'causal-conv1d',
    ['index', 'wheel', 'build', 'conflict'],
    'S',
    'Dao-AILab/causal-conv1d publish workflow per tag (release wheels); setup.py (release wheel lookup)',
    (r, t, ctx) => resolveDaoExtension(r, t, ctx),
  ),
  entry(
    'mamba-ssm',
    ['index', 'wheel', 'build', 'conflict'],
    'S',
    'state-spaces/mamba publish workflow per tag (release wheels); setup.py (release wheel lookup)',
    (r, t, ctx) => resolveDaoExtension(r, t, ctx),
  ),
  entry('apex', ['git'], 'S', 'NVIDIA/apex; PyPI name clash', (r, t) => resolveApex(r, t)),
  entry('clip', ['git', 'pypi'], 'S', 'github.com/openai/CLIP; PyPI name clash (openai-clip: a re-upload, kept)', (r) => resolveClip(r), ['openai-clip']),
  entry('vllm', ['pypi', 'conflict'], 'S', 'vLLM pins one torch per release', (r, t) => resolveVllm(r, t)),
  entry('bitsandbytes', ['pypi'], 'S', 'bitsandbytes docs', (r, t) => resolveBitsandbytes(r, t)),
  entry('deepspeed', ['index', 'pypi'], 'S', "Astral's GPU indexes; uv docs; DeepSpeed JIT ops", (r, t, ctx) => resolveDeepspeed(r, t, ctx)),
  entry('nunchaku', ['wheel', 'conflict'], 'S', 'nunchaku-ai/nunchaku releases; PyPI name clash', (r, t) => resolveNunchaku(r, t)),
  entry('flashinfer-python', ['pypi'], 'S', 'flashinfer', (r, t) => resolveFlashinfer(r, t)),
  entry('ktransformers', ['pypi'], '?', 'kvcache-ai/ktransformers releases', (r, t) => resolveKtransformers(r, t)),
];

import { normalizeName } from '../lib/py.js';

export { normalizeName };

const BY_NAME = new Map<string, RegistryEntry>();
for (const e of SPECIAL_PACKAGES) for (const n of [e.name, ...e.aliases]) BY_NAME.set(n, e);

export function findSpecial(name: string): RegistryEntry | undefined {
  return BY_NAME.get(normalizeName(name));
}

export function isSpecial(name: string): boolean {
  return BY_NAME.has(normalizeName(name));
}

/**
 * What pyproject.toml needs for one requirement on this target; null = an ordinary PyPI package.
 * `ctx` replaces embedded knowledge with a refreshed catalog (torch matrix, flash-attn assets).
 */
export function resolveSpecial(requirement: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution | null {
  const e = findSpecial(requirement.name);
  if (!e) return null;
  // danlu's own routed pin (`==V+cu.X.Y.torch.A.B`) means version V: its build is chosen again for this target.
  return e.resolve({ ...requirement, name: normalizeName(requirement.name), specifier: withoutAstralLabel(requirement.specifier.trim()) }, target, ctx);
}

/** The resolution installs without compiling anything long (wheel, index, PyPI, or a git source without extensions). */
export function isPrebuilt(r: Resolution): boolean {
  if (r.kind === 'build' || r.kind === 'conflict') return false;
  if (r.kind === 'git') return r.build === undefined;
  return true;
}

/**
 * Whether `name` (or a requirement with its specifier) installs on `target` without a long
 * source build or a conflict; true for ordinary PyPI packages. The planner can prefer a torch
 * release for which every special package of the project is prebuilt.
 */
export function prebuiltAvailable(name: string | SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): boolean {
  const req = typeof name === 'string' ? { name, specifier: '' } : name;
  const r = resolveSpecial(req, target, ctx);
  return r === null || isPrebuilt(r);
}
