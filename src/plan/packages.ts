import { PER_TORCH, PREFERS_PREBUILT } from '../catalog/data/special-package-facts.js';
import type { TorchBackend, TorchRelease } from '../catalog/torch.js';
import { backendCuda } from '../lib/version.js';
import type { ProjectFacts, Requirement } from '../project/types.js';
import {
  buildsOwnExtension,
  isSpecial,
  type OwnBuildFacts,
  prebuiltAvailable,
  resolveSpecial,
  type Resolution,
  type ResolveContext,
  type WheelTarget,
} from '../wheels/index.js';
import type { TorchChoice } from './choose-torch.js';
import type { TorchRequestPlan } from './torch-request.js';
import { where } from './project-torch.js';
import type { Decision, PlanStep, Warning } from './types.js';

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

/**
 * Whether the project may compile CUDA code against torch, so that nvcc should equal torch's
 * CUDA (torch choice then prefers a CUDA the driver runs natively): its own extension, or a
 * special package its install guide builds (`--no-build-isolation`) that is not left out on these
 * GPUs, judged for `probe` (the newest build: being left out, flash-attn on a V100, depends on
 * the GPUs). Where such a package gets a prebuilt build, it compiles nothing after all; the
 * special-packages step says what does.
 */
export function mayCompile(
  project: OwnBuildFacts & Pick<ProjectFacts, 'requirements'>,
  base: Omit<WheelTarget, 'torch' | 'backend' | 'abi'>,
  probe: Pick<WheelTarget, 'torch' | 'backend' | 'abi'> | null,
  ctx: ResolveContext = {},
): boolean {
  if (buildsOwnExtension(project)) return true;
  if (!project.compilesCuda.value) return false;
  const named = new Set([...(project.imported?.buildTimeTorch ?? []), ...(project.imported?.noBuildIsolation ?? [])].map((b) => b.name));
  return specialRequirements(project.requirements)
    .filter((r) => named.has(r.name))
    .some((r) => {
      if (!probe) return true;
      const res = resolveSpecial({ name: r.name, specifier: r.specifier }, { ...base, ...probe }, ctx);
      return !(res?.kind === 'conflict' && res.leaveOut);
    });
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

/** The wheel target of the planned build: the request's base with the planned Python and torch. */
export function wheelTargetOf(base: Omit<WheelTarget, 'torch' | 'backend' | 'abi'>, python: string, torch: TorchChoice): WheelTarget {
  return { ...base, python, torch: torch.version, backend: torch.backend.name, abi: torch.backend.abi };
}

export interface SpecialPackagesInput {
  project: ProjectFacts;
  request: TorchRequestPlan;
  torch: TorchChoice;
  python: string;
}

/** Whether the image compiles CUDA code, and why (a decision the image step records). */
export interface CompilePlan {
  value: boolean;
  why: string;
}

/**
 * The project's special packages for the planned build, and whether the image compiles CUDA
 * code: the project's own extension (one danlu does not configure itself), or a special package
 * whose resolution here is a source build that needs the devel image. A special package the
 * project builds without isolation compiles only when its resolution says so: a wheel installs,
 * and a package left out on these GPUs (flash-attn on a V100) compiles nothing. A project that
 * compiles CUDA code under a CPU torch is warned.
 */
export function planSpecialPackages({
  project,
  request,
  torch,
  python,
}: SpecialPackagesInput): PlanStep<{ packages: PackagePlan[]; compiles: CompilePlan; relax: { name: string; why: string }[] }> {
  // When the plan does not keep the project's torch pin, the companions' pins are replaced by
  // the paired versions too (render/pyproject-import.ts): plan them as such, not as conflicts.
  const keepsPin = Boolean(request.pins.torch && torch.pinned);
  const companions = new Set(['torchvision', 'torchaudio']);
  // A frozen environment (a `pip freeze`, a conda export) pins the builds made for its own torch
  // next to it: with that torch replaced here, an exact pin of a package built against torch
  // (flash-attn==0.2.0, triton, xformers) from the same file becomes a lower bound, and the build
  // for the planned torch is chosen.
  const pin = request.pins.torch ?? project.torchPin;
  const frozen = (r: Requirement) =>
    Boolean(pin) && !keepsPin && r.origin.file === pin!.origin.file && PER_TORCH.has(r.name) && /^===?\s*[^,;*\s]+$/.test(r.specifier.trim());
  const relax: { name: string; why: string }[] = [];
  const requirements = keepsPin
    ? request.requirements
    : request.requirements.map((r) => {
        if (companions.has(r.name)) return { ...r, specifier: '' };
        if (!frozen(r)) return r;
        const version = r.specifier.trim().replace(/^===?\s*/, '');
        relax.push({
          name: r.name,
          why: `${r.name}${r.specifier.trim()} (${where(r.origin)}) goes with torch${pin!.specifier} (${where(pin!.origin)}), which the plan replaces with torch ${torch.release.version} here: its version becomes a lower bound, and the build for the planned torch is chosen`,
        });
        return { ...r, specifier: `>=${version}` };
      });
  const special = planPackages(requirements, wheelTargetOf(request.wheelBase, python, torch), request.wheelCtx);
  const warnings = [...special.warnings];
  for (const r of relax) warnings.push({ id: `pin-with-old-torch-${r.name}`, message: r.why });
  const own = buildsOwnExtension(project);
  const built = special.packages.filter((p) => p.resolution.kind === 'build' && p.resolution.needsDevel).map((p) => p.name);
  const compiles: CompilePlan = own
    ? { value: true, why: project.compilesCuda.why }
    : built.length > 0
      ? {
          value: true,
          why: `${built.join(', ')} ${built.length === 1 ? 'is' : 'are'} built from source here (no prebuilt build fits; see ${built.length === 1 ? 'its decision' : 'their decisions'})`,
        }
      : { value: false, why: '' };
  if (own && !backendCuda(torch.backend.name)) {
    warnings.push({
      id: 'cuda-compile-on-cpu',
      message: `the project compiles CUDA code (${project.compilesCuda.why}), but the plan's torch is ${torch.backend.name}: the image has no CUDA toolkit and the extensions will not build`,
      fix: request.withheld
        ? 'plan with the GPUs (drop --gpus none), or pass --backend with a CUDA variant'
        : 'plan on the GPU machine (`danlu host --json > host.json`, then `danlu init --host host.json`), or pass --backend cu128',
    });
  }
  return { value: { packages: special.packages, compiles, relax }, decisions: special.decisions, warnings };
}

/** The system packages the image installs: the project's, and those its special packages need. */
export function aptPackagesOf(project: ProjectFacts, packages: readonly PackagePlan[]): string[] {
  return [
    ...new Set([...(project.aptPackages ?? []), ...packages.flatMap((p) => ('aptPackages' in p.resolution ? (p.resolution.aptPackages ?? []) : []))]),
  ].sort();
}
