import type { OsKind } from '../probe/types.js';
import { ENGINES } from '../catalog/engine.js';
import { DanluError, quoted } from '../lib/errors.js';
import { maskUrl } from '../lib/secrets.js';

/**
 * Proxy settings for every layer that has its own (pain points 12 and 20): the shell, apt,
 * the Docker daemon (systemd drop-in or daemon.json), the Docker client (config.json, which
 * Docker copies into every container and build) and compose build args. Pure: facts in,
 * text out. Detection of what is configured lives in src/doctor/probes/proxy.ts.
 */

/** What the host is, as far as reaching a proxy goes. */
export interface ProxyHostFacts {
  os: OsKind;
  /** WSL2 `networkingMode`: "nat" (the default), "mirrored"...; null = not known (NAT assumed). */
  wslNetworkingMode?: string | null;
  /** This machine's host name; under WSL2 it is the Windows host name too. */
  hostname?: string | null;
  /** Default gateway (`ip route show default`): the Windows host under WSL2 NAT. */
  gateway?: string | null;
  /** First nameserver of /etc/resolv.conf: also the Windows host under WSL2 NAT. */
  nameserver?: string | null;
}

export interface ProxyUrl {
  scheme: string;
  username: string;
  password: string;
  host: string;
  port: string;
}

/**
 * The NO_PROXY entries every layer gets: this machine, every engine's name for it (the same
 * files serve a machine of either), the compose service, private networks.
 */
export const BASE_NO_PROXY: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '::1',
  ...new Set(Object.values(ENGINES).map((e) => e.hostAlias)),
  'devcontainer',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '.local',
];

/** Docker's default bridge gateway: the host, seen from containers on the default network. */
export const DOCKER_BRIDGE_HOST = '172.17.0.1';

const SAFE_URL = /^[A-Za-z0-9._~%!*+,;=:@/[\]-]+$/;

/**
 * Parses a proxy URL; a bare `host:port` means http. Refuses characters that shells, systemd
 * units or apt.conf would read differently (quotes, `$`, backslashes, spaces).
 */
export function parseProxyUrl(raw: string): ProxyUrl {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  if (!SAFE_URL.test(withScheme.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''))) {
    throw new DanluError(`proxy ${redactProxyUrl(text)}: quotes, \`$\`, backslashes and spaces are not allowed`, {
      hint: 'percent-encode them in the user name or password (%24 for $)',
    });
  }
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new DanluError(`proxy ${redactProxyUrl(text)}: not a URL`, { hint: 'e.g. http://127.0.0.1:7890 or http://user:password@proxy.example:3128' });
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (!['http', 'https', 'socks5', 'socks5h'].includes(scheme)) {
    throw new DanluError(`proxy ${redactProxyUrl(text)}: scheme ${scheme} is not supported`, { hint: 'use http://, https://, socks5:// or socks5h://' });
  }
  if (!u.hostname) throw new DanluError(`proxy ${redactProxyUrl(text)}: no host`);
  if (u.pathname !== '/' && u.pathname !== '') throw new DanluError(`proxy ${redactProxyUrl(text)}: a proxy URL has no path`);
  return { scheme, username: u.username, password: u.password, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port };
}

export function formatProxyUrl(p: ProxyUrl, opts: { redact?: boolean } = {}): string {
  let auth = '';
  if (p.username || p.password) {
    auth = opts.redact ? (p.password ? `${p.username}:***@` : '***@') : `${p.username}${p.password ? `:${p.password}` : ''}@`;
  }
  const host = p.host.includes(':') ? `[${p.host}]` : p.host;
  return `${p.scheme}://${auth}${host}${p.port ? `:${p.port}` : ''}`;
}

/** The URL with its password (or a lone user token) replaced by ***: the one masking of src/lib/secrets.ts. */
export const redactProxyUrl = maskUrl;

export const hasCredentials = (p: ProxyUrl): boolean => p.username !== '' || p.password !== '';

export const isLoopbackHost = (host: string): boolean => /^127\./.test(host) || host === 'localhost' || host === '::1' || host === '0.0.0.0';

/** `ip route show default` -> the gateway address. */
export function parseDefaultGateway(text: string): string | null {
  return /^default\s+via\s+(\S+)/m.exec(text)?.[1] ?? null;
}

/** /etc/resolv.conf -> the first nameserver. */
export function parseResolvNameserver(text: string): string | null {
  return /^\s*nameserver\s+(\S+)/m.exec(text)?.[1] ?? null;
}

const NO_PROXY_ENTRY = [
  // `*`: no proxy for anything.
  /^\*$/,
  // host.example, .example (the domain and every host in it), *.example; a :port.
  /^(\*\.|\.)?[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?(:\d{1,5})?$/,
  // 10.1.2.3, 10.0.0.0/8, 10.1.2.3:8080.
  /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2}|:\d{1,5})?$/,
  // ::1, fd00::/8, [::1]:8080.
  /^(\[[0-9A-Fa-f:.]+\](:\d{1,5})?|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*(\/\d{1,3})?)$/,
];

/**
 * One entry of a NO_PROXY list as given (`--no-proxy`), trimmed. The list goes into shell
 * files, systemd units and JSON as is, so anything but a host, a domain, an address or a range
 * (quotes, `$`, backquotes, backslashes, spaces, line breaks) is refused.
 */
export function checkNoProxyEntry(entry: string): string {
  const t = entry.trim();
  if (!NO_PROXY_ENTRY.some((re) => re.test(t))) {
    throw new DanluError(
      `--no-proxy ${quoted(t)}: expected host names, .domain suffixes, IP addresses or CIDR ranges (10.0.0.0/8), or *, separated by commas`,
      { hint: 'quotes, `$`, backquotes, backslashes, spaces and line breaks are not allowed: e.g. --no-proxy .corp.example,10.0.0.0/8' },
    );
  }
  return t;
}

/** The default entries, then the given ones (comma-separated lists too), each checked, without repeats. */
export function noProxyList(extra: readonly string[] = []): string[] {
  const out: string[] = [...BASE_NO_PROXY];
  for (const e of extra.flatMap((x) => x.split(','))) {
    if (e.trim() === '') continue;
    const t = checkNoProxyEntry(e);
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

export interface ResolvedProxy {
  /** For the host's own tools: shell, apt, the Docker daemon, compose builds (host network). */
  hostUrl: string;
  /** For containers and `docker build`: what ~/.docker/config.json and container environments get. */
  containerUrl: string;
  /** The same two, with credentials masked: for anything printed. */
  shown: { given: string; hostUrl: string; containerUrl: string };
  noProxy: string;
  credentials: boolean;
  /** The proxy is on this machine's (or WSL's Windows host's) loopback. */
  loopback: boolean;
  warnings: string[];
}

const isWsl = (f: ProxyHostFacts) => f.os === 'wsl2';
const wslNat = (f: ProxyHostFacts) => isWsl(f) && (f.wslNetworkingMode ?? 'nat') === 'nat';

/**
 * Where each layer must point. A proxy on 127.0.0.1 is the machine itself only where the
 * request starts on that machine: under WSL2 NAT a Windows-side proxy is the Windows host
 * (`<hostname>.local`, or the gateway address, which changes at every reboot), and inside
 * containers it is the host seen from the container.
 */
export function resolveProxy(raw: string, facts: ProxyHostFacts, extraNoProxy: readonly string[] = []): ResolvedProxy {
  const p = parseProxyUrl(raw);
  const warnings: string[] = [];
  const loopback = isLoopbackHost(p.host);
  let hostSide = p;
  let containerSide = p;
  const port = p.port || (p.scheme === 'https' ? '443' : '80');
  if (loopback && wslNat(facts)) {
    const windows = facts.hostname ? `${facts.hostname}.local` : (facts.gateway ?? facts.nameserver ?? null);
    if (windows) {
      hostSide = { ...p, host: windows };
      warnings.push(
        `WSL2 NAT: ${p.host} inside WSL is WSL itself, not Windows; using ${windows} for the Windows-side proxy${facts.hostname ? '' : ' (an address that changes at every reboot)'}; allow LAN connections in the proxy app`,
      );
    } else {
      warnings.push(
        `WSL2 NAT: ${p.host} inside WSL is not Windows, and the Windows host address is not known; pass the Windows host's address (e.g. http://<windows-hostname>.local:${port})`,
      );
    }
  }
  if (loopback) {
    // Seed 001: containers reach the Windows host by its plain name (Docker's DNS forwards it).
    const inContainers = isWsl(facts) ? (facts.hostname ?? facts.gateway ?? facts.nameserver ?? DOCKER_BRIDGE_HOST) : DOCKER_BRIDGE_HOST;
    containerSide = { ...p, host: inContainers };
    warnings.push(
      `containers: ${p.host} there is the container itself; containers and builds get ${inContainers}:${port}, so the proxy must accept connections from Docker's networks (listen on 0.0.0.0 / allow LAN)`,
    );
  }
  if (p.scheme.startsWith('socks')) warnings.push('apt and the Docker daemon do not speak SOCKS; give them an http:// proxy');
  return {
    hostUrl: formatProxyUrl(hostSide),
    containerUrl: formatProxyUrl(containerSide),
    shown: {
      given: formatProxyUrl(p, { redact: true }),
      hostUrl: formatProxyUrl(hostSide, { redact: true }),
      containerUrl: formatProxyUrl(containerSide, { redact: true }),
    },
    noProxy: noProxyList(extraNoProxy).join(','),
    credentials: hasCredentials(p),
    loopback,
    warnings,
  };
}

export interface ProxyValuesIn {
  hostUrl: string;
  containerUrl: string;
  noProxy: string;
  /** Hosts apt reaches without the proxy (the apt mirror in mainland China is faster direct). */
  aptDirect?: readonly string[];
}

export interface ProxyLayers {
  /** ~/.bashrc (or a file it sources): both cases, as curl reads lower case and Go upper case. */
  shell: string;
  /** /etc/apt/apt.conf.d/95proxy. */
  apt: string;
  /** /etc/systemd/system/docker.service.d/http-proxy.conf. */
  systemd: string;
  /** /etc/docker/daemon.json `proxies` (Docker Engine 23+), the alternative to the drop-in. */
  daemonJson: { proxies: { 'http-proxy': string; 'https-proxy': string; 'no-proxy': string } };
  /** ~/.docker/config.json `proxies`: Docker sets these in every container and build. */
  clientConfig: { proxies: { default: { httpProxy: string; httpsProxy: string; noProxy: string } } };
  /** docker-compose.yml passes these from the shell; compose builds use the host network. */
  composeBuildArgs: Record<string, string>;
}

/** The text of each layer for given values (shell references such as ${PROXY_URL} work too). */
export function proxyLayers(v: ProxyValuesIn): ProxyLayers {
  const shell = [
    `export http_proxy="${v.hostUrl}"`,
    `export https_proxy="${v.hostUrl}"`,
    `export no_proxy="${v.noProxy}"`,
    'export HTTP_PROXY="$http_proxy"',
    'export HTTPS_PROXY="$https_proxy"',
    'export NO_PROXY="$no_proxy"',
  ].join('\n');
  const apt = [
    `Acquire::http::Proxy "${v.hostUrl}";`,
    `Acquire::https::Proxy "${v.hostUrl}";`,
    ...(v.aptDirect ?? []).flatMap((h) => [`Acquire::http::Proxy::${h} "DIRECT";`, `Acquire::https::Proxy::${h} "DIRECT";`]),
  ].join('\n');
  const systemd = ['[Service]', `Environment="HTTP_PROXY=${v.hostUrl}"`, `Environment="HTTPS_PROXY=${v.hostUrl}"`, `Environment="NO_PROXY=${v.noProxy}"`].join(
    '\n',
  );
  return {
    shell: `${shell}\n`,
    apt: `${apt}\n`,
    systemd: `${systemd}\n`,
    daemonJson: { proxies: { 'http-proxy': v.hostUrl, 'https-proxy': v.hostUrl, 'no-proxy': v.noProxy } },
    clientConfig: { proxies: { default: { httpProxy: v.containerUrl, httpsProxy: v.containerUrl, noProxy: v.noProxy } } },
    composeBuildArgs: {
      http_proxy: v.hostUrl,
      https_proxy: v.hostUrl,
      no_proxy: v.noProxy,
      HTTP_PROXY: v.hostUrl,
      HTTPS_PROXY: v.hostUrl,
      NO_PROXY: v.noProxy,
    },
  };
}

/** Everything for one proxy: resolved URLs, warnings, and each layer's text (credentials masked when `redact`). */
export function proxySettings(
  raw: string,
  facts: ProxyHostFacts,
  opts: { extraNoProxy?: readonly string[]; aptDirect?: readonly string[]; redact?: boolean } = {},
): ResolvedProxy & { layers: ProxyLayers } {
  const r = resolveProxy(raw, facts, opts.extraNoProxy);
  const urls = opts.redact ? r.shown : r;
  return { ...r, layers: proxyLayers({ hostUrl: urls.hostUrl, containerUrl: urls.containerUrl, noProxy: r.noProxy, aptDirect: opts.aptDirect }) };
}
