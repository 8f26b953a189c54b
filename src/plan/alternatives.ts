import { normalizeName } from '../lib/py.js';
import type { Alternative, ImportResult } from '../project/import/types.js';
import { pinsOfOwn, withImported } from '../project/read-project.js';
import type { ProjectFacts } from '../project/types.js';
import type { PlanStep } from './types.js';

/** What the machine runs: how many GPUs the container gets, and the CUDA major its driver supports. */
export interface AlternativeHost {
  gpus: number;
  driverCuda: string | null;
}

/**
 * The one of a project's alternative requirement files (one per accelerator:
 * requirements-cpu.txt, requirements-cuda11.txt, requirements-cuda12.txt) that fits the machine:
 * CPU without a GPU; with GPUs, the newest CUDA major the driver supports (a file that names only
 * "cuda" or "gpu" after those). Its requirements become the main dependencies; the other files
 * are left out, said, with their indexes and CUDA hints (they are other machines' installs).
 */
export function choose(alternatives: readonly Alternative[], host: AlternativeHost): Alternative {
  if (host.gpus === 0) return alternatives.find((a) => a.accelerator === 'cpu') ?? alternatives[0]!;
  const cuda = alternatives.filter((a) => a.accelerator === 'cuda');
  if (cuda.length === 0) return alternatives[0]!;
  const driverMajor = host.driverCuda ? Number(host.driverCuda.split('.')[0]) : Number.POSITIVE_INFINITY;
  const numbered = cuda.filter((a) => a.cudaMajor !== null).sort((a, b) => b.cudaMajor! - a.cudaMajor!);
  return numbered.find((a) => a.cudaMajor! <= driverMajor) ?? cuda.find((a) => a.cudaMajor === null) ?? numbered.at(-1)!;
}

/** The project with the chosen alternative as its main dependencies (a named planner step). */
export function planAlternatives(project: ProjectFacts, host: AlternativeHost): PlanStep<ProjectFacts> {
  const imported = project.imported;
  const alternatives = imported?.alternatives ?? [];
  if (!imported || alternatives.length < 2) return { value: project, decisions: [], warnings: [] };
  const chosen = choose(alternatives, host);
  const others = alternatives.filter((a) => a !== chosen);
  const otherFiles = new Set(others.map((a) => a.file));
  const otherGroups = new Set(others.map((a) => a.group));
  const next: ImportResult = {
    ...imported,
    requirements: imported.requirements
      .filter((r) => !otherGroups.has(r.group))
      .map((r) => (r.group === chosen.group ? { ...r, group: 'main', groupKind: undefined } : r)),
    indexes: imported.indexes.filter((i) => !otherFiles.has(i.origin.file)),
    cudaHints: imported.cudaHints.filter((h) => !otherFiles.has(h.origin.file)),
    warnings: imported.warnings.filter(
      (w) => w.id !== 'several-variants' && !(w.id === 'conflicting-groups' && others.some((a) => w.message.includes(`group ${a.group}`))),
    ),
    selectedExtras: imported.selectedExtras.filter((e) => e.name !== chosen.group && !otherGroups.has(e.name)),
    files: imported.files.map((f) =>
      otherFiles.has(f.file)
        ? {
            ...f,
            role: 'skipped' as const,
            reason: `an alternative to ${chosen.file} (one file per accelerator): the plan takes ${chosen.file} for this machine`,
          }
        : f.file === chosen.file
          ? { ...f, group: 'main', reason: `${f.file}: the main dependencies, of the alternative files the one for this machine` }
          : f,
    ),
    alternatives: undefined,
  };
  const what = (a: Alternative) =>
    a.accelerator === 'cpu' ? 'CPU' : a.accelerator === 'cuda' ? (a.cudaMajor ? `CUDA ${a.cudaMajor}` : 'CUDA') : 'another accelerator';
  return {
    value: withImported(project, next),
    decisions: [
      {
        what: 'requirements file',
        choice: chosen.file,
        why: `the project has one requirements file per accelerator (${alternatives.map((a) => a.file).join(', ')}); ${chosen.file} is the one for ${what(chosen)}, which ${
          host.gpus === 0 ? 'a machine without a GPU runs' : `this driver runs (CUDA ${host.driverCuda ?? 'unknown'})`
        }`,
        source: 'project files',
      },
    ],
    warnings: [
      {
        id: 'alternatives-left-out',
        message: `${others.map((a) => a.file).join(', ')} left out: alternatives to ${chosen.file} (one file per accelerator), which this machine takes`,
        fix: 'plan for another machine with --host FILE to take its file',
      },
    ],
  };
}

/**
 * The sides of the pairs uv found cannot be installed together (Solved.conflicts) that this
 * machine does not install, by normalized name: an extra the README does not install, the later
 * of two it installs, the second of two groups. Their pins decide nothing for this machine, and
 * the planned torch is held apart from them, like the alternatives a project declares.
 */
export function solvedAlternatives(
  conflicts: readonly { sides: readonly { kind: 'extra' | 'group'; name: string }[] }[],
  selectedExtras: readonly string[],
): string[] {
  const out = new Set<string>();
  for (const c of conflicts) {
    const keep = keptSide(c.sides, selectedExtras);
    for (const x of c.sides) if (x !== keep) out.add(normalizeName(x.name));
  }
  return [...out];
}

/**
 * Of a pair uv found cannot be installed together, the side this machine installs: the extra the
 * README names first, else a group (the first of the pair); undefined when it installs neither.
 */
export function keptSide<T extends { kind: 'extra' | 'group'; name: string }>(sides: readonly T[], selectedExtras: readonly string[]): T | undefined {
  const selected = selectedExtras.map(normalizeName);
  // Extras in the README's order, then groups in the pair's order (the sort is stable).
  const rank = (x: T) => (x.kind === 'extra' ? selected.indexOf(normalizeName(x.name)) : selected.length);
  return sides.filter((x) => x.kind === 'group' || selected.includes(normalizeName(x.name))).sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * The project as this machine installs it once uv has found alternatives (Solved.conflicts): the
 * pins of the sides it does not install (an extra for another torch) decide nothing here.
 */
export function planSolvedAlternatives(
  project: ProjectFacts,
  conflicts: readonly { sides: readonly { kind: 'extra' | 'group'; name: string }[] }[],
): PlanStep<ProjectFacts> {
  const selected = (project.imported?.selectedExtras ?? []).map((e) => e.name);
  const gone = solvedAlternatives(conflicts, selected);
  if (gone.length === 0 || !project.ownFacts) return { value: project, decisions: [], warnings: [] };
  const ownFacts = {
    ...project.ownFacts,
    ...pinsOfOwn(project.pyprojectData ?? {}, project.pyprojectText, selected, project.multiBackend ?? null, gone),
  };
  const next = { ...project, ownFacts };
  return { value: project.imported ? withImported(next, project.imported) : { ...next, torchPin: ownFacts.torchPin }, decisions: [], warnings: [] };
}

type Found = { sides: { kind: 'extra' | 'group'; name: string }[]; why: string };

/** One key for a found pair, whichever its order and spelling ("extra sglang / extra vllm"). */
export function pairKey(sides: readonly { kind: string; name: string }[]): string {
  return sides
    .map((x) => `${x.kind} ${normalizeName(x.name)}`)
    .sort()
    .join(' / ');
}

/** Two lists of found pairs as one, each pair once (in either order). */
export function mergeConflicts(a: readonly Found[], b: readonly Found[]): Found[] {
  const seen = new Set<string>();
  return [...a, ...b].filter((c) => !seen.has(pairKey(c.sides)) && Boolean(seen.add(pairKey(c.sides))));
}
