import { describe, expect, it } from 'vitest';
import { parseInstallCommands } from './install-commands.js';
import { extractCommandLines } from './shell.js';

/** Install lines of the field test's defect classes (B3, B7, B9, B10, D02-D10, D21, F1, C1): each in the field test's shape and one more. */
const md = (text: string, opts: Parameters<typeof parseInstallCommands>[2] = {}) => parseInstallCommands(text, 'README.md', opts);
const sh = (text: string, opts: Parameters<typeof parseInstallCommands>[2] = {}) => parseInstallCommands(text, 'install.sh', opts);
const line = (r: ReturnType<typeof md>, n: number) => r.report.filter((e) => e.origin.line === n);

describe('B3: steps for another conda environment', () => {
  it('field-test shape: after `conda create --clone` + `conda activate`, installs are left out; the clone source is no package', () => {
    const r = md(
      '```bash\nconda create -n myenv python=3.10 -y\nconda activate myenv\npip install -r requirements.txt\n```\n\nServe:\n\n```bash\nconda create -n myenv-serve --clone myenv\nconda activate myenv-serve\npip install vllm==0.8.5\n```\n',
    );
    expect(r.requirements).toEqual([]);
    expect(r.includes.map((i) => i.file)).toEqual(['requirements.txt']);
    expect(line(r, 10)[0]).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/separate conda environment myenv-serve \(a clone of myenv\)/) });
    expect(line(r, 12)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/separate conda environment myenv-serve/) });
  });

  it('second shape: `conda install -n other`, `conda run -n other pip install`, and an activate after the first', () => {
    const r = sh(
      'conda create -n proj python=3.11\nconda activate proj\npip install rich\nconda install -n tools -c conda-forge ffmpeg\nconda run -n tools pip install yt-dlp\nconda activate tools\npip install gdown\nconda activate proj\npip install einops\n',
    );
    expect(r.requirements.map((q) => q.name)).toEqual(['rich', 'einops']);
    for (const n of [4, 5, 7]) expect(line(r, n)[0]!.kind).toBe('left-out');
  });
});

describe('B7 / D02: option values and placeholders never become packages', () => {
  it('field-test shape: an unknown option leaves the line out; `--python-preference only-managed` is a known option with its value', () => {
    const r = md('```bash\nuv pip install -r requirements.txt --python 3.12 --python-preference only-managed\npip install --frobnicate fast numpy\n```\n');
    expect(r.requirements).toEqual([]);
    expect(r.includes.map((i) => i.file)).toEqual(['requirements.txt']);
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.12']);
    expect(line(r, 3)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/--frobnicate: not an option/) });
    expect(r.warnings.map((w) => w.id)).toEqual(['unknown-option']);
  });

  it('D02 shape and a second: `<requirements file according to table>` and `your_package` are placeholders', () => {
    const r = md('```sh\npip install -r requirements/<requirements file according to table below>\npip install your_package\npip install numpy\n```\n');
    expect(r.requirements.map((q) => q.name)).toEqual(['numpy']);
    expect(line(r, 2)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/placeholder/) });
    expect(line(r, 3)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/placeholder/) });
  });
});

describe('B9 / D05: indexes', () => {
  it('D05 shape: the index of a line that installs the project itself from prebuilt wheels goes with the line', () => {
    const r = md('```sh\npip install mylib --index-url https://wheels.example.invalid/whl/pt20cu118\npip install -e .\n```\n', { projectNames: ['mylib'] });
    expect(r.indexes).toEqual([]);
    expect(line(r, 2)[0]!.reason).toMatch(/index URL of the line goes with it/);
  });

  it("second shape: a local install of the project keeps its extra index (it serves the extras); a mirror on a guide line is the machine's", () => {
    const r = md(
      '```sh\npip install -e ".[trt]" --extra-index-url https://pypi.nvidia.com\npip install numpy -i https://pypi.tuna.tsinghua.edu.cn/simple\n```\n',
    );
    expect(r.indexes.map((i) => [i.url, i.explicit])).toEqual([['https://pypi.nvidia.com', true]]);
    expect(r.mirrors.map((m) => m.url)).toEqual(['https://pypi.tuna.tsinghua.edu.cn/simple']);
    expect(r.requirements.map((q) => q.name)).toEqual(['numpy']);
  });
});

describe("B10 / D09: packaging tools and uv's torch backend", () => {
  it('field-test shape: `pip install uv` is no dependency; UV_TORCH_BACKEND is a CUDA hint, not a build switch', () => {
    const r = md('```bash\npip install uv\nUV_TORCH_BACKEND=auto uv pip install -e .\nUV_TORCH_BACKEND=cu126 uv pip install -e .\n```\n');
    expect(r.requirements).toEqual([]);
    expect(r.buildTimeTorch).toEqual([]);
    expect(r.buildEnv).toEqual([]);
    expect(r.cudaHints.map((h) => [h.backend, h.cuda])).toEqual([['cu126', '12.6']]);
  });

  it('second shape: pip / setuptools / wheel upgrades, hatch and poetry are ignored; --torch-backend is a hint; MAX_JOBS still compiles', () => {
    const r = md(
      '```bash\npython -m pip install --upgrade pip setuptools wheel\npip install hatch poetry\nuv pip install --torch-backend cu121 -e .\nMAX_JOBS=4 pip install flash-attn\n```\n',
    );
    expect(r.requirements.map((q) => q.name)).toEqual(['flash-attn']);
    expect(r.report.filter((e) => e.kind === 'ignored' && /packaging tool/.test(e.reason ?? ''))).toHaveLength(5);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu121']);
    expect(r.buildTimeTorch.map((b) => b.name)).toEqual(['flash-attn']);
  });
});

describe('D04, D07, D08: wheels for another accelerator, globs, -e with a specifier', () => {
  it("D04: a ROCm wheel URL neither sets torch's source nor the Python; a CPU-only wheel neither", () => {
    const r = md(
      '```sh\npip install torch==2.9.1          # NVIDIA\npip install https://wheels.example.invalid/rocm/torch-2.9.1%2Brocm7.2-cp313-cp313-linux_x86_64.whl\npip install https://wheels.example.invalid/torch-2.9.1%2Bcpu-cp311-cp311-linux_x86_64.whl\n```\n',
    );
    expect(r.requirements.map((q) => [q.name, q.source])).toEqual([['torch', undefined]]);
    expect(r.pythonHints).toEqual([]);
    expect(line(r, 3)[0]!.reason).toMatch(/AMD ROCm build/);
    expect(line(r, 4)[0]!.reason).toMatch(/CPU only build/);
  });

  it('D07: a file pattern is left out; D08: `-e name>=1.1` is the requirement it names', () => {
    const r = md('```sh\npip install dist/*.whl\npip install build/pkg-?.tar.gz\npip install -e fastconv>=1.1.0\n```\n');
    expect(r.requirements.map((q) => [q.raw, q.source])).toEqual([['fastconv>=1.1.0', undefined]]);
    expect(line(r, 2)[0]!.reason).toMatch(/file pattern/);
    expect(line(r, 3)[0]!.reason).toMatch(/file pattern/);
  });
});

describe('D06: a cd does not carry into the next block', () => {
  it('field-test shape: inline code after a block with `cd examples` starts at the root', () => {
    const r = md('```sh\npip install -e .\ncd examples\npython train.py\n```\n\nThe examples need `pip install -r examples/requirements.txt`.\n');
    expect(r.includes.map((i) => [i.file, i.fromRoot])).toEqual([['examples/requirements.txt', true]]);
  });

  it('second shape: a later fenced block with a relative -r; a cd inside one block still applies within it', () => {
    const r = md('```sh\ncd tools\npip install -r requirements.txt\n```\n\n```sh\npip install -r requirements.txt\n```\n');
    expect(r.includes.map((i) => [i.file, i.fromRoot])).toEqual([
      ['tools/requirements.txt', false],
      ['requirements.txt', true],
    ]);
  });
});

describe('D10: Poetry lines', () => {
  it('field-test shape: `poetry install` and `poetry run pip install X --no-build-isolation` are read', () => {
    const r = parseInstallCommands('```bash\npoetry install\n```\n\n```bash\npoetry run pip install fastkernels --no-build-isolation\n```\n', 'INSTALL.md');
    expect(line(r, 2)[0]).toMatchObject({ kind: 'hint', became: 'installs the project (Poetry)' });
    expect(r.requirements.map((q) => q.name)).toEqual(['fastkernels']);
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['fastkernels']);
  });

  it('second shape: `poetry install -E gpu`, `poetry add --group dev pytest`, `poetry shell`', () => {
    const r = md('```bash\npoetry install -E GPU_Extra\npoetry add --group dev pytest\npoetry shell\n```\n');
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['gpu-extra']);
    expect(r.requirements.map((q) => [q.name, q.group])).toEqual([['pytest', 'dev']]);
    expect(line(r, 4)[0]!.kind).toBe('ignored');
  });
});

describe('D21 / F1: every line of a block that is read is accounted for', () => {
  it('D21: an indented code block is read; indented prose without a command is not', () => {
    const text = '# demo\n\nInstall:\n\n    pip install tqdm==4.66.1 einops\n\nThat is all.\n\n    some indented quote\n    of prose\n';
    expect(extractCommandLines(text).map((l) => l.line)).toEqual([5]);
    expect(md(text).requirements.map((q) => q.raw)).toEqual(['tqdm==4.66.1', 'einops']);
  });

  it('D21 second shape: an indented block of several lines with a cd, after a list', () => {
    const r = md('- Linux:\n\n    git clone https://github.com/me/demo.git\n    cd demo\n    conda env create -f environment.yaml\n', {
      projectNames: ['demo'],
    });
    expect(r.includes.map((i) => i.file)).toEqual(['environment.yaml']);
    expect(r.report.map((e) => e.origin.line)).toEqual([3, 4, 5]);
  });

  it('F1 shape: venv, activate, python -m X install, wget, dpkg, update-alternatives, yum, unzip, apt: each line has a report line', () => {
    const body = [
      'python3 -m venv venv',
      'source venv/bin/activate',
      '.\\venv\\Scripts\\activate',
      'pip install -r requirements.txt',
      'python3 -m demo_manager install',
      'wget https://example.invalid/x.deb',
      'sudo dpkg -i x.deb',
      'sudo update-alternatives --set gcc /usr/bin/gcc-12',
      'yum install -y sox',
      'unzip assets.zip',
      'sudo apt-get install -y cuda-toolkit-12-8',
    ];
    const r = md(`\`\`\`bash\n${body.join('\n')}\n\`\`\`\n`);
    expect(new Set(r.report.map((e) => e.origin.line))).toEqual(new Set(body.map((_, i) => i + 2)));
    expect(line(r, 6)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/own installer/) });
    expect(line(r, 10)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/another OS's package manager/) });
  });

  it('F1 second shape: a console block with output lines, and a BibTeX block that is not read at all', () => {
    const r = md('```console\n$ pip install rich\nSuccessfully installed rich-13\n```\n\n```\n@article{demo,\n  title={Demo}\n}\n```\n');
    expect(r.report.map((e) => [e.origin.line, e.kind])).toEqual([
      [2, 'dependency'],
      [3, 'ignored'],
    ]);
  });
});

describe('C1: extra and group names are normalized when read', () => {
  it('uv sync --extra, uv add --optional / --group and pip install .[X] give PEP 685 names', () => {
    const r = md('```sh\nuv sync --extra My_Extra --group Dev.Tools\nuv add --optional Fast_Path numba\npip install -e ".[Web_UI]"\n```\n');
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['my-extra', 'dev-tools', 'web-ui']);
    expect(r.requirements.map((q) => q.group)).toEqual(['fast-path']);
  });
});
