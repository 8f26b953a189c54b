import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { proxyFor } from '../catalog/update/http.js';
import { redactProxyUrl } from './proxy.js';
import type { Fetcher } from './probe.js';

/**
 * The probe's fetcher. Node 20's fetch ignores http_proxy/https_proxy, so where the
 * environment names a proxy (and NO_PROXY does not exempt the host) the request goes through
 * it: plain http in absolute form, https through a CONNECT tunnel. This is what apt, pip, uv
 * and curl do on this machine, so the ranking matches what they will see. Loopback targets
 * are always asked directly.
 */
export function envFetcher(env: NodeJS.ProcessEnv = process.env): Fetcher {
  return (url, init) => {
    const target = new URL(url);
    const proxy = isLoopback(target.hostname) ? null : proxyFor(target, env);
    return proxy ? viaProxy(target, proxy, init) : fetch(url, init);
  };
}

/** The proxy the probe uses for URLs like this one (credentials masked), or null. */
export function probeProxyLabel(env: NodeJS.ProcessEnv = process.env): string | null {
  const p = proxyFor(new URL('https://example.invalid/'), env) ?? proxyFor(new URL('http://example.invalid/'), env);
  return p ? redactProxyUrl(p.href.replace(/\/$/, '')) : null;
}

const isLoopback = (host: string) => /^127\./.test(host) || host === 'localhost' || host === '[::1]' || host === '::1';

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function proxyHeaders(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const creds = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(creds).toString('base64')}` };
}

function toResponse(res: http.IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  const status = res.statusCode ?? 502;
  const empty = method === 'HEAD' || NULL_BODY.has(status);
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: res.statusMessage ?? '', headers });
}

function requestHeaders(init: RequestInit): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (out[k] = v));
  return out;
}

/** One request through an HTTP proxy; rejects like fetch does (with `cause.code`). */
function viaProxy(target: URL, proxy: URL, init: RequestInit): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const signal = init.signal ?? undefined;
  const proxyPort = Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80));
  const proxyModule = proxy.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const fail = (e: unknown, what: string) => {
      const err = e as NodeJS.ErrnoException;
      reject(Object.assign(new TypeError(`fetch failed (${what})`), { cause: err }));
    };
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const destroyers: (() => void)[] = [];
    const onAbort = () => {
      for (const d of destroyers) d();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);

    if (target.protocol === 'http:') {
      const req = proxyModule.request({
        host: proxy.hostname,
        port: proxyPort,
        method,
        path: target.href,
        headers: { host: target.host, ...proxyHeaders(proxy), ...requestHeaders(init) },
      });
      destroyers.push(() => req.destroy());
      req.on('response', (res) => {
        done();
        destroyers.push(() => res.destroy());
        resolve(toResponse(res, method));
      });
      req.on('error', (e) => {
        done();
        fail(e, `proxy ${proxy.host}`);
      });
      req.end();
      return;
    }

    const authority = `${target.hostname}:${target.port || 443}`;
    const connect = proxyModule.request({
      host: proxy.hostname,
      port: proxyPort,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyHeaders(proxy) },
    });
    destroyers.push(() => connect.destroy());
    connect.on('connect', (res, socket) => {
      destroyers.push(() => socket.destroy());
      if (res.statusCode !== 200) {
        socket.destroy();
        done();
        fail(Object.assign(new Error(`proxy ${proxy.host} refused the tunnel to ${authority} (HTTP ${res.statusCode})`), { code: 'EPROXY' }), 'CONNECT');
        return;
      }
      const req = https.request({
        host: target.hostname,
        port: Number(target.port || 443),
        method,
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, ...requestHeaders(init) },
        agent: false,
        createConnection: () => tls.connect({ socket, servername: target.hostname }),
      });
      destroyers.push(() => req.destroy());
      req.on('response', (r) => {
        done();
        destroyers.push(() => r.destroy());
        resolve(toResponse(r, method));
      });
      req.on('error', (e) => {
        done();
        fail(e, 'TLS through the proxy');
      });
      req.end();
    });
    connect.on('error', (e) => {
      done();
      fail(e, `proxy ${proxy.host}`);
    });
    connect.end();
  });
}
