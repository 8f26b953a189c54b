import { compareDotted } from '../../lib/version.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('docker');

/** `--gpus` needs Engine 19.03; CDI devices in compose need 25+; older engines are end of life. */
export const dockerVersion: Rule = ({ host }): Finding[] => {
  const v = host.docker?.daemon.ok ? host.docker.daemon.version : null;
  if (!v) return [];
  const plain = v.replace(/[^0-9.].*$/, '');
  if (compareDotted(plain, '19.03') < 0) {
    return [
      f.error(
        'docker-version',
        `Docker Engine ${v} is too old for GPUs`,
        '`docker run --gpus` needs Docker 19.03 or newer: "unknown flag: --gpus".',
        manual('upgrade Docker Engine', 'curl -fsSL https://get.docker.com | sudo sh'),
      ),
    ];
  }
  if (compareDotted(plain, '23.0') < 0) {
    return [
      f.info(
        'docker-version',
        `Docker Engine ${v} is past end of life`,
        'GPUs work; newer engines add CDI and daemon.json proxies.',
        manual('upgrade Docker Engine when convenient'),
      ),
    ];
  }
  return [f.ok('docker-version', `Docker Engine ${v} supports --gpus and CDI`)];
};
