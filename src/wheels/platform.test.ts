import { describe, expect, it } from 'vitest';
import { hostProfile, projectFacts } from '../plan/testing/fixtures.js';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { makePlan } from '../plan/make-plan.js';
import { wheelMarker } from './flash-attn.js';
import { resolveSpecial } from './registry.js';
import { target } from './test-helpers.js';

/**
 * Wheels by URL (flash-attn's releases and the community list, mamba-ssm, nunchaku) exist for
 * Linux x86_64 only: an aarch64 machine (GH200, DGX Spark) never gets one, whose marker would
 * never match there; an index (Astral's) serves each platform its own wheel.
 */
const arm = (over: Parameters<typeof target>[0] = {}) => target({ platform: 'linux_aarch64', ...over });

describe('special packages on an aarch64 machine', () => {
  it("no x86_64 wheel URL for flash-attn, mamba-ssm or causal-conv1d: a source build, or Astral's index", () => {
    for (const name of ['flash-attn', 'mamba-ssm', 'causal-conv1d']) {
      // Without Astral's index, what the release wheels give: one on x86_64, none on aarch64.
      const x86 = resolveSpecial({ name, specifier: '' }, target({ torch: '2.8.0' }), { astral: null });
      const r = resolveSpecial({ name, specifier: '' }, arm({ torch: '2.8.0' }), { astral: null });
      expect(x86?.kind, name).toBe('wheel');
      expect(r?.kind, name).not.toBe('wheel');
      expect(r?.kind, name).toBe('build');
    }
    expect(resolveSpecial({ name: 'flash-attn', specifier: '' }, arm({ torch: '2.11.0' }))).toMatchObject({
      kind: 'index',
      specifier: '==2.8.3.post1+cu.12.8.torch.2.11',
    });
  });

  it('nunchaku, whose only builds are x86_64 wheels, is a conflict that says so', () => {
    const ada = { gpus: [{ computeCapability: '8.9' }] };
    expect(resolveSpecial({ name: 'nunchaku', specifier: '' }, target(ada))?.kind).toBe('wheel');
    expect(resolveSpecial({ name: 'nunchaku', specifier: '' }, arm(ada))).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/x86_64 only/) });
  });

  it("a wheel's marker names the machine it was built for", () => {
    expect(wheelMarker('3.12', 'linux_aarch64')).toBe("sys_platform == 'linux' and platform_machine == 'aarch64' and python_version == '3.12'");
    expect(wheelMarker(null)).toBe("sys_platform == 'linux' and platform_machine == 'x86_64'");
  });

  it('the plan of an arm64 host resolves for aarch64 (no x86_64 wheel written for it)', () => {
    const host = hostProfile({
      gpus: [{ index: 0, name: 'NVIDIA GH200 480GB', computeCapability: '9.0', memoryMiB: 97871, class: 'datacenter' }],
      driver: '580.95.05',
      cuda: '13.0',
    });
    host.os = { ...host.os, arch: 'arm64' };
    const plan = makePlan({
      host,
      project: projectFacts({
        requirements: [{ name: 'flash-attn', specifier: '', extras: [], marker: null, origin: { file: 'requirements.txt', line: 1 } }] as never,
      }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    const fa = plan.packages.find((p) => p.name === 'flash-attn')!.resolution;
    expect(fa.kind).not.toBe('wheel');
    expect(JSON.stringify(plan.pyproject)).not.toMatch(/x86_64\.whl/);
  });
});
