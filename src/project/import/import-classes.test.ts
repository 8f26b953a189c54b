import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptNotForImage } from './apt.js';
import { importProject } from './import-project.js';
import { checkInvariants, names, req } from './test-helpers.js';

/** Whole invented projects for the field test's defect classes (B2, B5, B6, B9, B12, D03, D11, D12, D15, D16, D18): each in its shape and one more. */
const roots: string[] = [];
async function project(files: Record<string, string>, name = 'demo') {
  const root = join(mkdtempSync(join(tmpdir(), 'danlu-classes-')), name);
  roots.push(dirname(root));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const r = await importProject(root);
  checkInvariants(r, root);
  return r;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
const file = (r: Awaited<ReturnType<typeof project>>, f: string) => r.files.find((x) => x.file === f);

const ENV = (name: string, extra = '') =>
  `name: ${name}\nchannels: [pytorch, nvidia, conda-forge]\ndependencies:\n  - python=3.10\n  - pytorch::pytorch=2.1.2\n  - pytorch::pytorch-cuda=12.1\n  - pip\n  - pip:\n      - numpy\n${extra}`;

describe('B2: a second conda environment is never merged into the main one', () => {
  it('field-test shape: the README creates environment-extra.yml as its own environment: extra "extra"', async () => {
    const r = await project({
      'environment.yml': ENV('demo'),
      'environment-extra.yml': ENV('demo-extra', '      - scikit-image==0.22.0\n      - seaborn==0.13.2\n'),
      'README.md':
        '```bash\nconda env create -f environment.yml\nconda activate demo\n```\n\nOptional:\n\n```bash\nconda env create -f environment-extra.yml\nconda activate demo-extra\n```\n',
    });
    expect(names(r)).toEqual(['torch', 'numpy']);
    expect(names(r, 'extra')).toEqual(['torch', 'numpy', 'scikit-image', 'seaborn']);
    expect(req(r, 'seaborn', 'extra').groupKind).toBe('extra');
    expect(file(r, 'environment-extra.yml')).toMatchObject({
      role: 'imported',
      group: 'extra',
      reason: expect.stringMatching(/second conda environment \(demo-extra\)/),
    });
    expect(r.pythonHints.map((h) => h.origin.file)).toEqual(['environment.yml']);
  });

  it('second shape: two conda files the README does not name; a Windows export next to them', async () => {
    const r = await project({
      'conda.yaml': 'name: x\ndependencies:\n  - numpy\n',
      'environment.yml': 'name: main\ndependencies:\n  - scipy\n',
      'environment-gpu.yml': 'name: gpu\ndependencies:\n  - cupy\n',
      'environment-win.yml': 'name: w\ndependencies:\n  - vc=14.2=h21ff451_1\n  - requests\n',
      'README.md': 'Use the environment file.\n',
    });
    expect(r.requirements.map((q) => q.name)).toEqual(['scipy']);
    expect(file(r, 'environment-gpu.yml')).toMatchObject({ role: 'skipped', reason: expect.stringMatching(/another conda environment than environment.yml/) });
    expect(file(r, 'environment-win.yml')).toMatchObject({ role: 'skipped', reason: expect.stringMatching(/exported on Windows/) });
  });
});

describe('B5: install scripts are read like the README, with their own lines', () => {
  const script =
    '#!/bin/bash\nset -e\npip install torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu121\npip install einops timm\npip install flash-attn --no-build-isolation\npip install git+https://github.com/example-org/example-ext.git\n';

  it.each([['bash install.sh'], ['. ./install.sh'], ['source install.sh']])('field-test shape: the README runs `%s`', async (run) => {
    const r = await project({ 'install.sh': script, 'README.md': `\`\`\`bash\n${run}\n\`\`\`\n` });
    expect(names(r)).toEqual(['torch', 'torchvision', 'einops', 'timm', 'flash-attn', 'example-ext']);
    expect(req(r, 'timm').origin).toEqual({ file: 'install.sh', line: 4 });
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['flash-attn']);
  });

  it('second shape: a conventional scripts/install_deps.sh nobody names, with a cd and a -r inside it', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'scripts/install_deps.sh': 'cd third_party\npip install -r extra-requirements.txt\ncd ..\npip install rich\n',
      'third_party/extra-requirements.txt': 'einops\n',
    });
    expect(file(r, 'scripts/install_deps.sh')).toMatchObject({ role: 'imported', reason: 'install script: command lines' });
    expect(names(r)).toEqual(['numpy']);
    expect(names(r, 'readme')).toEqual(['rich']);
    expect(file(r, 'third_party/extra-requirements.txt')).toMatchObject({ role: 'skipped' });
  });
});

describe('B6 / D15: local packages and requirement files in folders', () => {
  const fused = {
    'requirements.txt': 'numpy\n',
    'ops/fused/setup.py': 'from setuptools import setup\n\nsetup(name="fused_ops_ext", version="0.1.0", py_modules=[])\n',
  };

  it("field-test shapes: `cd ops/fused && python setup.py install` and `pip install ./ops/fused` take setup.py's name", async () => {
    for (const lines of ['cd ops/fused\npython setup.py install', 'pip install ./ops/fused']) {
      const r = await project({ ...fused, 'README.md': `\`\`\`bash\npip install -r requirements.txt\n${lines}\n\`\`\`\n` });
      expect(req(r, 'fused-ops-ext', 'readme')).toMatchObject({ source: { kind: 'path', path: 'ops/fused' } });
      expect(req(r, 'fused-ops-ext', 'readme').nameGuessed).toBeUndefined();
    }
  });

  it('second shape: `pip install -e sub/` named by its pyproject; `python setup.py develop` is editable; a missing folder is left out', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'sub/pyproject.toml': '[project]\nname = "Sub_Kernels"\nversion = "1.0"\n',
      'ext/setup.py': 'from setuptools import setup\nNAME = "ext-ops"\nsetup(name=NAME)\n',
      'README.md': '```bash\npip install -e sub/\ncd ext && python setup.py develop\ncd ../gone && python setup.py install\n```\n',
    });
    expect(req(r, 'sub-kernels', 'readme').source).toEqual({ kind: 'path', path: 'sub', editable: true });
    expect(req(r, 'ext-ops', 'readme').source).toEqual({ kind: 'path', path: 'ext', editable: true });
    expect(r.report.find((e) => e.origin.line === 4 && e.text === 'python setup.py install')).toMatchObject({ kind: 'left-out' });
  });

  it('D15 shape: the requirements file the README installs from the root, one folder down, is imported', async () => {
    const r = await project({
      'README.md': '```sh\npip install torch==2.1.1\npip install -r sub/sub_requirements.txt\n```\n',
      'sub/main.py': 'import timm\n',
      'sub/sub_requirements.txt': 'numpy\ntimm==0.9.12\n',
    });
    expect(names(r)).toEqual(['numpy', 'timm', 'torch']);
  });

  it('D15 second shape: a folder with its own project file is a sub-project; examples/ from the root is an extra', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'plugin/setup.py': 'from setuptools import setup\nsetup(name="plugin")\n',
      'plugin/requirements.txt': 'flask\n',
      'examples/requirements.txt': 'matplotlib\n',
      'README.md': '```sh\npip install -r plugin/requirements.txt\npip install -r examples/requirements.txt\n```\n',
    });
    expect(file(r, 'plugin/requirements.txt')).toMatchObject({ role: 'skipped', reason: expect.stringMatching(/plugin has its own project file/) });
    expect(req(r, 'matplotlib', 'examples').groupKind).toBe('extra');
  });
});

describe('B9: mirrors and vendor feeds of a requirements file', () => {
  it('field-test shape: a mirror by shape goes to mirrors; the vendor feed is explicit, for the package its URL names', async () => {
    const r = await project({
      'requirements.txt':
        '--extra-index-url https://mirrors.cloud.tencent.com/pypi/simple\n--extra-index-url https://aiinfra.pkgs.visualstudio.com/PublicPackages/_packaging/onnxruntime-cuda-12/pypi/simple/\nonnxruntime-gpu==1.18.0\nnumpy\n',
    });
    expect(r.mirrors.map((m) => m.url)).toEqual(['https://mirrors.cloud.tencent.com/pypi/simple']);
    expect(r.indexes).toEqual([expect.objectContaining({ explicit: true, packages: [{ name: 'onnxruntime-gpu' }] })]);
  });

  it('second shape: a mirror host danlu knows (any path), a regional /pypi/web/simple mirror, and an index serving its namesake package', async () => {
    const r = await project({
      'requirements.txt':
        '-i https://mirrors.aliyun.com/pypi/simple/\n--extra-index-url https://mirror.example.edu/pypi/web/simple\n--extra-index-url https://flashinfer.ai/whl/cu121/torch2.4/\nflashinfer-python\nrequests\n',
    });
    expect(r.mirrors).toHaveLength(2);
    expect(r.indexes.map((i) => [i.url, i.packages])).toEqual([['https://flashinfer.ai/whl/cu121/torch2.4/', [{ name: 'flashinfer-python' }]]]);
  });

  it("third shape: repository managers' PyPI proxies (Nexus, Artifactory, devpi) are mirrors; their other repositories are indexes", async () => {
    const r = await project({
      'requirements.txt':
        '--extra-index-url https://repo.cloud.example.com/repository/pypi/simple\n' +
        '--extra-index-url https://nexus.corp.example.com/repository/pypi-proxy/simple/\n' +
        '--extra-index-url https://corp.example.net/artifactory/api/pypi/pypi-remote/simple\n' +
        '--extra-index-url https://devpi.example.net/root/pypi/+simple/\n' +
        '--extra-index-url https://nexus.corp.example.com/repository/pytorch-cu121/simple\n' +
        '--extra-index-url https://nexus.corp.example.com/repository/ml-hosted/simple\n' +
        'numpy\ncorp-utils\n',
    });
    expect(r.mirrors).toHaveLength(4);
    expect(r.indexes.map((i) => i.url)).toEqual([
      'https://nexus.corp.example.com/repository/pytorch-cu121/simple',
      'https://nexus.corp.example.com/repository/ml-hosted/simple',
    ]);
    expect(r.report.filter((l) => l.kind === 'index' && /PyPI mirror/.test(l.became))).toHaveLength(4);
  });
});

describe('B12 / D16 / D18: the checkout is the project, whatever its folder is called', () => {
  it('field-test shape: computed name (read from NAME), literal version; `git clone .../mypkg && cd mypkg && pip install -e .[serve]` is the project', async () => {
    const r = await project(
      {
        'setup.py':
          'from setuptools import find_packages, setup\n\n_PKG = open("NAME").read().strip()\n\nsetup(\n    name=_PKG,\n    version="0.3.0",\n    packages=find_packages(),\n    install_requires=["numpy", "torch>=2.4"],\n    extras_require={"serve": ["rich"]},\n)\n',
        NAME: 'mypkg\n',
        'mypkg/__init__.py': '',
        'README.md': '```bash\ngit clone https://github.com/example-org/mypkg\ncd mypkg\npip install -e .[serve]\n```\n',
      },
      'checkout-x',
    );
    expect(r.packageMetadata).toEqual({ name: 'mypkg', version: '0.3.0' });
    expect(r.requirements.map((q) => q.name)).toEqual(['numpy', 'torch', 'rich']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['serve']);
  });

  it("D16 shape: a renamed repository: the files the README installs after `cd newname` are this checkout's", async () => {
    const r = await project({
      'requirements/full/requirements.txt': 'numpy\ntqdm\n',
      'README.md': '```sh\ngit clone https://example.invalid/someone/newname\ncd newname\npip install -r requirements/full/requirements.txt\n```\n',
    });
    expect(names(r)).toEqual(['numpy', 'tqdm']);
  });

  it('second shape: a project that names itself keeps another clone apart; a requirements file naming the project is no dependency', async () => {
    const r = await project({
      'pyproject.toml': '[project]\nname = "acme"\nversion = "1.0"\ndependencies = ["numpy"]\n',
      'requirements.txt': 'acme\nrich\n',
      'README.md': '```sh\ngit clone https://github.com/other/kernels\ncd kernels\npip install .\n```\n',
    });
    expect(r.requirements.map((q) => [q.name, q.source?.kind])).toEqual([
      ['numpy', undefined],
      ['rich', undefined],
      ['kernels', 'git'],
    ]);
    expect(r.report.find((e) => e.text === 'acme')).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/project itself/) });
  });

  it('D18 shape: version computed from a VERSION file setup.py reads', async () => {
    const r = await project({
      'setup.py':
        'from setuptools import setup\n\n\ndef get_version():\n    with open("VERSION") as f:\n        return f.read().strip()\n\n\nsetup(name="pkgx", version=get_version(), packages=["pkgx"], install_requires=["iniconfig"])\n',
      VERSION: '8.3.0\n',
      'pkgx/__init__.py': '',
    });
    expect(r.packageMetadata).toEqual({ name: 'pkgx', version: '8.3.0' });
  });
});

describe('D03: a git URL with #subdirectory=', () => {
  it('the name comes from #egg= or the repository, never from the subdirectory', async () => {
    const r = await project({
      'requirements.txt': 'torch>=2.1\n',
      'README.md':
        '```sh\npip install ninja git+https://example.invalid/org/fastgrid.git#subdirectory=bindings/torch\npip install "git+https://example.invalid/org/kit.git#egg=kit-py&subdirectory=python"\n```\n',
    });
    expect(req(r, 'torch').source).toBeUndefined();
    expect(req(r, 'fastgrid', 'readme')).toMatchObject({ source: { kind: 'git', subdirectory: 'bindings/torch' }, nameGuessed: true });
    expect(req(r, 'kit-py', 'readme').source).toMatchObject({ subdirectory: 'python' });
  });
});

describe('D11: the install guide the README links', () => {
  it('field-test shape: `See [get_started.md](get_started.md) for installation`', async () => {
    const r = await project({
      'README.md': '# demo\n\nSee [get_started.md](get_started.md) for installation.\n',
      'get_started.md':
        '# Getting started\n\n```bash\nconda create -n demo python=3.9 -y\nconda install pytorch==1.13.1 torchvision==0.14.1 -c pytorch\npip install timm==0.4.12 yacs==0.1.8\n```\n',
    });
    expect(names(r)).toEqual(['torch', 'torchvision', 'timm', 'yacs']);
    expect(file(r, 'get_started.md')!.reason).toMatch(/linked from README.md:3/);
  });

  it('second shape: a link text that says Installation, to docs/setup-guide.md; a link to another document is not followed', async () => {
    const r = await project({
      'README.md': '# demo\n\n- [Installation](docs/setup-guide.md)\n- [Model zoo](docs/MODEL_ZOO.md)\n',
      'docs/setup-guide.md': '```\npip install einops\n```\n',
      'docs/MODEL_ZOO.md': '```\npip install not-this\n```\n',
    });
    expect(names(r)).toEqual(['einops']);
  });
});

describe('D12: cog.yaml', () => {
  it('field-test shape: python_version, cuda, system_packages, python_packages', async () => {
    const r = await project({
      'cog.yaml':
        'build:\n  gpu: true\n  cuda: "11.8"\n  python_version: "3.10"\n  system_packages:\n    - "libgl1-mesa-glx"\n  python_packages:\n    - "torch==2.0.1"\n    - "numpy==1.26.0"\n    - "tqdm==4.66.1"\npredict: "predict.py:Predictor"\n',
      'predict.py': 'import torch\n',
    });
    expect(r.requirements.map((q) => q.raw)).toEqual(['torch==2.0.1', 'numpy==1.26.0', 'tqdm==4.66.1']);
    expect(r.pythonHints).toEqual([expect.objectContaining({ version: '3.10', origin: { file: 'cog.yaml', line: 4 } })]);
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.8' })]);
    expect(r.aptPackages.map((a) => a.name)).toEqual(['libgl1-mesa-glx']);
  });

  it('second shape: next to requirements.txt: its own packages go to group cog, torch to main; python_requirements and run lines are read', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'cog.yaml':
        'build:\n  python_requirements: cog-requirements.txt\n  python_packages:\n    - torch==2.1.0\n    - numpy==1.26.4\n  run:\n    - pip install gdown\n',
      'cog-requirements.txt': 'rich\n',
    });
    expect(names(r)).toEqual(['numpy', 'torch']);
    expect(names(r, 'cog')).toEqual(['rich', 'gdown']);
    expect(req(r, 'gdown', 'cog').origin).toEqual({ file: 'cog.yaml', line: 7 });
  });
});

describe('conda names that are not PyPI packages, and prose that is not a package (unseen corpus)', () => {
  it("the pytorch channel's Triton (torchtriton) is torch's own, never the PyPI name; also from a README conda line", async () => {
    const r = await project({
      'environment.yml':
        'name: demo\nchannels: [pytorch, nvidia]\ndependencies:\n  - python=3.10\n  - pytorch=2.0.1=py3.10_cuda11.8_cudnn8.7.0_0\n  - torchtriton=2.0.0=py310\n  - pip:\n      - numpy\n',
      'README.md': '# demo\n\n```bash\nconda install -c pytorch pytorch-triton\n```\n',
    });
    expect(names(r)).toEqual(['torch', 'numpy']);
    expect(r.requirements.map((q) => q.name)).not.toContain('torchtriton');
    expect(r.report.find((e) => e.text.startsWith('torchtriton'))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringMatching(/torch's wheels bring Triton/),
    });
    expect(r.report.find((e) => /pytorch-triton/.test(e.text))?.kind).toBe('ignored');
  });

  it('an elided example in prose (`conda install pytorch...`, `pytorch…`) or a name ending in "-" is left out with the reason', async () => {
    const r = await project({
      'requirements.txt': 'inflect\n',
      'README.md': '# demo\n\nRun the `conda install pytorch...` line first, or `conda install torchaudio…`.\n\n```bash\nconda install foo-\n```\n',
    });
    expect(names(r)).toEqual(['inflect']);
    expect(r.requirements.map((q) => q.name).filter((n) => !/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(n))).toEqual([]);
    const reasons = r.report.filter((e) => e.kind === 'left-out').map((e) => e.reason);
    expect(reasons).toContainEqual(expect.stringMatching(/"pytorch\.\.\." is an elided example/));
    expect(reasons).toContainEqual(expect.stringMatching(/"foo-" is not a valid package name/));
  });
});

describe('a clone or git URL of a repository whose distribution has another name (unseen corpus)', () => {
  it('`git clone .../flash-attention; cd flash-attention && pip install .` is flash-attn, and a git+ URL of sam2 is sam-2', async () => {
    const r = await project({
      'requirements.txt': 'torch\n',
      'README.md':
        '# demo\n\n```bash\ngit clone https://github.com/Dao-AILab/flash-attention\ncd flash-attention && pip install .\ncd ..\npip install git+https://github.com/facebookresearch/sam2.git\n```\n',
    });
    expect(req(r, 'flash-attn', 'readme')).toMatchObject({ source: { kind: 'git', url: 'https://github.com/Dao-AILab/flash-attention' } });
    expect(req(r, 'flash-attn', 'readme').nameGuessed).toBeUndefined();
    expect(req(r, 'sam-2', 'readme').source).toMatchObject({ kind: 'git' });
    expect(r.requirements.map((q) => q.name)).not.toContain('flash-attention');
  });
});

describe('README shapes of the unseen corpus: the install lines are read, prose is not', () => {
  it('an install line in a block tagged python (`pip install -r ...`, `!pip install x`) is read; the Python code is not', async () => {
    const r = await project({
      'README.md': '# demo\n\n```python\npip install -r app/requirements.txt\npython app/download.py\n```\n\n```py\n!pip install einops\nimport einops\n```\n',
      'app/requirements.txt': 'gradio\n',
    });
    expect(r.requirements.map((q) => q.name).sort()).toEqual(['einops', 'gradio']);
    expect(r.report.find((e) => e.origin.file === 'README.md' && e.origin.line === 4)?.kind).toBe('include');
  });

  it('a one-line ```code``` span at the start of a line does not open a fence: later blocks are read as they are', async () => {
    for (const first of ['```pip install imageio[ffmpeg]```, then:', '``pip install imageio`` first']) {
      const r = await project({
        'README.md': `# demo\n\n${first}\n\`\`\`python\nimport torch\n\`\`\`\n\n\`\`\`bash\npip install matplotlib tqdm\n\`\`\`\n`,
      });
      expect(r.requirements.map((q) => q.name).sort()).toEqual(['imageio', 'matplotlib', 'tqdm']);
    }
  });

  it('prose in parentheses after a command is never packages (dlib stays, "for"/"face"/"or" do not appear)', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'README.md':
        '# demo\n\n```\nconda install -c conda-forge dlib (only for face detection or cropping with dlib)\npip install gradio  (optional, for the web demo)\n```\n',
    });
    expect(names(r, 'readme').sort()).toEqual(['dlib', 'gradio']);
    for (const word of ['for', 'face', 'detection', 'or', 'with', 'optional', 'the', 'web']) expect(r.requirements.map((q) => q.name)).not.toContain(word);
  });

  it('`python sub/setup.py develop` installs the local package in sub/ (editable), like `cd sub && python setup.py develop`', async () => {
    const r = await project({
      'requirements.txt': 'torch\n',
      'README.md': '# demo\n\n```\npython basicsr/setup.py develop\npython ./ops/setup.py install\n```\n',
      'basicsr/setup.py': 'from setuptools import setup\nsetup(name="basicsr", version="1.3.2")\n',
      'ops/setup.py': 'from setuptools import setup\nsetup(name="fused-ops", version="0.1")\n',
    });
    expect(req(r, 'basicsr', 'readme').source).toEqual({ kind: 'path', path: 'basicsr', editable: true });
    expect(req(r, 'fused-ops', 'readme').source).toMatchObject({ kind: 'path', path: 'ops' });
  });
});

describe("`cd <project-name>/sub` inside a repository that has a folder of the project's name (unseen corpus)", () => {
  it.each([
    ['python setup.py install', 'cd mypkg/kernels\npython setup.py install'],
    ['pip install .', 'cd mypkg/kernels && pip install .'],
  ])('%s: the package in mypkg/kernels, named by its own setup.py', async (_what, lines) => {
    const r = await project(
      {
        'pyproject.toml': '[project]\nname = "mypkg"\nversion = "0.1.0"\ndependencies = ["torch"]\n',
        'mypkg/__init__.py': '',
        'mypkg/kernels/setup.py': 'from setuptools import setup\nsetup(name="mypkg_kernels", version="0.1")\n',
        'README.md': `# mypkg\n\n\`\`\`bash\npip install -e .\n${lines}\n\`\`\`\n`,
      },
      'mypkg',
    );
    expect(req(r, 'mypkg-kernels', 'readme').source).toMatchObject({ kind: 'path', path: 'mypkg/kernels' });
    expect(r.requirements.map((q) => q.name)).not.toContain('kernels');
  });
});

describe('apt packages the image or the host provides are not installed into the image', () => {
  it('an install guide installs a second CUDA toolkit next to a library: the library is kept, the toolkit left out', async () => {
    const r = await project({
      'README.md': '```bash\nsudo apt-get update\nsudo apt-get install -y cuda-toolkit-12-8 ffmpeg libsndfile1\n```\n',
    });
    expect(r.aptPackages.map((a) => a.name)).toEqual(['ffmpeg', 'libsndfile1']);
    const line = r.report.find((l) => l.text.includes('cuda-toolkit-12-8'))!;
    expect(line.became).toMatch(/ffmpeg libsndfile1; left out cuda-toolkit-12-8/);
    expect(line.reason).toMatch(/brings the CUDA toolkit/);
  });

  it("cog.yaml's system packages: a driver and nvcc are left out, each with its reason", async () => {
    const r = await project({
      'cog.yaml': 'build:\n  gpu: true\n  system_packages:\n    - "nvidia-driver-535"\n    - "nvidia-cuda-toolkit"\n    - "libgl1"\n',
    });
    expect(r.aptPackages.map((a) => a.name)).toEqual(['libgl1']);
    expect(r.report.filter((l) => l.kind === 'left-out').map((l) => [l.text, l.reason])).toEqual([
      ['- "nvidia-driver-535"', expect.stringMatching(/host's/)],
      ['- "nvidia-cuda-toolkit"', expect.stringMatching(/brings the CUDA toolkit/)],
    ]);
  });
});

describe('apt names of the CUDA toolkit and the driver, and names that only look like them', () => {
  it.each([
    ['cuda-toolkit-12-8', 'toolkit'],
    ['cuda-nvrtc-dev-12-4', 'toolkit'],
    ['cuda-command-line-tools-11-8', 'toolkit'],
    ['libcublas-dev-12-1', 'toolkit'],
    ['nvidia-driver-550-server-open', 'driver'],
    ['nvidia-utils-535-server', 'driver'],
    ['nvidia-headless-no-dkms-550', 'driver'],
    ['libnvidia-compute-535', 'driver'],
    ['libcudnn8', null],
    ['libcudnn9-dev-cuda-12', null],
    ['nvidia-cuda-mps', null],
    ['cudatext', null],
    ['ffmpeg', null],
  ])('%s: %s', (name, kind) => {
    const why = aptNotForImage(name);
    if (kind === null) expect(why).toBeNull();
    else expect(why).toMatch(kind === 'driver' ? /host's/ : /brings the CUDA toolkit/);
  });
});

describe('a PyPI name that is a stand-in failing to install (sklearn) is the package it stands for', () => {
  it('a pip freeze line in an environment file: scikit-learn, unpinned, said', async () => {
    const r = await project({
      'environment.yml': 'name: x\ndependencies:\n  - python=3.10\n  - pip\n  - pip:\n    - sklearn==0.0.post4\n    - numpy==1.26.4\n',
    });
    expect(names(r)).toEqual(expect.arrayContaining(['scikit-learn', 'numpy']));
    expect(names(r)).not.toContain('sklearn');
    expect(req(r, 'scikit-learn').specifier).toBe('');
    expect(r.report.find((l) => l.text.includes('sklearn'))?.reason).toMatch(/deprecated stand-in/);
  });

  it("setup.py's install_requires", async () => {
    const r = await project({ 'setup.py': 'from setuptools import setup\nsetup(name="demo", version="0.1", install_requires=["sklearn", "PIL", "tqdm"])\n' });
    expect(names(r)).toEqual(expect.arrayContaining(['scikit-learn', 'pillow', 'tqdm']));
    expect(names(r)).not.toContain('sklearn');
    expect(names(r)).not.toContain('pil');
  });
});

describe('shell redirections and variables are never packages', () => {
  it('an install script: redirect targets (2>/dev/null, </dev/null, &>x, > log) and $VARS', async () => {
    const r = await project({
      'install.sh':
        '#!/bin/bash\nPKGS="ffmpeg libgl1"\nsudo apt-get install -y $PKGS libsm6 </dev/null >/dev/null 2>&1\npip install numpy 2>/dev/null\npip install einops &>/dev/null\n',
      'README.md': '```bash\nbash install.sh\n```\n',
    });
    expect(names(r).sort()).toEqual(['einops', 'numpy']);
    expect(r.aptPackages.map((a) => a.name)).toEqual(['libsm6']);
    const line = r.report.find((l) => l.text.includes('$PKGS'))!;
    expect(line.became).toMatch(/libsm6; left out \$PKGS$/);
    expect(line.reason).toMatch(/a shell variable/);
  });

  it('a README line: an unquoted range inside a word stays a range; a redirect after it is dropped', async () => {
    const r = await project({ 'README.md': '```bash\npip install torch>=2.0 tqdm > install.log 2>&1\n```\n' });
    expect(r.requirements.map((q) => q.name).sort()).toEqual(['torch', 'tqdm']);
    expect(r.requirements.find((q) => q.name === 'torch')?.specifier).toBe('>=2.0');
  });
});

describe("a repository's subdirectory installs the distribution its own metadata names", () => {
  it('git+URL#subdirectory=PythonAPI of cocoapi is pycocotools', async () => {
    const r = await project({ 'requirements.txt': 'git+https://github.com/cocodataset/cocoapi.git#subdirectory=PythonAPI\n' });
    expect(names(r)).toEqual(['pycocotools']);
    expect(req(r, 'pycocotools').source).toMatchObject({ kind: 'git', subdirectory: 'PythonAPI' });
  });

  it('a clone, cd into its PythonAPI, pip install .: pycocotools', async () => {
    const r = await project({ 'README.md': '```bash\ngit clone https://github.com/cocodataset/cocoapi.git\ncd cocoapi/PythonAPI\npip install .\n```\n' });
    expect(r.requirements.map((q) => q.name)).toEqual(['pycocotools']);
  });
});

describe('a package with static metadata that lists no dependencies keeps it: the guide goes to a group', () => {
  const README = '```bash\npip install torch torchvision\npip install -e .\npip install einops\n```\n';
  it('a hatchling [project] without a dependencies key', async () => {
    const r = await project({
      'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "demo"\nversion = "0.1.0"\n',
      'README.md': README,
    });
    expect(names(r)).toEqual([]);
    expect(names(r, 'readme')).toEqual(['torch', 'torchvision', 'einops']);
  });

  it('a setuptools [project] with dependencies = []; a computed one (dynamic) still takes the guide as its dependencies', async () => {
    const fixed = await project({
      'pyproject.toml':
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = []\n',
      'README.md': README,
    });
    expect(names(fixed, 'readme')).toEqual(['torch', 'torchvision', 'einops']);
    const computed = await project({
      'pyproject.toml':
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo"\nversion = "0.1.0"\ndynamic = ["dependencies"]\n',
      'README.md': README,
    });
    expect(names(computed)).toEqual(['torch', 'torchvision', 'einops']);
  });
});

describe("a project's override that takes torch out of the lock is said", () => {
  it.each([
    ["torch; sys_platform == 'never'", 'torch'],
    ['torchvision ; platform_system == "Windows"', 'torchvision'],
  ])('%s', async (entry, name) => {
    const r = await project({
      'pyproject.toml': `[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["numpy", "torch"]\n\n[tool.uv]\noverride-dependencies = [${JSON.stringify(entry)}, "numpy<2"]\n`,
    });
    const w = r.warnings.find((x) => x.id === 'torch-overridden-out');
    expect(w?.message).toMatch(new RegExp(`takes ${name} out of the lock`));
  });

  it('an override that keeps torch on Linux is not', async () => {
    const r = await project({
      'pyproject.toml':
        '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["torch"]\n\n[tool.uv]\noverride-dependencies = ["torch>=2.4; sys_platform == \'linux\'"]\n',
    });
    expect(r.warnings.map((x) => x.id)).not.toContain('torch-overridden-out');
  });
});

describe('install lines in HTML code elements of a README are read', () => {
  it('<pre/>…</pre> in prose (a self-closing slip), <code> with an entity', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'README.md':
        'To install the dependencies, run <pre/>pip install -r requirements.txt</pre>\nThen <code>pip install &quot;timm&gt;=0.4&quot;</code> for the demo.\n',
    });
    expect(r.report.find((l) => l.origin.file === 'README.md' && l.origin.line === 1)?.kind).toBe('include');
    expect(r.requirements.find((q) => q.name === 'timm')?.specifier).toBe('>=0.4');
  });
});

describe('python setup.py install in a clone installs that repository from git', () => {
  it('apex: clone, cd, setup.py install with build options', async () => {
    const r = await project({
      'requirements.txt': 'torch\n',
      'README.md': '```bash\ngit clone https://github.com/NVIDIA/apex.git\ncd apex\npython setup.py install --cuda_ext --cpp_ext\n```\n',
    });
    expect(req(r, 'apex', 'readme').source).toMatchObject({ kind: 'git', url: 'https://github.com/NVIDIA/apex.git' });
  });

  it('cocoapi: `cd cocoapi/PythonAPI && python setup.py build_ext install` is pycocotools', async () => {
    const r = await project({
      'requirements.txt': 'torch\n',
      'README.md': '```bash\ngit clone https://github.com/cocodataset/cocoapi.git\ncd cocoapi/PythonAPI\npython setup.py build_ext install\n```\n',
    });
    expect(req(r, 'pycocotools', 'readme').source).toMatchObject({ kind: 'git', subdirectory: 'PythonAPI' });
  });
});

describe("a README section that is another way to install (an alternative, a problem's fix, another OS) is accounted for, not installed", () => {
  const line = (r: Awaited<ReturnType<typeof project>>, n: number) => r.report.find((l) => l.origin.file === 'INSTALL.md' && l.origin.line === n);

  it('field-test shape: "Install from Git (Alternative)" keeps a published dependency from PyPI', async () => {
    const r = await project({
      'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["torch>=2.4", "einops>=0.8"]\n',
      'INSTALL.md':
        '# Install\n\n```bash\npip install .\n```\n\n#### Install from Git (Alternative)\n\n```bash\npip install git+https://github.com/arogozhnikov/einops.git\n```\n\n## Usage\n\n```bash\npip install gradio\n```\n',
    });
    expect(req(r, 'einops').source).toBeUndefined();
    expect(line(r, 10)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/section "Install from Git \(Alternative\)"/) });
    // The next heading of the same or a higher level ends the section.
    expect(r.requirements.some((q) => q.name === 'gradio')).toBe(true);
  });

  it('second shape: setext "Troubleshooting" and a "For macOS" heading; a Linux heading under them is followed', async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'requirements_macos.txt': 'numpy\n',
      'INSTALL.md':
        'Setup\n=====\n\n    pip install -r requirements.txt\n\nTroubleshooting\n---------------\n\nIf the build fails:\n\n    pip install opencv-python-headless==4.5.5.64\n\nFor macOS users\n---------------\n\n```bash\npip install -r requirements_macos.txt\n```\n\n### on Linux\n\n```bash\npip install einops\n```\n',
    });
    expect(r.requirements.map((q) => q.name).sort()).toEqual(['einops', 'numpy']);
    expect(line(r, 11)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/section "Troubleshooting"/) });
    expect(line(r, 17)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/section "For macOS users"/) });
  });

  it("the document's title is not a section: a project named for Windows is installed", async () => {
    const r = await project({
      'requirements.txt': 'numpy\n',
      'INSTALL.md':
        '# Sliding Windows Transformer\n\n## Requirements\n\n```bash\npip install -r requirements.txt\n```\n\n## Setup on Linux\n\n```bash\npip install einops\n```\n',
    });
    expect(r.requirements.map((q) => q.name).sort()).toEqual(['einops', 'numpy']);
  });

  it('a document whose only install is under such a heading is read all the same', async () => {
    const r = await project({ 'INSTALL.md': '## Alternative installation\n\n```bash\npip install einops\n```\n' });
    expect(r.requirements.map((q) => q.name)).toEqual(['einops']);
  });
});
