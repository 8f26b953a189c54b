import type { DockerFacts, GpuFacts, HostFacts, OsKind } from '../probe/types.js';
import { DanluError } from '../lib/errors.js';
import { validShm } from '../lib/size.js';
import type { Decision, GpuRequest, PlanStep, Warning } from './types.js';
import { engineGpus } from '../probe/gpu-access.js';

const GiB = 1024 ** 3;

/**
 * Docker's default /dev/shm is 64 MB, which kills DataLoader workers (pain point 5).
 * tmpfs only uses memory that is written, so half the RAM is a safe ceiling; capped at 64g.
 */
export function shmFor(memoryBytes: number): string {
  if (!memoryBytes || memoryBytes <= 0) return '8g';
  const half = Math.floor(memoryBytes / 2 / GiB);
  return `${Math.min(Math.max(half, 1), 64)}g`;
}

/** The size reader init and export share (lib/size.ts): a number and b, k, m or g, above zero, not absurd. */
export { validShm };

export interface GpuSelection {
  request: GpuRequest;
  /** The GPUs the container gets (what the plan must fit). */
  selected: GpuFacts[];
  decisions: Decision[];
  warnings: Warning[];
}

export function selectGpus(gpus: GpuFacts[], flag: string | undefined, docker: DockerFacts | null, os?: OsKind): GpuSelection {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  // Like `docker run --gpus`: "all", "none", a count ("2"), or ids ("device=0,1" or "0,1").
  const spec = (flag ?? 'all').trim().toLowerCase();
  let selected = gpus;
  let devices: 'all' | string[] = 'all';
  if (spec === 'none') {
    selected = [];
  } else if (/^\d+$/.test(spec)) {
    const count = Number(spec);
    if (gpus.length > 0 && count > gpus.length) {
      throw new DanluError(`--gpus ${spec}: this host has ${gpus.length} GPU${gpus.length === 1 ? '' : 's'}`);
    }
    selected = gpus.slice(0, count);
    if (count < gpus.length) devices = selected.map((g) => String(g.index));
  } else if (/^(device=)?\d+(,\d+)*$/.test(spec)) {
    const ids = spec.replace(/^device=/, '').split(',');
    const unknown = gpus.length > 0 ? ids.filter((id) => !gpus.some((g) => String(g.index) === id)) : [];
    if (unknown.length > 0) throw new DanluError(`--gpus ${flag}: no GPU with index ${unknown.join(', ')} on this host`);
    selected = gpus.filter((g) => ids.includes(String(g.index)));
    devices = ids;
  } else if (spec !== 'all') {
    throw new DanluError(`--gpus ${flag}: expected all, none, a count, or device ids such as 0,1`);
  }

  if (gpus.length === 0) {
    return {
      request: { enabled: false, devices: 'all', reason: 'no NVIDIA GPU on this host' },
      selected: [],
      decisions: [{ what: 'GPU request', choice: 'none', why: 'no NVIDIA GPU on this host', source: 'host probe' }],
      warnings,
    };
  }
  if (selected.length === 0) {
    return {
      request: { enabled: false, devices: 'all', reason: '--gpus none' },
      selected,
      decisions: [{ what: 'GPU request', choice: 'none', why: '--gpus none', source: 'flag' }],
      warnings,
    };
  }
  // The engine's answer doctor and `up` give too (Docker Desktop passes GPUs without a runtime).
  const runtimeMissing = docker?.daemon.ok && engineGpus(docker, os) === 'none';
  if (runtimeMissing) {
    warnings.push({
      id: 'nvidia-runtime-missing',
      message: 'Docker has no NVIDIA runtime or CDI spec: the container starts without GPUs',
      fix: 'install the NVIDIA Container Toolkit, run `sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker`, then `danlu init` again',
    });
    decisions.push({
      what: 'GPU request',
      choice: 'left out',
      why: 'Docker cannot hand GPUs to containers yet (no NVIDIA runtime); the request lives in the machine-local compose file',
      source: 'host probe: docker info',
    });
    return { request: { enabled: false, devices, reason: 'no NVIDIA runtime in Docker' }, selected, decisions, warnings };
  }
  decisions.push({
    what: 'GPU request',
    choice: devices === 'all' ? 'all GPUs' : `GPUs ${devices.join(',')}`,
    why: `${selected.length} NVIDIA GPU${selected.length === 1 ? '' : 's'}: ${[...new Set(selected.map((g) => g.name))].join(', ')}`,
    source: docker ? 'host probe' : 'host description',
  });
  return { request: { enabled: true, devices, reason: 'NVIDIA GPU present' }, selected, decisions, warnings };
}

/** A Linux user name the image can create: the host's when valid, else a safe stand-in. */
export function containerUserName(name: string): string {
  const lower = name.toLowerCase();
  if (/^[a-z_][a-z0-9_-]{0,30}$/.test(lower) && lower !== 'root') return lower;
  const cleaned = lower
    .normalize('NFKD')
    .replace(/[^a-z0-9_-]+/g, '')
    .replace(/^[^a-z_]+/, '');
  return cleaned && cleaned !== 'root' ? cleaned.slice(0, 31) : 'dev';
}

/** /dev/shm for the container: --shm, else .env's (when docker can read it), else half the RAM. */
export function planShm(flag: string | undefined, fromEnv: string | undefined, memoryBytes: number): PlanStep<string> {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  let shmSize = flag ?? fromEnv ?? shmFor(memoryBytes);
  let shmReplaced = false;
  if (!validShm(shmSize)) {
    if (flag) throw new DanluError(`--shm ${flag}: expected a size such as 16g`);
    shmSize = shmFor(memoryBytes);
    shmReplaced = true;
    warnings.push({
      id: 'env-shm-invalid',
      message: `.env SHM_SIZE=${fromEnv} is not a size docker understands; replaced by ${shmSize}`,
      fix: 'write a size such as 16g or 64g in .env (or pass --shm)',
    });
  }
  decisions.push({
    what: 'shm_size',
    choice: shmSize,
    why: flag
      ? '--shm'
      : fromEnv && !shmReplaced
        ? 'kept from .env'
        : `half of ${(memoryBytes / 1024 ** 3).toFixed(0)} GiB RAM (max 64g): DataLoader workers pass batches through /dev/shm`,
    source: 'rule: shm from host memory',
  });

  return { value: shmSize, decisions, warnings };
}

/** The container user: the host user's UID/GID, with a name useradd accepts (root stays root). */
export function planContainerUser(flag: string | undefined, host: Pick<HostFacts, 'user' | 'source'>): PlanStep<{ name: string; containerName: string }> {
  const decisions: Decision[] = [];
  const userName = flag ?? host.user.name;
  // Root on the host (common on shared servers and in CI) stays root in the container.
  const containerName = host.user.uid === 0 ? 'root' : containerUserName(userName);
  decisions.push({
    what: 'container user',
    choice: `${containerName} (${host.user.uid}:${host.user.gid})`,
    why:
      containerName === userName
        ? 'same name and UID/GID as the host user, so files in mounted folders stay yours'
        : `UID/GID of host user ${JSON.stringify(userName)}; the name is made valid for useradd`,
    source: host.source === 'file' ? 'host description' : 'host probe',
  });

  return { value: { name: userName, containerName }, decisions, warnings: [] };
}
