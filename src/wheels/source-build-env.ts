import { buildNeedOf } from '../catalog/data/build-needs.js';
import { extensionBuild } from './build.js';
import { isSpecial } from './registry.js';
import type { Resolution, WheelTarget } from './types.js';

/** What the project says of its own builds (ProjectFacts: compilesCuda and what the importers read). */
export interface OwnBuildFacts {
  compilesCuda: { value: boolean; why: string };
  imported?: { buildTimeTorch: readonly { name?: string }[]; noBuildIsolation: readonly { name?: string }[] } | null;
}

/** "flash-attn needs torch to build (...)" / "flash-attn is built without build isolation (...)": the package an import entry names. */
const IMPORTED_WHY = /^(\S+) (?:needs torch to build|is built without build isolation) \(/;

/**
 * A package whose build danlu's own knowledge configures: a special package (its resolution
 * says whether it compiles, and with what, or routes it to a wheel, or leaves it out) or a PyPI
 * sdist of the build-needs table (basicsr: torch at build time, no CUDA code by default).
 */
const configuredByDanlu = (name: string): boolean => isSpecial(name) || buildNeedOf(name) !== undefined;

/**
 * Whether the project builds a torch extension that danlu does not configure itself: its own
 * setup.py or CUDA sources, or a local or git package it installs (`pip install ./my_ext`). A
 * special package the README builds without isolation (flash-attn) is not one, nor is a package
 * danlu itself gave build dependencies (read back from pyproject.toml on the next run): the
 * answer is the same on the first run and the second.
 */
export function buildsOwnExtension(project: OwnBuildFacts): boolean {
  if (!project.compilesCuda.value) return false;
  const named = [...(project.imported?.buildTimeTorch ?? []), ...(project.imported?.noBuildIsolation ?? [])].map((b) => b.name);
  if (named.some((n) => n === undefined || n === '*' || !configuredByDanlu(n))) return true;
  // Only such packages were read as building: compilesCuda came from them unless the project's
  // own files said so (setup.py, CUDA sources), in words of their own.
  const from = IMPORTED_WHY.exec(project.compilesCuda.why)?.[1];
  return from === undefined || !configuredByDanlu(from);
}

/**
 * The per-machine environment of every source build the project has (the container's
 * environment in .devcontainer/docker-compose.extend.yml, never pyproject.toml): MAX_JOBS the
 * smallest any build asks for (each was sized for this machine's memory), the other variables as
 * each build says. The project's own torch extension (buildsOwnExtension) gets MAX_JOBS and
 * TORCH_CUDA_ARCH_LIST for `target` like any other torch extension build.
 */
export function sourceBuildEnv(
  packages: readonly { resolution: Resolution }[],
  project: OwnBuildFacts | null = null,
  target: WheelTarget | null = null,
): Record<string, string> {
  const env: Record<string, string> = {};
  const all = packages.map(({ resolution: r }) =>
    r.kind === 'build' ? r.buildVariables : r.kind === 'git' || r.kind === 'pypi' ? r.build?.buildVariables : undefined,
  );
  if (project && target && buildsOwnExtension(project)) all.push(extensionBuild(target).buildVariables);
  for (const vars of all) {
    for (const [k, v] of Object.entries(vars ?? {})) {
      if (k === 'MAX_JOBS' && env[k] !== undefined) env[k] = String(Math.min(Number(env[k]), Number(v)));
      else env[k] ??= v;
    }
  }
  return env;
}
