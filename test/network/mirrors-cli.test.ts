import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, read, tempProject, write } from '../support/cli.js';
import { danluAsync, deadPort, mirror, redirector, type Handle } from './servers.js';

/**
 * The built CLI against local servers: DANLU_MIRROR_CANDIDATES points it at 127.0.0.1
 * instead of the catalog's mirrors, so nothing here leaves the machine.
 */
const HOST = join(HOST_FILES, 'cpu-only.json');

let fast: Handle, slow: Handle, origin: Handle, back: Handle;
let dead: string;
let dir: string;
let candidates: string;
let deadCandidates: string;
const all = () => [fast, slow, origin, back].flatMap((h) => h.requests);

beforeAll(async () => {
  fast = await mirror(0);
  slow = await mirror(120);
  origin = await mirror(300);
  back = await redirector(() => origin.url, 301);
  dead = await deadPort();
  dir = tempProject({ 'train.py': 'import torch\n', 'requirements.txt': 'torch\n' });
  candidates = join(dir, '..', 'candidates.json');
  writeFileSync(
    candidates,
    JSON.stringify({
      candidates: [
        { kind: 'apt', name: 'ubuntu', url: null, purpose: 'upstream' },
        { kind: 'apt', name: 'fast', url: `${fast.url}/ubuntu/`, purpose: 'a fast mirror' },
        { kind: 'apt', name: 'slow', url: `${slow.url}/ubuntu/`, purpose: 'a slow mirror' },
        { kind: 'apt', name: 'back', url: `${back.url}/ubuntu/`, purpose: 'redirects to the upstream' },
        { kind: 'pypi', name: 'pypi', url: null, purpose: 'upstream' },
        { kind: 'pypi', name: 'fast', url: `${fast.url}/simple/`, purpose: 'a fast mirror' },
        { kind: 'pypi', name: 'dead', url: `${dead}/simple`, purpose: 'gone' },
        { kind: 'dockerhub', name: 'local', url: fast.url, purpose: 'a registry' },
        { kind: 'huggingface', name: 'dead', url: dead, purpose: 'gone' },
      ],
      canonical: { apt: `${origin.url}/ubuntu/`, pypi: `${slow.url}/simple` },
    }),
  );
  deadCandidates = join(dir, '..', 'dead.json');
  writeFileSync(
    deadCandidates,
    JSON.stringify({
      candidates: [
        { kind: 'apt', name: 'dead', url: `${dead}/ubuntu/` },
        { kind: 'pypi', name: 'dead', url: `${dead}/simple/` },
      ],
    }),
  );
});

afterAll(async () => {
  await Promise.all([fast, slow, origin, back].map((h) => h.close()));
  cleanup(dir);
});

describe('danlu mirrors', () => {
  it('without --probe lists presets and candidates and asks nobody anything', async () => {
    const r = await danluAsync(['mirrors', dir], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fast         ${fast.url}/ubuntu/`);
    expect(r.stdout).toContain('no .env in');
    const j = await danluAsync(['mirrors', dir, '--json'], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
    const doc = JSON.parse(j.stdout);
    expect(doc.presets.map((p: { name: string }) => p.name)).toEqual(['global', 'cn']);
    expect(doc.candidates).toHaveLength(9);
    expect(doc.active).toBeNull();
    expect(all()).toEqual([]);
  });

  it('--probe --json ranks every candidate and finds the dead and the redirect to the upstream', async () => {
    const r = await danluAsync(['mirrors', '--probe', '--json', '--timeout', '3000'], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const byName = (kind: string, name: string) => report.results.find((x: { kind: string; name: string }) => x.kind === kind && x.name === name);
    expect(report.ranking.apt).toEqual(['fast', 'slow', 'ubuntu', 'back']);
    expect(report.fastest.apt).toMatchObject({ name: 'fast', url: `${fast.url}/ubuntu/` });
    expect(byName('apt', 'back')).toMatchObject({ status: 'redirects-to-origin', ok: false, rank: null });
    expect(byName('pypi', 'dead')).toMatchObject({ status: 'unreachable', error: 'connection refused' });
    expect(report.fastest.pypi.name).toBe('fast');
    expect(byName('dockerhub', 'local')).toMatchObject({ status: 'ok', httpStatus: 401, rank: 1 });
    expect(report.fastest.huggingface).toBeNull();
    expect(report.timeoutMs).toBe(3000);
  });

  it('--probe for people: a ranked table on stdout, no progress codes when stderr is not a terminal', async () => {
    const r = await danluAsync(['mirrors', '--probe', '--kind', 'apt', '--timeout', '3000'], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Probed 4 endpoints in \d+ ms \(limit 3000 ms each, 8 at a time\)/);
    expect(r.stdout).toMatch(/ {2}1 fast {9}ok \d+ ms/);
    expect(r.stdout).toMatch(/ - back {9}redirects to the upstream: .*HTTP 301 back to the upstream 127\.0\.0\.1:/);
    expect(r.stdout).toContain('fastest: apt fast');
    expect(r.stderr).not.toContain('\x1b[');
  });

  it('--apply writes the fastest working set into .env and keeps every other line', async () => {
    expect(danlu(['init', dir, '--yes', '--host', HOST]).code).toBe(0);
    write(dir, '.env', `${read(dir, '.env')}MY_OWN_KEY=keep me\n`);
    const before = read(dir, '.env');
    const r = await danluAsync(['mirrors', dir, '--apply', '--json', '--kind', 'apt,pypi', '--host', HOST, '--timeout', '3000'], {
      env: { DANLU_MIRROR_CANDIDATES: candidates },
    });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.applied).toMatchObject({ path: '.env', action: 'updated', dryRun: false });
    expect(doc.choice.urls.apt).toBe(`${fast.url}/ubuntu/`);
    const after = read(dir, '.env');
    expect(after).toContain(`APT_MIRROR=${fast.url}/ubuntu/`);
    expect(after).toContain(`PYPI_MIRROR=${fast.url}/simple/`);
    expect(after).toContain('DANLU_MIRROR_PRESET=custom');
    expect(after).toContain('MY_OWN_KEY=keep me');
    const changed = new Set(['APT_MIRROR', 'PYPI_MIRROR', 'DANLU_MIRROR_PRESET', 'DEV_IMAGE']);
    const lines = (t: string) => t.split('\n').filter((l) => !changed.has(l.split('=')[0]!));
    expect(lines(after)).toEqual(lines(before));

    // init keeps the choice (a per-machine edit), and changes nothing more.
    const again = danlu(['init', dir, '--yes', '--host', HOST, '--json']);
    const files = JSON.parse(again.stdout).files as { path: string; action: string }[];
    expect(files.find((f) => f.path === '.env')!.action).toBe('unchanged');
    expect(read(dir, '.env')).toBe(after);
  });

  it('--apply refuses a folder without .env, and leaves .env alone when nothing answers', async () => {
    const empty = tempProject();
    try {
      const r = await danluAsync(['mirrors', empty, '--apply'], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no .env in');
    } finally {
      cleanup(empty);
    }
    const before = read(dir, '.env');
    const r = await danluAsync(['mirrors', dir, '--apply', '--host', HOST, '--timeout', '500'], { env: { DANLU_MIRROR_CANDIDATES: deadCandidates } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nothing answered: .env left as it is');
    expect(read(dir, '.env')).toBe(before);
  });
});

describe('--mirror auto', () => {
  it('plan: probes, takes the fastest of each kind, and says why', async () => {
    const r = await danluAsync(['plan', dir, '--mirror', 'auto', '--host', HOST, '--json'], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.mirrors.preset).toBe('custom');
    expect(plan.mirrors.urls.apt).toBe(`${fast.url}/ubuntu/`);
    expect(plan.mirrors.urls.huggingface).toBeNull();
    const apt = plan.decisions.find((d: { what: string }) => d.what === 'mirror: apt');
    expect(apt.why).toMatch(/^fastest working of 4: fast \d+ ms \(first answer \d+ ms\); slow \d+ ms, ubuntu \d+ ms, back redirects to the upstream$/);
    expect(plan.decisions.find((d: { what: string }) => d.what === 'mirrors').choice).toBe('auto -> custom');
    expect(plan.warnings.map((w: { id: string }) => w.id)).toContain('mirror-auto-huggingface');
  });

  it('falls back to global with a warning when nothing answers', async () => {
    const r = await danluAsync(['plan', dir, '--mirror', 'auto', '--host', HOST, '--json'], {
      env: { DANLU_MIRROR_CANDIDATES: deadCandidates, DANLU_MIRROR_TIMEOUT_MS: '500' },
    });
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.mirrors.preset).toBe('global');
    expect(plan.warnings.find((w: { id: string }) => w.id === 'mirror-auto-failed').message).toContain('none of the 2 mirror endpoints answered within 500 ms');
  });

  it('init --mirror auto writes the winners to .env', async () => {
    const proj = tempProject({ 'train.py': 'import torch\n' });
    try {
      const r = await danluAsync(['init', proj, '--yes', '--mirror', 'auto', '--host', HOST], { env: { DANLU_MIRROR_CANDIDATES: candidates } });
      expect(r.code).toBe(0);
      expect(read(proj, '.env')).toContain(`APT_MIRROR=${fast.url}/ubuntu/`);
      expect(read(proj, '.env')).toContain(`DOCKERHUB_MIRROR=${fast.url}`);
    } finally {
      cleanup(proj);
    }
  });

  it('rejects an unknown preset', () => {
    const r = danlu(['plan', dir, '--mirror', 'fastest', '--host', HOST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--mirror fastest: expected global, cn or auto');
  });

  it('nothing in the default path touches the network', async () => {
    const seen = all().length;
    for (const args of [
      ['plan', dir, '--host', HOST],
      ['init', dir, '--yes', '--host', HOST],
      ['mirrors', dir],
    ]) {
      const r = await danluAsync(args, { env: { DANLU_MIRROR_CANDIDATES: candidates } });
      expect(r.code).toBe(0);
    }
    expect(all().length).toBe(seen);
  });
});
