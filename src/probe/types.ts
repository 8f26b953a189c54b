import type { EngineKind } from '../catalog/engine.js';
import type { GpuClass } from '../catalog/gpus.js';

/**
 * HostFacts: everything danlu knows about a machine. Probes fill it; a `--host FILE`
 * can describe another machine in the same shape (`danlu host --json` prints it).
 * Absence is data: a missing tool is `null` or `{ ok: false, reason }`, never an exception.
 */

export type OsKind = 'linux' | 'wsl2' | 'macos' | 'windows' | 'other';

export interface OsFacts {
  kind: OsKind;
  /** os-release ID, e.g. "ubuntu", "debian"; null when unknown (macOS, Windows). */
  distro: string | null;
  /** os-release VERSION_ID, e.g. "22.04". */
  release: string | null;
  /** CPU architecture as Node names it: "x64", "arm64". */
  arch: string;
  kernel: string | null;
}

export interface UserFacts {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** How NVIDIA's forward-compatibility rules treat a GPU. */
export type { GpuClass };

export interface GpuFacts {
  index: number;
  name: string;
  /** "8.9", "9.0", "12.0"; null when neither nvidia-smi nor the catalog knows it. */
  computeCapability: string | null;
  memoryMiB: number | null;
  /** Filled from the catalog when not given. */
  class?: GpuClass;
  /** `nvidia-smi -q` "Product Brand" when known (e.g. "NVIDIA", "GeForce"). */
  brand?: string | null;
  uuid?: string | null;
}

export interface NvidiaFacts {
  /** e.g. "580.159.04". */
  driverVersion: string;
  /** The highest CUDA version the driver supports, as nvidia-smi prints it ("13.0"). */
  cudaVersion: string | null;
  gpus: GpuFacts[];
  /** Where the driver version came from. */
  source?: 'nvidia-smi' | 'proc' | 'sys' | 'file';
}

export interface DockerDaemonFacts {
  ok: boolean;
  version: string | null;
  /** Why the daemon could not be used: "not reachable", "permission denied", "timed out"... */
  reason: string | null;
}

export interface DockerFacts {
  /** The engine that answered (absent in a --host file recorded before danlu named it: docker). */
  engine?: EngineKind;
  /** Client version, or null when the `docker` command is missing. */
  client: string | null;
  daemon: DockerDaemonFacts;
  compose: { v2: string | null; v1: string | null };
  /** `nvidia` listed in `docker info` runtimes. */
  nvidiaRuntime: boolean;
  /** CDI spec for NVIDIA GPUs present (/etc/cdi or /var/run/cdi). */
  cdi: boolean;
  rootless: boolean;
  /** Docker Desktop (a VM) rather than Docker Engine. */
  desktop: boolean;
  /** Docker installed from snap. */
  snap: boolean;
  /** The invoking user is in the `docker` group. */
  inDockerGroup: boolean | null;
  /** `nvidia-ctk --version`, null when absent. */
  nvidiaCtk: string | null;
  /** `docker buildx version` of the docker on PATH; null when it has none; undefined when not asked. */
  buildx?: string | null;
}

export interface WslFacts {
  /** /dev/dxg: the Windows GPU paravirtualization device. */
  dxg: boolean;
  /** /usr/lib/wsl/lib holds the Windows driver's libcuda. */
  libDir: boolean;
  /** `wslinfo --networking-mode` or .wslconfig: "nat" | "mirrored" | null. */
  networkingMode: string | null;
}

export interface ProbeNote {
  /** What was looked for ("nvidia-smi", "docker daemon"...). */
  what: string;
  /** What happened, in words. */
  message: string;
}

/**
 * One partition of a Slurm cluster as `sinfo` sees its nodes: the fewest CPUs and MiB any of them
 * has (a job that fits these fits every node the scheduler may pick), and the most GPUs one has
 * (a mixed partition still takes GPU jobs). A node without RealMemory reports 1 MiB: unknown.
 */
export interface SlurmPartition {
  name: string;
  /** The partition a job without --partition goes to (`*` in sinfo). */
  default: boolean;
  nodes: number;
  cpus: number;
  memoryMiB: number;
  gpus: number;
  /** GPU type names in the nodes' generic resources (gpu:a100:4 -> a100), when they name one. */
  gpuTypes: string[];
  /** As sinfo prints it: 1-00:00:00, infinite; null when not given. */
  timeLimit: string | null;
}

/** What a login node of a Slurm cluster says about it (`sinfo`). */
export interface SlurmFacts {
  /** `sinfo --version`: 22.05.8. */
  version: string | null;
  partitions: SlurmPartition[];
}

export interface HostFacts {
  os: OsFacts;
  user: UserFacts;
  cpus: number;
  memoryBytes: number;
  nvidia: NvidiaFacts | null;
  /** null when not probed (a host file that does not describe Docker). */
  docker: DockerFacts | null;
  wsl: WslFacts | null;
  /** A Slurm cluster's partitions when this machine is a login node (`danlu host`); absent when not asked. */
  slurm?: SlurmFacts | null;
  /** Local timezone name (e.g. "Asia/Shanghai"); null when unknown. */
  timezone: string | null;
  /** Where these facts came from. */
  source: 'probe' | 'file';
  /** Things that were missing or failed while probing, for the human report. */
  notes: ProbeNote[];
}
