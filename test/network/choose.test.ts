import { describe, expect, it } from 'vitest';
import { presetNamed, type MirrorKind } from '../../src/catalog/mirrors.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { chooseMirrors, presetOf } from '../../src/network/choose.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { hostProfile, projectFacts } from '../../src/plan/testing/fixtures.js';
import { buildReport, type ProbeResult } from '../../src/network/probe.js';
import type { Plan } from '../../src/plan/types.js';

const res = (kind: MirrorKind, name: string, url: string | null, status: ProbeResult['status'], ms: number): ProbeResult => ({
  kind,
  name,
  url,
  upstream: url === null,
  status,
  ok: status === 'ok',
  rank: null,
  httpStatus: status === 'ok' ? 200 : null,
  latencyMs: status === 'ok' ? Math.round(ms / 2) : null,
  download: null,
  ms,
  checked: [],
  redirects: [],
  error: status === 'ok' ? null : status === 'timeout' ? 'no answer within 2500 ms' : 'connection refused',
});

const report = (results: ProbeResult[]) => buildReport(results, { startedAt: 't', elapsedMs: 900, timeoutMs: 2500, concurrency: 8, candidates: 'catalog' });

describe('chooseMirrors', () => {
  it('takes the fastest working candidate of each kind and says why', () => {
    const c = chooseMirrors(
      report([
        res('apt', 'ubuntu', null, 'ok', 900),
        res('apt', 'tuna', 'https://tuna/ubuntu/', 'ok', 40),
        res('apt', 'bfsu', 'https://bfsu/ubuntu/', 'timeout', 2500),
        res('pypi', 'pypi', null, 'ok', 120),
        res('pypi', 'aliyun', 'https://aliyun/pypi/simple/', 'ok', 300),
      ]),
    );
    expect(c.urls.apt).toBe('https://tuna/ubuntu/');
    expect(c.urls.pypi).toBeNull();
    expect(c.preset).toBe('custom');
    expect(c.warnings).toEqual([]);
    const apt = c.decisions.find((d) => d.what === 'mirror: apt')!;
    expect(apt.choice).toBe('https://tuna/ubuntu/');
    expect(apt.why).toBe('fastest working of 3: tuna 40 ms (first answer 20 ms); ubuntu 900 ms, bfsu timed out');
    expect(c.decisions[0]).toMatchObject({ what: 'mirrors', choice: 'auto -> custom' });
    expect(c.decisions.find((d) => d.what === 'mirror: pypi')!.choice).toBe('pypi (upstream)');
  });

  it('falls back to global, with a warning, when nothing answers', () => {
    const c = chooseMirrors(
      report([res('apt', 'tuna', 'https://tuna/', 'timeout', 2500), res('pypi', 'pypi', null, 'unreachable', 3)]),
      presetNamed('cn')!.choice,
    );
    expect(c.preset).toBe('global');
    expect(c.urls).toEqual(presetNamed('global')!.choice);
    expect(c.warnings.map((w) => w.id)).toEqual(['mirror-auto-failed']);
    expect(c.warnings[0]!.message).toContain('none of the 2 mirror endpoints answered within 2500 ms');
  });

  it('keeps the upstream for a kind where nothing answered, and other kinds from the base', () => {
    const c = chooseMirrors(
      report([res('apt', 'tuna', 'https://tuna/', 'ok', 10), res('huggingface', 'hf-mirror', 'https://hf-mirror.com', 'timeout', 2500)]),
      { ...presetNamed('cn')!.choice },
    );
    expect(c.urls.apt).toBe('https://tuna/');
    expect(c.urls.huggingface).toBeNull();
    expect(c.urls.pypi).toBe(presetNamed('cn')!.choice.pypi);
    expect(c.warnings.map((w) => w.id)).toEqual(['mirror-auto-huggingface']);
  });

  it('names a preset when the winners are exactly one', () => {
    expect(presetOf(presetNamed('cn')!.choice)).toBe('cn');
    expect(presetOf(presetNamed('global')!.choice)).toBe('global');
  });

  it('the probed choice is a fact the plan takes: its decisions stand where the preset would, its URLs in the plan', () => {
    const c = chooseMirrors(report([res('apt', 'tuna', 'https://tuna/', 'ok', 10)]));
    const input = { host: hostProfile({}), project: projectFacts(), options: {}, catalog: EMBEDDED_CATALOG };
    const plain = makePlan(input);
    const probed = makePlan({ ...input, options: { mirrorChoice: c } });
    const whats = (p: Plan) => p.decisions.map((d) => d.what);
    const at = whats(plain).indexOf('mirrors');
    expect(whats(probed).slice(at, at + 2)).toEqual(['mirrors', 'mirror: apt']);
    expect(whats(probed).filter((w) => w !== 'mirror: apt')).toEqual(whats(plain));
    expect(probed.mirrors.urls.apt).toBe('https://tuna/');
    expect(plain.mirrors.urls.apt).toBeNull();
  });
});
