import { describe, expect, it } from 'vitest';
import { DanluError } from '../../lib/errors.js';
import { isWindowsExport, parseCondaEnv, parseCondaSpec } from './conda.js';
import { memoryFs } from './test-helpers.js';

describe('parseCondaSpec', () => {
  it.each([
    ['pytorch=1.12.1', 'pytorch', '==1.12.1'],
    ['kornia=0.6', 'kornia', '==0.6.*'],
    ['numpy==1.23.1', 'numpy', '==1.23.1'],
    ['gcc==11.4', 'gcc', '==11.4'],
    ['numpy 1.8*', 'numpy', '==1.8.*'],
    ['scipy>=1.4,<2', 'scipy', '>=1.4,<2'],
    ['conda-forge::libstdcxx-ng', 'libstdcxx-ng', ''],
    ['intel::mkl-static', 'mkl-static', ''],
    ['numpy=1.23.1=py38h6c91a56_0', 'numpy', '==1.23.1'],
  ])('%s', (text, name, specifier) => {
    const r = parseCondaSpec(text);
    expect(r).toMatchObject({ ok: true, name, specifier });
  });

  it('keeps the build string out and says so; rejects "or" versions', () => {
    expect(parseCondaSpec('numpy=1.23.1=py38h6c91a56_0')).toMatchObject({ build: 'py38h6c91a56_0', notes: ['build string py38h6c91a56_0 dropped'] });
    expect(parseCondaSpec('numpy 1.2|1.4')).toMatchObject({ ok: false });
  });
});

const ENV = `name: control
channels:
  - pytorch
  - nvidia/label/cuda-11.8.0
  - defaults
dependencies:
  - python=3.8.5
  - pip=20.3
  - cudatoolkit=11.3
  - pytorch=1.12.1
  - torchvision=0.13.1
  - opencv
  - ffmpeg
  - mkl
  - _libgcc_mutex=0.1=main
  - tensorflow-gpu
  - some-conda-package=2.0
  - pip:
      - gradio==3.16.2
      - -r requirements-extra.txt
      - git+https://github.com/openai/CLIP.git
      - "numpy=1.0"
variables:
  MAX_JOBS: 4
`;

describe('parseCondaEnv', () => {
  const fs = memoryFs({ 'env/requirements-extra.txt': 'einops==0.3.0\n' });
  const r = parseCondaEnv(ENV, 'env/environment.yml', fs);

  it('maps conda names to PyPI and keeps versions', () => {
    expect(r.requirements.map((q) => q.raw)).toEqual([
      'torch==1.12.1',
      'torchvision==0.13.1',
      'opencv-python',
      'tensorflow',
      // A hand-written name no list knows: assumed to be the same on PyPI (the report says so).
      'some-conda-package==2.0.*',
      'gradio==3.16.2',
      'einops==0.3.0',
      'clip',
    ]);
    expect(r.requirements.find((q) => q.name === 'einops')!.origin).toEqual({ file: 'env/requirements-extra.txt', line: 1 });
    expect(r.requirements.find((q) => q.name === 'clip')!.source).toEqual({ kind: 'git', url: 'https://github.com/openai/CLIP.git' });
  });

  it('turns cudatoolkit and CUDA channel labels into CUDA hints, python into a Python hint', () => {
    expect(r.cudaHints.map((h) => [h.cuda, h.backend, h.origin.line])).toEqual([
      ['11.8', undefined, 4],
      ['11.3', 'cu113', 9],
    ]);
    expect(r.pythonHints).toEqual([expect.objectContaining({ version: '3.8.5', origin: { file: 'env/environment.yml', line: 7 } })]);
  });

  it('reports conda-only packages with their apt / PyPI equivalents, and ignores base-system ones', () => {
    expect(r.condaOnly.map((c) => [c.name, c.equivalent])).toEqual([
      ['ffmpeg', { apt: 'ffmpeg' }],
      ['mkl', undefined],
    ]);
    const byLine = (line: number) => r.report.find((e) => e.origin.line === line)!;
    expect(byLine(13)).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/apt ffmpeg/) });
    expect(byLine(14)).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/bundle MKL/) });
    expect(byLine(8)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/uv manages/) });
    expect(byLine(15)).toMatchObject({ kind: 'ignored' });
    // A hand-written name no list knows: a dependency, and the report says it was assumed.
    expect(byLine(17)).toMatchObject({ kind: 'dependency', reason: expect.stringMatching(/assumed to have the same name on PyPI/) });
    expect(byLine(22)).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/conda syntax/) });
  });

  it('reports every line of the file and reads variables', () => {
    const lines = new Set(r.report.filter((e) => e.origin.file === 'env/environment.yml').map((e) => e.origin.line));
    for (const line of [1, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 24]) expect(lines).toContain(line);
    expect(r.buildEnv).toEqual([{ name: 'MAX_JOBS', value: '4', origin: { file: 'env/environment.yml', line: 24 } }]);
  });

  it('stops with a DanluError at file:line on YAML that does not parse', () => {
    const bad = 'name: x\ndependencies:\n  - numpy\n\t- tab-indented\n';
    try {
      parseCondaEnv(bad, 'environment.yml');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DanluError);
      expect((err as DanluError).code).toBe(2);
      expect((err as DanluError).location).toMatchObject({ file: 'environment.yml', line: 4 });
    }
  });

  it('stops on a file that is not a mapping; warns on an empty one; leaves out odd entries', () => {
    expect(() => parseCondaEnv('- numpy\n', 'environment.yml')).toThrow(DanluError);
    expect(parseCondaEnv('', 'environment.yml').warnings[0]!.id).toBe('empty-file');
    const odd = parseCondaEnv('dependencies:\n  - {a: 1}\n  - pip:\n  - [x]\nfoo: bar\n', 'e.yml');
    expect(odd.report.map((e) => e.kind)).toEqual(['left-out', 'ignored', 'left-out', 'left-out']);
  });
});

describe('parseCondaEnv: full exports and CUDA packages', () => {
  const EXPORT = `name: base-export
channels:
  - nvidia
  - conda-forge
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - ld_impl_linux-64=2.40=h41732ed_0
  - libstdcxx-ng=13.2.0=h7e041cc_5
  - cuda-nvcc=12.1.105=0
  - cuda-runtime=12.1.0=0
  - conda-forge::numpy=1.26.4=py311h64a7726_0
  - faiss-gpu=1.7.4=py3.11_h4c7b8b4_0_cuda12.1.1
  - pytorch-cuda=12.1=ha16c6d3_5
  - pytorch=2.2.1=py3.11_cuda12.1_cudnn8.9.2_0
prefix: /opt/conda/envs/base-export
`;
  const r = parseCondaEnv(EXPORT, 'environment.yml');

  it('drops build strings, ignores base-system packages, maps CUDA packages to hints', () => {
    expect(r.requirements.map((q) => q.raw)).toEqual(['numpy==1.26.4', 'torch==2.2.1']);
    expect(r.report.find((e) => e.text.startsWith('conda-forge::numpy'))!.reason).toMatch(/build string py311h64a7726_0 dropped/);
    expect(r.cudaHints.map((h) => [h.cuda, h.backend ?? null])).toEqual([
      ['12.1', null],
      ['12.1', null],
      ['12.1', 'cu121'],
    ]);
    expect(r.report.filter((e) => e.kind === 'ignored').map((e) => e.text)).toEqual([
      'name: base-export',
      'nvidia',
      'conda-forge',
      '_libgcc_mutex=0.1=conda_forge',
      'ld_impl_linux-64=2.40=h41732ed_0',
      'libstdcxx-ng=13.2.0=h7e041cc_5',
      'prefix: /opt/conda/envs/base-export',
    ]);
  });

  it('reports conda-only packages with a PyPI equivalent when there is one', () => {
    expect(r.condaOnly).toEqual([expect.objectContaining({ name: 'faiss-gpu', equivalent: { pypi: 'faiss-gpu-cu12' } })]);
  });
});

describe('conda names become PyPI dependencies only through a mapping (B1, D01, D14)', () => {
  it('B1 shape: an exported environment keeps its Python packages and leaves every native library out', () => {
    const r = parseCondaEnv(
      `name: demo
channels:
  - pytorch
  - nvidia
  - conda-forge
dependencies:
  - _libgcc_mutex=0.1=conda_forge
  - aws-c-common=0.9.0=hd590300_0
  - aws-crt-cpp=0.21.0=hb942446_5
  - libgcc-ng=13.1.0=he5830b7_0
  - openssl=3.1.1=hd590300_1
  - python=3.10.12=hd12c33a_0_cpython
  - pytorch=2.1.0=py3.10_cuda12.1_cudnn8.9.2_0
  - pytorch-cuda=12.1=ha16c6d3_5
  - s2n=1.3.49=h06160fa_0
  - zstd=1.5.5=hfc55251_0
  - pip=23.2.1=pyhd8ed1ab_0
  - pip:
      - numpy==1.26.4
      - tqdm==4.66.1
`,
      'environment.yml',
    );
    expect(r.requirements.map((q) => q.raw)).toEqual(['torch==2.1.0', 'numpy==1.26.4', 'tqdm==4.66.1']);
    const line = (n: number) => r.report.find((e) => e.origin.line === n)!;
    for (const n of [8, 9, 15]) expect(line(n)).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/native library/) });
    expect(line(7)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/internal variant selector/) });
  });

  it('B1 second shape: a hand-written file with a native name and no build string is left out with a warning, renamed packages mapped', () => {
    const r = parseCondaEnv(
      `name: other
dependencies:
  - python=3.11
  - s2n
  - gmp=6.2.1
  - pytorch-nightly
  - py-opencv=4.8
  - matplotlib-base>=3.7
  - scikit-learn
  - pip
  - pip:
      - numpy
`,
      'env.yml',
    );
    expect(r.requirements.map((q) => q.raw)).toEqual(['opencv-python==4.8.*', 'matplotlib>=3.7', 'scikit-learn', 'numpy']);
    expect(r.condaOnly.map((c) => c.name)).toEqual(['s2n', 'gmp', 'pytorch-nightly']);
    expect(r.warnings.filter((w) => w.id === 'conda-unknown').map((w) => w.package)).toEqual(['s2n', 'gmp', 'pytorch-nightly']);
    expect(r.report.find((e) => e.text === 's2n')!.reason).toMatch(/native library or program conda installs/);
  });

  it('an environment exported on Windows: Windows-only packages left out, the export is recognized', () => {
    const text = `name: winenv
channels:
  - defaults
dependencies:
  - ca-certificates=2023.01.10=haa95532_0
  - vc=14.2=h21ff451_1
  - vs2015_runtime=14.27.29016=h5e58377_2
  - ucrt=10.0.22621.0=h57928b3_0
  - m2w64-gcc-libs=5.3.0=7
  - pywin32=305=py39h2bbff1b_0
  - win_inet_pton=1.1.0=py39haa95532_0
  - requests=2.28.1=py39haa95532_0
prefix: C:\\Users\\someone\\miniconda3\\envs\\winenv
`;
    expect(isWindowsExport(text)).toBe(true);
    const r = parseCondaEnv(text, 'environment.yaml');
    expect(r.requirements.map((q) => q.raw)).toEqual(['requests==2.28.1']);
    expect(r.warnings.map((w) => w.id)).toContain('windows-export');
    expect(r.report.find((e) => e.text.startsWith('pywin32'))!.reason).toMatch(/Windows only/);
    expect(isWindowsExport('dependencies:\n  - numpy\n')).toBe(false);
  });

  it.each([
    ['python >= 3.8', 'python', '>=3.8'],
    ['numpy >= 1.20', 'numpy', '>=1.20'],
    ['scipy >=1.4, <2', 'scipy', '>=1.4,<2'],
    ['pillow >= 9 py_0', 'pillow', '>=9'],
  ])('D14: MatchSpec with spaces around the operator: %s', (text, name, specifier) => {
    expect(parseCondaSpec(text)).toMatchObject({ ok: true, name, specifier });
  });

  it('D14 in a file: `python >= 3.8` is a Python hint, `numpy >= 1.20` a requirement', () => {
    const r = parseCondaEnv('name: demo\ndependencies:\n  - python >= 3.8\n  - numpy >= 1.20\n  - pip\n', 'environment.yml');
    expect(r.pythonHints).toEqual([expect.objectContaining({ specifier: '>=3.8' })]);
    expect(r.requirements.map((q) => q.raw)).toEqual(['numpy>=1.20']);
  });
});
