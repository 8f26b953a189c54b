import { describe, expect, it } from 'vitest';
import { OFFICIAL_FLASH_ATTN } from '../catalog/data/flash-attn-official.js';
import type { WheelAsset } from '../catalog/wheels.js';
import { flashAttnArchs, flashAttnParallelism, torchArchList } from './build.js';
import { communityCandidates, officialCandidates } from './flash-attn-assets.js';
import { resolveSpecial } from './registry.js';
import { COMMUNITY_ROWS, GiB, communityRowOf, target } from './test-helpers.js';
import type { Resolution, ResolveContext, WheelTarget } from './types.js';

const OFFICIAL = 'https://github.com/Dao-AILab/flash-attention/releases/download';

/** Release wheels alone (Astral's index, which comes first, is tested in astral.test.ts). */
function fa(spec: string, over: Partial<WheelTarget>, name = 'flash-attn', ctx: ResolveContext = { astral: null }): Resolution {
  const r = resolveSpecial({ name, specifier: spec }, target(over), ctx);
  expect(r).not.toBeNull();
  return r!;
}

describe('flash-attn: official wheels', () => {
  it.each<{ case: string; spec: string; over: Partial<WheelTarget>; url: string }>([
    {
      case: 'torch 2.8.0 cu128 py3.12 -> newest official, cxx11abiTRUE',
      spec: '',
      over: {},
      url: `${OFFICIAL}/v2.8.3.post1/flash_attn-2.8.3.post1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      case: 'torch 2.8.0 cu128 py3.12, pinned ==2.8.3',
      spec: '==2.8.3',
      over: {},
      url: `${OFFICIAL}/v2.8.3/flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      case: 'torch 2.5.1 cu124 py3.10 pre-cxx11 -> cxx11abiFALSE',
      spec: '',
      over: { torch: '2.5.1', backend: 'cu124', abi: 'pre-cxx11', python: '3.10' },
      url: `${OFFICIAL}/v2.8.3.post1/flash_attn-2.8.3.post1+cu12torch2.5cxx11abiFALSE-cp310-cp310-linux_x86_64.whl`,
    },
    {
      case: 'user pin 2.7.4.post1 with torch 2.6 cu124 (pre-cxx11)',
      spec: '==2.7.4.post1',
      over: { torch: '2.6.0', backend: 'cu124', abi: 'pre-cxx11' },
      url: `${OFFICIAL}/v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.6cxx11abiFALSE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      case: 'torch 2.6 cu126 is cxx11 -> the TRUE wheel',
      spec: '==2.7.4.post1',
      over: { torch: '2.6.0', backend: 'cu126', abi: 'cxx11' },
      url: `${OFFICIAL}/v2.7.4.post1/flash_attn-2.7.4.post1+cu12torch2.6cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      case: 'torch 2.0.1 cu118 (v2.6.3 names its CUDA 118)',
      spec: '<2.7',
      over: { torch: '2.0.1', backend: 'cu118', abi: 'pre-cxx11', python: '3.10', gpus: [{ computeCapability: '8.0' }] },
      url: `${OFFICIAL}/v2.6.3/flash_attn-2.6.3+cu118torch2.0cxx11abiFALSE-cp310-cp310-linux_x86_64.whl`,
    },
  ])('$case', ({ spec, over, url }) => {
    const r = fa(spec, over);
    expect(r.kind).toBe('wheel');
    if (r.kind !== 'wheel') return;
    expect(r.url).toBe(url);
    expect(r.origin).toBe('official');
    expect(r.filename).toBe(url.split('/').at(-1));
    expect(r.marker).toBe(`sys_platform == 'linux' and platform_machine == 'x86_64' and python_version == '${target(over).python}'`);
    expect(r.confidence).toBe('V');
  });

  it('never offers a v2.8.x cxx11abiFALSE wheel for torch 2.6 (built against ABI=1 torch, issue #1783)', () => {
    const c = officialCandidates(target({ torch: '2.6.0', backend: 'cu124', abi: 'pre-cxx11' }));
    expect(c.map((x) => x.version)).toContain('2.7.4.post1');
    expect(c.some((x) => x.version.startsWith('2.8'))).toBe(false);
  });

  it('follows the matrix: no torch 2.4 + Python 3.13, no torch 2.9+', () => {
    expect(officialCandidates(target({ torch: '2.4.1', backend: 'cu124', abi: 'pre-cxx11', python: '3.13' }))).toEqual([]);
    expect(officialCandidates(target({ torch: '2.9.1', backend: 'cu128' }))).toEqual([]);
  });

  it('skips wheels without code for a Blackwell GPU (2.7.4.post1: nvcc 12.4 officially, 12.6 in the community cu126 build)', () => {
    const r = fa('==2.7.4.post1', { torch: '2.6.0', backend: 'cu126', gpus: [{ computeCapability: '12.0' }] });
    expect(r.kind).toBe('build');
    if (r.kind === 'build') expect(r.why).toContain('official 2.7.4.post1 has no sm_120 code');
    // The community 2.7.4.post1 build for torch 2.9 + cu130 (nvcc 13.0) carries sm_120.
    const ok = fa('==2.7.4.post1', { torch: '2.9.1', backend: 'cu130', gpus: [{ computeCapability: '12.0' }] });
    expect(ok.kind === 'wheel' && ok.origin === 'community').toBe(true);
  });

  it('has a source and confidence V for the matrix', () => {
    expect(OFFICIAL_FLASH_ATTN.source).toContain('publish.yml');
    expect(OFFICIAL_FLASH_ATTN.confidence).toBe('V');
    expect(OFFICIAL_FLASH_ATTN.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('flash-attn: community wheels', () => {
  it.each([
    { torch: '2.11.0', backend: 'cu130', python: '3.12' },
    { torch: '2.9.1', backend: 'cu128', python: '3.11' },
    { torch: '2.13.0', backend: 'cu132', python: '3.12' },
  ])('torch $torch $backend py$python -> a row of flash-attn-community.json', (over) => {
    const r = fa('', over);
    expect(r.kind).toBe('wheel');
    if (r.kind !== 'wheel') return;
    expect(r.origin).toBe('community');
    expect(r.url).toMatch(/^https:\/\/github\.com\/mjun0812\/flash-attention-prebuild-wheels\/releases\/download\/v[\d.]+\//);
    expect(r.filename).toContain(`+${over.backend}torch${over.torch.split('.').slice(0, 2).join('.')}-`);
    const row = communityRowOf(r.url);
    expect(row).not.toBeNull();
    expect(COMMUNITY_ROWS).toContain(row);
    expect(row!.split('|')[5]).toBe('L'); // plain linux_x86_64 preferred over manylinux
    expect(r.why).toContain('official wheels stop at torch 2.8');
  });

  it('prefers a newer community version over an older official one (torch 2.6 cu124)', () => {
    const r = fa('', { torch: '2.6.0', backend: 'cu124', abi: 'pre-cxx11' });
    expect(r.kind === 'wheel' && r.origin === 'community' && r.version === '2.8.3').toBe(true);
  });

  it('every candidate URL maps back to a row of the list (names rebuilt faithfully)', () => {
    // Checked once by hand against doc/packages.md @2614dc8: all 1064 rebuilt URLs appear there verbatim.
    const rows = new Set(COMMUNITY_ROWS);
    const combos = new Set(COMMUNITY_ROWS.map((r) => [0, 2, 3, 4].map((i) => r.split('|')[i]).join('|')));
    let n = 0;
    for (const combo of combos) {
      const [p, t, cu, py] = combo.split('|') as [string, string, string, string];
      if (py.endsWith('t')) continue; // free-threaded builds are not planned for
      const python = py === 'abi3' ? '3.12' : `${py.slice(2, 3)}.${py.slice(3)}`;
      const over = { torch: `${t}.0`, backend: `cu${cu}`, python, gpus: [] };
      for (const c of communityCandidates(target(over), p === 'fa2' ? 'flash-attn' : 'flash-attn-3')) {
        expect(rows.has(communityRowOf(c.url)!), c.url).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('tells a free-threaded build (cp313t) from the normal one: the list keeps the ABI tag', () => {
    const c = communityCandidates(target({ torch: '2.11.0', backend: 'cu130', python: '3.13' }), 'flash-attn');
    const linux = c.filter((x) => x.version === '2.8.3' && x.platformRank === 0);
    expect(linux.length).toBeGreaterThan(0);
    for (const x of linux) expect(x.filename).toMatch(/-cp313-cp313-linux_x86_64\.whl$/);
  });
});

describe('flash-attn: no wheel -> a configured source build', () => {
  it('torch 2.14 cu130 on an H100 with 64 GiB and 16 threads', () => {
    const r = fa('', { torch: '2.14.1', backend: 'cu130' });
    expect(r.kind).toBe('build');
    if (r.kind !== 'build') return;
    expect(r.buildVariables).toEqual({ MAX_JOBS: '4', NVCC_THREADS: '4', FLASH_ATTENTION_FORCE_BUILD: 'TRUE', FLASH_ATTN_CUDA_ARCHS: '90' });
    expect(r.buildDependencies[0]).toEqual({ requirement: 'torch', matchRuntime: true });
    expect(r.buildDependencies.map((d) => d.requirement)).toContain('ninja');
    expect(r.needsDevel).toBe(true);
    expect(r.why).toContain('torch 2.14 + cu130 + cp312');
    expect(r.why).toContain('official (torch <= 2.8) and community (torch <= 2.13)');
  });

  it('mixed GPUs: one arch bucket each; an unknown GPU falls back to the default list', () => {
    const mixed = target({ gpus: [{ computeCapability: '8.6' }, { computeCapability: '9.0' }, { computeCapability: '12.0' }, { computeCapability: '8.9' }] });
    expect(flashAttnArchs(mixed)).toEqual({ archs: '80;90;120', unsupported: [] });
    expect(torchArchList(mixed)).toBe('8.6;8.9;9.0;12.0');
    expect(flashAttnArchs(target({ gpus: [{ computeCapability: '9.0' }, { computeCapability: null }] })).archs).toBeNull();
    expect(flashAttnArchs(target({ gpus: [{ computeCapability: '7.5' }, { computeCapability: '8.0' }] }))).toEqual({ archs: '80', unsupported: ['7.5'] });
  });

  it.each([
    { gib: 6, cpus: 8, jobs: 1, threads: 1 },
    { gib: 8, cpus: 8, jobs: 2, threads: 1 },
    { gib: 16, cpus: 32, jobs: 2, threads: 1 },
    { gib: 32, cpus: 16, jobs: 3, threads: 3 },
    { gib: 64, cpus: 16, jobs: 4, threads: 4 },
    { gib: 512, cpus: 128, jobs: 32, threads: 4 },
  ])('MAX_JOBS for $gib GiB / $cpus threads', ({ gib, cpus, jobs, threads }) => {
    expect(flashAttnParallelism(gib * GiB, cpus)).toEqual({ maxJobs: jobs, nvccThreads: threads });
  });

  it('a pin without a wheel builds that version', () => {
    const r = fa('==2.5.8', {});
    expect(r.kind === 'build' && r.specifier === '==2.5.8').toBe(true);
  });
});

describe('flash-attn: conflicts', () => {
  it('cpu backend: no wheel, no build, a clear why', () => {
    const r = fa('', { backend: 'cpu', gpus: [] });
    expect(r.kind).toBe('conflict');
    if (r.kind === 'conflict') expect(r.message).toContain('cpu');
  });

  it('Turing only: FlashAttention-2 needs sm_80+', () => {
    const r = fa('', { gpus: [{ computeCapability: '7.5' }] });
    expect(r.kind === 'conflict' && r.message.includes('sm_75')).toBe(true);
    expect(r.kind === 'conflict' && r.fix).toMatch(/flash-attn<2 \(1\.x supports Turing\)/);
  });

  it('Volta: SDPA only (flash-attn 1.x does not run there either)', () => {
    const r = fa('', { gpus: [{ computeCapability: '7.0' }] });
    expect(r.kind).toBe('conflict');
    expect(r.kind === 'conflict' && r.fix).not.toMatch(/1\.x/);
    expect(r.kind === 'conflict' && r.fix).toMatch(/no flash-attn release runs on these GPUs/);
  });
});

describe('flash-attn on GPUs it cannot run on is left out of the environment, as xformers is (field test C4)', () => {
  it('the field-test shape: 4x V100 (sm_70), flash-attn unpinned: left out, never a build', () => {
    const r = fa('', { torch: '2.14.1', backend: 'cu126', gpus: Array(4).fill({ computeCapability: '7.0' }) });
    expect(r).toMatchObject({ kind: 'conflict', leaveOut: true });
    expect(r.kind === 'conflict' && r.message).toMatch(/sm_70: left out of the environment for these GPUs/);
  });

  it('a second shape: a pinned 2.x on a Turing + Volta box (nothing there runs it): left out', () => {
    const r = fa('==2.5.8', { torch: '2.3.1', backend: 'cu121', gpus: [{ computeCapability: '7.5' }, { computeCapability: '7.0' }] });
    expect(r).toMatchObject({ kind: 'conflict', leaveOut: true });
  });

  it('Turing with a 1.x pin: FlashAttention 1 supports Turing, so it is kept as written', () => {
    const r = fa('<2', { torch: '2.0.1', backend: 'cu118', abi: 'pre-cxx11', python: '3.10', gpus: [{ computeCapability: '7.5' }] });
    expect(r.kind).toBe('conflict');
    expect(r.kind === 'conflict' && r.leaveOut).toBeUndefined();
    expect(r.kind === 'conflict' && r.message).toMatch(/FlashAttention 1\.x, which supports Turing: kept as written/);
  });

  it('a mixed box with an Ampere GPU keeps it (with the warning about the older GPUs)', () => {
    const r = fa('', { gpus: [{ computeCapability: '7.0' }, { computeCapability: '8.0' }] });
    expect(r.kind).not.toBe('conflict');
    expect(r.kind !== 'conflict' && r.warning).toMatch(/sm_70 GPUs cannot run FlashAttention-2 kernels/);
  });
});

describe('flash-attn-3', () => {
  it('Hopper + torch 2.9 cu130 -> the community abi3 wheel (with its git label)', () => {
    const r = fa('', { torch: '2.9.1', backend: 'cu130' }, 'flash_attn_3');
    expect(r.kind).toBe('wheel');
    if (r.kind !== 'wheel') return;
    expect(r.filename).toBe('flash_attn_3-3.0.0+cu130torch2.9gite2743ab-cp39-abi3-linux_x86_64.whl');
    expect(COMMUNITY_ROWS).toContain(communityRowOf(r.url));
    expect(r.marker).toBe("sys_platform == 'linux' and platform_machine == 'x86_64'");
  });

  it('Ampere only -> conflict, left out of the environment (its kernels need Hopper)', () => {
    const r = fa('', { torch: '2.9.1', backend: 'cu130', gpus: [{ computeCapability: '8.6' }] }, 'flash-attn-3');
    expect(r).toMatchObject({ kind: 'conflict', leaveOut: true });
  });

  it('no wheel -> git source of the hopper/ directory with build settings', () => {
    const r = fa('', { torch: '2.14.1', backend: 'cu130' }, 'flash-attn-3');
    expect(r.kind === 'git' && r.subdirectory === 'hopper' && r.build?.buildVariables.FLASH_ATTN_CUDA_ARCHS === '90').toBe(true);
  });
});

describe('flash-attn: release assets of a refreshed catalog replace the embedded lists', () => {
  const asset = (over: Partial<WheelAsset>): WheelAsset => ({
    package: 'flash-attn',
    version: '2.9.0',
    url: 'https://example.invalid/flash_attn-2.9.0+cu13torch2.14cxx11abiTRUE-cp312-cp312-linux_x86_64.whl',
    filename: 'flash_attn-2.9.0+cu13torch2.14cxx11abiTRUE-cp312-cp312-linux_x86_64.whl',
    cuda: '13',
    torch: '2.14',
    cxx11abi: true,
    python: '3.12',
    platform: 'linux_x86_64',
    channel: 'official',
    release: 'v2.9.0',
    ...over,
  });

  it('uses a matching asset, and ignores one with the other ABI', () => {
    const t = target({ torch: '2.14.1', backend: 'cu130' });
    const ctx = { flashAttnAssets: [asset({ cxx11abi: false, version: '2.9.1' }), asset({})] };
    const r = resolveSpecial({ name: 'flash-attn', specifier: '' }, t, ctx);
    expect(r?.kind === 'wheel' && r.version === '2.9.0' && r.url === asset({}).url).toBe(true);
  });
});
