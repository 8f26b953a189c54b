import type { AstralIndexes } from '../catalog/data/astral-wheels.js';
import type { Confidence } from '../catalog/types.js';
import type { TorchMatrix } from '../catalog/torch.js';
import type { WheelAsset } from '../catalog/wheels.js';

/** The Linux platforms danlu plans for (a GH200 or DGX Spark is aarch64). */
export type WheelPlatform = 'linux_x86_64' | 'linux_aarch64';

/** What the special-package resolvers need to know about the planned environment. */
export interface WheelTarget {
  /** torch version the plan installs: "2.8.0". */
  torch: string;
  /** PyTorch index variant: "cu128", "cpu". */
  backend: string;
  /** C++ ABI of that torch build. */
  abi: 'cxx11' | 'pre-cxx11';
  /** CPython minor: "3.12". */
  python: string;
  /** The machine's platform tag: wheels by URL exist for x86_64 only; an index serves each its own. */
  platform: WheelPlatform;
  /** The GPUs the environment is for; null compute capability = unknown. */
  gpus: { computeCapability: string | null }[];
  /** Memory of the machine that builds the image, in bytes (for MAX_JOBS). */
  memoryBytes: number;
  /** CPU threads of that machine. */
  cpus: number;
}

/** A requirement as the importer wrote it: normalised specifier ("==2.7.4.post1", ">=2.5,<3", ""). */
export interface SpecialRequirement {
  name: string;
  specifier: string;
  /** `name @ url`, when the project gave one. */
  url?: string;
}

/** Optional knowledge that replaces the embedded defaults (a refreshed user catalog). */
export interface ResolveContext {
  torch?: TorchMatrix;
  /**
   * flash-attn release assets fetched by `danlu catalog update`; when non-empty they replace the
   * embedded official matrix and community list as the set of wheels that exist.
   */
  flashAttnAssets?: readonly WheelAsset[];
  /** Astral's GPU indexes as known (default: the catalog's; null: not used). */
  astral?: AstralIndexes | null;
}

/** A requirement added to an isolated build environment (`[tool.uv.extra-build-dependencies]`). */
export interface BuildDependency {
  requirement: string;
  /** uv `match-runtime = true`: the same version as the runtime environment resolves. */
  matchRuntime?: boolean;
}

/** How to make a source build succeed. */
export interface BuildSpec {
  buildDependencies: BuildDependency[];
  /** `[tool.uv.extra-build-variables]` for this package. */
  buildVariables: Record<string, string>;
  /** nvcc is needed: the image must be a `devel` one. */
  needsDevel: boolean;
  /** System packages the build needs on top of the devel image. */
  aptPackages?: string[];
}

interface Base {
  /** Normalised requirement name, as the project wrote it. */
  name: string;
  /** One sentence: why this is the right thing to write. */
  why: string;
  /** Where the facts come from. */
  source: string;
  confidence: Confidence;
  /** Something the report should show (a degraded choice, a known trap). */
  warning?: string;
  /** Write the dependency under this distribution name instead (e.g. openai-clip -> clip). */
  rename?: string;
}

/** From the plan's PyTorch index, paired with the plan's torch. */
export interface TorchIndexResolution extends Base {
  kind: 'torch-index';
  /** Specifier to write; null = write none (torch's own pin chooses, e.g. triton). */
  specifier: string | null;
}

/** A prebuilt wheel by direct URL (`[tool.uv.sources] name = { url, marker }`). */
export interface WheelResolution extends Base {
  kind: 'wheel';
  version: string;
  url: string;
  filename: string;
  /** PEP 508 marker limiting the URL to the platform and Python it was built for. */
  marker: string;
  origin: 'official' | 'community';
}

/** Build from the sdist, configured so the build succeeds. */
export interface BuildResolution extends Base, BuildSpec {
  kind: 'build';
  /** The user's specifier ("" = any). */
  specifier: string;
}

/** A package index or flat find-links page (`[[tool.uv.index]]` with `explicit = true`). */
export interface IndexResolution extends Base {
  kind: 'index';
  /** Suggested index name. */
  indexName: string;
  url: string;
  format: 'flat' | 'simple';
  specifier: string;
  /** Write `specifier` into the requirement (a local-label pin that selects the build for this torch). */
  pinLocal?: boolean;
}

/** A git source (`[tool.uv.sources] name = { git, rev }`). */
export interface GitResolution extends Base {
  kind: 'git';
  git: string;
  rev?: string;
  branch?: string;
  tag?: string;
  subdirectory?: string;
  /** The package compiles extensions while building. */
  build?: BuildSpec;
}

/** An ordinary PyPI requirement that still needs care (notes, build settings). */
export interface PypiResolution extends Base {
  kind: 'pypi';
  specifier: string;
  notes: string[];
  /** Build settings when the PyPI file is an sdist that imports torch while building. */
  build?: BuildSpec;
}

/** Nothing sensible can be written without a decision: say what and how to fix it. */
export interface ConflictResolution {
  kind: 'conflict';
  name: string;
  message: string;
  fix: string;
  source: string;
  confidence: Confidence;
  /** A torch version that would resolve the conflict, when one is known. */
  torch?: string;
  /** The requirement is left out of the environment (it cannot work on these GPUs). */
  leaveOut?: true;
}

export type Resolution = TorchIndexResolution | WheelResolution | BuildResolution | IndexResolution | GitResolution | PypiResolution | ConflictResolution;

export type ResolutionKind = Resolution['kind'];
