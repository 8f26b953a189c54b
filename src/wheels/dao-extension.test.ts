import { valid } from '@renovatebot/pep440';
import { describe, expect, it } from 'vitest';
import { CAUSAL_CONV1D_WHEELS, MAMBA_SSM_WHEELS, type DaoExtensionWheels } from '../catalog/data/dao-extension-wheels.js';
import { daoCandidates, daoWheelName, type DaoPackage } from './dao-extension.js';
import { prebuiltAvailable, resolveSpecial } from './registry.js';
import { target } from './test-helpers.js';
import type { Resolution, WheelTarget } from './types.js';

const MAMBA = 'https://github.com/state-spaces/mamba/releases/download';
const CONV = 'https://github.com/Dao-AILab/causal-conv1d/releases/download';
const MARKER_312 = "sys_platform == 'linux' and platform_machine == 'x86_64' and python_version == '3.12'";

function resolve(name: string, spec: string, over: Partial<WheelTarget> = {}): Resolution {
  const r = resolveSpecial({ name, specifier: spec }, target(over));
  expect(r).not.toBeNull();
  return r!;
}

function wheelUrl(r: Resolution): string {
  expect(r.kind, r.kind === 'build' || r.kind === 'pypi' || r.kind === 'wheel' ? r.why : JSON.stringify(r)).toBe('wheel');
  return r.kind === 'wheel' ? r.url : '';
}

describe('mamba-ssm / causal-conv1d: release wheels by URL', () => {
  // Each expected name is derived by hand from the workflow of the tag named in the case:
  // `tmpname=cu${WHEEL_CUDA_VERSION}torch${MATRIX_TORCH_VERSION}cxx11abi$CXX11_ABI` (.github/scripts/build.sh),
  // WHEEL_CUDA_VERSION = `awk -F \. {'print $1'}` of cuda-version (_build.yml), renamed with `sed "s/-/+$tmpname-/2"`.
  it.each<{ case: string; name: string; spec: string; over: Partial<WheelTarget>; url: string }>([
    {
      // v2.3.2.post1 publish.yaml: torch-version "2.9.1", cuda-version "12.9.1", cxx11_abi "TRUE" (FALSE excluded for 2.9.1).
      case: 'mamba-ssm, torch 2.9.1 cu128 cxx11 py3.12 -> v2.3.2.post1 cu12 TRUE',
      name: 'mamba-ssm',
      spec: '',
      over: { torch: '2.9.1', backend: 'cu128' },
      url: `${MAMBA}/v2.3.2.post1/mamba_ssm-2.3.2.post1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // v2.3.2.post1 publish.yaml: cuda-version "13.0.1" (excluded only for torch 2.6-2.8) -> WHEEL_CUDA_VERSION 13.
      case: 'mamba-ssm, torch 2.9.1 cu130 cxx11 -> the cu13 wheel',
      name: 'mamba_ssm',
      spec: '',
      over: { torch: '2.9.1', backend: 'cu130' },
      url: `${MAMBA}/v2.3.2.post1/mamba_ssm-2.3.2.post1+cu13torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // causal-conv1d v1.6.1.post4: __init__.py __version__ = "1.6.1", so the file says 1.6.1 under the v1.6.1.post4 release.
      case: 'causal-conv1d, torch 2.9.1 cu128 cxx11 -> 1.6.1 wheel of the v1.6.1.post4 release',
      name: 'causal-conv1d',
      spec: '',
      over: { torch: '2.9.1', backend: 'cu128' },
      url: `${CONV}/v1.6.1.post4/causal_conv1d-1.6.1+cu12torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // causal-conv1d v1.6.1.post4 publish.yaml: cuda-version "13.0.1" kept for torch 2.9.1 and 2.10.0.
      case: 'causal-conv1d, torch 2.9.1 cu130 cxx11 -> cu13',
      name: 'causal_conv1d',
      spec: '',
      over: { torch: '2.9.1', backend: 'cu130' },
      url: `${CONV}/v1.6.1.post4/causal_conv1d-1.6.1+cu13torch2.9cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // v2.3.2.post1: torch-version "2.6.0" with cuda-version "11.8.0": the job installs torch 2.6 +cu118 (pre-cxx11), FALSE is real.
      case: 'mamba-ssm, torch 2.6.0 cu118 pre-cxx11 -> cu11 FALSE',
      name: 'mamba-ssm',
      spec: '',
      over: { torch: '2.6.0', backend: 'cu118', abi: 'pre-cxx11' },
      url: `${MAMBA}/v2.3.2.post1/mamba_ssm-2.3.2.post1+cu11torch2.6cxx11abiFALSE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // torch 2.6 +cu126 is cxx11: the TRUE wheel of v2.3.2.post1 (cuda-version "12.9.1").
      case: 'mamba-ssm, torch 2.6.0 cu126 cxx11 -> cu12 TRUE',
      name: 'mamba-ssm',
      spec: '',
      over: { torch: '2.6.0', backend: 'cu126', abi: 'cxx11' },
      url: `${MAMBA}/v2.3.2.post1/mamba_ssm-2.3.2.post1+cu12torch2.6cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // v2.3.0 publish.yaml: torch-version ["2.4.0", "2.5.1", "2.6.0", "2.7.1"], cuda-version ["11.8.0", "12.9.1"];
      // for torch 2.5 the minv/maxv table installs torch 2.5.1 +cu124 (pre-cxx11). v2.3.1+ start at torch 2.6.
      case: 'mamba-ssm, torch 2.5.1 cu124 pre-cxx11 -> v2.3.0, the newest tag with torch 2.5',
      name: 'mamba-ssm',
      spec: '',
      over: { torch: '2.5.1', backend: 'cu124', abi: 'pre-cxx11' },
      url: `${MAMBA}/v2.3.0/mamba_ssm-2.3.0+cu12torch2.5cxx11abiFALSE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // causal-conv1d v1.6.0 publish.yaml: torch-version ["2.5.1", ...], python-version ["3.10", ...], no exclude.
      case: 'causal-conv1d, torch 2.5.1 cu124 pre-cxx11 -> v1.6.0',
      name: 'causal-conv1d',
      spec: '',
      over: { torch: '2.5.1', backend: 'cu124', abi: 'pre-cxx11' },
      url: `${CONV}/v1.6.0/causal_conv1d-1.6.0+cu12torch2.5cxx11abiFALSE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // v2.2.2 publish.yaml: cuda-version ['11.8.0', '12.2.2'] and `tmpname=cu${MATRIX_CUDA_VERSION}...` with
      // MATRIX_CUDA_VERSION = `awk -F \. {'print $1 $2'}` -> "122"; torch-version '2.3.1' -> "2.3".
      case: 'mamba-ssm==2.2.2, torch 2.3.1 cu121 pre-cxx11 -> the v2.2.2 wheel, CUDA field 122',
      name: 'mamba-ssm',
      spec: '==2.2.2',
      over: { torch: '2.3.1', backend: 'cu121', abi: 'pre-cxx11' },
      url: `${MAMBA}/v2.2.2/mamba_ssm-2.2.2+cu122torch2.3cxx11abiFALSE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // v2.2.4 publish.yaml: torch-version '2.1.2' excluded only for python 3.12/3.13; cuda-version '12.3.2', WHEEL_CUDA_VERSION.
      case: 'mamba-ssm, torch 2.1.2 cu121 py3.11 -> v2.2.4, the newest tag with torch 2.1',
      name: 'mamba-ssm',
      spec: '',
      over: { torch: '2.1.2', backend: 'cu121', abi: 'pre-cxx11', python: '3.11' },
      url: `${MAMBA}/v2.2.4/mamba_ssm-2.2.4+cu12torch2.1cxx11abiFALSE-cp311-cp311-linux_x86_64.whl`,
    },
    {
      // causal-conv1d v1.6.1.post4: torch-version "2.8.0" with cuda-version "12.9.1" (cu11 and cu13 excluded for 2.8.0).
      case: 'causal-conv1d>=1.4, torch 2.8.0 cu128 (the registry default target)',
      name: 'causal-conv1d',
      spec: '>=1.4',
      over: {},
      url: `${CONV}/v1.6.1.post4/causal_conv1d-1.6.1+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
    {
      // A specifier below the newest: v1.5.2 publish.yaml torch-version ['2.4.0', '2.5.1', '2.6.0', '2.7.1'], cuda "12.9.1".
      case: 'causal-conv1d<1.5.3, torch 2.7.1 cu128 -> v1.5.2',
      name: 'causal-conv1d',
      spec: '<1.5.3',
      over: { torch: '2.7.1', backend: 'cu128' },
      url: `${CONV}/v1.5.2/causal_conv1d-1.5.2+cu12torch2.7cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    },
  ])('$case', ({ name, spec, over, url }) => {
    const r = resolve(name, spec, over);
    expect(wheelUrl(r)).toBe(url);
    if (r.kind !== 'wheel') return;
    expect(r.filename).toBe(url.split('/').at(-1));
    expect(r.marker).toBe(MARKER_312.replace('3.12', over.python ?? '3.12'));
    expect(r.origin).toBe('official');
    expect(r.why).toContain('nothing compiles');
  });

  it('writes the url and marker into [tool.uv.sources] the way flash-attn does (kind wheel)', () => {
    const r = resolve('mamba-ssm', '', { torch: '2.9.1', backend: 'cu128' });
    expect(r).toMatchObject({ kind: 'wheel', name: 'mamba-ssm', version: '2.3.2.post1', marker: MARKER_312 });
  });
});

describe('mamba-ssm / causal-conv1d: fallbacks', () => {
  it('cpu torch: conflict, as before', () => {
    for (const name of ['mamba-ssm', 'causal-conv1d']) {
      const r = resolve(name, '', { torch: '2.9.1', backend: 'cpu', gpus: [] });
      expect(r.kind).toBe('conflict');
      if (r.kind === 'conflict') expect(r.message).toContain('CUDA extension');
    }
  });

  it('torch 2.1 with Python 3.12: every tag excludes it (torch-version 2.1.2 / python-version 3.12) -> configured build', () => {
    const r = resolve('mamba-ssm', '', { torch: '2.1.2', backend: 'cu121', abi: 'pre-cxx11' });
    expect(r.kind).toBe('build');
    if (r.kind !== 'build') return;
    expect(r.why).toContain("mamba-ssm's setup.py first downloads the github.com/state-spaces/mamba release wheel named for torch 2.1");
    expect(r.why).toContain('MAMBA_FORCE_BUILD=TRUE skips the download');
    expect(r.buildVariables.MAMBA_FORCE_BUILD).toBeUndefined();
    expect(r.buildVariables.TORCH_CUDA_ARCH_LIST).toBe('9.0');
    expect(r.buildDependencies[0]).toEqual({ requirement: 'torch', matchRuntime: true });
    expect(r.needsDevel).toBe(true);
  });

  it('a torch newer than any release matrix (2.11) -> configured build', () => {
    for (const name of ['mamba-ssm', 'causal-conv1d']) expect(resolve(name, '', { torch: '2.11.0', backend: 'cu130' }).kind).toBe('build');
  });

  it('mamba-ssm==2.2.2 on torch 2.9.1: that tag has no wheel for it -> build, the specifier kept', () => {
    const r = resolve('mamba-ssm', '==2.2.2', { torch: '2.9.1', backend: 'cu128' });
    expect(r.kind === 'build' && r.specifier).toBe('==2.2.2');
  });

  it('causal-conv1d==1.6.0 on torch 2.9.1 cu128: listed in the matrix, but the job installs torch +cu130 for nvcc 12.9.1 -> build', () => {
    expect(resolve('causal-conv1d', '==1.6.0', { torch: '2.9.1', backend: 'cu128' }).kind).toBe('build');
    // ... while torch 2.8 +cu129 (maxv '2.8': 129) was built.
    expect(wheelUrl(resolve('causal-conv1d', '==1.6.0', { torch: '2.8.0', backend: 'cu128' }))).toBe(
      `${CONV}/v1.6.0/causal_conv1d-1.6.0+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    );
  });

  it('torch 2.6 cu124 pre-cxx11: the cu12 FALSE wheels were built against torch 2.6+cu126 (ABI=1) -> forced build with a warning', () => {
    // v2.3.2.post1 _build.yml: available '2.6': [118, 124, 126] and MATRIX_CUDA_VERSION 129 -> torch 2.6.0+cu126.
    for (const [name, flag] of [
      ['mamba-ssm', 'MAMBA_FORCE_BUILD'],
      ['causal-conv1d', 'CAUSAL_CONV1D_FORCE_BUILD'],
    ] as const) {
      const r = resolve(name, '', { torch: '2.6.0', backend: 'cu124', abi: 'pre-cxx11' });
      expect(r.kind).toBe('build');
      if (r.kind !== 'build') continue;
      expect(r.buildVariables[flag]).toBe('TRUE');
      expect(r.warning).toContain('cxx11abiFALSE');
    }
  });

  it('a wheel without the GPU architecture is skipped: v2.2.5 has no sm_120 (setup.py adds only sm_100 for nvcc >= 12.8)', () => {
    const rtx5090 = { torch: '2.7.1', backend: 'cu128', gpus: [{ computeCapability: '12.0' }] };
    const pinned = resolve('mamba-ssm', '==2.2.5', rtx5090);
    expect(pinned.kind).toBe('build');
    if (pinned.kind === 'build') expect(pinned.why).toContain('sm_120');
    // On an H100 the same pin is a wheel.
    expect(wheelUrl(resolve('mamba-ssm', '==2.2.5', { torch: '2.7.1', backend: 'cu128' }))).toBe(
      `${MAMBA}/v2.2.5/mamba_ssm-2.2.5+cu12torch2.7cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
    );
    // Unpinned, the newest tag has sm_120 (v2.2.6.post2 onward).
    expect(wheelUrl(resolve('mamba-ssm', '', rtx5090))).toContain('/v2.3.2.post1/');
  });

  it('prebuiltAvailable follows the wheels, so the planner can prefer a torch that has them', () => {
    expect(prebuiltAvailable('mamba-ssm', target({ torch: '2.10.0', backend: 'cu130' }))).toBe(true);
    expect(prebuiltAvailable('mamba-ssm', target({ torch: '2.11.0', backend: 'cu130' }))).toBe(false);
    expect(prebuiltAvailable({ name: 'causal-conv1d', specifier: '>=1.5.0.post8' }, target())).toBe(true);
    expect(prebuiltAvailable({ name: 'causal-conv1d', specifier: '==1.4.0' }, target())).toBe(false);
  });
});

const TABLES: [DaoPackage, DaoExtensionWheels][] = [
  ['mamba-ssm', MAMBA_SSM_WHEELS],
  ['causal-conv1d', CAUSAL_CONV1D_WHEELS],
];
const esc = (s: string) => s.replace(/[.+]/g, '\\$&');

describe.each(TABLES)('%s wheel table', (pkg, table) => {
  it('has provenance, tags in date order, one version per tag', () => {
    expect(table.source).toContain('github.com/');
    expect(table.asOf).toBe('2026-11-22');
    const dates = table.tags.map((t) => t.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(table.tags.map((t) => t.tag)).size).toBe(table.tags.length);
    expect(new Set(table.tags.map((t) => t.version)).size).toBe(table.tags.length);
  });

  it.each(table.tags.map((t) => [t.tag, t] as const))('%s: consistent matrix', (_tag, t) => {
    expect(valid(t.version)).not.toBeNull();
    // The version is the tag's unless the table says why (causal-conv1d v1.6.1.post4 builds 1.6.1).
    if (`v${t.version}` !== t.tag) expect(`${t.tag}`).toBe('v1.6.1.post4');
    const fields = Object.keys(t.cuda);
    for (const f of fields) {
      expect(f).toMatch(/^\d{2,3}$/);
      expect(t.cuda[f]!.startsWith(f.length > 2 ? `${f.slice(0, -1)}.${f.slice(-1)}` : `${f}.`)).toBe(true);
      expect(t.archs[f]?.length).toBeGreaterThan(0);
    }
    for (const e of [...t.exclude, ...(t.notBuilt ?? []), ...(t.abiTrueOnly ?? [])]) {
      if (e.torch) expect(t.torch).toContain(e.torch);
      if ('cuda' in e && e.cuda) expect(fields).toContain(e.cuda);
      if ('python' in e && e.python) expect(t.python).toContain(e.python);
    }
  });

  it('every wheel name has the published shape and every URL is well-formed', () => {
    let n = 0;
    for (const t of table.tags) {
      const shape = new RegExp(`^${table.dist}-${esc(t.version)}\\+cu\\d+torch\\d+\\.\\d+cxx11abi(TRUE|FALSE)-cp\\d+-cp\\d+-linux_x86_64\\.whl$`);
      for (const torch of t.torch) {
        for (const cuda of Object.keys(t.cuda)) {
          for (const python of t.python) {
            for (const abi of ['TRUE', 'FALSE'] as const) {
              const name = daoWheelName(pkg, t, cuda, torch, abi, python);
              expect(name).toMatch(shape);
              expect(name).toMatch(/^(mamba_ssm|causal_conv1d)-[\w.]+\+cu\d+torch\d+\.\d+cxx11abi(TRUE|FALSE)-cp\d+-cp\d+-linux_x86_64\.whl$/);
              n++;
            }
          }
        }
      }
    }
    expect(n).toBeGreaterThan(100);
    // And what the resolver hands out, over a sweep of targets.
    const urls = new Set<string>();
    for (const torch of ['2.0.1', '2.1.2', '2.2.2', '2.3.1', '2.4.1', '2.5.1', '2.6.0', '2.7.1', '2.8.0', '2.9.1', '2.10.0']) {
      for (const backend of ['cu118', 'cu121', 'cu124', 'cu126', 'cu128', 'cu130']) {
        for (const python of ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13']) {
          for (const abi of ['cxx11', 'pre-cxx11'] as const) {
            for (const c of daoCandidates(pkg, target({ torch, backend, python, abi }))) urls.add(c.url);
          }
        }
      }
    }
    expect(urls.size).toBeGreaterThan(50);
    const base = table.urlPattern.replace('{tag}/{file}', '');
    for (const url of urls) {
      const u = new URL(url);
      expect(u.protocol).toBe('https:');
      expect(url.startsWith(base)).toBe(true);
      const [tag, file] = url.slice(base.length).split('/');
      const t = table.tags.find((x) => x.tag === tag)!;
      expect(t, url).toBeDefined();
      expect(file).toMatch(new RegExp(`^${table.dist}-${esc(t.version)}\\+cu\\d+torch\\d+\\.\\d+cxx11abi(TRUE|FALSE)-cp\\d+-cp\\d+-linux_x86_64\\.whl$`));
    }
  });
});
