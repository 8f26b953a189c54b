import type { MirrorKind } from '../catalog/mirrors.js';
import { isOriginUrl, MIRROR_KINDS, type ProbeTarget } from './targets.js';

/**
 * Mirror probing (pain points 13, 18, 19): every candidate is asked for a small, real file
 * of its kind, with a time limit, following redirects by hand so that a mirror that sends
 * the client back to the upstream is caught. Only `danlu mirrors --probe` and
 * `--mirror auto` call this; nothing else touches the network.
 */

export type ProbeStatus = 'ok' | 'redirects-to-origin' | 'http-error' | 'too-many-redirects' | 'timeout' | 'unreachable';

/** One request of a check. */
export interface ProbeStep {
  /** What is fetched, in words ("Release file of noble"). */
  what: string;
  method: 'GET' | 'HEAD';
  /** Appended to the target's base URL. */
  path: string;
  headers?: Record<string, string>;
  /** Bytes of the body to read and time (a small download); 0 = headers only. */
  readBytes: number;
  /** The answer that means "this endpoint works". */
  alive: (status: number, headers: Headers) => boolean;
}

export interface Redirect {
  status: number;
  from: string;
  to: string;
}

export interface ProbeResult {
  kind: MirrorKind;
  name: string;
  /** The .env value this candidate stands for; null = upstream. */
  url: string | null;
  upstream: boolean;
  status: ProbeStatus;
  ok: boolean;
  /** 1 = fastest working candidate of its kind; null when it does not work. */
  rank: number | null;
  /** HTTP status of the last answer, when there was one. */
  httpStatus: number | null;
  /** Time to the first answer's headers (redirects included), ms. */
  latencyMs: number | null;
  /** The small download, when the kind has one and it ran. */
  download: { bytes: number; ms: number; bytesPerSecond: number } | null;
  /** The whole check, ms: what the ranking compares. */
  ms: number;
  /** URLs asked, one per step (before redirects). */
  checked: string[];
  redirects: Redirect[];
  /** Why it does not work, in words; null when it works. */
  error: string | null;
}

export interface ProbeReport {
  startedAt: string;
  elapsedMs: number;
  timeoutMs: number;
  concurrency: number;
  /** "catalog" or the DANLU_MIRROR_CANDIDATES file. */
  candidates: string;
  /** The proxy requests went through (from http(s)_proxy, credentials masked); null = direct. */
  proxy: string | null;
  /** In the order the targets were given. */
  results: ProbeResult[];
  /** Per kind, candidate names: working ones fastest first, then the others. */
  ranking: Partial<Record<MirrorKind, string[]>>;
  /** Per kind, the fastest working candidate; null when none works. */
  fastest: Partial<Record<MirrorKind, { name: string; url: string | null; ms: number } | null>>;
}

export type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

export type ProbeEvent = { type: 'start'; index: number; target: ProbeTarget } | { type: 'done'; index: number; target: ProbeTarget; result: ProbeResult };

export interface ProbeOptions {
  /** Per candidate, for the whole check (all requests and redirects). */
  timeoutMs: number;
  /** Candidates probed at the same time. */
  concurrency?: number;
  fetcher?: Fetcher;
  /** Origin hosts per kind (redirect detection). */
  origins: Record<MirrorKind, readonly string[]>;
  onEvent?: (e: ProbeEvent) => void;
  now?: () => number;
  candidates?: string;
  /** For the report: the proxy the fetcher uses. */
  proxy?: string | null;
}

export const MAX_REDIRECTS = 5;
export const DEFAULT_CONCURRENCY = 8;
/** The small download: enough to see throughput, small enough for a slow line. */
export const SAMPLE_BYTES = 256 * 1024;

const ok200 = (status: number) => status === 200 || status === 206;
/** A registry's /v2/ answers 200, or 401 with a challenge saying where to get a token. */
const registryAlive = (status: number, headers: Headers) => status === 200 || (status === 401 && headers.has('www-authenticate'));

/** A release of python-build-standalone that uv 0.5+ knows, and its smallest Linux asset. */
export const PYTHON_SAMPLE = '20250317/cpython-3.12.9+20250317-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz';

/** What to fetch for each kind: a small real file, as the tool that uses the mirror would. */
export function stepsFor(kind: MirrorKind): ProbeStep[] {
  const range = { Range: `bytes=0-${SAMPLE_BYTES - 1}` };
  switch (kind) {
    case 'apt':
      return [
        { what: 'Release file of noble (headers)', method: 'HEAD', path: '/dists/noble/Release', readBytes: 0, alive: ok200 },
        { what: 'Release file of noble (first 256 KiB)', method: 'GET', path: '/dists/noble/Release', headers: range, readBytes: SAMPLE_BYTES, alive: ok200 },
      ];
    case 'pypi':
      return [
        {
          what: 'simple page of pip (PEP 691 JSON or HTML)',
          method: 'GET',
          path: '/pip/',
          headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' },
          readBytes: SAMPLE_BYTES,
          alive: ok200,
        },
      ];
    case 'pytorch':
      return [
        { what: 'cu128 index page of torch (headers)', method: 'HEAD', path: '/cu128/torch/', readBytes: 0, alive: ok200 },
        { what: 'cu128 index page of torch (first 256 KiB)', method: 'GET', path: '/cu128/torch/', headers: range, readBytes: SAMPLE_BYTES, alive: ok200 },
      ];
    case 'huggingface':
      return [
        { what: 'model API of gpt2', method: 'GET', path: '/api/models/gpt2', readBytes: 64 * 1024, alive: ok200 },
        { what: 'config.json of gpt2', method: 'GET', path: '/gpt2/resolve/main/config.json', readBytes: 64 * 1024, alive: ok200 },
      ];
    case 'dockerhub':
    case 'ghcr':
      return [{ what: 'registry API root /v2/', method: 'GET', path: '/v2/', readBytes: 0, alive: registryAlive }];
    case 'python':
      return [
        { what: 'a CPython 3.12 build (headers)', method: 'HEAD', path: `/${PYTHON_SAMPLE}`, readBytes: 0, alive: ok200 },
        { what: 'a CPython 3.12 build (first 256 KiB)', method: 'GET', path: `/${PYTHON_SAMPLE}`, headers: range, readBytes: SAMPLE_BYTES, alive: ok200 },
      ];
  }
}

const joinUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;

async function discard(res: Response): Promise<void> {
  try {
    await res.body?.cancel();
  } catch {
    /* already closed */
  }
}

/** Reads at most `max` bytes of the body, then lets the rest go. Returns the bytes read. */
async function readUpTo(res: Response, max: number): Promise<number> {
  const reader = res.body?.getReader();
  if (!reader) return 0;
  let n = 0;
  try {
    while (n < max) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return n;
}

function errorCode(e: unknown): string {
  const err = e as { code?: string; cause?: { code?: string; cause?: { code?: string } } };
  return err?.cause?.code ?? err?.cause?.cause?.code ?? err?.code ?? '';
}

/** A failed request, in words and as a status. */
export function describeFailure(e: unknown, timedOut: boolean, timeoutMs: number): { status: ProbeStatus; error: string } {
  const name = (e as Error)?.name ?? '';
  if (timedOut || name === 'TimeoutError' || name === 'AbortError') return { status: 'timeout', error: `no answer within ${timeoutMs} ms` };
  const code = errorCode(e);
  const message = ((e as { cause?: Error })?.cause?.message ?? (e as Error)?.message ?? String(e)).trim();
  if (code === 'ECONNREFUSED') return { status: 'unreachable', error: 'connection refused' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { status: 'unreachable', error: 'host name does not resolve' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { status: 'unreachable', error: 'connection closed by the server' };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return { status: 'unreachable', error: 'network unreachable' };
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT')
    return { status: 'timeout', error: `no answer within ${timeoutMs} ms` };
  if (/CERT|TLS|SSL/i.test(code) || /certificate|TLS|SSL/i.test(message)) return { status: 'unreachable', error: `TLS: ${message}` };
  return { status: 'unreachable', error: message || code || 'request failed' };
}

interface CheckOptions {
  timeoutMs: number;
  fetcher: Fetcher;
  origins: readonly string[];
  now: () => number;
}

/** Runs the steps of one target; never throws, never runs past the time limit (plus a little). */
export async function probeTarget(target: ProbeTarget, o: CheckOptions): Promise<ProbeResult> {
  const started = o.now();
  const controller = new AbortController();
  const base: ProbeResult = {
    kind: target.kind,
    name: target.name,
    url: target.url,
    upstream: target.upstream,
    status: 'ok',
    ok: true,
    rank: null,
    httpStatus: null,
    latencyMs: null,
    download: null,
    ms: 0,
    checked: [],
    redirects: [],
    error: null,
  };
  const finish = (status: ProbeStatus, error: string | null): ProbeResult => ({
    ...base,
    status,
    ok: status === 'ok',
    error,
    ms: Math.round(o.now() - started),
  });

  const run = async (): Promise<ProbeResult> => {
    try {
      for (const [i, step] of stepsFor(target.kind).entries()) {
        let url = new URL(joinUrl(target.base, step.path));
        base.checked.push(url.href);
        let method: 'GET' | 'HEAD' = step.method;
        const stepStart = o.now();
        let res: Response | null = null;
        for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
          const r = await o.fetcher(url.href, { method, headers: step.headers, redirect: 'manual', signal: controller.signal });
          const location = r.headers.get('location');
          if (r.status >= 300 && r.status < 400 && location) {
            await discard(r);
            base.httpStatus = r.status;
            const next = new URL(location, url);
            base.redirects.push({ status: r.status, from: url.href, to: next.href });
            if (!target.upstream && isOriginUrl(next, o.origins)) {
              return finish('redirects-to-origin', `${step.what}: HTTP ${r.status} back to the upstream ${next.host}`);
            }
            if (r.status === 303) method = 'GET';
            url = next;
            continue;
          }
          res = r;
          break;
        }
        if (!res) return finish('too-many-redirects', `${step.what}: more than ${MAX_REDIRECTS} redirects`);
        base.httpStatus = res.status;
        if (i === 0) base.latencyMs = Math.round(o.now() - stepStart);
        if (!step.alive(res.status, res.headers)) {
          await discard(res);
          return finish('http-error', `${step.what}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
        }
        if (step.readBytes > 0 && method === 'GET') {
          const bytes = await readUpTo(res, step.readBytes);
          const ms = Math.max(1, Math.round(o.now() - stepStart));
          base.download = { bytes, ms, bytesPerSecond: Math.round((bytes * 1000) / ms) };
        } else {
          await discard(res);
        }
      }
      return finish('ok', null);
    } catch (e) {
      const f = describeFailure(e, controller.signal.aborted, o.timeoutMs);
      return finish(f.status, f.error);
    }
  };

  // The time limit holds even for a fetcher that ignores its signal.
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException('probe time limit', 'TimeoutError'));
      // Give the fetcher a moment to notice the abort and report it itself.
      setTimeout(() => resolve(finish('timeout', `no answer within ${o.timeoutMs} ms`)), 50).unref();
    }, o.timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([run(), limit]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const STATUS_ORDER: Record<ProbeStatus, number> = {
  ok: 0,
  'redirects-to-origin': 1,
  'http-error': 2,
  'too-many-redirects': 3,
  timeout: 4,
  unreachable: 5,
};

/**
 * Pure: per kind, working candidates fastest first (the whole check's time; on a tie the
 * upstream first, then by name), then the others by how close they came to working.
 */
export function rankResults(results: readonly ProbeResult[]): Partial<Record<MirrorKind, ProbeResult[]>> {
  const out: Partial<Record<MirrorKind, ProbeResult[]>> = {};
  for (const kind of MIRROR_KINDS) {
    const mine = results.filter((r) => r.kind === kind);
    if (mine.length === 0) continue;
    out[kind] = [...mine].sort((a, b) => {
      const s = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
      if (s !== 0) return s;
      if (a.ok && b.ok && a.ms !== b.ms) return a.ms - b.ms;
      if (a.upstream !== b.upstream) return a.upstream ? -1 : 1;
      return a.name.localeCompare(b.name);
    });
  }
  return out;
}

/** Pure: results with their rank filled in, the per-kind ranking and the fastest per kind. */
export function buildReport(
  results: readonly ProbeResult[],
  meta: Pick<ProbeReport, 'startedAt' | 'elapsedMs' | 'timeoutMs' | 'concurrency' | 'candidates'> & { proxy?: string | null },
): ProbeReport {
  const ranked = rankResults(results);
  const rankOf = new Map<ProbeResult, number>();
  const ranking: ProbeReport['ranking'] = {};
  const fastest: ProbeReport['fastest'] = {};
  for (const [kind, list] of Object.entries(ranked) as [MirrorKind, ProbeResult[]][]) {
    ranking[kind] = list.map((r) => r.name);
    list.filter((r) => r.ok).forEach((r, i) => rankOf.set(r, i + 1));
    const best = list.find((r) => r.ok);
    fastest[kind] = best ? { name: best.name, url: best.url, ms: best.ms } : null;
  }
  return { ...meta, proxy: meta.proxy ?? null, results: results.map((r) => ({ ...r, rank: rankOf.get(r) ?? null })), ranking, fastest };
}

/** Probes every target, at most `concurrency` at a time; each within its time limit. */
export async function probeAll(targets: readonly ProbeTarget[], options: ProbeOptions): Promise<ProbeReport> {
  const now = options.now ?? (() => performance.now());
  const fetcher = options.fetcher ?? ((url, init) => fetch(url, init));
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, 64));
  const startedAt = new Date().toISOString();
  const t0 = now();
  const results: ProbeResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const index = next++;
      const target = targets[index]!;
      options.onEvent?.({ type: 'start', index, target });
      const result = await probeTarget(target, { timeoutMs: options.timeoutMs, fetcher, origins: options.origins[target.kind] ?? [], now });
      results[index] = result;
      options.onEvent?.({ type: 'done', index, target, result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return buildReport(results, {
    startedAt,
    elapsedMs: Math.round(now() - t0),
    timeoutMs: options.timeoutMs,
    concurrency,
    candidates: options.candidates ?? 'catalog',
    proxy: options.proxy ?? null,
  });
}
