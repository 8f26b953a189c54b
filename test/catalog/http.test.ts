import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypassesProxy, createHttpClient, FetchError, proxyFor } from '../../src/catalog/update/http.js';
import { startProxy, startServer, type Reply, type TestServer } from './support/servers.js';

const client = (env: NodeJS.ProcessEnv = {}, extra: { timeoutMs?: number; maxBytes?: number; ca?: string } = {}) =>
  createHttpClient({ env, timeoutMs: extra.timeoutMs ?? 3000, userAgent: 'danlu-test', retryDelayMs: 10, ...extra });

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FetchError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('proxy settings', () => {
  const u = (s: string) => new URL(s);
  it('picks the variable by scheme, lower case first', () => {
    expect(proxyFor(u('https://api.github.com/x'), { HTTPS_PROXY: 'http://p:3128', https_proxy: 'http://lower:1' })?.href).toBe('http://lower:1/');
    expect(proxyFor(u('https://api.github.com/x'), { HTTP_PROXY: 'http://p:3128' })).toBeNull();
    expect(proxyFor(u('http://example.com/'), { HTTP_PROXY: 'p:3128' })?.href).toBe('http://p:3128/');
    expect(proxyFor(u('https://x.org/'), { ALL_PROXY: 'http://all:8080' })?.host).toBe('all:8080');
    expect(proxyFor(u('https://x.org/'), { HTTPS_PROXY: 'socks5://s:1080' })).toBeNull();
    expect(proxyFor(u('https://x.org/'), { HTTPS_PROXY: '  ' })).toBeNull();
  });

  it.each([
    ['download.pytorch.org', 'pytorch.org', true],
    ['download.pytorch.org', '.pytorch.org', true],
    ['download.pytorch.org', '*.pytorch.org', true],
    ['notpytorch.org', 'pytorch.org', false],
    ['hub.docker.com', '*', true],
    ['127.0.0.1', '127.0.0.0/8', true],
    ['10.1.2.3', '10.0.0.0/16', false],
    ['api.github.com', 'api.github.com:443', true],
    ['api.github.com', 'api.github.com:8443', false],
    ['api.github.com', 'localhost, api.github.com', true],
  ])('NO_PROXY: %s against %s -> %s', (host, noProxy, bypass) => {
    expect(bypassesProxy(new URL(`https://${host}/`), noProxy)).toBe(bypass);
  });
});

describe('the HTTP client', () => {
  let server: TestServer;
  let hits = 0;
  beforeAll(async () => {
    server = await startServer((_req, url): Reply | undefined => {
      switch (url.pathname) {
        case '/ok':
          return { headers: { 'content-type': 'text/plain' }, body: 'hello' };
        case '/gzip':
          return { headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(10_000), gzip: true };
        case '/hang':
          return { hang: true };
        case '/cut':
          return { body: 'y'.repeat(1000), truncateAt: 100 };
        case '/big':
          return { body: 'z'.repeat(5000) };
        case '/flaky':
          hits++;
          return hits % 2 === 1 ? { status: 503, body: 'busy' } : { body: 'second time' };
        case '/redirect':
          return { status: 302, headers: { location: '/ok' } };
        case '/away':
          return { status: 301, headers: { location: `http://localhost:${new URL(server.url).port}/echo-auth` } };
        case '/echo-auth':
          return { body: `auth=${_req.headers.authorization ?? 'none'}` };
        case '/loop':
          return { status: 302, headers: { location: '/loop' } };
        default:
          return undefined;
      }
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads a body, decodes gzip, follows redirects', async () => {
    const c = client();
    try {
      expect(await c.get(`${server.url}/ok`)).toMatchObject({ status: 200, body: 'hello', url: `${server.url}/ok` });
      expect((await c.get(`${server.url}/gzip`)).body).toBe('x'.repeat(10_000));
      expect(await c.get(`${server.url}/redirect`)).toMatchObject({ status: 200, body: 'hello', url: `${server.url}/ok` });
      expect((await c.get(`${server.url}/nothing`)).status).toBe(404);
      expect(c.requests).toBe(5);
    } finally {
      c.close();
    }
  });

  it('does not carry Authorization across origins', async () => {
    const c = client();
    try {
      expect((await c.get(`${server.url}/echo-auth`, { authorization: 'Bearer t' })).body).toBe('auth=Bearer t');
      expect((await c.get(`${server.url}/away`, { authorization: 'Bearer t' })).body).toBe('auth=none');
    } finally {
      c.close();
    }
  });

  it('times out a server that never answers', async () => {
    const c = client({}, { timeoutMs: 200 });
    const started = Date.now();
    try {
      const e = await failure(c.get(`${server.url}/hang`));
      expect(e.kind).toBe('timeout');
      expect(e.message).toBe('no complete answer within 0.2 s');
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      c.close();
    }
  });

  it('tells a cut-off body from a complete one (and tries once more)', async () => {
    const c = client();
    try {
      const e = await failure(c.get(`${server.url}/cut`));
      expect(e.kind).toBe('truncated');
      expect(e.message).toBe('the answer was cut off (HTTP 200, 100 bytes read of 1000)');
      expect(c.requests).toBe(2);
    } finally {
      c.close();
    }
  });

  it('refuses bodies over the limit, loops of redirects, and unreachable hosts', async () => {
    const c = client({}, { maxBytes: 1000 });
    try {
      expect((await failure(c.get(`${server.url}/big`))).kind).toBe('too-large');
      expect((await failure(c.get(`${server.url}/loop`))).message).toBe('more than 5 redirects');
      const refused = await failure(c.get('http://127.0.0.1:1/'));
      expect([refused.kind, refused.message, refused.code]).toEqual(['network', 'connection refused', 'ECONNREFUSED']);
    } finally {
      c.close();
    }
  });

  it('retries a 503 once', async () => {
    const c = client();
    try {
      expect((await c.get(`${server.url}/flaky`)).body).toBe('second time');
    } finally {
      c.close();
    }
  });
});

describe('through a proxy', () => {
  let upstream: TestServer;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    upstream = await startServer((_req, url) => (url.pathname === '/simple/' ? { body: 'via upstream' } : undefined));
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('sends http:// requests to HTTP_PROXY in absolute form, with its credentials', async () => {
    const c = client({ HTTP_PROXY: proxy.url.replace('http://', 'http://user:p%40ss@') });
    try {
      expect((await c.get(`${upstream.url}/simple/`)).body).toBe('via upstream');
      expect(proxy.seen).toEqual([`GET ${upstream.url}/simple/ auth=Basic ${Buffer.from('user:p@ss').toString('base64')}`]);
    } finally {
      c.close();
    }
  });

  it('goes direct for hosts in NO_PROXY', async () => {
    const before = proxy.seen.length;
    const c = client({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    try {
      expect((await c.get(`${upstream.url}/simple/`)).body).toBe('via upstream');
      expect(proxy.seen.length).toBe(before);
    } finally {
      c.close();
    }
  });

  it('says when the proxy cannot be reached', async () => {
    const c = client({ HTTP_PROXY: 'http://127.0.0.1:1' });
    try {
      const e = await failure(c.get(`${upstream.url}/simple/`));
      expect([e.kind, e.message]).toEqual(['proxy', 'connection refused (through proxy http://127.0.0.1:1)']);
    } finally {
      c.close();
    }
  });

  const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

  describe.skipIf(!openssl)('https:// through a CONNECT tunnel', () => {
    let tls: HttpsServer;
    let tlsUrl = '';
    let ca = '';
    let dir = '';
    // biome-ignore lint/suspicious/noDuplicateTestHooks: the hooks of the nested describe.skipIf, not a second set
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'danlu-tls-'));
      const r = spawnSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '2',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
        ],
        { encoding: 'utf8' },
      );
      if (r.status !== 0) throw new Error(r.stderr);
      ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
      tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`secure ${req.url} ${req.headers.authorization ?? ''}`);
      });
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      const address = tls.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      tlsUrl = `https://localhost:${address.port}`;
    });
    // biome-ignore lint/suspicious/noDuplicateTestHooks: the hooks of the nested describe.skipIf, not a second set
    afterAll(async () => {
      tls.closeAllConnections();
      await new Promise<void>((resolve) => tls.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    });

    it('tunnels with CONNECT and verifies the certificate of the real host', async () => {
      const c = client({ HTTPS_PROXY: proxy.url }, { ca });
      try {
        expect((await c.get(`${tlsUrl}/repos/x/releases?per_page=100`, { authorization: 'Bearer t' })).body).toBe(
          'secure /repos/x/releases?per_page=100 Bearer t',
        );
        expect(proxy.seen.at(-1)).toBe(`CONNECT localhost:${new URL(tlsUrl).port}`);
      } finally {
        c.close();
      }
    });

    it('refuses a certificate it does not trust, through the tunnel too', async () => {
      const c = client({ HTTPS_PROXY: proxy.url });
      try {
        const e = await failure(c.get(`${tlsUrl}/`));
        expect(e.kind).toBe('network');
        expect(e.message).toMatch(/^TLS through proxy http:\/\/127\.0\.0\.1:\d+: self[- ]signed certificate/);
      } finally {
        c.close();
      }
    });

    it('direct https works with the same client code', async () => {
      const c = client({}, { ca });
      try {
        expect((await c.get(`${tlsUrl}/direct`)).body).toBe('secure /direct ');
      } finally {
        c.close();
      }
    });
  });
});
