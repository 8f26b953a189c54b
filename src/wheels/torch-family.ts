import { isCudaBackend, satisfiesOr } from '../lib/py.js';
import { XFORMERS_BUILDS } from '../catalog/data/special-packages.js';
import { findRelease, minorOf, TORCH, type TorchMatrix, type TorchRelease } from '../catalog/torch.js';
import { atLeast, compareDotted } from '../lib/version.js';
import type { Resolution, ResolveContext, SpecialRequirement, WheelTarget } from './types.js';

const TORCH_SOURCE =
  'PyTorch release matrix (catalog: torch): torchvision 0.(minor+15); torchaudio = torch up to 2.11, and torchaudio 2.11 for every later torch (pytorch/audio installation.rst: built on the stable ABI)';

const safeSatisfies = (version: string, spec: string): boolean => satisfiesOr(version, spec, false);

/** "0.23.0" -> "==0.23.*". */
const sameMinor = (v: string): string => `==${minorOf(v)}.*`;

function release(target: WheelTarget, ctx: ResolveContext): TorchRelease | undefined {
  const matrix: TorchMatrix = ctx.torch ?? TORCH;
  return findRelease(matrix, target.torch);
}

/** The paired version, and whether the user's specifier (if any) admits it. */
function paired(req: SpecialRequirement, target: WheelTarget, version: string, why: string, source: string, defaultSpec = sameMinor(version)): Resolution {
  // Any patch of the paired minor will do: the wheels pin torch exactly, so uv takes the one for
  // the planned torch (torch 2.4.0 pairs with torchvision 0.19.0, 2.4.1 with 0.19.1).
  const companion = req.name === 'torchvision' || req.name === 'torchaudio';
  const admitted = (spec: string) =>
    safeSatisfies(version, spec) || (companion && [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].some((p) => safeSatisfies(`${minorOf(version)}.${p}`, spec)));
  if (req.specifier && !admitted(req.specifier)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `${req.name}${req.specifier} does not admit ${companion ? minorOf(version) : version}, the build paired with the plan's torch ${target.torch}.`,
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
  // torchaudio 2.11 is built on PyTorch's stable ABI: the companion of torch 2.11 and of every
  // later release (its install_requires is empty, so it pins no torch).
  const version = rel?.torchaudio ?? (atLeast(target.torch, '2.11') ? '2.11.0' : target.torch);
  const why = atLeast(target.torch, '2.12')
    ? `torchaudio 2.11 works with torch ${minorOf(target.torch)} and every later torch (built on the stable ABI)`
    : `torchaudio ${minorOf(version)} is the release built for torch ${minorOf(target.torch)}`;
  return paired(req, target, version, why, TORCH_SOURCE);
}

export function resolveXformers(req: SpecialRequirement, target: WheelTarget): Resolution {
  const source = XFORMERS_BUILDS.source;
  if (!isCudaBackend(target.backend)) {
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
  // For the planned torch: the build the project pins when there is one (0.0.18 of torch 2.0.0), else the newest.
  const forTorch = rows.filter((r) => r.torch === target.torch);
  const exact = (req.specifier ? forTorch.filter((r) => safeSatisfies(r.xformers, req.specifier!)).at(-1) : undefined) ?? forTorch.at(-1);
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
  if (row.pypi) {
    return {
      kind: 'pypi',
      name: req.name,
      specifier: `==${row.xformers}`,
      notes: [],
      why: `xformers ${row.xformers} is built for exactly torch ${row.torch} and published on PyPI only (the PyTorch index carries xformers from 0.0.22)`,
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
  // Its wheels carry kernels from one architecture up (7.5 since 0.0.31): an older GPU gets
  // none, and xformers fails at its first call. Left out, with what to do instead.
  const old = row.minArch ? target.gpus.map((g) => g.computeCapability).filter((cc): cc is string => cc !== null && compareDotted(cc, row.minArch!) < 0) : [];
  if (old.length > 0) {
    const older = rows.filter((x) => x.minArch && compareDotted(old.sort(compareDotted)[0]!, x.minArch) >= 0).at(-1);
    return {
      kind: 'conflict',
      name: req.name,
      message: `xformers ${row.xformers} wheels carry no kernels for sm_${old[0]!.replace('.', '')} (they start at sm_${row.minArch!.replace('.', '')}): left out of the environment for these GPUs.`,
      fix: older
        ? `PyTorch's scaled_dot_product_attention covers memory-efficient attention; or plan torch ${older.torch} with xformers ${older.xformers} (--torch ${older.torch}), whose wheels still have them.`
        : "Use PyTorch's scaled_dot_product_attention instead (it covers memory-efficient attention on these GPUs).",
      source,
      confidence: 'V',
      leaveOut: true,
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
    why: `torch ${target.torch} depends on the exact ${req.name} it was built with: the resolver takes that one, and a pin of the project's that would exclude it is loosened.`,
    source: 'uv PyTorch packages (triton is served from the torch index without a CUDA pin)',
    confidence: 'V',
  };
}
