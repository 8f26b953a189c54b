import { satisfies } from '@renovatebot/pep440';
import { XFORMERS_BUILDS } from '../catalog/data/special-packages.js';
import { findRelease, minorOf, TORCH, type TorchMatrix, type TorchRelease } from '../catalog/torch.js';
import { atLeast, compareDotted } from '../lib/version.js';
import type { Resolution, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

const TORCH_SOURCE = 'PyTorch release matrix (knowledge §3.1; src/catalog/torch.ts): torchvision 0.(minor+15), torchaudio = torch up to 2.11';

function safeSatisfies(version: string, spec: string): boolean {
  try {
    return satisfies(version, spec);
  } catch {
    return false;
  }
}

/** "0.23.0" -> "==0.23.*". */
const sameMinor = (v: string): string => `==${minorOf(v)}.*`;

function release(target: WheelTarget, ctx: ResolveContext): TorchRelease | undefined {
  const matrix: TorchMatrix = ctx.torch ?? TORCH;
  return findRelease(matrix, target.torch);
}

/** The paired version, and whether the user's specifier (if any) admits it. */
function paired(
  req: SpecialRequirement,
  target: WheelTarget,
  version: string,
  why: string,
  source: string,
  defaultSpec = sameMinor(version),
): Resolution {
  if (req.specifier && !safeSatisfies(version, req.specifier)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `${req.name}${req.specifier} does not admit ${version}, the build paired with the plan's torch ${target.torch}.`,
      fix: `Loosen the pin to ${req.name}${sameMinor(version)}, or plan the torch that ${req.name}${req.specifier} was built for (--torch).`,
      source,
      confidence: 'V',
    };
  }
  return {
    kind: 'torch-index',
    name: req.name,
    specifier: req.specifier || defaultSpec,
    why: req.specifier ? `${why}; the project's ${req.specifier} admits it, so it is kept.` : `${why}.`,
    source,
    confidence: 'V',
  };
}

export function resolveTorch(req: SpecialRequirement, target: WheelTarget): Resolution {
  if (req.specifier && !safeSatisfies(target.torch, req.specifier)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `The project pins torch${req.specifier}, but the plan uses torch ${target.torch}+${target.backend} (chosen for this machine's driver and GPUs).`,
      fix: `Keep the plan's torch and relax the pin, or ask for a torch the pin admits with --torch (it may not run on these GPUs).`,
      source: TORCH_SOURCE,
      confidence: 'V',
    };
  }
  return {
    kind: 'torch-index',
    name: req.name,
    specifier: req.specifier || `==${target.torch}`,
    why: `torch comes from the plan's ${target.backend} index so every PyTorch package shares one CUDA variant.`,
    source: TORCH_SOURCE,
    confidence: 'V',
  };
}

export function resolveTorchvision(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const rel = release(target, ctx);
  const [, minor = 0] = target.torch.split('.').map(Number);
  const version = rel?.torchvision ?? `0.${minor + 15}.0`;
  return paired(req, target, version, `torchvision ${minorOf(version)} is the release built for torch ${minorOf(target.torch)}`, TORCH_SOURCE);
}

export function resolveTorchaudio(req: SpecialRequirement, target: WheelTarget, ctx: ResolveContext = {}): Resolution {
  const rel = release(target, ctx);
  const version = rel ? rel.torchaudio : atLeast(target.torch, '2.12') ? null : target.torch;
  if (!version) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `torchaudio has no release for torch ${minorOf(target.torch)}: 2.11.0 is the last one on PyPI and it pins torch 2.11.`,
      fix: 'Plan torch 2.11 (--torch 2.11.0), or drop torchaudio and load audio with torchcodec or soundfile.',
      source: `${TORCH_SOURCE}; PyPI torchaudio 2.11.0; eole-nlp issue #394`,
      confidence: 'S',
      torch: '2.11.0',
    };
  }
  return paired(req, target, version, `torchaudio ${minorOf(version)} is the release built for torch ${minorOf(target.torch)}`, TORCH_SOURCE);
}

export function resolveXformers(req: SpecialRequirement, target: WheelTarget): Resolution {
  const source = XFORMERS_BUILDS.source;
  if (!/^cu\d+$/.test(target.backend)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `xformers is published for CUDA variants only; the plan's torch is ${target.backend}.`,
      fix: 'Drop xformers (PyTorch SDPA covers memory-efficient attention) or plan a CUDA torch.',
      source,
      confidence: 'V',
    };
  }
  const rows = XFORMERS_BUILDS.rows;
  const exact = rows.filter((r) => r.torch === target.torch).at(-1);
  const row = exact ?? rows.find((r) => r.torch.startsWith('>=') && compareDotted(target.torch, r.torch.slice(2)) >= 0);
  if (!row) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `No xformers build is paired with torch ${target.torch} (up to 0.0.33.post2 each wheel pins one exact torch).`,
      fix: `Plan a torch that has an xformers build (e.g. ${rows.at(-2)!.torch}), or drop xformers.`,
      source,
      confidence: 'V',
    };
  }
  if (!row.variants.includes(target.backend)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `xformers ${row.xformers} has no ${target.backend} build on the PyTorch index (${row.variants.join(', ')} only).`,
      fix: `Plan one of ${row.variants.join(', ')} for torch ${target.torch}, or drop xformers.`,
      source,
      confidence: row.confidence ?? 'V',
    };
  }
  const r = paired(
    req,
    target,
    row.xformers,
    row.torch.startsWith('>=')
      ? `xformers ${row.xformers} uses the PyTorch stable ABI (torch ${row.torch}) and has a ${target.backend} build`
      : `xformers ${row.xformers} is built for exactly torch ${row.torch} (${target.backend} on the PyTorch index)`,
    source,
    `==${row.xformers}`,
  );
  return r.kind === 'torch-index' ? { ...r, confidence: row.confidence ?? 'V' } : r;
}

/** triton and other packages whose version torch itself pins: take them from the index, unpinned. */
export function resolveTorchPinned(req: SpecialRequirement, target: WheelTarget): Resolution {
  return {
    kind: 'torch-index',
    name: req.name,
    specifier: req.specifier || null,
    why: `torch ${target.torch} depends on the exact ${req.name} it was built with, so no pin is written and the resolver takes that one.`,
    source: 'uv PyTorch packages (knowledge §1.6: triton is served from the torch index without a CUDA pin)',
    confidence: 'V',
  };
}
