import type { Catalog } from '../catalog/index.js';
import type { Plan } from '../plan/types.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';

/**
 * Doctor: facts gathered from the machine and the project, then a list of pure rules
 * `(facts) => Finding[]`. A rule never throws and never does I/O; a probe never judges.
 */

export type Severity = 'ok' | 'info' | 'warn' | 'error';
export type Layer = 'host' | 'docker' | 'gpu' | 'network' | 'project' | 'container';

export const LAYERS: readonly Layer[] = ['host', 'docker', 'gpu', 'network', 'project', 'container'];
export const SEVERITIES: readonly Severity[] = ['ok', 'info', 'warn', 'error'];

/** What `--fix` may do by itself: local, reversible, inside the user's own folders. */
export type FixAction =
  /** Create each folder (and missing parents up to `home`) and give it, recursively, to uid:gid. */
  | { kind: 'own-dirs'; home: string; paths: string[]; uid: number; gid: number }
  /** Set KEY=value in a .env file (the other lines stay as they are). */
  | { kind: 'env-set'; file: string; key: string; value: string };

export interface Fix {
  /** A command to copy and run; doctor never runs it unless `safe` and `action` say so. */
  command?: string;
  description: string;
  /** `--fix` applies it (after confirmation); false: print only. */
  safe: boolean;
  /** The data `--fix` needs; present exactly when `safe`. */
  action?: FixAction;
}

export interface Finding {
  /** Stable id, e.g. "docker-daemon", "cache-dir-owner". */
  id: string;
  layer: Layer;
  severity: Severity;
  /** One line. */
  title: string;
  /** What was seen, quoting the error text users meet; may be empty. */
  detail: string;
  fix?: Fix;
}

export type Rule = (facts: DoctorFacts) => Finding[];

export interface ProxyValues {
  http: string | null;
  https: string | null;
  noProxy: string | null;
}

export interface ProxyLayer {
  /** "shell", "apt", "docker daemon", "docker client", "build args". */
  layer: string;
  /** The files or variables the values came from. */
  source: string;
  values: ProxyValues;
  /** The shell layer: the variable each value came from (a fix command reads it rather than print a password). */
  vars?: { http?: string | undefined; https?: string | undefined };
}

export interface ProxyFacts {
  shell: ProxyLayer;
  apt: ProxyLayer;
  /** systemd drop-ins, daemon.json, or `docker info` (the daemon's own view, when it answers). */
  daemon: ProxyLayer;
  /** What the daemon's configuration files say; differs from `daemon` until docker is restarted. */
  daemonFiles: ProxyLayer;
  client: ProxyLayer;
  /** What compose passes as build args: the shell's values, else .env's. */
  build: ProxyLayer;
}

export interface CacheDir {
  /** Relative to the cache home: ".cache/huggingface". */
  rel: string;
  path: string;
  exists: boolean;
  isDir: boolean;
  uid: number | null;
  gid: number | null;
}

export interface CacheFacts {
  home: string;
  /** Where the home came from: "HOST_HOME (shell)", "HOST_HOME (.env)", "user home". */
  homeSource: string;
  homeExists: boolean;
  /** Mounted cache folders and the folders between them and home. */
  dirs: CacheDir[];
}

export interface DiskFacts {
  path: string;
  freeBytes: number;
  totalBytes: number;
}

export interface DaemonExtra {
  rootDir: string | null;
  cgroupDriver: string | null;
  operatingSystem: string | null;
  proxy: ProxyValues;
  registryMirrors: string[];
}

export interface ImagePresence {
  ref: string;
  /** null: could not be asked (daemon down). */
  present: boolean | null;
}

export interface ProjectFileFacts {
  envPath: string;
  envText: string | null;
  env: Record<string, string> | null;
  envError: string | null;
  pyprojectText: string | null;
  pyproject: Record<string, unknown> | null;
  pyprojectError: string | null;
  pythonVersion: string | null;
  uvLock: { exists: boolean; mtimeMs: number | null; pyprojectMtimeMs: number | null };
  /** `.venv/pyvenv.cfg` `home =` and whether that folder exists here. */
  venv: { home: string | null; homeExists: boolean } | null;
  /** Mirror hosts found in files meant to be committed. */
  mirrorHits: { file: string; line: number; url: string }[];
  /** The machine's compose file (.devcontainer/docker-compose.extend.yml) asks Docker for GPUs. */
  extendRequestsGpus: boolean;
}

export interface ContainerFacts {
  /** The dev container is running (found by its compose labels). */
  running: boolean;
  id: string | null;
  /** Why the check could not run (daemon down, timed out). */
  error: string | null;
  shmBytes: number | null;
  gpu: { ok: boolean; output: string } | null;
  torch: {
    version: string | null;
    cuda: string | null;
    available: boolean | null;
    error: string | null;
    /**
     * Compiled CUDA extensions installed in the environment (flash_attn, mamba_ssm...) and what
     * importing each gave: null when it imported, else the error's last line.
     */
    extensions?: Record<string, string | null>;
  } | null;
}

export interface GpuProbeFacts {
  image: string | null;
  ok: boolean;
  output: string;
  timedOut: boolean;
}

export interface DoctorFacts {
  dir: string;
  /** The knowledge the rules judge with: the newer of the embedded and the user catalog. */
  catalog: Catalog;
  /** Today, as YYYY-MM-DD (the clock of the doctor run). */
  today: string;
  host: HostFacts;
  /** Effective uid of this process: 0 under sudo, even when host.user is the invoker. */
  processUid: number;
  env: NodeJS.ProcessEnv;
  deep: boolean;
  /** Installed NVIDIA driver packages (dpkg); null when dpkg is not there. */
  driverPackages: string[] | null;
  daemon: DaemonExtra | null;
  proxy: ProxyFacts;
  files: ProjectFileFacts;
  project: (ProjectFacts & { lockWithMirror: boolean | null }) | null;
  projectError: string | null;
  plan: Plan | null;
  planError: string | null;
  caches: CacheFacts;
  disk: DiskFacts | null;
  images: ImagePresence[];
  container: ContainerFacts | null;
  gpuProbe: GpuProbeFacts | null;
}

export interface DoctorReport {
  findings: Finding[];
  summary: Record<Severity, number>;
}
