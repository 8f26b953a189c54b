import type { TomlValue } from '../../lib/toml-value.js';
import type { Managed } from '../../project/managed.js';

export type { TomlValue };

/**
 * What happens to one of the project's requirements the plan gives another version:
 * - `write`: it is new to pyproject.toml (from requirements.txt, a README...): written as planned;
 * - `rewrite`: the project's pyproject.toml entry is rewritten in place (the user asked: --torch...);
 * - `constrain`: the entry is unpinned; it stays as written and a uv constraint holds it to the plan;
 * - `conflict`: a pin of the user's own file that the plan cannot keep: left alone, reported.
 */
export interface PinEdit {
  name: string;
  /** The entry as the project wrote it (in its pyproject.toml for rewrite/constrain/conflict). */
  from: string;
  /** The entry as planned. */
  to: string;
  /** The planned specifier alone ("==2.7.*"), for a constraint. */
  specifier: string;
  why: string;
  action: 'write' | 'rewrite' | 'constrain' | 'conflict';
  /** A constraint held in this dependency group instead of [tool.uv] constraint-dependencies (alternatives would be bound too). */
  heldIn?: string;
}

export interface IndexEntry {
  name: string;
  url: string;
  explicit?: boolean;
  format?: 'flat';
}

/** A requirement of the project's files that pyproject.toml does not get, and why. */
export interface LeftOut {
  name: string;
  raw: string;
  origin: { file: string; line: number };
  why: string;
}

/** Static metadata uv uses instead of building a package to learn it (`[[tool.uv.dependency-metadata]]`). */
export interface DependencyMetadata {
  name: string;
  version: string;
  'requires-dist': string[];
  'requires-python'?: string;
}

/** Everything pyproject.toml gets, decided: render writes it, apply merges it, neither re-decides. */
export interface PyprojectPlan {
  /** The [project] table danlu writes when the project has none. */
  /**
   * The [project] table of a new file. `dynamic`: fields its setup.py or setup.cfg supplies
   * (console scripts, entry points), which setuptools otherwise ignores next to a [project] table.
   */
  project: { name: string; version: string; requiresPython: string; hasReadme: boolean; dynamic?: string[] };
  /** Main dependencies, PEP 508 strings as they are written. */
  dependencies: string[];
  devDependencies: string[];
  /** Other [dependency-groups]. */
  groups: Record<string, string[]>;
  /** [project.optional-dependencies]. */
  extras: Record<string, string[]>;
  /** [tool.uv] environments: the platforms and Pythons the lock covers. */
  environments: string[];
  /** The project's own environments that `environments` narrows to the container's Python (replaced in the file, said). */
  narrowsEnvironments: string[] | null;
  /** What danlu writes that is its own and updates on its next run ([tool.danlu.managed]). */
  managed: Managed;
  /** [tool.uv] conflicts: extras that cannot be installed together. */
  conflicts: ({ extra: string } | { group: string })[][];
  /** torch and its companions routed to the plan's PyTorch index... */
  torchSources: Record<string, TomlValue>;
  /** ...or the project's own routing kept ('project'), with the plan's index left out. */
  torchRouting: 'danlu' | 'project';
  /** Git, URL and path sources, and packages routed to other indexes. */
  sources: Record<string, TomlValue>;
  /** The PyTorch index; a project index of that name with another URL is replaced or a conflict. */
  index: { name: string; url: string; explicit: true; onOtherUrl: 'replace' | 'conflict' };
  extraIndexes: IndexEntry[];
  overrides: string[];
  constraints: string[];
  buildDependencies: Record<string, TomlValue>;
  dependencyMetadata: DependencyMetadata[];
  /**
   * [build-system] for a project whose setup.py builds against torch (CUDAExtension) and that
   * has none: without it uv treats the project as virtual and never builds it. null: none added.
   */
  buildSystem: { requires: string[]; backend: string } | null;
  /** [tool.danlu]; `replace`: the values replace the file's (asked for on the command line). */
  danlu: { values: Record<string, TomlValue>; replace: boolean };
  /** The project's requirements the plan moved to other versions, each with what happens to it. */
  pins: PinEdit[];
  leftOut: LeftOut[];
  /** What the environment installs (uv sync, uv export, the runtime image): the README's extras, and the groups. */
  sync: {
    extras: string[];
    groups: 'all' | string[];
    /** A team's torch variants: the .env variable naming this machine's extra, and the default. */
    variantExtra?: { variable: string; fallback: string };
  };
}
