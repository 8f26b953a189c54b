import type { DockerFacts } from '../../probe/types.js';
import type { Finding } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** What the buildx rule reads: the docker CLI on PATH (the one Compose v1 builds with), its buildx, the compose versions. */
export type BuildxFacts = { host: { docker: Pick<DockerFacts, 'client' | 'compose' | 'buildx'> | null } };

/**
 * The image builds: Compose v1 (danlu turns BuildKit on) hands the build to the `docker` CLI on
 * PATH, and a docker CLI of 23 or newer builds with BuildKit only through its buildx plugin:
 * without it, `danlu up` stops at once ("BuildKit is enabled but the buildx component is missing
 * or broken"). Compose v2 builds by itself; a docker CLI before 23 has BuildKit built in.
 * doctor shows this rule and `up` runs it before it builds.
 */
export const dockerBuildx = ({ host }: BuildxFacts): Finding[] => {
  const d = host.docker;
  if (!d || d.buildx === undefined || d.compose.v2 || !d.compose.v1) return [];
  if (d.buildx) return [f.ok('docker-buildx', `buildx ${d.buildx} (Compose v1 builds with BuildKit)`)];
  const major = Number(/^(\d+)\./.exec(d.client ?? '')?.[1] ?? NaN);
  if (!(major >= 23)) return [f.ok('docker-buildx', `docker ${d.client ?? '?'} builds with its own BuildKit (no buildx needed)`)];
  return [
    f.error(
      'docker-buildx',
      `the docker CLI on PATH (${d.client}) has no buildx plugin, which Compose v1's BuildKit builds need`,
      '`danlu up` and VS Code stop building the image with "BuildKit is enabled but the buildx component is missing or broken"; Compose v1 runs the first `docker` on PATH, whatever DANLU_DOCKER says.',
      manual(
        'install the buildx plugin (Docker CE: docker-buildx-plugin; Debian/Ubuntu: docker-buildx), or the Compose v2 plugin, or put a docker that has buildx first on PATH',
        'sudo apt-get install -y docker-buildx-plugin',
      ),
    ),
  ];
};
