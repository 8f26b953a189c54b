import { PREFERS_PREBUILT } from '../catalog/data/special-package-facts.js';
import type { TorchBackend, TorchRelease } from '../catalog/torch.js';
import type { Requirement } from '../project/types.js';
import { isSpecial, prebuiltAvailable, resolveSpecial, type Resolution, type ResolveContext, type WheelTarget } from '../wheels/index.js';
import type { Decision, Warning } from './types.js';

/** torch itself is planned by choose-torch; these are the rest of the special packages. */
const PLANNED_ELSEWHERE = new Set(['torch']);

export function specialRequirements(requirements: readonly Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return requirements.filter((r) => {
    if (PLANNED_ELSEWHERE.has(r.name) || seen.has(r.name) || !isSpecial(r.name)) return false;
    seen.add(r.name);
    return true;
  });
}

/**
 * A predicate for choose-torch: the torch build for which every wheel-sensitive package of the
 * project has a prebuilt wheel (so nothing compiles for hours), when such a build exists.
 */
export function preferPrebuilt(
  requirements: readonly Requirement[],
  base: Omit<WheelTarget, 'torch' | 'backend' | 'abi'>,
  ctx: ResolveContext = {},
): ((release: TorchRelease, backend: TorchBackend) => boolean) | undefined {
  const sensitive = specialRequirements(requirements).filter((r) => PREFERS_PREBUILT.has(r.name));
  if (sensitive.length === 0) return undefined;
  return (release, backend) =>
    sensitive.every((r) =>
      prebuiltAvailable({ name: r.name, specifier: r.specifier }, { ...base, torch: release.version, backend: backend.name, abi: backend.abi }, ctx),
    );
}

export interface PackagePlan {
  name: string;
  resolution: Resolution;
}

/** What each special package becomes for the chosen torch build, with the reasons. */
export function planPackages(
  requirements: readonly Requirement[],
  target: WheelTarget,
  ctx: ResolveContext = {},
): { packages: PackagePlan[]; warnings: Warning[]; decisions: Decision[] } {
  const packages: PackagePlan[] = [];
  const warnings: Warning[] = [];
  const decisions: Decision[] = [];
  for (const r of specialRequirements(requirements)) {
    const resolution = resolveSpecial({ name: r.name, specifier: r.specifier }, target, ctx);
    if (!resolution) continue;
    packages.push({ name: r.name, resolution });
    if (resolution.kind === 'conflict') {
      warnings.push({ id: `package-conflict-${r.name}`, message: resolution.message, fix: resolution.fix });
      continue;
    }
    if (resolution.warning) warnings.push({ id: `package-${r.name}`, message: resolution.warning });
    const choice =
      resolution.kind === 'wheel'
        ? `prebuilt ${resolution.origin} wheel ${resolution.filename}`
        : resolution.kind === 'build'
          ? 'source build (configured)'
          : resolution.kind === 'index'
            ? `${resolution.format === 'flat' ? 'find-links page' : 'index'} ${resolution.url}`
            : resolution.kind === 'git'
              ? `git ${resolution.git}`
              : resolution.kind === 'torch-index'
                ? `PyTorch index${resolution.specifier ? ` ${resolution.specifier}` : ''}`
                : 'PyPI';
    decisions.push({ what: r.name, choice, why: resolution.why, source: resolution.source });
  }
  return { packages, warnings, decisions };
}
