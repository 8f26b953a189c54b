import { hasProxy, noProxyEntries } from '../probes/proxy-parse.js';
import { ENGINES } from '../../catalog/engine.js';
import { engineOf } from '../../probe/docker.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('network');
const LOCAL = ['localhost', '127.0.0.1'];

/** Every layer with a proxy also exempts localhost, or local services go through the proxy. */
export const noProxy: Rule = ({ host, proxy }): Finding[] => {
  const engine = ENGINES[engineOf(host.docker)];
  const layers = [proxy.shell, proxy.daemon, proxy.client, proxy.build].filter((l) => hasProxy(l.values));
  if (layers.length === 0) return [];
  const thin = layers.filter((l) => {
    const entries = noProxyEntries(l.values.noProxy);
    return !LOCAL.some((h) => entries.includes(h) || entries.includes(`.${h}`));
  });
  if (thin.length === 0) return [f.ok('no-proxy', `NO_PROXY covers localhost in ${layers.map((l) => l.layer).join(', ')}`)];
  const client = thin.find((l) => l.layer === 'docker client');
  return [
    f.warn(
      'no-proxy',
      `NO_PROXY does not cover localhost in: ${thin.map((l) => l.layer).join(', ')}`,
      'Requests to localhost, 127.0.0.1 and other containers then go through the proxy and fail or hang.',
      client
        ? manual(
            `add "noProxy": "localhost,127.0.0.1,::1,${engine.hostAlias}" next to httpProxy in ${engine.clientConfig}, and NO_PROXY=localhost,127.0.0.1 where the other layers set their proxy`,
          )
        : manual('export NO_PROXY=localhost,127.0.0.1,::1 (and no_proxy) where the proxy is set'),
    ),
  ];
};
