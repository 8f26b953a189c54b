import { compareDotted } from '../../lib/version.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');
const INSTALL = 'sudo apt-get install -y docker-compose-plugin';

/** Compose v2 (plugin), or v1 new enough for GPU reservations (1.28+). */
export const dockerCompose: Rule = ({ host, env }): Finding[] => {
  const d = host.docker;
  if (!d) return [];
  if (d.compose.v2) return [f.ok('docker-compose', `Compose v2 ${d.compose.v2}`)];
  const v1 = d.compose.v1;
  if (v1 && compareDotted(v1, '1.28.0') < 0) {
    return [
      f.error(
        'docker-compose',
        `docker-compose ${v1} is too old for GPU reservations`,
        '`deploy.resources.reservations.devices` needs docker-compose 1.28 or Compose v2.',
        manual('install the Compose v2 plugin', INSTALL),
      ),
    ];
  }
  if (v1) {
    // danlu turns BuildKit on for its own builds; VS Code's Dev Containers runs docker-compose
    // itself, with the classic builder unless these are in its environment.
    const buildkit = env.DOCKER_BUILDKIT === '1' && env.COMPOSE_DOCKER_CLI_BUILD === '1';
    if (!buildkit) {
      return [
        f.warn(
          'docker-compose',
          `only docker-compose v1 (${v1}), without BuildKit for VS Code`,
          '`danlu up` works; VS Code (Dev Containers) runs docker-compose v1 with the classic builder and fails on the Dockerfile\'s cache mounts: "the --mount option requires BuildKit".',
          manual(
            'install the Compose v2 plugin, or export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 in the profile VS Code starts from (~/.profile)',
            INSTALL,
          ),
        ),
      ];
    }
    return [
      f.warn(
        'docker-compose',
        `only docker-compose v1 (${v1}); v1 is end of life`,
        "It works with danlu's files (BuildKit is on for VS Code too); `docker compose` (v2) is what Docker supports.",
        manual('install the Compose v2 plugin', INSTALL),
      ),
    ];
  }
  return [
    f.error(
      'docker-compose',
      'Docker Compose is missing',
      '`docker compose version` failed: "docker: \'compose\' is not a docker command."',
      manual('install the Compose v2 plugin', INSTALL),
    ),
  ];
};
