/**
 * Local HTTP servers on 127.0.0.1 that behave like good and bad mirrors: fast, slow, never
 * answering, redirecting (to another host, or back to the upstream), registries answering
 * 401 with or without a challenge. Every request is counted, so tests can also prove that
 * nothing was asked.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BIN } from '../support/cli.js';

export interface Handle {
  port: number;
  url: string;
  /** Requests seen: "METHOD path". */
  requests: string[];
  close: () => Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, h: Handle) => void;

const BODY = Buffer.alloc(300 * 1024, 'x');

export async function serve(handler: Handler): Promise<Handle> {
  const sockets = new Set<Socket>();
  const handle: Handle = { port: 0, url: '', requests: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    handle.requests.push(`${req.method} ${req.url}`);
    handler(req, res, handle);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  handle.port = (server.address() as AddressInfo).port;
  handle.url = `http://127.0.0.1:${handle.port}`;
  handle.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return handle;
}

/** Answers every path like a healthy mirror, after `delayMs`. */
export function mirror(delayMs = 0): Promise<Handle> {
  return serve((req, res) => {
    setTimeout(() => {
      if (res.destroyed) return;
      if (req.url === '/v2/') {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer realm="http://127.0.0.1/token",service="registry"', 'Content-Type': 'application/json' });
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const range = /bytes=(\d+)-(\d+)/.exec(String(req.headers.range ?? ''));
      const body = range ? BODY.subarray(Number(range[1]), Number(range[2]) + 1) : BODY;
      const type =
        req.url?.includes('/pip/') && String(req.headers.accept).includes('vnd.pypi.simple.v1+json') ? 'application/vnd.pypi.simple.v1+json' : 'text/plain';
      res.writeHead(range ? 206 : 200, { 'Content-Type': type, 'Content-Length': String(body.length) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, delayMs);
  });
}

/** Redirects every request to the same path on `target`. */
export function redirector(target: () => string, status = 302): Promise<Handle> {
  return serve((req, res) => {
    res.writeHead(status, { Location: `${target()}${req.url}` });
    res.end();
  });
}

/** A fixed status for every request (404, a 401 without a challenge...). */
export function fixed(status: number, headers: Record<string, string> = {}): Promise<Handle> {
  return serve((_req, res) => {
    res.writeHead(status, headers);
    res.end('nope');
  });
}

/** Accepts TCP connections and never says anything. */
export async function silent(): Promise<Handle & { connections: () => number }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: TcpServer = createTcpServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests: [],
    connections: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<string> {
  const h = await serve(() => undefined);
  await h.close();
  return h.url;
}

/**
 * Runs the built CLI without blocking this process (the servers above live here, so a
 * synchronous spawn would stop them from answering).
 */
export function danluAsync(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
