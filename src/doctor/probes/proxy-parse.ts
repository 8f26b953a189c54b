import type { ProxyValues } from '../types.js';

/** Pure readers for the places a proxy can be configured (pain point 12). */

export const NO_PROXY: ProxyValues = { http: null, https: null, noProxy: null };

const clean = (v: string | undefined | null): string | null => {
  const t = (v ?? '').trim();
  return t === '' ? null : t;
};

/** Shell variables: lower case wins, as curl and most tools read it first. */
export function proxyFromEnv(env: Record<string, string | undefined>): ProxyValues {
  return {
    http: clean(env.http_proxy) ?? clean(env.HTTP_PROXY) ?? clean(env.all_proxy) ?? clean(env.ALL_PROXY),
    https: clean(env.https_proxy) ?? clean(env.HTTPS_PROXY) ?? clean(env.all_proxy) ?? clean(env.ALL_PROXY),
    noProxy: clean(env.no_proxy) ?? clean(env.NO_PROXY),
  };
}

/** `Acquire::http::Proxy "http://…";` lines (also inside `Acquire { http::Proxy "…"; }`). */
export function proxyFromAptConf(text: string): ProxyValues {
  const out: ProxyValues = { ...NO_PROXY };
  const body = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*(\/\/|#).*$/gm, '');
  for (const m of body.matchAll(/\b(https?)::Proxy\s+"([^"]*)"/gi)) {
    const value = clean(m[2]);
    if (!value || /^direct$/i.test(value)) continue;
    if (m[1]!.toLowerCase() === 'http') out.http ??= value;
    else out.https ??= value;
  }
  return out;
}

/** systemd unit `Environment=` lines: `Environment="HTTP_PROXY=…" "NO_PROXY=…"` or unquoted. */
export function proxyFromSystemdUnit(text: string): ProxyValues {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*Environment\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const token of m[1]!.matchAll(/"([^"]*)"|(\S+)/g)) {
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(token[1] ?? token[2] ?? '');
      if (assign) vars[assign[1]!] = assign[2]!;
    }
  }
  return proxyFromEnv(vars);
}

/** daemon.json `"proxies": {"http-proxy", "https-proxy", "no-proxy"}` (Docker 23+). */
export function proxyFromDaemonJson(data: unknown): ProxyValues {
  const p = (data as { proxies?: Record<string, unknown> } | null)?.proxies;
  if (!p || typeof p !== 'object') return { ...NO_PROXY };
  const s = (k: string) => (typeof p[k] === 'string' ? clean(p[k] as string) : null);
  return { http: s('http-proxy'), https: s('https-proxy'), noProxy: s('no-proxy') };
}

/** ~/.docker/config.json `"proxies": {"default": {"httpProxy", "httpsProxy", "noProxy"}}`. */
export function proxyFromClientConfig(data: unknown): ProxyValues {
  const d = (data as { proxies?: { default?: Record<string, unknown> } } | null)?.proxies?.default;
  if (!d || typeof d !== 'object') return { ...NO_PROXY };
  const s = (k: string) => (typeof d[k] === 'string' ? clean(d[k] as string) : null);
  return { http: s('httpProxy'), https: s('httpsProxy'), noProxy: s('noProxy') };
}

/** Merges layers of the same kind: the first value found wins. */
export function firstOf(...values: ProxyValues[]): ProxyValues {
  const out: ProxyValues = { ...NO_PROXY };
  for (const v of values) {
    out.http ??= v.http;
    out.https ??= v.https;
    out.noProxy ??= v.noProxy;
  }
  return out;
}

export const hasProxy = (v: ProxyValues): boolean => v.http !== null || v.https !== null;

/** Comparable form: no scheme case, no trailing slash, credentials masked as Docker masks them. */
export function normalizeProxy(url: string): string {
  return url
    .trim()
    .replace(/^([a-z]+):\/\//i, (_m, s: string) => `${s.toLowerCase()}://`)
    .replace(/\/\/[^@/]*@/, '//xxxxx@')
    .replace(/\/+$/, '');
}

/** The host part of a proxy URL ("127.0.0.1", "proxy.corp"); null when it does not parse. */
export function proxyHost(url: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
  try {
    return new URL(withScheme).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
}

export const isLoopback = (host: string | null): boolean =>
  host !== null && (/^127\./.test(host) || host === 'localhost' || host === '::1' || host === '0.0.0.0');

/** Entries of a NO_PROXY list, lower case, without blanks. */
export const noProxyEntries = (v: string | null): string[] =>
  (v ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '');
