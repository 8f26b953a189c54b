import type { GpuFacts, UserFacts } from '../probe/types.js';
import type { CxxAbi } from '../catalog/torch.js';
import type { MirrorKind } from '../catalog/mirrors.js';
import type { PyprojectPlan } from './pyproject/types.js';
import type { Accelerator } from '../catalog/accelerator.js';
import type { EngineKind } from '../catalog/engine.js';

/** One choice the planner made, with the reason and the knowledge it rests on. */
/** Decisions other code reads back: found by id, never by their text. */
export type DecisionId = 'torch' | 'team-hosts' | 'cuda-variant-hint' | 'torch-in-dependencies' | 'mirrors';

export interface Decision {
  /** Set on the decisions other code looks up (plan --json carries it). */
  id?: DecisionId;
  what: string;
  choice: string;
  why: string;
  /** Catalog table, rule or input the choice came from. */
  source: string;
}

/** One named step of the planner: its value, and the decisions and warnings it made. */
export interface PlanStep<T> {
  value: T;
  decisions: Decision[];
  warnings: Warning[];
}

export interface Warning {
  id: string;
  message: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
  /** The command that does it, when one does. */
  command?: string;
}

/** Options a user can give on the command line; every prompt has one. */
/** Mirrors chosen by probing them (`--mirror auto`, `danlu mirrors --apply`): a fact the plan takes, with its reasons. */
export interface MirrorChoice {
  preset: MirrorPlan['preset'];
  urls: MirrorPlan['urls'];
  decisions: Decision[];
  warnings: Warning[];
}

export interface PlanOptions {
  /** The probed mirrors (`--mirror auto`): they replace the preset and .env's values for this machine. */
  mirrorChoice?: MirrorChoice;
  /** The team's hosts (.devcontainer/hosts/*.json): the torch build is chosen to run on all of them. */
  team?: readonly import('./team.js').TeamHost[];
  cuda?: string;
  torch?: string;
  backend?: string;
  python?: string;
  /** "all", "none", a count ("2") or device ids ("0,1"). */
  gpus?: string;
  mirror?: 'global' | 'cn';
  user?: string;
  ubuntu?: string;
  shm?: string;
  /** Install the starship prompt in the image. */
  starship?: boolean;
  /** Replace the project's torch pin with the newest torch that fits (default: keep pins). */
  upgradeTorch?: boolean;
  /**
   * The project's own torch-family entries in pyproject.toml: 'keep' them (an unpinned one gets
   * a constraint, another pin is a conflict) or 'follow' the plan (rewritten in place). The user
   * asking for a torch build (--torch, --backend, --upgrade-torch) means 'follow'.
   */
  pins?: 'keep' | 'follow';
  /** The project's PyTorch index URL follows the plan (--torch, --backend, --cuda). */
  replaceIndex?: boolean;
  /** `.python-version` follows the plan (--python). */
  replacePythonFile?: boolean;
  /** uv locks through this machine's PyPI mirror (--lock-with-mirror); unset: the project's setting. */
  lockWithMirror?: boolean;
  /** What uv found when it solved the project's whole dependency graph (set by the solve, not by a flag). */
  solved?: Solved;
}

/** The joint solve's findings the planner takes as facts: the torch and Python uv resolved, with why. */
export interface Solved {
  torch?: { version: string; why: string };
  python?: { version: string; why: string };
  /** Extras and groups read from the project's files that uv could not resolve: left out, with uv's reason. */
  leaveOut?: { kind: 'extra' | 'group'; name: string; why: string }[];
  /**
   * Exact pins of the project's other files that no Python this host's torch runs on has a wheel
   * for: written as a lower bound (`==4.3.0.36` becomes `>=4.3.0.36`), with uv's reason.
   */
  relax?: { name: string; why: string }[];
  /**
   * Packages whose build failed for want of a module its setup.py imports and never declared
   * (pkg_resources, torch, numpy...): what their build gets, with uv's reason.
   */
  builds?: { name: string; requirement: string; why: string }[];
  /**
   * Names read from a conda environment file (assumed to keep their name on PyPI) that PyPI does
   * not have (uv: "was not found in the package registry"): left out, with the reason.
   */
  notOnPypi?: { name: string; why: string }[];
  /**
   * Pairs of the project's extras or groups uv found cannot be installed together: declared
   * alternatives ([tool.uv] conflicts), with uv's reason.
   */
  conflicts?: { sides: { kind: 'extra' | 'group'; name: string }[]; why: string }[];
}

/** How the plan was checked against the project's whole dependency graph (the joint solve with uv). */
export interface SolveReport {
  /** solved: uv locked it; not-solved: no uv or no network (the catalog's plan as it is); failed: uv could not lock it. */
  status: 'solved' | 'not-solved' | 'failed';
  /** "uv 0.13.9", or null without uv. */
  uv: string | null;
  /** The indexes uv resolved against (user info masked). */
  index: string | null;
  /** One sentence: what happened. */
  summary: string;
  /** What bound torch below the newest that runs here, and what bound Python ("capped at 2.6.0 by vllm==0.8.5 (requirements.txt:2)"). */
  torchBound: string | null;
  pythonBound: string | null;
  /** Exact pins of the project's other files written as lower bounds, each with why (no Python here has wheels for them). */
  relaxed?: string[];
  /** uv's own lines when it could not lock. */
  uvSaid: string[];
  /** Each lock tried: what changed and how it ended. */
  attempts: { torch: string; python: string; outcome: string; ms: number }[];
  /** Unreachable hosts (the lock is then left to `danlu up`, or to a run with the network). */
  unreachable: string[];
}

/** One CUDA variant of a team's torch (see plan/team-variants.ts): an extra of its own. */
export interface TorchVariant {
  /** The extra's name in pyproject.toml ("cu128"). */
  extra: string;
  backend: string;
  /** Its PyTorch index. */
  index: string;
  /** The team hosts that install it. */
  hosts: string[];
}

export interface TorchPlan {
  version: string;
  /** "cu128", "cpu". */
  backend: string;
  index: string;
  abi: CxxAbi;
  /** The dependency specifier written to pyproject.toml ("==2.9.*"). */
  specifier: string;
  /** The project's own torch specifier, when it had one (kept unless replaced). */
  projectSpecifier: string | null;
  torchvision: string;
  torchaudio: string | null;
  xformers: string | null;
  /** Compute capabilities the chosen wheels carry as SASS. */
  archs: readonly string[];
  ptx: string | null;
  /**
   * A team no single build fits: one extra per CUDA variant, the committed default first; empty
   * otherwise. `backend`/`index` above are then this machine's variant, `extra` its extra.
   */
  variants: TorchVariant[];
  extra: string | null;
  /** The torch versions with a build that runs on every planned GPU and driver, as a specifier (the host's side of the joint solve). */
  hostFit: string | null;
}

export interface CudaPlan {
  /** Image CUDA version with patch ("12.8.1"); null for a CPU plan. */
  version: string | null;
  /** Full image reference, e.g. "nvidia/cuda:12.8.1-devel-ubuntu24.04". */
  image: string;
  flavour: 'devel' | 'none';
  ubuntu: string;
}

export interface GpuRequest {
  /** Ask Docker for GPUs at all. */
  enabled: boolean;
  /** "all" or a list of device ids. */
  devices: 'all' | string[];
  /** Why it is on or off. */
  reason: string;
}

export interface MirrorPlan {
  preset: 'global' | 'cn' | 'custom';
  /** Per kind: the mirror URL, or null for upstream. */
  urls: Record<MirrorKind, string | null>;
}

/** Where the container's interpreter comes from (see plan/python-source.ts). */
export interface PythonSource {
  /** image: Ubuntu's python3 is the planned version; download: uv fetches a standalone build. */
  from: 'image' | 'download';
  /** The minor version of the image's python3, null when the release is not known. */
  imagePython: string | null;
  /** Where uv downloads from (UV_PYTHON_INSTALL_MIRROR); null when nothing is downloaded. */
  downloadUrl: string | null;
}

export interface Plan {
  /** `dir`: the project's folder on this machine (for the machine-local compose file only). */
  project: { name: string; slug: string; workspace: string; dir: string };
  python: string;
  /** Where the container gets that Python: the image's own, or a download. */
  pythonSource: PythonSource;
  requiresPython: string;
  /** What the torch build runs on; every vendor fact (image, devices, resources) is ACCELERATORS[accelerator]. */
  accelerator: Accelerator;
  /** The container engine of this machine; every engine fact (host alias, GPU request) is ENGINES[engine]. */
  engine: EngineKind;
  cuda: CudaPlan;
  torch: TorchPlan;
  /**
   * The defaults the committed files name (Dockerfile ARGs, compose fallbacks, .env.example):
   * this machine's image and index, or with a team's torch variants the default variant's, so
   * they are the same on every machine.
   */
  committed: { image: string; cudaVersion: string | null; pytorchIndex: string; torchExtra: string | null };
  gpus: GpuFacts[];
  gpu: GpuRequest;
  user: UserFacts & { containerName: string };
  shmSize: string;
  mirrors: MirrorPlan;
  /** The image installs the starship prompt. */
  starship: boolean;
  /**
   * Images of the user's own in .env (a company base image, a local uv image): kept on a re-run.
   * A value in the shape danlu writes (an `nvidia/cuda:<v>-devel-ubuntu<r>` or uv image tag, with or
   * without a mirror's registry) is danlu's and follows the plan.
   */
  userImages?: { base?: string; uv?: string };
  /** The project compiles CUDA code (extensions, source builds). */
  compilesCuda: boolean;
  /** System packages the project needs in its image (from its README, conda-only packages). */
  aptPackages: string[];
  /** What each special package (flash-attn, PyG, apex...) becomes for the chosen torch build. */
  packages: import('./packages.js').PackagePlan[];
  /** The machine the image is built on (MAX_JOBS for source builds). */
  machine: { cpus: number; memoryBytes: number };
  /** CUDA 11.8 multi-GPU: override nvidia-nccl-cu11 with a cu118 build (seed appendix). */
  ncclOverride: boolean;
  timezone: string;
  /** Extra system packages for the image's last layer (.env EXTRA_APT_PACKAGES, the user's own). */
  extraAptPackages: string;
  /**
   * Settings for source builds on this machine (MAX_JOBS from its memory, the GPU architecture
   * lists from its GPUs): the container's environment on this machine, never a committed file.
   */
  buildEnv: Record<string, string>;
  /** uv locks through this machine's PyPI mirror ([tool.danlu] lock-with-mirror). */
  lockWithMirror: boolean;
  /** `.python-version`: kept when it has one, or replaced by the planned Python. */
  pythonFile: 'keep' | 'replace';
  /** Everything pyproject.toml gets. */
  pyproject: PyprojectPlan;
  /** The joint solve with uv; absent when it did not run (dry plan, no uv). */
  solve?: SolveReport;
  warnings: Warning[];
  decisions: Decision[];
  catalog: { name: string; asOf: string };
}
