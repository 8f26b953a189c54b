import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CudaImageRow } from '../../src/catalog/cuda-images.js';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import type { TorchMatrix } from '../../src/catalog/torch.js';
import type { Table } from '../../src/catalog/types.js';
import { compareVariants, deriveCudaImages, deriveTorchMatrix, deriveWheelImage, type IndexListing } from '../../src/catalog/update/derive.js';
import { pageIsMissing, torchVariants } from '../../src/catalog/update/pytorch.js';
import { parseWheelFilename, type WheelName } from '../../src/catalog/update/simple-index.js';

const wheels = (...names: string[]): WheelName[] => names.map((n) => parseWheelFilename(n)!);
const torchWheels = (version: string, variant: string, pys: string[], plat = 'manylinux_2_28_x86_64') =>
  wheels(...pys.map((py) => `torch-${version}+${variant}-cp${py.replace('t', '')}-cp${py}-${plat}.whl`));
const OPTS = { asOf: '2027-01-15', indexBase: 'https://download.pytorch.org/whl' };
// A frozen copy of the embedded torch part (as of 2026-11-22): what these rules are checked against
// does not move when the embedded knowledge does.
const REPO_ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const BASE = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'catalog', 'torch-part-2026-11-22.json'), 'utf8')) as typeof EMBEDDED_CATALOG.torch;

describe('deriveTorchMatrix', () => {
  it('a release the base does not know inherits architectures from the nearest older one (?)', () => {
    const listing: IndexListing = {
      cu132: { torch: torchWheels('2.16.0', 'cu132', ['311', '312']), torchvision: wheels('torchvision-0.31.0+cu132-cp312-cp312-manylinux_2_28_x86_64.whl') },
      // A variant new to every release: the closest older CUDA 13 variant's list.
      cu134: { torch: torchWheels('2.16.0', 'cu134', ['312']) },
    };
    const { value, notes, items } = deriveTorchMatrix(listing, BASE, OPTS);
    expect(items).toBe(1);
    const r = value.releases[0]!;
    expect(r.version).toBe('2.16.0');
    expect(r.backends.map((b) => [b.name, b.archs.join(' '), b.ptx, b.confidence])).toEqual([
      ['cu132', '7.5 8.0 8.6 9.0 10.0 12.0', '12.0', '?'],
      ['cu134', '7.5 8.0 8.6 9.0 10.0 12.0', '12.0', '?'],
    ]);
    expect(notes).toEqual([
      'torch 2.16.0 cu132: architectures not published by the index; inherited from 2.15.0 cu132 (?)',
      'torch 2.16.0 cu134: architectures not published by the index; inherited from 2.15.0 cu132 (?)',
      'new torch release 2.16.0 [cu132 cu134]',
    ]);
    expect(r.notDefault).toBeUndefined();
    expect(r.torchvision).toBe('0.31.0');
    // Every other release is the base's, untouched.
    expect(value.releases.slice(1)).toEqual(BASE.releases);
  });

  it('a new release without its torchvision on the index is not a default', () => {
    const { value } = deriveTorchMatrix(
      { cu130: { torch: torchWheels('2.16.0', 'cu130', ['312']), torchvision: wheels('torchvision-0.30.0+cu130-cp312-cp312-manylinux_2_28_x86_64.whl') } },
      BASE,
      OPTS,
    );
    expect(value.releases[0]).toMatchObject({
      version: '2.16.0',
      torchvision: '0.31.0',
      notDefault: 'no torchvision 0.31 build on the PyTorch index yet (as of 2027-01-15)',
    });
  });

  it('the index decides variants and Pythons of a known release; curated facts stay', () => {
    const listing: IndexListing = {
      cu126: { torch: torchWheels('2.14.0', 'cu126', ['310', '311', '312']) },
      cu130: { torch: [...torchWheels('2.14.0', 'cu130', ['310', '311', '312', '313t']), ...torchWheels('2.14.1', 'cu130', ['312'], 'win_amd64')] },
    };
    const { value, notes } = deriveTorchMatrix(listing, BASE, OPTS);
    const r = value.releases.find((x) => x.version.startsWith('2.14'))!;
    const base = BASE.releases.find((x) => x.version === '2.14.0')!;
    // 2.14.1 exists only for Windows: not a Linux release.
    expect(r.version).toBe('2.14.0');
    expect(r.backends.map((b) => b.name)).toEqual(['cu126', 'cu130']);
    expect(r.backends[1]).toEqual({ ...base.backends[1], python: ['3.10', '3.11', '3.12', '3.13t'], platforms: ['linux_x86_64'] });
    expect(r.python).toEqual(['3.10', '3.11', '3.12']);
    // Its curated PyPI default (cu132) is not listed: the previous release's (cu130) is.
    expect([r.pypiDefault, r.torchvision, r.released, r.xformers]).toEqual(['cu130', '0.29.0', '2026-09', '0.0.35']);
    expect(notes).toContain('torch 2.14.0: cu132, cpu not on the index (the embedded catalog lists them)');
  });

  it('the ABI comes from the platform tags when they say it, else from the base', () => {
    const listing: IndexListing = {
      cu124: { torch: torchWheels('2.6.0', 'cu124', ['312'], 'linux_x86_64') },
      cu126: { torch: torchWheels('2.6.0', 'cu126', ['312'], 'manylinux_2_28_x86_64') },
      cu118: { torch: torchWheels('2.6.0', 'cu118', ['312'], 'manylinux2014_x86_64') },
    };
    const r = deriveTorchMatrix(listing, BASE, OPTS).value.releases.find((x) => x.version === '2.6.0')!;
    expect(r.backends.map((b) => [b.name, b.abi])).toEqual([
      ['cu118', 'pre-cxx11'],
      ['cu124', 'pre-cxx11'],
      ['cu126', 'cxx11'],
    ]);
  });

  it('companions: torchaudio of the same minor, xformers >= 0.0.34 for torch >= 2.10, exact pins kept below', () => {
    const listing: IndexListing = {
      cu130: {
        torch: [...torchWheels('2.11.0', 'cu130', ['312']), ...torchWheels('2.9.1', 'cu130', ['312'])],
        torchaudio: wheels('torchaudio-2.11.0+cu130-cp312-cp312-manylinux_2_28_x86_64.whl', 'torchaudio-2.9.1+cu130-cp312-cp312-manylinux_2_28_x86_64.whl'),
        xformers: wheels('xformers-0.0.36-cp39-abi3-manylinux_2_28_x86_64.whl', 'xformers-0.0.37rc1-cp39-abi3-manylinux_2_28_x86_64.whl'),
      },
    };
    const { value } = deriveTorchMatrix(listing, BASE, OPTS);
    const r211 = value.releases.find((x) => x.version === '2.11.0')!;
    const r291 = value.releases.find((x) => x.version === '2.9.1')!;
    expect([r211.torchaudio, r211.xformers]).toEqual(['2.11.0', '0.0.36']);
    expect([r291.torchaudio, r291.xformers]).toEqual(['2.9.1', '0.0.33.post2']);
  });

  it('skips pre-releases, torch 1.x and pages of other packages', () => {
    const listing: IndexListing = {
      cu118: {
        torch: wheels(
          'torch-1.13.1+cu118-cp310-cp310-linux_x86_64.whl',
          'torch-2.17.0.dev20261201+cu118-cp312-cp312-manylinux_2_28_x86_64.whl',
          'torch-2.17.0rc1+cu118-cp312-cp312-manylinux_2_28_x86_64.whl',
        ),
      },
    };
    const { value, items } = deriveTorchMatrix(listing, BASE, OPTS);
    expect(items).toBe(0);
    expect(value.releases).toEqual(BASE.releases);
  });

  it('orders variants as the tables do', () => {
    expect(['cpu', 'cu130', 'rocm6.4', 'cu118', 'cu126', 'xpu'].sort(compareVariants)).toEqual(['cu118', 'cu126', 'cu130', 'rocm6.4', 'xpu', 'cpu']);
  });

  it('reads the known variants plus the next two CUDA minors, or DANLU_TORCH_VARIANTS', () => {
    const { variants, probes } = torchVariants(BASE, {});
    expect(variants).toEqual(['cu117', 'cu118', 'cu121', 'cu124', 'cu126', 'cu128', 'cu129', 'cu130', 'cu132', 'cu133', 'cu134', 'cpu']);
    expect(probes).toEqual(['cu133', 'cu134']);
    expect(torchVariants(BASE, { DANLU_TORCH_VARIANTS: 'cpu, cu130,rocm6.4' })).toEqual({ variants: ['cu130', 'rocm6.4', 'cpu'], probes: [] });
  });
});

describe('deriveCudaImages and deriveWheelImage', () => {
  const base: Table<CudaImageRow> = {
    source: 's',
    asOf: '2026-11-22',
    confidence: 'S',
    rows: [
      { version: '12.3.2', ubuntu: ['20.04', '22.04'], supported: false },
      { version: '12.8.1', ubuntu: ['22.04', '24.04'], supported: true },
      { version: '13.0.2', ubuntu: ['22.04', '24.04'], supported: true },
    ],
  };
  const tag = (name: string, arch = ['amd64', 'arm64']) => ({ name, arch });

  it('rows come from the tags listed now; supported = newest patch of its minor and not end of life', () => {
    const { value, notes } = deriveCudaImages(
      [
        tag('12.3.2-devel-ubuntu22.04', ['amd64']),
        tag('12.8.1-devel-ubuntu24.04'),
        tag('12.8.1-devel-ubuntu22.04'),
        tag('12.8.1-cudnn-devel-ubuntu24.04'),
        tag('13.0.2-devel-ubuntu24.04'),
        tag('13.0.3-devel-ubuntu24.04'),
        tag('11.8.0-devel-ubuntu22.04'),
        tag('13.4.0-devel-ubuntu26.04'),
        tag('13.4.0-devel-ubi9'),
        tag('not-a-cuda-tag'),
      ],
      base,
      '2027-01-15',
    );
    expect(value.rows).toEqual([
      { version: '11.8.0', ubuntu: ['22.04'], supported: false, arch: ['amd64', 'arm64'] },
      { version: '12.3.2', ubuntu: ['22.04'], supported: false, arch: ['amd64'] },
      { version: '12.8.1', ubuntu: ['22.04', '24.04'], supported: true, arch: ['amd64', 'arm64'] },
      { version: '13.0.2', ubuntu: ['24.04'], supported: false, arch: ['amd64', 'arm64'] },
      { version: '13.0.3', ubuntu: ['24.04'], supported: true, arch: ['amd64', 'arm64'] },
      { version: '13.4.0', ubuntu: ['26.04'], supported: true, arch: ['amd64', 'arm64'] },
    ]);
    expect(value).toMatchObject({ asOf: '2027-01-15', confidence: 'V' });
    expect(notes).toEqual(['new devel-ubuntu tags: 11.8.0, 13.0.3, 13.4.0', 'also listed: cudnn-devel-ubuntu (1), devel-ubi (1)']);
  });

  it('the wheel image follows a deleted tag to the newest patch of its minor, and maps new variants', () => {
    const images: Table<CudaImageRow> = {
      ...base,
      rows: [
        { version: '12.8.1', ubuntu: ['24.04'], supported: true },
        { version: '13.0.1', ubuntu: ['24.04'], supported: false },
        { version: '13.4.0', ubuntu: ['24.04'], supported: true },
      ],
    };
    const torch: TorchMatrix = {
      ...EMBEDDED_CATALOG.torch,
      releases: [{ ...EMBEDDED_CATALOG.torch.releases[0]!, backends: [{ name: 'cu134', archs: [], abi: 'cxx11', confidence: '?' }] }],
    };
    const { value, notes } = deriveWheelImage(
      {
        source: 'PyTorch RELEASE.md',
        asOf: '2026-11-22',
        confidence: 'S',
        rows: [
          { backend: 'cu128', image: '12.8.1' },
          { backend: 'cu130', image: '13.0.2' },
          { backend: 'cu132', image: '13.2.1' },
        ],
      },
      torch,
      images,
      '2027-01-15',
    );
    expect(value.rows).toEqual([
      { backend: 'cu128', image: '12.8.1' },
      { backend: 'cu130', image: '13.0.1' },
      { backend: 'cu134', image: '13.4.0' },
    ]);
    expect(notes).toEqual(['cu130: 13.0.2 is gone; using 13.0.1', 'cu132: 13.2.1 is gone and no other CUDA 13.2 image exists', 'cu134: 13.4.0']);
    expect(value.source).toBe('PyTorch RELEASE.md; tags checked against Docker Hub');
  });
});

describe('pageIsMissing', () => {
  it('404, and the 403 S3 answers for a missing key, mean "no page"; other 403s do not', () => {
    expect(pageIsMissing(404, '')).toBe(true);
    expect(pageIsMissing(403, '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>')).toBe(true);
    expect(pageIsMissing(403, '<Error>\n  <Code>NoSuchKey</Code></Error>')).toBe(true);
    expect(pageIsMissing(403, '<html>Forbidden</html>')).toBe(false);
    expect(pageIsMissing(500, '<Error><Code>AccessDenied</Code></Error>')).toBe(false);
  });
});
