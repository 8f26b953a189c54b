import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envFetcher, probeProxyLabel } from '../../src/network/fetcher.js';
import { probeAll } from '../../src/network/probe.js';
import { ORIGIN_HOSTS, type ProbeTarget } from '../../src/network/targets.js';
import { mirror, type Handle } from './servers.js';

/**
 * A forward proxy on 127.0.0.1: plain-http requests in absolute form are answered by the
 * local mirror whatever host they name (so a name that does not resolve proves the request
 * went through the proxy); CONNECT tunnels are refused.
 */
let upstream: Handle;
let proxy: Server;
let proxyUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  upstream = await mirror(0);
  proxy = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers['proxy-authorization'] ?? '-'}`);
    const target = new URL(req.url!);
    const fwd = request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  proxy.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await upstream.close();
  await new Promise<void>((r) => proxy.close(() => r()));
});

const apt = (base: string): ProbeTarget => ({ kind: 'apt', name: 'x', url: base, base, upstream: false, purpose: 'x' });

describe('probing through http_proxy / https_proxy', () => {
  it('sends plain-http requests through the proxy, credentials included', async () => {
    const env = { http_proxy: proxyUrl.replace('//', '//bob:pw@') };
    const report = await probeAll([apt('http://mirror.example.invalid/ubuntu')], { timeoutMs: 3000, origins: ORIGIN_HOSTS, fetcher: envFetcher(env) });
    expect(report.results[0]).toMatchObject({ status: 'ok', httpStatus: 206 });
    expect(report.results[0]!.download!.bytes).toBe(256 * 1024);
    expect(seen).toContain(`HEAD http://mirror.example.invalid/ubuntu/dists/noble/Release auth=Basic ${Buffer.from('bob:pw').toString('base64')}`);
  });

  it('reports a proxy that refuses the tunnel', async () => {
    const report = await probeAll([apt('https://mirror.example.invalid/ubuntu')], {
      timeoutMs: 3000,
      origins: ORIGIN_HOSTS,
      fetcher: envFetcher({ https_proxy: proxyUrl }),
    });
    expect(report.results[0]).toMatchObject({ status: 'unreachable' });
    expect(report.results[0]!.error).toContain('refused the tunnel to mirror.example.invalid:443 (HTTP 403)');
    expect(seen).toContain('CONNECT mirror.example.invalid:443');
  });

  it('goes direct where NO_PROXY says so, and always to loopback', async () => {
    const before = seen.length;
    const env = { http_proxy: proxyUrl, no_proxy: '.example.invalid' };
    const report = await probeAll([apt('http://mirror.example.invalid/ubuntu'), apt(`${upstream.url}/ubuntu`)], {
      timeoutMs: 3000,
      origins: ORIGIN_HOSTS,
      fetcher: envFetcher(env),
    });
    expect(report.results[0]!.status).toBe('unreachable');
    expect(report.results[1]!.status).toBe('ok');
    expect(seen.length).toBe(before);
  });

  it('names the proxy in the report, without its password', () => {
    expect(probeProxyLabel({ https_proxy: 'http://bob:pw@proxy.corp:3128' })).toBe('http://bob:***@proxy.corp:3128');
    expect(probeProxyLabel({})).toBeNull();
  });
});
