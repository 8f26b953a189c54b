import { SPECIAL_PACKAGE_FACTS, type SpecialPackageFacts, type SpecialPackageName } from '../catalog/data/special-package-facts.js';
import type { Provenance } from '../catalog/types.js';
import { withoutAstralLabel } from './astral.js';
import { resolveFlashAttn, resolveFlashAttn3 } from './flash-attn.js';
import { resolveMmcv, resolvePyg } from './indexes.js';
import { resolveApex, resolveBitsandbytes, resolveClip, resolveDaoExtension, resolveDeepspeed, resolveFlashinfer, resolveKtransformers } from './others.js';
import { resolveNunchaku, resolveVllm } from './pinned.js';
import { resolveSageattention } from './sageattention.js';
import { resolveTorch, resolveTorchaudio, resolveTorchPinned, resolveTorchvision, resolveXformers } from './torch-family.js';
import type { Resolution, ResolutionKind, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

export type Resolver = (req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext) => Resolution;

/** One package danlu does not leave to a plain PyPI requirement: its facts (the catalog's table) and its resolver. */
export interface RegistryEntry extends Provenance, Omit<SpecialPackageFacts, 'aliases'> {
  aliases: readonly string[];
  /** The kinds of resolution it produces, the usual one first. */
  kinds: readonly ResolutionKind[];
  resolve: Resolver;
}

const AS_OF = '2026-11-22';

/**
 * How each package of the catalog's table resolves. Keyed by its name: a row without a resolver
 * (or a resolver without a row) does not compile.
 */
const RESOLVERS: Record<SpecialPackageName, { kinds: readonly ResolutionKind[]; resolve: Resolver }> = {
  torch: { kinds: ['torch-index', 'conflict'], resolve: (r, t) => resolveTorch(r, t) },
  torchvision: { kinds: ['torch-index', 'conflict'], resolve: resolveTorchvision },
  torchaudio: { kinds: ['torch-index', 'conflict'], resolve: resolveTorchaudio },
  xformers: { kinds: ['torch-index', 'conflict'], resolve: (r, t) => resolveXformers(r, t) },
  triton: { kinds: ['torch-index'], resolve: (r, t) => resolveTorchPinned(r, t) },
  'flash-attn': { kinds: ['index', 'wheel', 'build', 'conflict'], resolve: resolveFlashAttn },
  'flash-attn-3': { kinds: ['wheel', 'git', 'conflict'], resolve: resolveFlashAttn3 },
  'pyg-lib': { kinds: ['index', 'build'], resolve: (r, t) => resolvePyg(r, t) },
  'torch-scatter': { kinds: ['index', 'build'], resolve: (r, t) => resolvePyg(r, t) },
  'torch-sparse': { kinds: ['index', 'build'], resolve: (r, t) => resolvePyg(r, t) },
  'torch-cluster': { kinds: ['index', 'build'], resolve: (r, t) => resolvePyg(r, t) },
  'torch-spline-conv': { kinds: ['index', 'build'], resolve: (r, t) => resolvePyg(r, t) },
  mmcv: { kinds: ['index', 'build'], resolve: (r, t) => resolveMmcv(r, t) },
  'causal-conv1d': { kinds: ['index', 'wheel', 'build', 'conflict'], resolve: (r, t, ctx) => resolveDaoExtension(r, t, ctx) },
  'mamba-ssm': { kinds: ['index', 'wheel', 'build', 'conflict'], resolve: (r, t, ctx) => resolveDaoExtension(r, t, ctx) },
  apex: { kinds: ['git'], resolve: (r, t) => resolveApex(r, t) },
  clip: { kinds: ['git', 'pypi'], resolve: (r) => resolveClip(r) },
  vllm: { kinds: ['pypi', 'conflict'], resolve: (r, t) => resolveVllm(r, t) },
  bitsandbytes: { kinds: ['pypi'], resolve: (r, t) => resolveBitsandbytes(r, t) },
  deepspeed: { kinds: ['index', 'pypi'], resolve: (r, t, ctx) => resolveDeepspeed(r, t, ctx) },
  nunchaku: { kinds: ['wheel', 'conflict'], resolve: (r, t) => resolveNunchaku(r, t) },
  'flashinfer-python': { kinds: ['pypi'], resolve: (r, t) => resolveFlashinfer(r, t) },
  ktransformers: { kinds: ['pypi'], resolve: (r, t) => resolveKtransformers(r, t) },
  sageattention: { kinds: ['index', 'git', 'pypi', 'conflict'], resolve: resolveSageattention },
};

/** The registry: every special package, with where its facts come from. */
export const SPECIAL_PACKAGES: readonly RegistryEntry[] = SPECIAL_PACKAGE_FACTS.map((f: SpecialPackageFacts & { name: SpecialPackageName }) => ({
  ...f,
  aliases: f.aliases ?? [],
  asOf: AS_OF,
  ...RESOLVERS[f.name],
}));

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
