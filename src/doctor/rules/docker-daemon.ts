import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** The daemon answers; "not reachable", "permission denied" and "timed out" each get their own fix. */
export const dockerDaemon: Rule = ({ host, env }): Finding[] => {
  const d = host.docker;
  if (!d) return [];
  if (d.daemon.ok) return [f.ok('docker-daemon', `Docker daemon reachable${d.daemon.version ? ` (Engine ${d.daemon.version})` : ''}`)];
  const reason = d.daemon.reason ?? 'not reachable';
  const where = env.DOCKER_HOST ? ` (DOCKER_HOST=${env.DOCKER_HOST})` : '';
  if (reason.startsWith('permission denied')) {
    return [
      f.error(
        'docker-daemon',
        `permission denied on the Docker socket${where}`,
        reason,
        manual(`add ${host.user.name} to the docker group, then log out and in (or run \`newgrp docker\`)`, `sudo usermod -aG docker ${host.user.name}`),
      ),
    ];
  }
  if (reason.startsWith('timed out')) {
    return [
      f.error(
        'docker-daemon',
        `Docker daemon not answering${where}`,
        reason,
        manual("look at the daemon's log and restart it", 'sudo journalctl -u docker -n 50 && sudo systemctl restart docker'),
      ),
    ];
  }
  const fix = d.desktop
    ? manual('start Docker Desktop')
    : d.rootless || /\/run\/user\/\d+\//.test(env.DOCKER_HOST ?? '')
      ? manual('start the rootless daemon', 'systemctl --user start docker')
      : host.os.kind === 'wsl2'
        ? manual('start Docker Engine in this distro, or start Docker Desktop if you use its WSL integration', 'sudo service docker start')
        : manual(
            env.DOCKER_HOST ? `start the daemon, or unset DOCKER_HOST if ${env.DOCKER_HOST} is stale` : 'start the daemon (and enable it at boot)',
            'sudo systemctl enable --now docker',
          );
  return [f.error('docker-daemon', `Docker daemon not reachable${where}`, reason, fix)];
};
