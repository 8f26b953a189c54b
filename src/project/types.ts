import { createHash } from 'node:crypto';
import type { Location } from '../lib/errors.js';

/** What danlu knows about the project in DIR, read without running any of its code. */

export interface Origin {
  file: string;
  line?: number;
}

export interface Requirement {
  /** Normalized name (PEP 503: lower case, runs of -_. as -). */
  name: string;
  /** The PEP 508 string as written. */
  raw: string;
  /** Version specifier without the name ("==2.1.2", ">=1.0"). */
  specifier: string;
  origin: Origin;
}

export interface ProjectFacts {
  dir: string;
  /** A project already in uv's multi-backend shape: its backend extras, the one it syncs, and that one's torch. */
  multiBackend?: { extras: string[]; selected: string | null; torch: { specifier: string; backend: string | null; origin: Origin } | null } | null;
  /** What pyproject.toml itself says (to combine again with another reading of the other files). */
  ownFacts?: import('./read-project.js').OwnFacts;
  /** Project name: pyproject's [project].name, else the folder name. */
  name: string;
  /** Lower-case name safe for Docker, compose and paths. */
  slug: string;
  /** The existing pyproject.toml text, if any. */
  pyprojectText: string | null;
  /** The same, parsed (once, by the project reader). */
  pyprojectData?: Record<string, unknown> | null;
  /** The project has a README.md (a [project] danlu writes names it). */
  hasReadme?: boolean;
  /** [tool.danlu] lock-with-mirror, when the project says. */
  lockWithMirror?: boolean | null;
  requiresPython: string | null;
  /** `.python-version` content (the project's own; null when danlu wrote it: see pythonPlanned). */
  pythonVersion: string | null;
  /** The Python danlu wrote to `.python-version` in an earlier run ([tool.danlu.managed]): kept unless uv says otherwise. */
  pythonPlanned?: string | null;
  /** Pairs of extras or groups danlu declared conflicting in an earlier run (uv's verdict then), still in the file. */
  earlierConflicts?: { sides: { kind: 'extra' | 'group'; name: string }[]; why: string }[];
  requirements: Requirement[];
  /** A torch version pin found in the project (pyproject or imported files). */
  torchPin: { specifier: string; origin: Origin } | null;
  /** A CUDA variant the project already chose: its pytorch index URL, or a +cuXXX local version. */
  backendPin: { backend: string; origin: Origin } | null;
  /** The existing .env (per-machine choices), key -> value. */
  env: Record<string, string>;
  /** Where each value of .env is, for errors about one. */
  envAt?: Record<string, Location>;
  compilesCuda: { value: boolean; why: string };
  needs: { torchaudio: boolean; xformers: boolean };
  /** A CUDA variant the project's files suggest (conda pytorch-cuda, an index URL): softer than a pin. */
  backendHint?: { backend: string; origin: Origin } | null;
  /** Python minors the project's classifiers name ("Programming Language :: Python :: 3.11"). */
  pythonClassifiers?: string[];
  /** A Python version the project's files suggest (conda python=3.10, requires-python). */
  pythonHint?: { version: string; origin: Origin } | null;
  /** System packages the project needs in the image (README apt lines, conda-only packages). */
  aptPackages?: string[];
  /**
   * The first of the project's own Python files (or notebooks) that imports torch or a torch
   * framework, relative to the project; null when none does. Undefined: not looked at.
   */
  torchImport?: string | null;
  /** The project has Python files or notebooks of its own (an empty folder is a new project). */
  hasCode?: boolean;
  /** The project publishes its own package metadata (a [project] with a build system, setup.py or setup.cfg). */
  publishesPackage?: boolean;
  /** What the importers read from the repository (requirements, conda, README...). */
  imported?: import('./import/types.js').ImportResult | null;
}

export { normalizeName } from '../lib/py.js';

/** A slug usable as a Docker tag part, compose project name and folder name. */
export function slugify(name: string, fallback = 'project'): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  if (/^[a-z0-9]/.test(ascii)) return ascii;
  // Names with no Latin letters (e.g. Chinese) still get a distinct, stable slug.
  return `${fallback}-${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
}
