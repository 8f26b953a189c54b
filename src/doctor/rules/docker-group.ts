import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** The user can talk to the daemon without sudo (pain point 23: "permission denied … docker.sock"). */
export const dockerGroup: Rule = ({ host, processUid }): Finding[] => {
  const d = host.docker;
  if (!d || d.desktop || d.rootless || (host.os.kind !== 'linux' && host.os.kind !== 'wsl2')) return [];
  const name = host.user.name;
  if (host.user.uid === 0 && processUid === 0) return [f.ok('docker-group', 'running as root: no docker group needed')];
  if (d.inDockerGroup === null) return [];
  if (d.inDockerGroup) return [f.ok('docker-group', `${name} is in the docker group`)];
  return [
    f.warn(
      'docker-group',
      `${name} is not in the docker group: docker needs sudo`,
      'Without sudo: "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock".',
      manual('add the user to the group, then log out and in (or `newgrp docker`)', `sudo usermod -aG docker ${name}`),
    ),
  ];
};
