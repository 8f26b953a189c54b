import type { DockerFacts, GpuFacts, HostFacts, OsKind } from '../../probe/types.js';
import type { ProjectFacts } from '../../project/types.js';

/** A Docker Engine 28 that answers, with compose v2 and without any way to hand containers GPUs; `over` adds one. */
export function dockerFacts(over: Partial<DockerFacts> = {}): DockerFacts {
  return {
    client: '28.2.2',
    daemon: { ok: true, version: '28.2.2', reason: null },
    compose: { v2: '2.39.1', v1: null },
    nvidiaRuntime: false,
    cdi: false,
    rootless: false,
    desktop: false,
    snap: false,
    inDockerGroup: true,
    nvidiaCtk: null,
    ...over,
  };
}

/** Builders for planner tests: a host profile and a project, with everything else defaulted. */
export function hostProfile(opts: {
  gpus?: (string | (Partial<GpuFacts> & { name: string }))[];
  driver?: string;
  cuda?: string | null;
  os?: OsKind;
  memoryGiB?: number;
  uid?: number;
  docker?: HostFacts['docker'];
}): HostFacts {
  const gpus = (opts.gpus ?? []).map((g, index) =>
    typeof g === 'string' ? { index, name: g, computeCapability: null, memoryMiB: 24576 } : { index, computeCapability: null, memoryMiB: 24576, ...g },
  );
  return {
    os: { kind: opts.os ?? 'linux', distro: opts.os === 'macos' ? null : 'ubuntu', release: '22.04', arch: 'x64', kernel: '6.8.0' },
    user: { name: 'alice', uid: opts.uid ?? 1000, gid: opts.uid ?? 1000, home: '/home/alice' },
    cpus: 16,
    memoryBytes: (opts.memoryGiB ?? 64) * 1024 ** 3,
    nvidia: opts.driver ? { driverVersion: opts.driver, cudaVersion: opts.cuda ?? null, gpus, source: 'nvidia-smi' } : null,
    docker: opts.docker ?? null,
    wsl: opts.os === 'wsl2' ? { dxg: true, libDir: true, networkingMode: 'nat' } : null,
    timezone: 'Asia/Shanghai',
    source: 'file',
    notes: [],
  };
}

export function projectFacts(over: Partial<ProjectFacts> = {}): ProjectFacts {
  return {
    dir: '/work/demo',
    name: 'demo',
    slug: 'demo',
    pyprojectText: null,
    requiresPython: null,
    pythonVersion: null,
    requirements: [],
    torchPin: null,
    backendPin: null,
    env: {},
    compilesCuda: { value: false, why: 'no CUDA sources' },
    needs: { torchaudio: false, xformers: false },
    ...over,
  };
}
