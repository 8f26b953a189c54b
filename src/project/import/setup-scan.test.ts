import { describe, expect, it } from 'vitest';
import { parseGitmodules } from './gitmodules.js';
import { scanSetupFiles } from './setup-scan.js';

const SAM2_LIKE = `# Copyright (c) Meta Platforms
import os
from setuptools import find_packages, setup

REQUIRED_PACKAGES = ["torch>=2.5.1"]

def get_extensions():
    from torch.utils.cpp_extension import CUDAExtension
    return [CUDAExtension("sam2._C", ["sam2/csrc/connected_components.cu"])]

setup(
    name="SAM-2",
    install_requires=[
        "torch>=2.5.1",  # the runtime torch
        'numpy>=1.24.4',
        "iopath>=0.1.10",
        "panopticapi @ https://github.com/cocodataset/panopticapi/archive/master.zip",
        "dataclasses; python_version<'3.7'",
    ],
    extras_require={
        "notebooks": ["matplotlib>=3.9.1", "jupyter>=1.0.0"],
        "dev": ["black==24.2.0"],
    },
    ext_modules=get_extensions(),
)
`;

describe('scanSetupFiles', () => {
  it('flags torch at build time from CUDAExtension / cpp_extension and reads literal lists', () => {
    const r = scanSetupFiles({ file: 'setup.py', text: SAM2_LIKE });
    expect(r.buildTimeTorch).toEqual([{ origin: { file: 'setup.py', line: 8 }, why: 'setup.py imports torch and builds torch C++/CUDA extensions' }]);
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['torch>=2.5.1', 'main', 14],
      ['numpy>=1.24.4', 'main', 15],
      ['iopath>=0.1.10', 'main', 16],
      ['panopticapi', 'main', 17],
      ['dataclasses; python_version < "3.7"', 'main', 18],
      ['matplotlib>=3.9.1', 'notebooks', 21],
      ['jupyter>=1.0.0', 'notebooks', 21],
      ['black==24.2.0', 'dev', 22],
    ]);
    expect(r.requirements[3]!.source).toEqual({ kind: 'url', url: 'https://github.com/cocodataset/panopticapi/archive/master.zip' });
  });

  it('follows a module-level name to its literal list, and reads name and version', () => {
    const text = [
      'from setuptools import setup',
      'NAME = "SAM-2"',
      'VERSION = "1.0"',
      'REQUIRED_PACKAGES = [',
      '    "torch>=2.5.1",',
      '    "hydra-core>=1.3.2",',
      ']',
      'EXTRA = {"dev": ["black==24.2.0"]}',
      'setup(name=NAME, version=VERSION, install_requires=REQUIRED_PACKAGES, extras_require=EXTRA)',
      '',
    ].join('\n');
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['torch>=2.5.1', 'main', 5],
      ['hydra-core>=1.3.2', 'main', 6],
      ['black==24.2.0', 'dev', 8],
    ]);
    expect(r.packageMetadata).toEqual({ name: 'SAM-2', version: '1.0' });
    expect(r.warnings).toEqual([]);
  });

  it('does not guess: a name assigned twice, a computed version', () => {
    const text =
      'from setuptools import setup\nREQS = ["a"]\nif x:\n    pass\nREQS = ["b"]\nsetup(name="proj", version=get_version(), install_requires=REQS)\n';
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements).toEqual([]);
    expect(r.warnings.map((w) => w.id)).toEqual(['setup-py-computed']);
    expect(r.packageMetadata).toEqual({ name: 'proj', computed: ['version'] });
  });

  it('does not read computed lists, and says so', () => {
    const r = scanSetupFiles({
      file: 'setup.py',
      text: 'import torch\nfrom setuptools import setup\nsetup(install_requires=[f"kt-kernel=={_v}"], extras_require=get_extras())\nreqs = open("requirements.txt").read()\n',
    });
    expect(r.requirements).toEqual([]);
    expect(r.warnings.map((w) => w.id)).toEqual(['setup-py-computed', 'setup-py-computed']);
    expect(r.buildTimeTorch).toEqual([{ origin: { file: 'setup.py', line: 1 }, why: 'setup.py imports torch' }]);
    expect(r.report.some((e) => e.became === 'setup.py reads requirements.txt')).toBe(true);
  });

  it('ignores commented-out torch imports and a setup.py with nothing to say', () => {
    const r = scanSetupFiles({ file: 'setup.py', text: '# import torch\nfrom setuptools import setup\nsetup(name="x")\n' });
    expect(r.buildTimeTorch).toEqual([]);
    expect(r.report).toEqual([]);
  });

  it('reads setup.cfg options', () => {
    const cfg = `[metadata]\nname = x\n\n[options]\npython_requires = >=3.8\nsetup_requires =\n    torch>=2.0\ninstall_requires =\n    numpy>=1.20\n    requests; python_version>"3.6"\n\n[options.extras_require]\ndev = pytest, ruff>=0.1,<1\n`;
    const r = scanSetupFiles(null, { file: 'setup.cfg', text: cfg });
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['numpy>=1.20', 'main', 9],
      ['requests; python_version > "3.6"', 'main', 10],
      ['pytest', 'dev', 13],
      ['ruff>=0.1,<1', 'dev', 13],
    ]);
    expect(r.buildTimeTorch).toEqual([{ origin: { file: 'setup.cfg', line: 7 }, why: 'setup.cfg setup_requires torch>=2.0' }]);
    expect(r.pythonHints).toEqual([expect.objectContaining({ specifier: '>=3.8' })]);
  });
});

describe('parseGitmodules', () => {
  it('reads each submodule with its path, url and branch', () => {
    const r = parseGitmodules(
      '[submodule "csrc/cutlass"]\n\tpath = csrc/cutlass\n\turl = https://github.com/NVIDIA/cutlass.git\n[submodule "ck"]\n\tpath = csrc/ck\n\turl = https://github.com/ROCm/composable_kernel.git\n\tbranch = amd-master\n',
      '.gitmodules',
    );
    expect(r.submodules).toEqual([
      { origin: { file: '.gitmodules', line: 1 }, path: 'csrc/cutlass', url: 'https://github.com/NVIDIA/cutlass.git' },
      { origin: { file: '.gitmodules', line: 4 }, path: 'csrc/ck', url: 'https://github.com/ROCm/composable_kernel.git', branch: 'amd-master' },
    ]);
    expect(r.report.map((e) => e.kind)).toEqual(['hint', 'hint']);
  });

  it('B4: extras_require built from module-level lists and a dict bound to a name', () => {
    const text = [
      'from setuptools import find_packages, setup',
      '',
      'INSTALL_REQUIRES = ["numpy", "torch>=2.4"]',
      'SERVE_REQUIRES = ["fastapi", "uvicorn"]',
      'GPU_REQUIRES = ["flash-attn"]',
      '',
      'extras_require = {',
      '    "serve": SERVE_REQUIRES,',
      '    "gpu": GPU_REQUIRES,',
      '}',
      '',
      'setup(',
      '    name="demo",',
      '    version="0.1.0",',
      '    packages=find_packages(),',
      '    install_requires=INSTALL_REQUIRES,',
      '    extras_require=extras_require,',
      ')',
      '',
    ].join('\n');
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['numpy', 'main', 3],
      ['torch>=2.4', 'main', 3],
      ['fastapi', 'serve', 4],
      ['uvicorn', 'serve', 4],
      ['flash-attn', 'gpu', 5],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('B4 second shape: + concatenation, *unpacking, **dict merge, dict(key=...) and a Dev_Tools extra name normalized', () => {
    const text = [
      'import setuptools',
      'BASE = [',
      '    "requests",  # comment',
      ']',
      'VISION = BASE + ["pillow>=9"]',
      'EXTRA = dict(Dev_Tools=["pytest"], docs=["sphinx"])',
      'setuptools.setup(',
      '    install_requires=[*BASE, "tqdm"],',
      '    extras_require={**EXTRA, "vision": VISION, "all": VISION + EXTRA_ALL},',
      ')',
      'EXTRA_ALL = ["rich"]',
    ].join('\n');
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements.map((q) => [q.raw, q.group])).toEqual([
      ['requests', 'main'],
      ['tqdm', 'main'],
      ['pytest', 'dev-tools'],
      ['sphinx', 'docs'],
      ['requests', 'vision'],
      ['pillow>=9', 'vision'],
      ['requests', 'all'],
      ['pillow>=9', 'all'],
      ['rich', 'all'],
    ]);
  });

  it("D13: origins stay on the file's lines after blank lines followed by a comment", () => {
    const text =
      'from setuptools import setup\n\n\n# comment after blank lines\n\nsetup(\n    name="demo",\n    install_requires=[\n        "numpy",\n    ],\n)\n';
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements.map((q) => q.origin.line)).toEqual([9]);
  });

  it('D13 second shape: a # inside a string is not a comment; a long comment block keeps later lines', () => {
    const text = 'from setuptools import setup\nURL = "https://example.invalid/#anchor"\n#\n#  long\n#  comment\n\nsetup(install_requires=["six"])\n';
    const r = scanSetupFiles({ file: 'setup.py', text });
    expect(r.requirements.map((q) => [q.raw, q.origin.line])).toEqual([['six', 7]]);
  });

  it('B12 / D18: a computed version whose literal is in a file setup.py opens; a literal version with a computed name', () => {
    const files: Record<string, string> = { VERSION: '8.3.0\n', NAME: 'mypkg\n' };
    const read = (p: string) => files[p] ?? null;
    const computed =
      'from setuptools import setup\n\ndef get_version():\n    with open("VERSION") as f:\n        return f.read().strip()\n\nsetup(name="demo", version=get_version())\n';
    const a = scanSetupFiles({ file: 'setup.py', text: computed }, null, { read });
    expect(a.packageMetadata).toEqual({ name: 'demo', version: '8.3.0' });
    expect(a.report.find((e) => e.origin.line === 7)).toMatchObject({ kind: 'hint', became: 'version 8.3.0, from VERSION' });
    const named = '_PKG = open("NAME").read().strip()\nsetup(name=_PKG, version="0.3.0")\n';
    expect(scanSetupFiles({ file: 'setup.py', text: named }, null, { read }).packageMetadata).toEqual({ name: 'mypkg', version: '0.3.0' });
    const lost = 'setup(name=compute(), version="0.3.0")\n';
    expect(scanSetupFiles({ file: 'setup.py', text: lost }, null, { read }).packageMetadata).toEqual({ version: '0.3.0' });
  });

  it('B12 / D18 second shape: __version__ in the package module setup.py imports; none found is reported computed', () => {
    const files: Record<string, string> = { 'tools/setup.py': '', 'tools/acme/version.py': '# generated\n__version__ = "1.3.8"\n' };
    const read = (p: string) => files[p] ?? null;
    const text = 'from setuptools import setup\nfrom acme.version import __version__\nsetup(name="acme", version=__version__)\n';
    expect(scanSetupFiles({ file: 'tools/setup.py', text }, null, { read }).packageMetadata).toEqual({ name: 'acme', version: '1.3.8' });
    const none = scanSetupFiles({ file: 'setup.py', text: 'setup(name="acme", version=git_describe())\n' }, null, { read });
    expect(none.packageMetadata).toEqual({ name: 'acme', computed: ['version'] });
    expect(none.report.find((e) => e.kind === 'hint')!.became).toBe('version computed by setup.py: not read');
  });
});

describe("the package's name is setup()'s own keyword, not a helper's", () => {
  it('an extension helper called with name= before setup()', () => {
    const code =
      "from setuptools import setup\nfrom torch.utils.cpp_extension import CUDAExtension\n\ndef make_cuda_ext(name, module, sources):\n    return CUDAExtension(name=f'{module}.{name}', sources=sources)\n\n" +
      "if __name__ == '__main__':\n    ext_modules = [make_cuda_ext(name='deform_conv_ext', module='pkg.ops', sources=['a.cpp'])]\n    setup(\n        name='basicsr',  # the package\n        version='1.4.2',\n        ext_modules=ext_modules,\n    )\n";
    expect(scanSetupFiles({ file: 'setup.py', text: code }).packageMetadata).toEqual({ name: 'basicsr', version: '1.4.2' });
  });

  it('an extension named inside setup() before its name=', () => {
    const code =
      'import setuptools\nsetuptools.setup(\n    ext_modules=[Extension(name=\'fast_ops\', sources=[\'x.c\'])],\n    name="myops",\n    version="0.2",\n)\n';
    expect(scanSetupFiles({ file: 'setup.py', text: code }).packageMetadata).toEqual({ name: 'myops', version: '0.2' });
  });
});
