import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import-project.js';
import { FIXTURES, importFixture, leftOutLines, names, req, warningIds } from './test-helpers.js';

const files = (repo: string, list: string[]) => importFiles(list, { cwd: join(FIXTURES, repo) });

/** One test per fixture repository (second half, H-Z); see test/fixtures/repos/INDEX.md. */
describe('fixture repositories (2/2)', () => {
  it('hpcaitech/Open-Sora: inline comments dropped, xformers from the cu121 index, flash-attn without isolation', async () => {
    const r = await importFixture('hpcaitech__Open-Sora');
    expect(r.requirements.slice(0, 8).map((q) => q.raw)).toEqual([
      'torch==2.4.0',
      'torchvision==0.19.0',
      'colossalai>=0.4.4',
      'mmengine>=0.10.3',
      'ftfy>=6.2.0',
      'accelerate>=0.29.2',
      'av==13.1.0',
      'liger-kernel==0.5.2',
    ]);
    expect(req(r, 'xformers', 'readme').specifier).toBe('==0.0.27.post2');
    expect(r.indexes).toEqual([
      expect.objectContaining({ url: 'https://download.pytorch.org/whl/cu121', kind: 'index-url', packages: [{ name: 'xformers' }] }),
    ]);
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['flash-attn']);
    // `cd flash-attention/hopper && python setup.py install` in the clone: FlashAttention-3 from git, like `pip install .` there.
    expect(r.report.find((e) => e.origin.line === 10 && e.origin.file === 'INSTALL_COMMANDS.txt')).toMatchObject({
      kind: 'source',
      reason: expect.stringMatching(/python setup.py install in a clone of flash-attention/),
    });
    expect(req(r, 'flash-attn-3', 'readme').source).toEqual({ kind: 'git', url: 'https://github.com/Dao-AILab/flash-attention', subdirectory: 'hopper' });
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.10']);
  });

  it('huggingface/diffusers: example requirements are not merged but each imports alone', async () => {
    const r = await importFixture('huggingface__diffusers');
    expect(r.requirements).toEqual([]);
    expect(r.files.filter((f) => f.role === 'skipped')).toHaveLength(10);
    expect(r.files.find((f) => f.file === 'examples/dreambooth/requirements.txt')!.reason).toMatch(/INSTALL_COMMANDS.txt:5.*sub-project/);
    const lora = await files('huggingface__diffusers', ['examples/research_projects/lora/requirements.txt']);
    expect(req(lora, 'peft')).toMatchObject({ source: { kind: 'git', url: 'https://github.com/huggingface/peft.git' }, nameGuessed: true });
    const cosmos = await files('huggingface__diffusers', ['examples/cosmos/requirements.txt']);
    expect(cosmos.cudaHints.map((h) => h.backend)).toEqual(['cu130']);
    const realfill = await files('huggingface__diffusers', ['examples/research_projects/realfill/requirements.txt', 'examples/dreambooth/requirements.txt']);
    expect(req(realfill, 'torch').specifier).toBe('==2.2.0');
    expect(warningIds(realfill)).toContain('conflicting-pins');
  });

  it('karpathy/nanoGPT: README-only dependency list', async () => {
    const r = await importFixture('karpathy__nanoGPT');
    expect(r.requirements.map((q) => q.raw)).toEqual(['torch', 'numpy', 'transformers', 'datasets', 'tiktoken', 'wandb', 'tqdm']);
  });

  it('karpathy/nanochat: existing [tool.uv] indexes and sources kept, extras picked by the README', async () => {
    const r = await importFixture('karpathy__nanochat');
    expect(req(r, 'torch').specifier).toBe('==2.9.1');
    expect(names(r, 'dev')).toEqual(['ipykernel', 'matplotlib', 'pytest', 'python-dotenv']);
    expect(req(r, 'pytest', 'dev').groupKind).toBe('dependency-group');
    expect(r.indexes.map((i) => [i.name, i.packages])).toEqual([
      ['pytorch-cpu', [{ name: 'torch', extra: 'cpu' }]],
      ['pytorch-cu128', [{ name: 'torch', extra: 'gpu' }]],
    ]);
    expect(r.existingUv?.keys).toEqual(['sources', 'index', 'default-groups', 'conflicts']);
    expect(r.pythonHints.map((h) => h.version ?? h.specifier)).toEqual(['>=3.10', '3.10']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['gpu', 'cpu', 'dev']);
    expect(warningIds(r)).toEqual(['several-variants']);
  });

  it('kvcache-ai/ktransformers: dynamic deps reported, kt-kernel as a path package, archive pyprojects importable', async () => {
    const r = await importFixture('kvcache-ai__ktransformers');
    expect(warningIds(r)).toEqual(['dynamic-dependencies', 'dynamic-dependencies', 'merged-specifiers']);
    // kt-kernel (installed by the README) pins torch: the environment follows it.
    expect(req(r, 'torch').specifier).toBe('==2.9.1');
    expect(req(r, 'kt-kernel').source).toEqual({ kind: 'path', path: 'kt-kernel', editable: false });
    expect(req(r, 'kt-kernel').nameGuessed).toBeUndefined();
    // The pyproject declares nothing (dynamic), so the guide's packages are the main dependencies.
    expect(names(r)).toEqual(['kt-kernel', 'torch', 'torchvision', 'torchaudio', 'packaging', 'ninja', 'cpufeature', 'numpy', 'flash-attn']);
    expect(r.noBuildIsolation).toEqual([{ origin: { file: 'INSTALL_COMMANDS.txt', line: 9 } }]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu126']);
    expect(leftOutLines(r)).toEqual(['INSTALL_COMMANDS.txt:13', 'INSTALL_COMMANDS.txt:14', 'INSTALL_COMMANDS.txt:15']);
    expect(r.buildEnv.map((e) => e.name)).toEqual(['USE_BALANCE_SERVE', 'USE_BALANCE_SERVE', 'USE_NUMA']);
    const kt = await files('kvcache-ai__ktransformers', ['kt-kernel/pyproject.toml', 'kt-kernel/requirements.txt']);
    expect(req(kt, 'torch').specifier).toBe('==2.9.1');
    expect(names(kt)).toEqual(['torch', 'safetensors', 'numpy', 'triton', 'gguf', 'typer', 'rich', 'pyyaml', 'httpx', 'packaging']);
    const archive = await files('kvcache-ai__ktransformers', ['archive/pyproject.toml', 'archive/requirements-local_chat.txt']);
    expect(archive.buildTimeTorch).toEqual([expect.objectContaining({ why: '[build-system] requires torch >= 2.3.0' })]);
    expect(req(archive, 'cpufeature', 'local-chat').marker).toBe('sys_platform == "win32" or sys_platform == "Windows"');
    expect(warningIds(archive)).toContain('marker-never-true');
  });

  it('lllyasviel/ControlNet: conda pytorch/cudatoolkit become a torch pin and a CUDA hint, pip: section read', async () => {
    const r = await importFixture('lllyasviel__ControlNet');
    expect(r.requirements.slice(0, 3).map((q) => q.raw)).toEqual(['torch==1.12.1', 'torchvision==0.13.1', 'numpy==1.23.1']);
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.3', backend: 'cu113', origin: { file: 'environment.yaml', line: 8 } })]);
    expect(req(r, 'gradio').specifier).toBe('==3.16.2');
    expect(req(r, 'basicsr').specifier).toBe('==1.4.2');
    expect(req(r, 'kornia').specifier).toBe('==0.6');
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.8.5']);
    expect(r.report.find((e) => e.text === 'pip=20.3')!.kind).toBe('ignored');
    expect(r.condaOnly).toEqual([]);
  });

  it('microsoft/DeepSpeed: conda label channel, pytorch-cuda, conda-only compilers, conflicting triton extras', async () => {
    const r = await importFixture('microsoft__DeepSpeed');
    expect(names(r)).toEqual([
      'einops',
      'hjson',
      'msgpack',
      'ninja',
      'numpy',
      'packaging',
      'psutil',
      'py-cpuinfo',
      'pydantic',
      'torch',
      'tqdm',
      'torchvision',
      'torchaudio',
      'certifi',
    ]);
    expect(req(r, 'deepspeed-kernels', 'dev').marker).toBe('sys_platform == "linux"');
    expect(r.cudaHints.map((h) => [h.cuda, h.backend ?? null])).toEqual([
      ['11.8', null],
      ['11.8', 'cu118'],
    ]);
    expect(r.condaOnly.map((c) => [c.name, c.equivalent?.apt])).toEqual([
      ['compilers', 'build-essential'],
      ['gcc', 'build-essential'],
      ['libaio', 'libaio-dev'],
    ]);
    // The feature files the install guide does not install are not extras (their triton pins clashed).
    expect(warningIds(r).filter((w) => w === 'conflicting-groups')).toHaveLength(0);
    expect(r.files.filter((f) => f.role === 'skipped' && /does not install/.test(f.reason)).length).toBeGreaterThan(0);
    expect(r.buildTimeTorch.map((b) => b.why)).toEqual(expect.arrayContaining([expect.stringMatching(/DS_BUILD_OPS=1/)]));
    expect(r.report.find((e) => e.text.startsWith('pip install dist/'))!.reason).toMatch(/wheel built locally/);
  });

  it('microsoft/DeepSpeedExamples: sub-projects skipped; apex and a transformers fork from git', async () => {
    const r = await importFixture('microsoft__DeepSpeedExamples');
    expect(req(r, 'deepspeed').specifier).toBe('>=0.9.0');
    expect(warningIds(r)).toContain('shell-redirect');
    expect(req(r, 'apex').source).toEqual({ kind: 'git', url: 'https://github.com/NVIDIA/apex' });
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['apex', 'apex']);
    expect(req(r, 'transformers').source).toEqual({ kind: 'git', url: 'https://github.com/tjruwase/transformers', rev: 'kvcache-offload-cpu' });
    expect(r.condaOnly.map((c) => c.name)).toEqual(['mkl-static', 'mkl-include', 'magma-cuda121']);
    expect(r.files.filter((f) => f.role === 'skipped').length).toBeGreaterThanOrEqual(8);
    const zero = await files('microsoft__DeepSpeedExamples', [
      'inference/huggingface/zero_inference/requirements.txt',
      'applications/DeepSpeed-VisualChat/requirements.txt',
      'inference/huggingface/stable-diffusion/requirements.txt',
    ]);
    expect(req(zero, 'transformers').source).toMatchObject({ rev: 'kvcache-offload-cpu' });
    expect(req(zero, 'termcolor').origin.line).toBe(11);
    expect(req(zero, 'triton').specifier).toBe('==2.0.0.dev20221202');
    expect(zero.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^transformers: unpinned .* and ==4.33.3/));
  });

  it('mit-han-lab/nunchaku: torch in [build-system], prebuilt wheel of the project, conda compilers, submodules', async () => {
    const r = await importFixture('mit-han-lab__nunchaku');
    expect(r.buildTimeTorch).toEqual([expect.objectContaining({ why: '[build-system] requires torch>=2.5' })]);
    expect(req(r, 'diffusers').specifier).toBe('>=0.33.1');
    // wheel is a packaging tool (D09): never a dependency.
    // A package that publishes its own dependencies: the guide's torch joins the guide's group, its metadata stays as published.
    expect(names(r, 'readme')).toEqual(['torch', 'torchvision', 'torchaudio', 'ninja', 'peft', 'gradio', 'spaces']);
    expect(names(r)).not.toContain('torch');
    expect(r.report.find((e) => e.origin.line === 2 && e.origin.file === 'INSTALL_COMMANDS.txt')!.reason).toMatch(/prebuilt wheel/);
    expect(r.condaOnly.map((c) => c.name)).toEqual(['gxx', 'gcc']);
    expect(r.submodules.filter((s) => s.path).map((s) => s.branch ?? null)).toEqual([null, null, null, null, 'nunchaku']);
    expect(r.noBuildIsolation).toEqual([{ origin: { file: 'INSTALL_COMMANDS.txt', line: 15 } }]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu128', 'cu128']);
  });

  it('modelscope/FunASR: torch only in the install guide, so it is a main dependency there', async () => {
    const r = await importFixture('modelscope__FunASR');
    expect(names(r)).toEqual(['torch', 'torchaudio', 'vllm', 'fastapi', 'uvicorn', 'python-multipart']);
    expect(r.report.filter((e) => /project itself from PyPI/.test(e.reason ?? ''))).toHaveLength(2);
    const nano = await files('modelscope__FunASR', ['examples/industrial_data_pretraining/fun_asr_nano/requirements.txt']);
    expect(nano.requirements.map((q) => q.raw)).toEqual(['torch>=2.0', 'funasr', 'websockets>=12.0', 'regex', 'numpy', 'soundfile']);
  });

  it('open-mmlab/mmpose: nested -r includes, tests to dev, mim and the OpenMMLab find-links page', async () => {
    const r = await importFixture('open-mmlab__mmpose');
    expect(req(r, 'torch')).toMatchObject({ specifier: '>=1.8', origin: { file: 'requirements/build.txt', line: 3 } });
    expect(names(r)).toEqual(expect.arrayContaining(['numpy', 'json-tricks', 'xtcocotools', 'requests']));
    expect(names(r, 'dev')).toEqual(['coverage', 'flake8', 'interrogate', 'isort', 'parameterized', 'pytest', 'pytest-runner', 'xdoctest', 'yapf']);
    const all = await importFixture('open-mmlab__mmpose', { installGuides: [] });
    expect(req(all, 'poseval', 'poseval').source).toEqual({ kind: 'git', url: 'https://github.com/svenkreiss/poseval.git' });
    expect(req(all, 'mmcv', 'mminstall').specifier).toBe('>=2.0.0,<3.0.0');
    expect(r.indexes).toEqual([expect.objectContaining({ kind: 'find-links', packages: [{ name: 'mmcv' }] })]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu113']);
    expect(warningIds(r)).toEqual(expect.arrayContaining(['mim']));
    expect(warningIds(all)).toEqual(expect.arrayContaining(['build-options']));
  });

  it('openai/CLIP: README conda pins become hints and a warning, the manifest stays in charge', async () => {
    const r = await importFixture('openai__CLIP');
    expect(names(r)).toEqual(['ftfy', 'packaging', 'regex', 'tqdm', 'torch', 'torchvision']);
    expect(req(r, 'torch').specifier).toBe('');
    expect(r.warnings.find((w) => w.id === 'guide-differs')!.message).toMatch(/torch==1.7.1/);
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.0', backend: 'cu110' })]);
    expect(r.report.find((e) => e.text === 'pip install git+https://github.com/openai/CLIP.git')!.kind).toBe('ignored');
  });

  it('ultralytics/ultralytics: PEP 621 extras with markers, pytorch-cuda from the conda docs', async () => {
    const r = await importFixture('ultralytics__ultralytics');
    expect(req(r, 'torch').specifier).toBe('>=1.8.0');
    expect(req(r, 'coremltools', 'export').marker).toBe('platform_system != "Windows"');
    expect(req(r, 'tensorflow', 'export').specifier).toBe('<=2.13.1');
    expect(names(r, 'dev')).toContain('mkdocs-material');
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.8', backend: 'cu118' })]);
    expect(names(r, 'readme')).toEqual([]);
  });

  it('xinntao/Real-ESRGAN: README installs merge into the requirements file, setup.py develop is the project', async () => {
    const r = await importFixture('xinntao__Real-ESRGAN');
    expect(r.requirements.map((q) => q.raw)).toEqual([
      'basicsr>=1.4.2',
      'facexlib>=0.2.5',
      'gfpgan>=1.3.5',
      'numpy',
      'opencv-python',
      'pillow',
      'torch>=1.7',
      'torchvision',
      'tqdm',
    ]);
    expect(req(r, 'basicsr').alsoIn).toEqual([{ file: 'INSTALL_COMMANDS.txt', line: 3 }]);
    expect(r.report.find((e) => e.text === 'python setup.py develop')!.became).toBe('the project itself, built from source');
  });
});
