import { describe, expect, it } from 'vitest';
import { parseRequirements } from './requirements.js';
import { memoryFs } from './test-helpers.js';
import type { ReadInclude } from './types.js';

const none: ReadInclude = () => null;

function parse(text: string) {
  return parseRequirements(text, 'requirements.txt', none);
}

describe('parseRequirements', () => {
  it('reads names, specifiers, extras and markers with odd spacing and case', () => {
    const r = parse(
      "SentencePiece==0.1.96\ntorchvision== 0.16.0\nfire >= 0.6.0\nJinja2\naqlm[GPU] >=1.1.0\njsonargparse[signatures]>=4.37,<=4.41; python_version>='3.10'",
    );
    expect(r.requirements.map((q) => q.raw)).toEqual([
      'sentencepiece==0.1.96',
      'torchvision==0.16.0',
      'fire>=0.6.0',
      'jinja2',
      'aqlm[gpu]>=1.1.0',
      'jsonargparse[signatures]>=4.37,<=4.41; python_version >= "3.10"',
    ]);
    expect(r.requirements[5]!.marker).toBe('python_version >= "3.10"');
    expect(r.requirements.map((q) => q.origin.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a file without a final newline, CRLF line ends and blank lines', () => {
    const r = parse('accelerate>=0.16.0\r\n\r\ntorchvision\r\npeft==0.7.0');
    expect(r.requirements.map((q) => q.name)).toEqual(['accelerate', 'torchvision', 'peft']);
    expect(r.requirements[2]!.origin.line).toBe(4);
  });

  it('drops comments, inline comments and hashes, joining continuation lines', () => {
    const r = parse(
      '# header\nftfy>=6.2.0 # for t5\nrequests==2.31.0 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\n#git+https://github.com/huggingface/transformers.git\n',
    );
    expect(r.requirements.map((q) => q.raw)).toEqual(['ftfy>=6.2.0', 'requests==2.31.0']);
    expect(r.requirements[1]!.origin.line).toBe(3);
    expect(r.report.find((e) => e.origin.line === 3)!.reason).toMatch(/hash dropped/);
  });

  it('takes the local version out of a pin and turns a CUDA label into a hint', () => {
    const r = parse('torch==2.1.2+cu118\ntorch-npu==2.10.0.post2\n');
    expect(r.requirements[0]).toMatchObject({ name: 'torch', specifier: '==2.1.2', raw: 'torch==2.1.2', localVersion: 'cu118' });
    expect(r.cudaHints).toEqual([expect.objectContaining({ backend: 'cu118', cuda: '11.8' })]);
  });

  it('reads git URLs with #egg=, @ref and #subdirectory=, editable or not', () => {
    const r = parse(
      [
        '-e git+https://github.com/org/pkg.git@v1.2#egg=my_pkg',
        'git+https://github.com/huggingface/peft.git',
        'git+https://github.com/Dao-AILab/flash-attention@v2.8.3#subdirectory=hopper&egg=flash_attn_3',
        'git+ssh://git@github.com/org/private.git@abc123#egg=private',
      ].join('\n'),
    );
    expect(r.requirements.map((q) => [q.name, q.source])).toEqual([
      ['my-pkg', { kind: 'git', url: 'https://github.com/org/pkg.git', rev: 'v1.2' }],
      ['peft', { kind: 'git', url: 'https://github.com/huggingface/peft.git' }],
      ['flash-attn-3', { kind: 'git', url: 'https://github.com/Dao-AILab/flash-attention', rev: 'v2.8.3', subdirectory: 'hopper' }],
      ['private', { kind: 'git', url: 'ssh://git@github.com/org/private.git', rev: 'abc123' }],
    ]);
    expect(r.requirements[1]!.nameGuessed).toBe(true);
    expect(r.requirements[0]!.nameGuessed).toBeUndefined();
  });

  it('reads name @ URL, direct wheel and zip URLs and local paths', () => {
    const r = parse(
      [
        'fsdp-turbo @ git+https://gitcode.com/Ascend/FSDPTurbo.git@d878dffdb1e0312dc098599f2b56810d6b592ee2',
        'poseval@git+https://github.com/svenkreiss/poseval.git',
        'panopticapi @ https://github.com/cocodataset/panopticapi/archive/master.zip',
        'https://github.com/x/y/releases/download/v1/nunchaku-0.3.1+torch2.7-cp311-cp311-linux_x86_64.whl',
        './third_party/custom_flashinfer',
        '-e .[dev]',
      ].join('\n'),
    );
    expect(r.requirements.map((q) => [q.name, q.source?.kind])).toEqual([
      ['fsdp-turbo', 'git'],
      ['poseval', 'git'],
      ['panopticapi', 'url'],
      ['nunchaku', 'url'],
      ['custom-flashinfer', 'path'],
    ]);
    expect(r.requirements[0]!.source).toMatchObject({ rev: 'd878dffdb1e0312dc098599f2b56810d6b592ee2' });
    expect(r.pythonHints).toEqual([expect.objectContaining({ version: '3.11' })]);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['dev']);
    expect(r.report.at(-1)).toMatchObject({ kind: 'source', became: expect.stringMatching(/the project itself/) });
  });

  it('records index options and find-links, with the CUDA variant of PyTorch and OpenMMLab URLs', () => {
    const r = parse(
      '--index-url https://download.pytorch.org/whl/cu121\n--extra-index-url=https://pypi.nvidia.com\n-f https://download.openmmlab.com/mmcv/dist/cu113/torch1.10/index.html\n-f https://data.pyg.org/whl/torch-2.1.0+cu121.html\n',
    );
    expect(r.indexes.map((i) => i.kind)).toEqual(['index-url', 'extra-index-url', 'find-links', 'find-links']);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu121', 'cu113', 'cu121']);
    expect(r.report.every((e) => e.kind === 'index')).toBe(true);
  });

  it('follows nested -r and -c includes relative to the including file', () => {
    const fs = memoryFs({
      'requirements.txt': '-r requirements/build.txt\n-r requirements/runtime.txt\n-c constraints.txt\n',
      'requirements/build.txt': 'numpy\n-r ../common/base.txt\n',
      'requirements/runtime.txt': 'opencv-python\n',
      'common/base.txt': 'torch>=1.8\n',
      'constraints.txt': 'numpy<2\n',
    });
    const r = parseRequirements((fs('requirements.txt', '') as { text: string }).text, 'requirements.txt', fs);
    expect(r.requirements.map((q) => `${q.name}@${q.origin.file}:${q.origin.line}`)).toEqual([
      'numpy@requirements/build.txt:1',
      'torch@common/base.txt:1',
      'opencv-python@requirements/runtime.txt:1',
    ]);
    expect(r.constraints.map((q) => q.raw)).toEqual(['numpy<2']);
    expect(r.report.filter((e) => e.kind === 'include')).toHaveLength(4);
  });

  it('reports include cycles and missing includes instead of looping or throwing', () => {
    const fs = memoryFs({ 'a.txt': 'x\n-r b.txt\n', 'b.txt': 'y\n-r a.txt\n-r a.txt\n-r missing.txt\n' });
    const r = parseRequirements((fs('a.txt', '') as { text: string }).text, 'a.txt', fs);
    expect(r.requirements.map((q) => q.name)).toEqual(['x', 'y']);
    expect(r.warnings.map((w) => w.id)).toEqual(['include-cycle', 'include-cycle', 'include-missing']);
    expect(r.report.filter((e) => e.kind === 'left-out')).toHaveLength(3);
  });

  it('leaves out lines it cannot understand, with the reason, and keeps going', () => {
    const r = parse('numpy=1.2\nfoo >= 1 <2\n%%%\nhg+https://hg.example/repo#egg=x\n--frobnicate\nok-pkg\n${TORCH_SPEC}\n');
    const out = r.report.filter((e) => e.kind === 'left-out');
    expect(out.map((e) => e.origin.line)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(out[0]!.reason).toMatch(/conda syntax/);
    expect(out[3]!.reason).toMatch(/git only/);
    expect(r.requirements.map((q) => q.name)).toEqual(['ok-pkg']);
  });

  it('keeps per-requirement build options as warnings and flags markers that never match', () => {
    const r = parse("albumentations>=0.3.2 --no-binary qudida,albumentations\ncpufeature; sys_platform == 'win32' or sys_platform == 'Windows'\n");
    expect(r.requirements.map((q) => q.raw)).toEqual(['albumentations>=0.3.2', 'cpufeature; sys_platform == "win32" or sys_platform == "Windows"']);
    expect(r.warnings.map((w) => w.id)).toEqual(['build-options', 'marker-never-true']);
  });

  it('flags Windows-only wheels and marks constraint files', () => {
    const r = parseRequirements(
      'https://github.com/jllllll/bitsandbytes-windows-webui/releases/download/wheels/bitsandbytes-0.41.2.post2-py3-none-win_amd64.whl\n',
      'c.txt',
      none,
      { constraint: true },
    );
    expect(r.constraints[0]).toMatchObject({ name: 'bitsandbytes' });
    expect(r.constraints[0]!.source).toBeUndefined();
    expect(r.warnings.map((w) => w.id)).toEqual(['wheel-platform']);
  });
});
