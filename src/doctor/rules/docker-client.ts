import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** The `docker` command exists (absence is separate from a daemon that does not answer). */
export const dockerClient: Rule = ({ host }): Finding[] => {
  const d = host.docker;
  if (d?.client) return [f.ok('docker-client', `Docker client ${d.client}`)];
  if (d) return [f.ok('docker-client', 'Docker client present')];
  return [
    f.error(
      'docker-client',
      'Docker is not installed (`docker` not found on PATH)',
      "danlu's environment runs in Docker; the GPU checks above do not need it.",
      host.os.kind === 'wsl2'
        ? manual("install Docker Engine inside this distro (or turn on Docker Desktop's WSL integration)", 'curl -fsSL https://get.docker.com | sudo sh')
        : manual('install Docker Engine from docker.com (not the snap)', 'curl -fsSL https://get.docker.com | sudo sh'),
    ),
  ];
};
