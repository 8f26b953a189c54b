import { PKG_RESOURCES_SETUPTOOLS } from '../catalog/data/build-needs.js';
import { compareDotted, majorOf } from '../lib/version.js';
import type { BuildDependency, BuildSpec, WheelTarget } from './types.js';
import { ACCELERATORS, acceleratorOf } from '../catalog/accelerator.js';

const GIB = 1024 ** 3;

/**
 * The setuptools a build that imports `pkg_resources` needs: setuptools 81 warns "pin to
 * Setuptools<81" when pkg_resources is imported and 82 removed it, so an isolated build of a
 * legacy setup.py gets the newest setuptools and stops at `No module named 'pkg_resources'`.
 * Written in that package's own `[tool.uv.extra-build-dependencies]` entry (not as a global
 * `build-constraint-dependencies`): it binds only the builds known to need it, so a package
 * whose own build requires a newer setuptools still locks.
 */
export { PKG_RESOURCES_SETUPTOOLS };
export const PKG_RESOURCES_SOURCE =
  'setuptools 81 pkg_resources/__init__.py (deprecation warning: "pin to Setuptools<81"; 82 removed the package); torch <= 2.1 torch/utils/cpp_extension.py (from pkg_resources import packaging; replaced in 2.2 by pytorch/pytorch#113023)';

/** torch.utils.cpp_extension of torch 2.1 and older imports pkg_resources, so every extension build against it does. */
export function torchImportsPkgResources(torch: string): boolean {
  return compareDotted(torch, '2.2') < 0;
}

/**
 * torch at the runtime's version, plus what setuptools/torch extensions import while building;
 * `pkgResources`: the build imports pkg_resources (a legacy setup.py, or torch < 2.2), so
 * setuptools stays below the release that removed it.
 */
export function extensionBuildDeps(extra: readonly string[] = [], pkgResources = false): BuildDependency[] {
  const setuptools = pkgResources ? PKG_RESOURCES_SETUPTOOLS : 'setuptools';
  return [{ requirement: 'torch', matchRuntime: true }, ...['ninja', 'packaging', setuptools, 'wheel', ...extra].map((requirement) => ({ requirement }))];
}

/** Words for `why` when a build's setuptools is held below 81 ('' otherwise). */
export function pkgResourcesNote(spec: Pick<BuildSpec, 'buildDependencies'>, target: Pick<WheelTarget, 'torch'>): string {
  if (!spec.buildDependencies.some((d) => d.requirement === PKG_RESOURCES_SETUPTOOLS)) return '';
  const who = torchImportsPkgResources(target.torch) ? `torch ${target.torch}'s cpp_extension` : 'its setup.py';
  return ` Its build gets ${PKG_RESOURCES_SETUPTOOLS}: ${who} imports pkg_resources, which setuptools 82 removed.`;
}

/**
 * MAX_JOBS and NVCC_THREADS for a flash-attn build on a machine with `memoryBytes` and `cpus`.
 * The rule of mjun0812/flash-attention-prebuild-wheels build_linux.sh @2614dc8, which builds
 * those wheels for a living: MAX_JOBS x NVCC_THREADS <= threads and 2.8 GB x MAX_JOBS x
 * NVCC_THREADS <= RAM, NVCC_THREADS <= 4, and 2 jobs x 1 thread at 16 GB or less.
 * (flash-attn's README: with ninja and no MAX_JOBS, a machine under 96 GB runs out of memory.)
 */
export function flashAttnParallelism(memoryBytes: number, cpus: number): { maxJobs: number; nvccThreads: number } {
  const ramGb = Math.floor(memoryBytes / GIB);
  if (ramGb <= 16) return { maxJobs: ramGb < 8 ? 1 : 2, nvccThreads: 1 };
  const product = Math.max(1, Math.min(Math.max(1, cpus), Math.floor(ramGb / 2.8)));
  const base = Math.floor(Math.sqrt(product));
  if (base <= 4) return { maxJobs: Math.max(1, base), nvccThreads: Math.max(1, base) };
  return { maxJobs: Math.max(1, Math.floor(product / 4)), nvccThreads: 4 };
}

/**
 * MAX_JOBS for an ordinary torch CUDA extension (ninja runs one nvcc per job):
 * at most one job per thread and per `gbPerJob` of memory (a few GB per nvcc is typical; not
 * measured per package).
 */
export function extensionMaxJobs(memoryBytes: number, cpus: number, gbPerJob = 4): number {
  return Math.max(1, Math.min(Math.max(1, cpus), Math.floor(memoryBytes / GIB / gbPerJob)));
}

/** Distinct known compute capabilities, oldest first; `unknown` counts the GPUs without one. */
export function gpuCapabilities(target: WheelTarget): { ccs: string[]; unknown: number } {
  const ccs = new Set<string>();
  let unknown = 0;
  for (const g of target.gpus) {
    if (g.computeCapability) ccs.add(g.computeCapability);
    else unknown++;
  }
  return { ccs: [...ccs].sort(compareDotted), unknown };
}

/**
 * TORCH_CUDA_ARCH_LIST for the GPUs ("8.6;9.0"): torch.utils.cpp_extension compiles SASS for
 * exactly these. Null when no GPU is known, or one is unknown (then the build's default list,
 * which covers every arch the toolkit supports, is the safe choice).
 */
export function torchArchList(target: WheelTarget): string | null {
  const { ccs, unknown } = gpuCapabilities(target);
  if (ccs.length === 0 || unknown > 0) return null;
  return ccs.join(';');
}

/**
 * FLASH_ATTN_CUDA_ARCHS for the GPUs: flash-attn's setup.py accepts 80, 90, 100, 110, 120 and
 * compiles sm_80 for any 8.x (SASS runs on a higher minor of the same major). GPUs older than
 * Ampere are listed in `unsupported`: FlashAttention-2 has no kernels for them.
 */
export function flashAttnArchs(target: WheelTarget): { archs: string | null; unsupported: string[] } {
  const { ccs, unknown } = gpuCapabilities(target);
  const unsupported = ccs.filter((cc) => majorOf(cc) < 8);
  const buckets = [...new Set(ccs.filter((cc) => majorOf(cc) >= 8).map((cc) => `${majorOf(cc)}0`))];
  if (buckets.length === 0 || unknown > 0) return { archs: null, unsupported };
  return { archs: buckets.sort((a, b) => Number(a) - Number(b)).join(';'), unsupported };
}

/** A source-build spec for a torch CUDA extension on this target. */
export function extensionBuild(
  target: WheelTarget,
  opts: { variables?: Record<string, string>; extraDeps?: readonly string[]; gbPerJob?: number; pkgResources?: boolean } = {},
): BuildSpec {
  const vars: Record<string, string> = { MAX_JOBS: String(extensionMaxJobs(target.memoryBytes, target.cpus, opts.gbPerJob)) };
  const archs = torchArchList(target);
  const archVariable = ACCELERATORS[acceleratorOf(target.backend)].archListVariable;
  if (archs && archVariable) vars[archVariable] = archs;
  Object.assign(vars, opts.variables ?? {});
  return {
    buildDependencies: extensionBuildDeps(opts.extraDeps, opts.pkgResources === true || torchImportsPkgResources(target.torch)),
    buildVariables: vars,
    needsDevel: target.backend !== 'cpu',
  };
}

/** Human text for the build variables that came from the machine, for `why`. */
export function describeParallelism(target: WheelTarget, vars: Record<string, string>): string {
  const gb = Math.floor(target.memoryBytes / GIB);
  const parts = [`MAX_JOBS=${vars.MAX_JOBS} for ${gb} GiB and ${target.cpus} threads`];
  if (vars.NVCC_THREADS) parts[0] += ` (NVCC_THREADS=${vars.NVCC_THREADS})`;
  const archs = vars.FLASH_ATTN_CUDA_ARCHS ?? vars.TORCH_CUDA_ARCH_LIST;
  parts.push(archs ? `archs ${archs} from the GPUs` : 'the default arch list (GPUs unknown)');
  return parts.join(', ');
}
