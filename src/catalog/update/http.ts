import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import zlib from 'node:zlib';

/**
 * A small GET client for `danlu catalog update`, on node:http/https rather than global fetch:
 * Node 20's fetch ignores HTTP(S)_PROXY and has no public way to plug a proxy in. This one
 * honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY (http:// targets through the proxy in absolute
 * form, https:// targets through a CONNECT tunnel), bounds every request by time and size,
 * and tells a cut-off body from a complete one.
 */

export type FetchErrorKind = 'timeout' | 'truncated' | 'too-large' | 'network' | 'proxy' | 'redirects';

export class FetchError extends Error {
  constructor(
    readonly kind: FetchErrorKind,
    readonly url: string,
    message: string,
    /** The system error code behind a network error (ECONNRESET, ENOTFOUND, …). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }

  /** Worth one more try: the connection broke, as opposed to a host that is not there. */
  get transient(): boolean {
    return this.kind === 'truncated' || (this.kind === 'network' && ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(this.code ?? ''));
  }
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  url: string;
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export interface HttpClientOptions {
  env: NodeJS.ProcessEnv;
  /** Whole request, body included. */
  timeoutMs: number;
  userAgent: string;
  /** Largest decoded body accepted (default 32 MiB). */
  maxBytes?: number;
  /** Extra CA certificates to trust (tests). */
  ca?: string | Buffer;
  /** Retries after a network error or a 502/503/504 (default 1). */
  retries?: number;
  retryDelayMs?: number;
}

export interface HttpClient {
  get(url: string, headers?: Record<string, string>): Promise<HttpResponse>;
  /** Requests sent so far, retries and redirects included. */
  readonly requests: number;
  close(): void;
}

const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Proxy settings (pure)

function envValue(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

function ipv4ToInt(ip: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Whether NO_PROXY (curl's rules: suffixes, `*`, host:port, IPv4 CIDR) exempts this host. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | null = null;
    const portMatch = /^(.*[^:\]]):(\d+)$/.exec(entry);
    if (portMatch && !entry.includes('/')) {
      entry = portMatch[1]!;
      entryPort = portMatch[2]!;
    }
    if (entryPort && entryPort !== port) continue;
    entry = entry.replace(/^\[|\]$/g, '');
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(entry);
    if (cidr) {
      const net = ipv4ToInt(cidr[1]!);
      const ip = ipv4ToInt(host);
      const bits = Number(cidr[2]);
      if (net === null || ip === null || bits > 32) continue;
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      if ((net & mask) === (ip & mask)) return true;
      continue;
    }
    entry = entry.replace(/^\*?\./, '');
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy for a URL from the environment, or null. Lower-case names win, as in curl. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  const value =
    url.protocol === 'https:'
      ? envValue(env, 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY')
      : envValue(env, 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY');
  if (!value) return null;
  if (bypassesProxy(url, envValue(env, 'no_proxy', 'NO_PROXY'))) return null;
  try {
    const proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') return null;
    return proxy;
  } catch {
    return null;
  }
}

function proxyAuth(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

/** The proxy URL without credentials, for messages. */
function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

// ---------------------------------------------------------------------------------------------

function flatHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function describeNetworkError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${e.code})`;
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    default:
      return e.message || String(e.code);
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const retries = options.retries ?? 1;
  const retryDelayMs = options.retryDelayMs ?? 400;
  // No socket limit here: the sources bound their own concurrency, and a request waiting for a
  // socket would spend its time-out in the queue.
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) });
  const tunnels = new Set<Socket>();
  let requests = 0;

  function once(url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    requests++;
    const href = url.href;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      let tunnel: Socket | undefined;
      const cleanup = () => {
        req?.destroy();
        if (tunnel) {
          tunnel.destroy();
          tunnels.delete(tunnel);
        }
      };
      const finish = (err: Error | null, value?: HttpResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          cleanup();
          reject(err);
        } else {
          if (tunnel) {
            tunnel.end();
            tunnels.delete(tunnel);
          }
          resolve(value!);
        }
      };
      const timer = setTimeout(() => {
        finish(new FetchError('timeout', href, `no complete answer within ${(options.timeoutMs / 1000).toFixed(options.timeoutMs % 1000 ? 1 : 0)} s`));
      }, options.timeoutMs);

      const isHttps = url.protocol === 'https:';
      const proxy = proxyFor(url, options.env);
      const baseHeaders: Record<string, string> = {
        'user-agent': options.userAgent,
        'accept-encoding': 'gzip, deflate, br',
        ...headers,
      };

      const onResponse = (res: http.IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const resHeaders = flatHeaders(res.headers);
        const truncated = () =>
          finish(
            new FetchError(
              'truncated',
              href,
              `the answer was cut off (HTTP ${status}, ${received} bytes read${resHeaders['content-length'] ? ` of ${resHeaders['content-length']}` : ''})`,
            ),
          );
        let received = 0;
        let stream: Readable = res;
        const encoding = (resHeaders['content-encoding'] ?? '').trim().toLowerCase();
        if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
        else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
        else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          received += c.length;
        });
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            finish(new FetchError('too-large', href, `the answer is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB`));
            return;
          }
          chunks.push(c);
        });
        stream.on('end', () => {
          if (!res.complete) truncated();
          else finish(null, { url: href, status, headers: resHeaders, body: Buffer.concat(chunks).toString('utf8') });
        });
        if (stream !== res) stream.on('error', () => truncated());
        res.on('aborted', truncated);
        res.on('error', truncated);
        res.on('close', () => {
          if (!res.complete) truncated();
        });
      };

      const start = (socket?: Socket) => {
        let request: http.ClientRequest;
        if (socket) {
          // Through a CONNECT tunnel: TLS is already on the socket; speak HTTP over it.
          request = http.request(
            {
              method: 'GET',
              host: url.hostname,
              port: url.port || 443,
              path: `${url.pathname}${url.search}`,
              headers: { host: url.host, ...baseHeaders },
              createConnection: () => socket,
            },
            onResponse,
          );
        } else if (proxy && !isHttps) {
          request = (proxy.protocol === 'https:' ? https : http).request(
            {
              method: 'GET',
              host: proxy.hostname,
              port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
              path: href,
              headers: { host: url.host, ...proxyAuth(proxy), ...baseHeaders },
              agent: false,
              ...(options.ca ? { ca: options.ca } : {}),
            },
            onResponse,
          );
        } else {
          request = (isHttps ? https : http).request(
            {
              method: 'GET',
              host: url.hostname,
              port: url.port || (isHttps ? 443 : 80),
              path: `${url.pathname}${url.search}`,
              headers: baseHeaders,
              agent: isHttps ? httpsAgent : httpAgent,
            },
            onResponse,
          );
        }
        req = request;
        request.on('error', (e: NodeJS.ErrnoException) => {
          const via = proxy && !isHttps ? ` (through proxy ${proxyLabel(proxy)})` : '';
          finish(new FetchError(proxy && !isHttps ? 'proxy' : 'network', href, `${describeNetworkError(e)}${via}`, e.code));
        });
        request.end();
      };

      if (proxy && isHttps) {
        const target = `${url.hostname}:${url.port || 443}`;
        const connect = (proxy.protocol === 'https:' ? https : http).request({
          method: 'CONNECT',
          host: proxy.hostname,
          port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
          path: target,
          headers: { host: target, ...proxyAuth(proxy), 'user-agent': options.userAgent },
          agent: false,
          ...(options.ca ? { ca: options.ca } : {}),
        });
        req = connect;
        connect.on('connect', (res, socket) => {
          if (res.statusCode !== 200) {
            socket.destroy();
            finish(new FetchError('proxy', href, `proxy ${proxyLabel(proxy)} refused the tunnel to ${target} (HTTP ${res.statusCode})`));
            return;
          }
          const secure = tls.connect({ socket, servername: url.hostname, ...(options.ca ? { ca: options.ca } : {}) });
          tunnel = secure;
          tunnels.add(secure);
          secure.on('error', (e: NodeJS.ErrnoException) =>
            finish(new FetchError('network', href, `TLS through proxy ${proxyLabel(proxy)}: ${describeNetworkError(e)}`)),
          );
          secure.once('secureConnect', () => start(secure));
        });
        connect.on('error', (e: NodeJS.ErrnoException) => {
          finish(new FetchError('proxy', href, `proxy ${proxyLabel(proxy)}: ${describeNetworkError(e)}`));
        });
        connect.end();
      } else {
        start();
      }
    });
  }

  async function withRetries(url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await once(url, headers);
        if ((res.status === 502 || res.status === 503 || res.status === 504) && attempt < retries) {
          await delay(retryDelayMs);
          continue;
        }
        return res;
      } catch (e) {
        if (!(e instanceof FetchError && e.transient) || attempt >= retries) throw e;
        await delay(retryDelayMs);
      }
    }
  }

  return {
    get requests() {
      return requests;
    },
    async get(input, headers = {}) {
      let url = new URL(input);
      let hdrs = { ...headers };
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const res = await withRetries(url, hdrs);
        const location = res.headers.location;
        if ([301, 302, 303, 307, 308].includes(res.status) && location) {
          const next = new URL(location, url);
          // Credentials never follow a redirect to another origin.
          if (next.origin !== url.origin) {
            hdrs = Object.fromEntries(Object.entries(hdrs).filter(([k]) => k.toLowerCase() !== 'authorization'));
          }
          url = next;
          continue;
        }
        return res;
      }
      throw new FetchError('redirects', input, `more than ${MAX_REDIRECTS} redirects`);
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
      for (const t of tunnels) t.destroy();
      tunnels.clear();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
