import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MirrorKind } from '../../src/catalog/mirrors.js';
import { buildReport, describeFailure, probeAll, probeTarget, rankResults, stepsFor, type ProbeReport, type ProbeResult } from '../../src/network/probe.js';
import { MIRROR_KINDS, ORIGIN_HOSTS, parseCandidateSet, probeBase, targetsOf, CATALOG_SET, type ProbeTarget } from '../../src/network/targets.js';
import { deadPort, fixed, mirror, redirector, silent, type Handle } from './servers.js';

const TIMEOUT = 1500;

const target = (kind: MirrorKind, name: string, base: string, upstream = false): ProbeTarget => ({
  kind,
  name,
  url: upstream ? null : base,
  base,
  upstream,
  purpose: name,
});

describe('probing local servers', () => {
  const handles: Handle[] = [];
  let fast: Handle,
    slow: Handle,
    tooSlow: Handle,
    cdn: Handle,
    origin: Handle,
    toCdn: Handle,
    toOrigin: Handle,
    notFound: Handle,
    bare401: Handle,
    loop: Handle;
  let hang: Awaited<ReturnType<typeof silent>>;
  let dead: string;
  let report: ProbeReport;
  let started: number;
  let elapsed: number;

  beforeAll(async () => {
    fast = await mirror(0);
    slow = await mirror(200);
    tooSlow = await mirror(5000);
    cdn = await mirror(0);
    origin = await mirror(0);
    toCdn = await redirector(() => cdn.url, 302);
    toOrigin = await redirector(() => origin.url, 301);
    notFound = await fixed(404);
    bare401 = await fixed(401);
    loop = await redirector(() => loop.url, 302);
    hang = await silent();
    dead = await deadPort();
    handles.push(fast, slow, tooSlow, cdn, origin, toCdn, toOrigin, notFound, bare401, loop, hang);
    const targets = [
      target('apt', 'slow', slow.url),
      target('apt', 'fast', fast.url),
      target('apt', 'upstream', origin.url, true),
      target('apt', 'too-slow', tooSlow.url),
      target('apt', 'hang', hang.url),
      target('apt', 'dead', dead),
      target('apt', 'to-cdn', toCdn.url),
      target('apt', 'to-origin', toOrigin.url),
      target('apt', 'missing', notFound.url),
      target('apt', 'loop', loop.url),
      target('dockerhub', 'registry', fast.url),
      target('dockerhub', 'no-challenge', bare401.url),
      target('pypi', 'fast', fast.url),
      target('pytorch', 'to-origin', toOrigin.url),
      target('huggingface', 'fast', fast.url),
      target('python', 'fast', fast.url),
    ];
    const origins = { ...ORIGIN_HOSTS, apt: [`127.0.0.1:${origin.port}`], pytorch: [`127.0.0.1:${origin.port}`] };
    started = Date.now();
    report = await probeAll(targets, { timeoutMs: TIMEOUT, concurrency: 4, origins, candidates: 'test' });
    elapsed = Date.now() - started;
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
  });

  const result = (kind: MirrorKind, name: string): ProbeResult => report.results.find((r) => r.kind === kind && r.name === name)!;

  it('ranks the working apt candidates fastest first, then the broken ones', () => {
    const ranking = report.ranking.apt!;
    const working = ranking.filter((n) => result('apt', n).ok);
    expect(new Set(working)).toEqual(new Set(['fast', 'upstream', 'to-cdn', 'slow']));
    expect(working[working.length - 1]).toBe('slow');
    expect(result('apt', 'slow').ms).toBeGreaterThanOrEqual(400);
    expect(result('apt', 'fast').rank).toBeLessThan(result('apt', 'slow').rank!);
    expect(ranking.slice(working.length)).toEqual(['to-origin', 'missing', 'loop', 'hang', 'too-slow', 'dead']);
    expect(report.fastest.apt?.name).not.toBe('slow');
    expect(result('apt', 'dead').rank).toBeNull();
  });

  it('measures the first answer and the small download', () => {
    const r = result('apt', 'fast');
    expect(r.status).toBe('ok');
    expect(r.latencyMs).not.toBeNull();
    expect(r.download!.bytes).toBe(256 * 1024);
    expect(r.download!.bytesPerSecond).toBeGreaterThan(0);
    expect(r.checked).toEqual([`${fast.url}/dists/noble/Release`, `${fast.url}/dists/noble/Release`]);
    expect(fast.requests).toContain('HEAD /dists/noble/Release');
    expect(fast.requests).toContain('GET /dists/noble/Release');
  });

  it('times out a server that is too slow and one that never answers, within the limit', () => {
    for (const name of ['too-slow', 'hang']) {
      const r = result('apt', name);
      expect(r.status).toBe('timeout');
      expect(r.error).toBe(`no answer within ${TIMEOUT} ms`);
      expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT - 50);
      expect(r.ms).toBeLessThan(TIMEOUT + 1000);
    }
    expect(hang.connections()).toBeGreaterThan(0);
    // 16 targets, 4 at a time, 2 of them waiting out the limit: the whole probe stays short.
    expect(elapsed).toBeLessThan(TIMEOUT * 4);
  });

  it('reports a dead port as unreachable', () => {
    expect(result('apt', 'dead')).toMatchObject({ status: 'unreachable', ok: false, error: 'connection refused', httpStatus: null });
  });

  it('follows a redirect to another host, and flags one back to the upstream', () => {
    const viaCdn = result('apt', 'to-cdn');
    expect(viaCdn.status).toBe('ok');
    expect(viaCdn.redirects[0]).toEqual({ status: 302, from: `${toCdn.url}/dists/noble/Release`, to: `${cdn.url}/dists/noble/Release` });
    expect(cdn.requests).toContain('GET /dists/noble/Release');

    const back = result('apt', 'to-origin');
    expect(back.status).toBe('redirects-to-origin');
    expect(back.ok).toBe(false);
    expect(back.error).toContain(`HTTP 301 back to the upstream 127.0.0.1:${origin.port}`);
    expect(result('pytorch', 'to-origin').status).toBe('redirects-to-origin');
    expect(result('pytorch', 'to-origin').checked[0]).toBe(`${toOrigin.url}/cu128/torch/`);
  });

  it('the upstream itself may redirect anywhere', () => {
    expect(result('apt', 'upstream').status).toBe('ok');
  });

  it('stops a redirect loop', () => {
    const r = result('apt', 'loop');
    expect(r.status).toBe('too-many-redirects');
    expect(r.redirects.length).toBe(6);
  });

  it('reports HTTP errors with their status', () => {
    expect(result('apt', 'missing')).toMatchObject({ status: 'http-error', httpStatus: 404 });
    expect(result('apt', 'missing').error).toMatch(/HTTP 404/);
  });

  it('counts a registry /v2/ answering 401 with a challenge as alive, and without one as broken', () => {
    expect(result('dockerhub', 'registry')).toMatchObject({ status: 'ok', httpStatus: 401 });
    expect(result('dockerhub', 'no-challenge')).toMatchObject({ status: 'http-error', httpStatus: 401 });
    expect(report.fastest.dockerhub).toEqual({ name: 'registry', url: fast.url, ms: result('dockerhub', 'registry').ms });
  });

  it('asks each kind for its own small file', () => {
    expect(fast.requests).toContain('GET /pip/');
    expect(fast.requests).toContain('GET /api/models/gpt2');
    expect(fast.requests).toContain('GET /gpt2/resolve/main/config.json');
    expect(fast.requests.some((r) => r.startsWith('HEAD /20250317/cpython-3.12.9'))).toBe(true);
    expect(result('pypi', 'fast').download!.bytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(result('huggingface', 'fast').download!.bytes).toBeGreaterThanOrEqual(64 * 1024);
  });

  it('has the documented report shape', () => {
    expect(Object.keys(report).sort()).toEqual(['candidates', 'concurrency', 'elapsedMs', 'fastest', 'proxy', 'ranking', 'results', 'startedAt', 'timeoutMs']);
    expect(Object.keys(report.results[0]!).sort()).toEqual(
      ['checked', 'download', 'error', 'httpStatus', 'kind', 'latencyMs', 'ms', 'name', 'ok', 'rank', 'redirects', 'status', 'upstream', 'url'].sort(),
    );
    expect(report.results.map((r) => r.name).slice(0, 3)).toEqual(['slow', 'fast', 'upstream']);
    expect(report).toMatchObject({ timeoutMs: TIMEOUT, concurrency: 4, candidates: 'test' });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('bounds', () => {
  it('never runs concurrently beyond the limit', async () => {
    let active = 0;
    let peak = 0;
    const fetcher = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
    };
    const targets = Array.from({ length: 12 }, (_, i) => target('ghcr', `r${i}`, `https://r${i}.example`));
    const report = await probeAll(targets, { timeoutMs: 1000, concurrency: 3, origins: ORIGIN_HOSTS, fetcher });
    expect(peak).toBe(3);
    expect(report.results.every((r) => r.ok)).toBe(true);
  });

  it('holds the time limit even when the fetcher ignores its signal', async () => {
    const fetcher = () => new Promise<Response>(() => undefined);
    const t0 = Date.now();
    const r = await probeTarget(target('apt', 'stuck', 'https://stuck.example'), { timeoutMs: 150, fetcher, origins: [], now: () => performance.now() });
    expect(r.status).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('classifies network errors', () => {
    const withCode = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
    expect(describeFailure(withCode('ENOTFOUND'), false, 1)).toEqual({ status: 'unreachable', error: 'host name does not resolve' });
    expect(describeFailure(withCode('ECONNRESET'), false, 1).error).toBe('connection closed by the server');
    expect(describeFailure(withCode('UND_ERR_CONNECT_TIMEOUT'), false, 9).status).toBe('timeout');
    expect(describeFailure(withCode('CERT_HAS_EXPIRED'), false, 1).error).toMatch(/^TLS: /);
    expect(describeFailure(new DOMException('x', 'TimeoutError'), false, 5).error).toBe('no answer within 5 ms');
  });
});

describe('rankResults (pure)', () => {
  const r = (name: string, status: ProbeResult['status'], ms: number, upstream = false): ProbeResult => ({
    kind: 'pypi',
    name,
    url: upstream ? null : `https://${name}`,
    upstream,
    status,
    ok: status === 'ok',
    rank: null,
    httpStatus: 200,
    latencyMs: ms,
    download: null,
    ms,
    checked: [],
    redirects: [],
    error: null,
  });

  it('orders working ones by time, ties to the upstream, then failures by how close they came', () => {
    const ranked = rankResults([
      r('b', 'ok', 50),
      r('dead', 'unreachable', 1),
      r('up', 'ok', 50, true),
      r('a', 'ok', 20),
      r('back', 'redirects-to-origin', 5),
      r('slow', 'timeout', 800),
    ]);
    expect(ranked.pypi!.map((x) => x.name)).toEqual(['a', 'up', 'b', 'back', 'slow', 'dead']);
  });

  it('gives ranks only to working candidates', () => {
    const report = buildReport([r('b', 'ok', 50), r('x', 'timeout', 800), r('a', 'ok', 20)], {
      startedAt: '',
      elapsedMs: 0,
      timeoutMs: 800,
      concurrency: 1,
      candidates: 't',
    });
    expect(report.results.map((x) => [x.name, x.rank])).toEqual([
      ['b', 2],
      ['x', null],
      ['a', 1],
    ]);
    expect(report.fastest).toEqual({ pypi: { name: 'a', url: 'https://a', ms: 20 } });
  });
});

describe('targets', () => {
  it('probes every kind of the catalog, upstream included', () => {
    const targets = targetsOf(CATALOG_SET);
    expect(new Set(targets.map((t) => t.kind))).toEqual(new Set(MIRROR_KINDS));
    expect(targets.find((t) => t.kind === 'dockerhub' && t.upstream)!.base).toBe('https://registry-1.docker.io');
    expect(targets.find((t) => t.kind === 'ghcr' && !t.upstream)!.base).toBe('https://ghcr.nju.edu.cn');
    for (const t of targets) expect(stepsFor(t.kind).length).toBeGreaterThan(0);
  });

  it('reads a candidate file (DANLU_MIRROR_CANDIDATES) and adds its upstreams to the origins', () => {
    const set = parseCandidateSet(
      { candidates: [{ kind: 'apt', name: 'local', url: 'http://127.0.0.1:1/ubuntu/', purpose: 'x' }], canonical: { apt: 'http://127.0.0.1:2/ubuntu' } },
      'f.json',
    );
    expect(set.origins.apt).toContain('127.0.0.1:2');
    expect(set.canonical.apt).toBe('http://127.0.0.1:2/ubuntu');
    expect(() => parseCandidateSet({ candidates: [{ kind: 'npm', name: 'x', url: null }] }, 'f.json')).toThrow(/kind must be one of/);
    expect(probeBase('dockerhub', 'http://127.0.0.1:5/')).toBe('http://127.0.0.1:5');
  });
});
