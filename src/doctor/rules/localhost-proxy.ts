import { isLoopback, proxyHost } from '../probes/proxy-parse.js';
import { ENGINES } from '../../catalog/engine.js';
import { engineOf } from '../../probe/docker.js';
import type { Finding, ProxyLayer, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('network');

const loopbackUrl = (l: ProxyLayer): string | null => {
  for (const url of [l.values.https, l.values.http]) if (url && isLoopback(proxyHost(url))) return url;
  return null;
};

/**
 * A proxy on 127.0.0.1 only works where 127.0.0.1 is the proxy's machine: not inside
 * containers, and not in WSL2's NAT mode when the proxy runs on Windows (pain point 20).
 */
export const localhostProxy: Rule = ({ host, proxy }): Finding[] => {
  const out: Finding[] = [];
  const shellUrl = loopbackUrl(proxy.shell);
  const nat = host.os.kind === 'wsl2' && (host.wsl?.networkingMode ?? 'nat') === 'nat';
  if (nat && shellUrl) {
    out.push(
      f.error(
        'wsl-localhost-proxy',
        `proxy ${shellUrl} is WSL itself, not Windows (WSL2 NAT mode)`,
        'WSL warns: "wsl: A localhost proxy configuration was detected but not mirrored into WSL. WSL in NAT mode does not support localhost proxies."',
        manual(
          'set networkingMode=mirrored under [wsl2] in %UserProfile%\\.wslconfig and run `wsl --shutdown`, or point the proxy at the Windows host (allow LAN connections in the proxy app)',
          "ip route show default | awk '{print $3}'",
        ),
      ),
    );
  }
  const inContainers = [proxy.client, proxy.build].filter((l) => loopbackUrl(l) !== null);
  if (inContainers.length > 0) {
    const url = loopbackUrl(inContainers[0]!)!;
    const port = /:(\d+)\/?$/.exec(url)?.[1] ?? '7890';
    out.push(
      f.warn(
        'container-localhost-proxy',
        `containers and builds get proxy ${url}, which is the container itself there`,
        `From ${inContainers.map((l) => `${l.layer} (${l.source})`).join(', ')}. Inside a container: "proxyconnect tcp: dial tcp 127.0.0.1:${port}: connect: connection refused".`,
        manual(
          `use http://${ENGINES[engineOf(host.docker)].hostAlias}:${port} for containers (the compose file maps it to the host gateway) and let the proxy listen on that address`,
        ),
      ),
    );
  }
  return out;
};
