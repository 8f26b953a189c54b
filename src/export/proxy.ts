import { DanluError } from '../lib/errors.js';
import { maskUrl } from '../lib/secrets.js';
import type { Warning } from '../plan/types.js';

export interface ProxySettings {
  /** The proxy URL, without credentials. */
  url: string;
  noProxy: string;
}

/**
 * The proxy a job should use, given explicitly (`--proxy`); never read from the shell, which
 * may hold a workstation-only proxy or one with a password. A user:password in the URL is
 * dropped with a warning: a manifest or script is shared and committed, a credential is not.
 */
export function proxySettings(proxy: string, noProxy: string, warnings: Warning[]): ProxySettings {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy);
  let parsed: URL;
  try {
    parsed = new URL(hasScheme ? proxy : `http://${proxy}`);
  } catch {
    throw new DanluError(`--proxy ${JSON.stringify(maskUrl(proxy))}: expected a URL such as http://proxy.example:3128`);
  }
  if (!/^(https?|socks5h?):$/.test(parsed.protocol) || !parsed.hostname) {
    throw new DanluError(`--proxy ${JSON.stringify(maskUrl(proxy))}: expected an http://, https:// or socks5:// URL with a host`);
  }
  let url = proxy;
  if (parsed.username || parsed.password) {
    parsed.username = '';
    parsed.password = '';
    url = hasScheme
      ? parsed.toString().replace(/\/$/, '')
      : parsed
          .toString()
          .replace(/^http:\/\//, '')
          .replace(/\/$/, '');
    warnings.push({
      id: 'proxy-credentials-dropped',
      message: `the proxy's user and password were left out (${url}): credentials never go into a manifest or job script`,
      fix: 'pass the credentials at run time: on Kubernetes from a Secret (env valueFrom.secretKeyRef), on Slurm from the environment you submit in (edit the script to keep its proxy)',
    });
  }
  if (/[\s,]/.test(url)) throw new DanluError(`--proxy ${JSON.stringify(url)}: a URL has no spaces or commas`);
  return { url, noProxy };
}

/** The variables a job gets: both spellings, since tools read one or the other. */
export function proxyEnv(p: ProxySettings): [string, string][] {
  return [
    ['http_proxy', p.url],
    ['https_proxy', p.url],
    ['no_proxy', p.noProxy],
    ['HTTP_PROXY', p.url],
    ['HTTPS_PROXY', p.url],
    ['NO_PROXY', p.noProxy],
  ];
}
