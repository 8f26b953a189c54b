import { EXTEND_FILE } from '../../render/compose.js';
import type { DockerFacts, OsKind } from '../../probe/types.js';
import type { Finding, ProjectFileFacts } from '../types.js';
import { findings } from './finding.js';
import { engineGpus } from '../../probe/gpu-access.js';
import { toolkitFix } from './toolkit-fix.js';

const f = findings('gpu');

/** What the rule reads: `danlu up` gathers just this. */
export interface GpuRequestFacts {
  files: Pick<ProjectFileFacts, 'extendRequestsGpus'>;
  host: {
    docker: (Pick<DockerFacts, 'nvidiaRuntime' | 'cdi' | 'desktop' | 'rootless' | 'nvidiaCtk'> & { daemon: { ok: boolean } }) | null;
    os?: { kind: OsKind };
  };
}

/** The machine's compose file asks for GPUs that Docker cannot give: compose would fail at start. */
export const gpuRequest = ({ files, host }: GpuRequestFacts): Finding[] => {
  const d = host.docker;
  if (!files.extendRequestsGpus || !d?.daemon.ok || engineGpus(d, host.os?.kind) !== 'none') return [];
  return [
    f.error(
      'gpu-request',
      `${EXTEND_FILE} requests GPUs, but Docker has no NVIDIA runtime`,
      'The container would fail to start with `could not select device driver "nvidia" with capabilities: [[gpu]]`; `danlu init --gpus none` writes a machine file that starts without GPUs.',
      toolkitFix(d),
    ),
  ];
};
