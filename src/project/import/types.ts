/**
 * One model of "what this project needs", read from an existing repository without running
 * any of its code: requirements files, conda environments, pyproject.toml (PEP 621, Poetry,
 * uv), setup.py / setup.cfg (text only) and the install commands of the README.
 */

/** Where an input came from: a file (relative to the imported folder when there is one) and a 1-based line. */
export interface ImportOrigin {
  file: string;
  line: number;
}

export type RequirementSource =
  | { kind: 'git'; url: string; rev?: string; branch?: string; tag?: string; subdirectory?: string }
  | { kind: 'url'; url: string }
  | { kind: 'path'; path: string; editable: boolean };

/** 'main', 'dev', or the name of an optional-dependency / dependency group. */
export type Group = 'main' | 'dev' | (string & {});

export interface ImportedRequirement {
  /** PEP 503 normalized name. */
  name: string;
  /** A clean PEP 508 string for pyproject.toml: no URL, local version, hash or pip option. */
  raw: string;
  /** Version specifier without name, comma-separated without spaces ("" when unpinned). */
  specifier: string;
  /** PEP 685 normalized extras, sorted. */
  extras: string[];
  marker: string | null;
  group: Group;
  /** For a group other than main: an extra (`[project.optional-dependencies]`) or a `[dependency-groups]` group. */
  groupKind?: 'extra' | 'dependency-group';
  source?: RequirementSource;
  /** Local version label stripped from an == pin ("cu118" from "==2.1.2+cu118"). */
  localVersion?: string;
  /** The name was not written, only derived (from a repository URL or a folder name). */
  nameGuessed?: boolean;
  origin: ImportOrigin;
  /** Other places the same requirement was found (after merging). */
  alsoIn?: ImportOrigin[];
  /**
   * A copy the group gets through a `name[extra]` self reference (`all = ["proj[gradio]"]`): the
   * planner sees it; pyproject.toml keeps the reference as written, not the copy.
   */
  viaSelfReference?: true;
  /**
   * A local checkout's metadata as its setup.py states it statically (version literal or none,
   * install_requires literal or none): what uv would otherwise build the package to learn.
   */
  staticMetadata?: { version: string; requiresDist: string[] };
}

export type IndexKind = 'index-url' | 'extra-index-url' | 'find-links';

export interface ImportedIndex {
  url: string;
  kind: IndexKind;
  /** Name of a uv / Poetry index. */
  name?: string;
  /** uv `explicit = true` / Poetry `priority = "explicit"`: only for packages routed to it. */
  explicit?: boolean;
  /** Packages the input routes to this index (same command line, or [tool.uv.sources]). */
  packages?: { name: string; marker?: string; extra?: string }[];
  origin: ImportOrigin;
}

export interface CudaHint {
  /** CUDA toolkit version ("11.8", "12"). */
  cuda?: string;
  /** PyTorch wheel variant ("cu118", "cpu", "rocm6.2.4", "xpu"). */
  backend?: string;
  origin: ImportOrigin;
  text: string;
}

export interface PythonHint {
  /** A PEP 440 specifier (">=3.10") or an exact version ("3.8.5"). */
  specifier?: string;
  version?: string;
  origin: ImportOrigin;
  text: string;
}

export interface SubmoduleRef {
  origin: ImportOrigin;
  path?: string;
  url?: string;
  branch?: string;
}

export interface CondaOnly {
  name: string;
  origin: ImportOrigin;
  equivalent?: { apt?: string; pypi?: string };
  /** Why it is conda-only / what to do instead. */
  note?: string;
}

export interface ImportWarning {
  id: string;
  message: string;
  origin?: ImportOrigin;
  /** The package it is about, where it is about one (normalized name). */
  package?: string;
}

export type ReportKind = 'dependency' | 'source' | 'index' | 'dev' | 'hint' | 'include' | 'left-out' | 'ignored';

/** One input line and what it became. */
export interface ReportEntry {
  origin: ImportOrigin;
  text: string;
  became: string;
  kind: ReportKind;
  reason?: string;
  /** A requirement line pip would refuse: where in the line it starts (init and plan stop on it). */
  invalid?: { column: number };
}

/** A file found in the repository and what the importer did with it. */
export interface ImportedFile {
  file: string;
  format: 'requirements' | 'conda' | 'pyproject' | 'setup' | 'install-commands' | 'gitmodules' | 'python-version' | 'cog';
  /** 'skipped': found but not merged (sub-project, example): pass it explicitly to import it. */
  role: 'imported' | 'skipped';
  group?: Group;
  reason: string;
}

export interface ImportResult {
  requirements: ImportedRequirement[];
  /** `-c` constraint files and `[tool.uv] constraint-dependencies`: limits, not dependencies. */
  constraints: ImportedRequirement[];
  indexes: ImportedIndex[];
  cudaHints: CudaHint[];
  pythonHints: PythonHint[];
  /** Packages (or the project itself when name is absent) that need torch when they are built. */
  buildTimeTorch: { name?: string; origin: ImportOrigin; why: string }[];
  /** Install commands / settings that turn build isolation off (name absent: the project itself; '*': every package). */
  noBuildIsolation: { name?: string; origin: ImportOrigin }[];
  submodules: SubmoduleRef[];
  condaOnly: CondaOnly[];
  /** System packages the README installs with apt (for the image). */
  aptPackages: { name: string; origin: ImportOrigin }[];
  /** Extras / groups the README installs (`pip install -e ".[all]"`, `uv sync --extra gpu`). */
  selectedExtras: { name: string; origin: ImportOrigin }[];
  /** Install lines that install the project itself (`pip install -e .`, `python setup.py develop`). */
  selfInstalls: ImportOrigin[];
  /** Environment variables install commands set (`MAX_JOBS=4`, `DS_BUILD_OPS=1`). */
  buildEnv: { name: string; value: string; origin: ImportOrigin }[];
  /** PyPI mirrors the inputs name (`--index-url https://mirror.example/simple`): this machine's choice (.env PYPI_MIRROR), never a project index. */
  mirrors: { url: string; origin: ImportOrigin }[];
  /**
   * URLs the inputs gave with a user name, a password or a token (`https://user:token@host`): the
   * model keeps them without it (pyproject.toml is committed); uv takes credentials from the machine.
   */
  credentials: { kind: 'index' | 'source'; url: string; origin: ImportOrigin; package?: string }[];
  /**
   * Requirement files that are alternatives, one per accelerator (requirements-cpu.txt,
   * requirements-cuda11.txt, requirements-cuda12.txt): each read as an extra named `group`; the
   * plan takes the one for the machine as the main dependencies and leaves the others out.
   */
  alternatives?: Alternative[];
  /** An existing [tool.uv] table, kept as it is. */
  existingUv: { origin: ImportOrigin; keys: string[] } | null;
  /**
   * The package's own name and version: setup.py's setup(name=, version=) when written as literals
   * (or read from a file setup.py names), or [tool.poetry] name/version (a [project] danlu adds says
   * the same). `computed`: what setup.py computes and no literal was found for (`dynamic` then).
   */
  packageMetadata?: { name?: string; version?: string; computed?: string[] };
  /** `[project] dynamic` of the project's pyproject.toml: its metadata is not static then. */
  projectDynamic?: string[];
  files: ImportedFile[];
  warnings: ImportWarning[];
  report: ReportEntry[];
}

export function emptyResult(): ImportResult {
  return {
    requirements: [],
    constraints: [],
    indexes: [],
    cudaHints: [],
    pythonHints: [],
    buildTimeTorch: [],
    noBuildIsolation: [],
    submodules: [],
    condaOnly: [],
    aptPackages: [],
    selectedExtras: [],
    selfInstalls: [],
    buildEnv: [],
    mirrors: [],
    credentials: [],
    existingUv: null,
    files: [],
    warnings: [],
    report: [],
  };
}

/** Appends every list of `from` to `into` (existingUv: the first one wins). */
export function appendResult(into: ImportResult, from: ImportResult): ImportResult {
  for (const key of Object.keys(into) as (keyof ImportResult)[]) {
    const a = into[key];
    const b = from[key];
    // One by one: push(...b) passes b as arguments, which overflows the stack for a long list.
    if (Array.isArray(a) && Array.isArray(b)) for (const x of b as unknown[]) (a as unknown[]).push(x);
  }
  into.existingUv ??= from.existingUv;
  into.packageMetadata ??= from.packageMetadata;
  into.projectDynamic ??= from.projectDynamic;
  return into;
}

/** A requirement file is read through this: the text of `path` resolved against `from`, or null when absent. */
/** An included file's text; `why` when it exists but is not read (outside the project, too big); null when it is not there. */
export type ReadInclude = (path: string, from: string) => { file: string; text: string } | { why: string } | null;

/** One requirements file of a set of alternatives (see ImportResult.alternatives). */
export interface Alternative {
  file: string;
  /** The extra its requirements were read into. */
  group: string;
  accelerator: 'cpu' | 'cuda' | 'other';
  /** The CUDA major its name says (cuda11, cu118 -> 11); null when it says only "cuda"/"gpu". */
  cudaMajor: number | null;
}
