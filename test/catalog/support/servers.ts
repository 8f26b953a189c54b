import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'catalog');

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Send only this many bytes of the body, then close the connection (Content-Length says all). */
  truncateAt?: number;
  gzip?: boolean;
}

export type Handler = (req: IncomingMessage, url: URL, base: string) => Reply | undefined;

export interface TestServer {
  url: string;
  /** Every request path with its query, in order. */
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: Reply, base: string): void {
  if (reply.hang) return;
  let body: Buffer = Buffer.from((reply.body ?? '').replaceAll('{{BASE}}', base), 'utf8');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers ?? {})) headers[k] = v.replaceAll('{{BASE}}', base);
  if (reply.gzip) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  res.writeHead(reply.status ?? 200, headers);
  if (reply.truncateAt !== undefined) {
    res.write(body.subarray(0, reply.truncateAt));
    // Close mid-body: the client sees fewer bytes than Content-Length.
    setTimeout(() => res.socket?.destroy(), 20);
    return;
  }
  res.end(body);
}

/** A node:http server on 127.0.0.1 answering through `handler` (404 when it returns nothing). */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const hung: ServerResponse[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ path: `${url.pathname}${url.search}`, headers: req.headers });
    const reply = handler(req, url, base) ?? { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
    if (reply.hang) hung.push(res);
    send(res, reply, base);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
  return {
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

/** download.pytorch.org/whl/<variant>/<pkg>/ from test/fixtures/catalog/pytorch. */
export const pytorchHandler: Handler = (req, url): Reply | undefined => {
  const m = /^\/whl\/([a-z0-9.]+)\/([a-z0-9_-]+)\/$/.exec(url.pathname);
  if (!m) return undefined;
  const [, variant, pkg] = m;
  const jsonFile = `pytorch/${variant}/${pkg}.json`;
  const htmlFile = `pytorch/${variant}/${pkg}.html`;
  const wantsJson = (req.headers.accept ?? '').includes('application/vnd.pypi.simple.v1+json');
  if (existsSync(join(FIXTURES, jsonFile)) && wantsJson) {
    return { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: fixture(jsonFile), gzip: true };
  }
  if (existsSync(join(FIXTURES, htmlFile))) {
    return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: fixture(htmlFile) };
  }
  // S3 behind CloudFront answers a missing key with 403 AccessDenied (pytorch/pytorch#63098, #143810).
  return {
    status: 403,
    headers: { 'content-type': 'application/xml', server: 'AmazonS3' },
    body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>YHPJZ1EQKHPBNRK4</RequestId><HostId>rmG+xppPvWS1SkNMd9MNRPtqGfCKuMGah23774RbETTgo/ORakVn82N9L4G3GhfUbMJEQk+HWvM=</HostId></Error>',
  };
};

/** wheels.astral.sh/simple/<channel>/<pkg>/ from test/fixtures/catalog/astral (PEP 691 JSON); 404 for the rest. */
export const astralHandler: Handler = (_req, url): Reply | undefined => {
  const m = /^\/astral\/([a-z0-9.]+)\/([a-z0-9_-]+)\/$/.exec(url.pathname);
  if (!m) return undefined;
  const file = `astral/${m[1]}/${m[2]}.json`;
  if (!existsSync(join(FIXTURES, file))) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
  return { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' }, body: fixture(file) };
};

/** hub.docker.com/v2/repositories/nvidia/cuda/tags, pages 1..3; `drop` removes tags from the pages. */
export function dockerHubHandler(drop?: RegExp): Handler {
  return (_req, url) => {
    if (url.pathname !== '/v2/repositories/nvidia/cuda/tags') return undefined;
    if (url.searchParams.get('name') !== 'devel-ubuntu' || url.searchParams.get('page_size') !== '100') {
      return { status: 400, body: '{"message":"unexpected query"}' };
    }
    const page = Number(url.searchParams.get('page') ?? '1');
    const file = `dockerhub/tags-page${page}.json`;
    if (!existsSync(join(FIXTURES, file)))
      return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"object not found","errinfo":{}}' };
    let body = fixture(file);
    if (drop) {
      const data = JSON.parse(body) as { results: { name: string }[] };
      data.results = data.results.filter((r) => !drop.test(r.name));
      body = JSON.stringify(data);
    }
    return { headers: { 'content-type': 'application/json' }, body };
  };
}

export const REPO_IDS: Record<string, string> = {
  'Dao-AILab/flash-attention': '494232964',
  'mjun0812/flash-attention-prebuild-wheels': '822015393',
};

export function rateLimitReply(resetEpoch: number): Reply {
  return {
    status: 403,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetEpoch),
      'x-ratelimit-used': '60',
      'x-ratelimit-resource': 'core',
    },
    body: fixture('github/rate-limited.json'),
  };
}

/**
 * api.github.com/repos/<owner>/<repo>/releases and the /repositories/<id>/releases URLs its Link
 * headers point at. `override(repo, page)` replaces a page's answer.
 */
export function githubHandler(override?: (repo: string, page: number) => Reply | undefined): Handler {
  return (_req, url) => {
    let repo: string | undefined;
    const byName = /^\/repos\/([^/]+\/[^/]+)\/releases$/.exec(url.pathname);
    const byId = /^\/repositories\/(\d+)\/releases$/.exec(url.pathname);
    if (byName) repo = byName[1];
    else if (byId) repo = Object.entries(REPO_IDS).find(([, id]) => id === byId[1])?.[0];
    if (!repo) return undefined;
    const page = Number(url.searchParams.get('page') ?? '1');
    const custom = override?.(repo, page);
    if (custom) return custom;
    const name = repo.split('/')[1];
    const file = `github/${name}-page${page}.json`;
    if (!existsSync(join(FIXTURES, file))) return { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '[]' };
    const link = (p: number) => `<{{BASE}}/repositories/${REPO_IDS[repo!]}/releases?per_page=100&page=${p}>`;
    const hasNext = existsSync(join(FIXTURES, `github/${name}-page${page + 1}.json`));
    const last = hasNext ? page + 1 : page;
    const rels = [
      ...(page > 1 ? [`${link(page - 1)}; rel="prev"`] : []),
      ...(hasNext ? [`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`] : []),
      ...(page > 1 ? [`${link(1)}; rel="first"`] : []),
    ];
    return {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '60',
        'x-ratelimit-remaining': '57',
        'x-ratelimit-reset': '1795000000',
        'x-github-api-version-selected': '2022-11-28',
        ...(rels.length > 0 ? { link: rels.join(', ') } : {}),
      },
      body: fixture(file),
    };
  };
}

/** The three upstreams on one server (each path space is distinct). */
export function allUpstreams(
  options: { drop?: RegExp; github?: (repo: string, page: number) => Reply | undefined; pytorch?: Handler; hub?: Handler; astral?: Handler } = {},
): Handler {
  const handlers = [
    options.pytorch ?? pytorchHandler,
    options.hub ?? dockerHubHandler(options.drop),
    githubHandler(options.github),
    options.astral ?? astralHandler,
  ];
  return (req, url, base) => {
    for (const h of handlers) {
      const r = h(req, url, base);
      if (r) return r;
    }
    return undefined;
  };
}

/** Env that points every source at `base` and keeps the machine's proxies out of the way. */
export function upstreamEnv(base: string, dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    DANLU_CATALOG_DIR: dir,
    DANLU_PYTORCH_INDEX_URL: `${base}/whl`,
    DANLU_DOCKERHUB_URL: base,
    DANLU_GITHUB_API_URL: base,
    DANLU_ASTRAL_INDEX_URL: `${base}/astral`,
    ...extra,
  };
}

/**
 * A forward proxy on 127.0.0.1: absolute-form GETs for http:// targets and CONNECT tunnels for
 * https:// ones. Records what it was asked for.
 */
export async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} auth=${req.headers['proxy-authorization'] ?? ''}`);
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = netConnect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    sockets.add(client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs a node script without blocking this process, so in-process servers can answer it. */
export function runNode(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { NO_COLOR: '1', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
