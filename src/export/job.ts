import { CANONICAL } from '../catalog/mirrors.js';
import { plansNoTorch } from '../plan/pyproject/plan-pyproject.js';
import { DanluError } from '../lib/errors.js';
import { hasUserInfo, stripUserInfo } from '../lib/secrets.js';
import type { Plan, Warning } from '../plan/types.js';
import { proxyEnv, proxySettings } from './proxy.js';
import { GIB, parseSize } from './size.js';

/** Where a job mounts the shared caches; HF_HOME and UV_CACHE_DIR point there. */
export const CACHE_MOUNTS = { huggingface: '/cache/huggingface', uv: '/cache/uv' } as const;

/** The rendezvous port of multi-node jobs (torchrun's default). */
export const RDZV_PORT = 29500;

/** What every target needs to know about the job, whatever the scheduler. */
export interface JobOptions {
  /** Job name; default: the project slug. */
  name?: string;
  /** GPUs per node (0: a CPU job). */
  gpus: number;
  nodes: number;
  /** The runtime image, as the cluster will pull it. */
  image: string;
  /** The command's words (default `uv run --frozen python train.py`). */
  command: readonly string[];
  /** CPUs per node; default 8 per GPU, at least 4. */
  cpus?: number;
  /** Memory per node; default /dev/shm plus 32 GiB per GPU. */
  memory?: string;
  /** The image's user (the build args in .env; else the plan's user). */
  user: { uid: number; gid: number };
  /** uv.lock was made through the PyPI mirror ([tool.danlu] lock-with-mirror). */
  lockWithMirror: boolean;
  /** A proxy for the job, given explicitly; never taken from the shell. */
  proxy?: string;
  noProxy?: string;
}

export interface JobSpec {
  name: string;
  image: string;
  nodes: number;
  gpusPerNode: number;
  /** Processes per node: one per GPU, or one for a CPU job. */
  procsPerNode: number;
  cpus: number;
  memoryBytes: number;
  shmBytes: number;
  user: { uid: number; gid: number };
  workdir: string;
  /** Environment of the job's container, in order. */
  env: [string, string][];
  command: readonly string[];
  torchVersion: string;
  /** The environment has torch (a project that does not use it has no torchrun). */
  torch: boolean;
  /** What the plan's torch runs on: the devices a node gives the job. */
  accelerator: Plan['accelerator'];
  project: string;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function count(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DanluError(`${what} ${value}: expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * A mirror in .env may carry a user and a token (https://user:token@mirror/simple): .env stays on
 * the machine, a manifest or a job script is shared and committed. The URLs keep their host, the
 * credentials are dropped with a warning, as for --proxy.
 */
function leaveOutMirrorCredentials(env: [string, string][], warnings: Warning[]): void {
  const dropped: string[] = [];
  for (const entry of env) {
    if (!hasUserInfo(entry[1])) continue;
    entry[1] = stripUserInfo(entry[1]);
    dropped.push(`${entry[0]} ${entry[1]}`);
  }
  if (dropped.length === 0) return;
  warnings.push({
    id: 'mirror-credentials-dropped',
    message: `the mirrors' user names and passwords were left out (${dropped.join(', ')}): credentials never go into a manifest or job script`,
    fix: 'pass the credentials at run time: on Kubernetes from a Secret (env valueFrom.secretKeyRef), on Slurm from the environment you submit in',
  });
}

/** The job, from the plan (project, shm, mirrors, torch) and the options; pure. */
export function jobSpec(plan: Plan, o: JobOptions, warnings: Warning[]): JobSpec {
  const name = o.name ?? plan.project.slug;
  if (!NAME.test(name) || name.length > 50) {
    throw new DanluError(`job name ${JSON.stringify(name)}: expected lower-case letters, digits and dashes, at most 50 characters`, {
      hint: 'pass --name NAME',
    });
  }
  const gpus = count(o.gpus, '--gpus', 0, 64);
  const nodes = count(o.nodes, '--nodes', 1, 4096);
  const shmBytes = parseSize(plan.shmSize, 'shm size');
  const cpus = o.cpus === undefined ? Math.max(4, 8 * gpus) : count(o.cpus, '--cpus', 1, 4096);
  const memoryBytes = o.memory === undefined ? shmBytes + Math.max(1, gpus) * 32 * GIB : parseSize(o.memory, '--memory');
  if (memoryBytes <= shmBytes) {
    warnings.push({
      id: 'memory-below-shm',
      message: `memory per node (${o.memory}) is not above /dev/shm (${plan.shmSize}): shared memory counts against the job's memory`,
      fix: 'raise --memory or lower --shm',
    });
  }
  if (gpus > 0 && plan.torch.backend === 'cpu' && !plansNoTorch(plan.decisions)) {
    warnings.push({
      id: 'cpu-torch-on-gpus',
      message: 'the plan installs the CPU build of torch: the job gets GPUs it cannot use',
      fix: 'plan for a CUDA machine first (`danlu init --host server.json`, or --backend cu128), rebuild the runtime image',
    });
  }
  if (o.user.uid === 0) {
    warnings.push({
      id: 'job-runs-as-root',
      message: 'the image user is root (UID 0): many clusters refuse containers that run as root',
      fix: 'run `danlu init` as your own user (or with --host from a non-root account) and rebuild the runtime image',
    });
  }

  const m = plan.mirrors.urls;
  const env: [string, string][] = [
    ['PYTHONUNBUFFERED', '1'],
    ['HF_HOME', CACHE_MOUNTS.huggingface],
    ['UV_CACHE_DIR', CACHE_MOUNTS.uv],
    ['HF_ENDPOINT', m.huggingface ?? CANONICAL.huggingface],
    ['HF_HUB_DISABLE_XET', m.huggingface ? '1' : '0'],
    ['UV_DEFAULT_INDEX', o.lockWithMirror && m.pypi ? m.pypi : CANONICAL.pypi],
  ];
  if (m.pypi) env.push(['PYPI_MIRROR', m.pypi]);
  leaveOutMirrorCredentials(env, warnings);
  if (o.proxy) env.push(...proxyEnv(proxySettings(o.proxy, o.noProxy ?? 'localhost,127.0.0.1', warnings)));
  else if (o.noProxy) throw new DanluError('--no-proxy needs --proxy');

  return {
    name,
    image: o.image,
    nodes,
    gpusPerNode: gpus,
    procsPerNode: Math.max(1, gpus),
    cpus,
    memoryBytes,
    shmBytes,
    user: o.user,
    workdir: plan.project.workspace,
    env,
    command: o.command,
    torchVersion: plan.torch.version,
    torch: !plansNoTorch(plan.decisions),
    accelerator: plan.accelerator,
    project: plan.project.name,
  };
}

/** "2 nodes x 8 GPUs", "1 GPU", "CPU only". */
export function describeShape(spec: Pick<JobSpec, 'nodes' | 'gpusPerNode'>): string {
  const per = spec.gpusPerNode === 0 ? 'no GPU' : `${spec.gpusPerNode} GPU${spec.gpusPerNode > 1 ? 's' : ''}`;
  return spec.nodes > 1 ? `${spec.nodes} nodes x ${per}` : per;
}
