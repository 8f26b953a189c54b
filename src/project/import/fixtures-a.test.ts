import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from './import-project.js';
import { checkInvariants, FIXTURES, importFixture, leftOutLines, names, req, warningIds } from './test-helpers.js';

/** One test per fixture repository (first half, A-L); see test/fixtures/repos/INDEX.md. */
describe('fixture repositories (1/2)', () => {
  it('Dao-AILab/flash-attention: flash-attn needs torch at build time, submodules, sub-project pyproject skipped', async () => {
    const r = await importFixture('Dao-AILab__flash-attention');
    expect(names(r)).toEqual(['flash-attn-4', 'flash-attn']);
    expect(req(r, 'flash-attn-4').extras).toEqual(['cu13']);
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['flash-attn', 'flash-attn', undefined]);
    expect(r.buildTimeTorch.map((b) => b.name)).toEqual(['flash-attn', 'flash-attn', undefined]);
    expect(r.buildTimeTorch[1]!.why).toMatch(/--no-build-isolation/);
    expect(r.submodules.map((s) => s.path)).toEqual(['csrc/cutlass', 'csrc/composable_kernel', 'third_party/aiter']);
    expect(r.buildEnv.map((e) => e.name)).toEqual(['MAX_JOBS', 'FLASH_ATTENTION_TRITON_AMD_ENABLE']);
    expect(leftOutLines(r)).toEqual(['INSTALL_COMMANDS.txt:2', 'INSTALL_COMMANDS.txt:6']);
    expect(r.files.find((f) => f.file === 'flash_attn/cute/pyproject.toml')!.role).toBe('skipped');

    const dir = join(FIXTURES, 'Dao-AILab__flash-attention');
    const snippet = await importFiles(['README_uv_pyproject_snippet.toml'], { cwd: dir });
    expect(req(snippet, 'flash-attn-3').source).toEqual({ kind: 'git', url: 'https://github.com/Dao-AILab/flash-attention', subdirectory: 'hopper' });
    expect(snippet.noBuildIsolation).toEqual([{ name: '*', origin: { file: 'README_uv_pyproject_snippet.toml', line: 7 } }]);
    const cute = await importFiles(['flash_attn/cute/pyproject.toml'], { cwd: dir });
    expect(req(cute, 'nvidia-cutlass-dsl').specifier).toBe('>=4.6.2');
    expect(req(cute, 'nvidia-cutlass-dsl', 'cu13').extras).toEqual(['cu13']);
    expect(cute.indexes).toEqual([
      expect.objectContaining({ name: 'pytorch-cu130', explicit: true, packages: [{ name: 'torch', marker: "extra == 'cu13'" }] }),
    ]);
    expect(cute.cudaHints.map((h) => h.backend)).toEqual(['cu130']);
  });

  it('Lightning-AI/litgpt: PEP 621 dotted optional-dependencies, markers, a platform-split duplicate', async () => {
    const r = await importFixture('Lightning-AI__litgpt');
    expect(req(r, 'torch').specifier).toBe('>=2.7');
    expect(req(r, 'jsonargparse').marker).toBe('python_version >= "3.10"');
    const bnb = r.requirements.filter((q) => q.name === 'bitsandbytes');
    expect(bnb.map((q) => [q.group, q.specifier, q.marker])).toEqual([
      ['extra', '>=0.42,<0.43', 'sys_platform == "darwin"'],
      ['extra', '>=0.45.2,<0.50', 'sys_platform == "linux" or sys_platform == "win32"'],
    ]);
    expect(req(r, 'lightning-thunder', 'compiler').specifier).toBe('>=0.2.dev20250119');
    expect(names(r, 'test')).toContain('pytest');
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['extra', '*', 'compiler', 'test']);
  });

  it('MCG-NJU/VideoMAE: README only, deepspeed built with DS_BUILD_OPS=1', async () => {
    const r = await importFixture('MCG-NJU__VideoMAE');
    expect(names(r)).toEqual(['deepspeed']);
    expect(r.buildEnv).toEqual([{ name: 'DS_BUILD_OPS', value: '1', origin: { file: 'INSTALL_COMMANDS.txt', line: 1 } }]);
    expect(r.buildTimeTorch).toEqual([expect.objectContaining({ name: 'deepspeed', why: expect.stringMatching(/DS_BUILD_OPS=1/) })]);
  });

  it('NVlabs/instant-ngp: no torch, ten submodules, apt packages, CMake build left out', async () => {
    const r = await importFixture('NVlabs__instant-ngp');
    expect(names(r)).toEqual(['commentjson', 'imageio', 'numpy', 'opencv-python-headless', 'pybind11', 'pyquaternion', 'scipy', 'tqdm']);
    expect(r.submodules.filter((s) => s.path)).toHaveLength(10);
    expect(r.submodules.filter((s) => !s.path)).toHaveLength(2);
    expect(r.aptPackages.map((a) => a.name)).toContain('libglew-dev');
    expect(leftOutLines(r)).toEqual(['INSTALL_COMMANDS.txt:4', 'INSTALL_COMMANDS.txt:5']);
    expect(r.cudaHints).toEqual([]);
  });

  it('THUDM/CogVideo: requirements and pyproject merged, sub-project files skipped and importable alone', async () => {
    const r = await importFixture('THUDM__CogVideo');
    expect(req(r, 'torch').specifier).toBe('>=2.5.1');
    expect(req(r, 'torch').alsoIn).toEqual([{ file: 'requirements.txt', line: 5 }]);
    expect(req(r, 'swissarmytransformer').specifier).toBe('>=0.4.12');
    expect(warningIds(r).filter((w) => w === 'merged-specifiers')).toHaveLength(5);
    expect(r.files.filter((f) => f.role === 'skipped').map((f) => f.file)).toEqual([
      'inference/gradio_composite_demo/requirements.txt',
      'sat/requirements.txt',
      'tools/caption/requirements.txt',
    ]);
    const caption = await importFiles(['tools/caption/requirements.txt'], { cwd: join(FIXTURES, 'THUDM__CogVideo') });
    expect(req(caption, 'torch').specifier).toBe('==2.1.0');
    expect(req(caption, 'torchvision').specifier).toBe('==0.16.0');
    expect(req(caption, 'xformers').specifier).toBe('');
    expect(caption.requirements.filter((q) => q.name === 'pydantic')).toHaveLength(1);
    expect(names(caption)).not.toContain('transformers-git');
  });

  it('Zyphra/Zonos: uv-native, no-build-isolation-package respected, compile extra', async () => {
    const r = await importFixture('Zyphra__Zonos');
    expect(names(r, 'compile')).toEqual(['flash-attn', 'mamba-ssm', 'causal-conv1d']);
    expect(req(r, 'causal-conv1d', 'compile').specifier).toBe('>=1.5.0.post8');
    expect(r.noBuildIsolation.filter((n) => n.name).map((n) => n.name)).toEqual(['flash-attn', 'mamba-ssm', 'causal-conv1d']);
    expect(r.existingUv?.keys).toEqual(['no-build-isolation-package']);
    expect(r.aptPackages.map((a) => a.name)).toEqual(['espeak-ng']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['compile']);
  });

  it('black-forest-labs/flux: torch pinned in an extra, self-referencing "all", CUDA 12 from tensorrt-cu12', async () => {
    const r = await importFixture('black-forest-labs__flux');
    expect(req(r, 'torch', 'torch').specifier).toBe('==2.6.0');
    expect(names(r)).not.toContain('torch');
    expect(names(r, 'all').sort()).toEqual(['gradio', 'streamlit', 'streamlit-drawable-canvas', 'streamlit-keyup', 'torch', 'torchvision']);
    expect(req(r, 'onnxruntime', 'tensorrt').specifier).toBe('~=1.22.0');
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '12' })]);
    expect(r.indexes).toEqual([expect.objectContaining({ url: 'https://pypi.nvidia.com', kind: 'extra-index-url' })]);
    expect(r.pythonHints.map((h) => h.version ?? h.specifier)).toEqual(['>=3.10', '3.10']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['all', 'tensorrt']);
  });

  it('comfyanonymous/ComfyUI: many accelerator variants as hints, Intel-only packages kept apart', async () => {
    const r = await importFixture('comfyanonymous__ComfyUI');
    expect(req(r, 'torch').specifier).toBe('');
    expect(names(r)).toEqual(expect.arrayContaining(['torchsde', 'sqlalchemy', 'pillow', 'pyopengl', 'pydantic-settings']));
    expect(req(r, 'pydantic').specifier).toBe('~=2.0');
    // The ROCm, Intel XPU and DirectML lines are alternatives to CUDA: left out, with the reason.
    expect([...new Set(r.cudaHints.map((h) => h.backend))]).toEqual(['cu128']);
    expect(warningIds(r)).toEqual(expect.arrayContaining(['nightly-index', 'prerelease']));
    expect(names(r, 'readme')).toEqual(['comfy-cli']);
    const alternatives = r.report.filter((e) => e.kind === 'left-out' && /an alternative to the CUDA environment/.test(e.reason ?? ''));
    expect(alternatives.map((e) => /the (.+?) build/.exec(e.reason!)![1])).toEqual(['AMD ROCm', 'AMD ROCm', 'Intel XPU', 'Intel XPU', 'DirectML (Windows)']);
    expect(r.indexes.map((i) => i.url).filter((u) => /intel|rocm|xpu/.test(u))).toEqual([]);
    expect(r.condaOnly).toEqual([expect.objectContaining({ name: 'libuv', equivalent: { apt: 'libuv1-dev' } })]);
  });

  it('deepseek-ai/Janus: case-different duplicates and requirements vs pyproject pins merged with warnings', async () => {
    const r = await importFixture('deepseek-ai__Janus');
    expect(req(r, 'torch').specifier).toBe('==2.0.1');
    expect(req(r, 'sentencepiece').specifier).toBe('==0.1.96');
    expect(req(r, 'sentencepiece', 'gradio').specifier).toBe('==0.1.96');
    expect(req(r, 'black', 'lint')).toMatchObject({ extras: ['jupyter'], specifier: '>=22.6.0' });
    expect(r.warnings.find((w) => w.id === 'merged-specifiers' && w.message.startsWith('torch'))!.message).toMatch(
      />=2.0.1 \(pyproject.toml:15\) and ==2.0.1 \(requirements.txt:1\)/,
    );
    expect(req(r, 'diffusers', 'readme').extras).toEqual(['torch']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['gradio']);
  });

  it('facebookresearch/detectron2: installing the project itself (git URL, -e clone) adds no dependency', async () => {
    const r = await importFixture('facebookresearch__detectron2');
    expect(r.requirements).toEqual([]);
    expect(r.report.map((e) => e.kind)).toEqual(['ignored', 'ignored', 'source']);
    expect(r.report[0]!.reason).toMatch(/project itself from its repository/);
  });

  it('facebookresearch/sam2: torch in [build-system] requires, --no-build-isolation, a sub-project file', async () => {
    const r = await importFixture('facebookresearch__sam2');
    expect(r.buildTimeTorch.map((b) => b.why)).toEqual([
      '[build-system] requires torch>=2.5.1',
      'the install guide installs the project with --no-build-isolation',
    ]);
    expect(r.noBuildIsolation).toEqual([{ origin: { file: 'INSTALL_COMMANDS.txt', line: 6 } }]);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['notebooks']);
    expect(r.buildEnv.map((e) => `${e.name}=${e.value}`)).toEqual(['SAM2_BUILD_CUDA=0', 'SAM2_BUILD_ALLOW_ERRORS=0']);
    const sav = await importFiles(['sav_dataset/requirements.txt'], { cwd: join(FIXTURES, 'facebookresearch__sam2') });
    expect(names(sav)).toEqual(['pycocoevalcap', 'scikit-image', 'opencv-python', 'tqdm', 'pillow', 'numpy', 'matplotlib']);
  });

  it('facebookresearch/segment-anything: README packages are the dependencies; the project itself is not', async () => {
    const r = await importFixture('facebookresearch__segment-anything');
    expect(names(r)).toEqual(['opencv-python', 'pycocotools', 'matplotlib', 'onnxruntime', 'onnx']);
    expect(r.report.filter((e) => e.kind === 'source').map((e) => e.became)).toEqual(['the project itself']);
  });

  it('graphdeco-inria/gaussian-splatting: conda env, cudatoolkit hint, submodule packages as path sources built with torch', async () => {
    const r = await importFixture('graphdeco-inria__gaussian-splatting');
    expect(r.requirements.map((q) => q.raw)).toEqual([
      'plyfile',
      'torch==1.12.1',
      'torchaudio==0.12.1',
      'torchvision==0.13.1',
      'tqdm',
      'diff-gaussian-rasterization',
      'simple-knn',
    ]);
    expect(req(r, 'diff-gaussian-rasterization').source).toEqual({ kind: 'path', path: 'submodules/diff-gaussian-rasterization', editable: false });
    expect(r.buildTimeTorch.map((b) => b.name)).toEqual(['diff-gaussian-rasterization', 'simple-knn']);
    expect(warningIds(r)).toEqual(['submodule-not-checked-out', 'submodule-not-checked-out']);
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.6', backend: 'cu116' })]);
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.7.13']);
    expect(r.submodules.map((s) => s.path ?? 'clone --recursive')).toEqual([
      'submodules/simple-knn',
      'submodules/diff-gaussian-rasterization',
      'SIBR_viewers',
      'clone --recursive',
    ]);
    expect(r.report.find((e) => e.text === 'conda env create --file environment.yml')!.kind).toBe('include');
  });

  it('hiyouga/LLaMA-Factory: feature requirement files as groups, git pin, extra index, Windows wheel', async () => {
    const r = await importFixture('hiyouga__LLaMA-Factory');
    expect(req(r, 'torch').specifier).toBe('>=2.4.0');
    expect(req(r, 'transformers').specifier).toBe('>=4.55.0,<=5.8.0,!=4.57.0,!=5.6.0');
    // The feature files the README installs become extras (and are installed); the others stay out.
    expect(req(r, 'nltk', 'metrics').groupKind).toBe('extra');
    expect(req(r, 'deepspeed', 'deepspeed').groupKind).toBe('extra');
    expect(r.selectedExtras.map((e) => e.name).sort()).toEqual(['deepspeed', 'metrics']);
    expect(r.requirements.filter((q) => ['npu', 'triton-ascend', 'fsdpturbo', 'eetq', 'sglang'].includes(q.group))).toEqual([]);
    expect(r.files.find((f) => f.file === 'requirements/eetq.txt')).toMatchObject({ role: 'skipped', reason: expect.stringMatching(/does not install/) });
    // requirements/npu.txt (torch-npu and the torch it pins) is the Ascend install: read on its own, it is no extra.
    const npu = await importFixture('hiyouga__LLaMA-Factory', { installGuides: [] });
    expect(npu.requirements.filter((q) => q.group === 'npu' || q.group === 'triton-ascend')).toEqual([]);
    expect(npu.files.find((f) => f.file === 'requirements/npu.txt')).toMatchObject({ role: 'skipped', reason: expect.stringMatching(/Ascend/) });
    expect(req(npu, 'fsdp-turbo', 'fsdpturbo').source).toEqual({
      kind: 'git',
      url: 'https://gitcode.com/Ascend/FSDPTurbo.git',
      rev: 'd878dffdb1e0312dc098599f2b56810d6b592ee2',
    });
    expect(req(npu, 'aqlm', 'aqlm').extras).toEqual(['gpu']);
    expect(names(r, 'dev')).toEqual(['pre-commit', 'ruff', 'pytest', 'build']);
    expect(r.indexes.map((i) => [i.url, i.kind])).toEqual([['https://download.pytorch.org/whl/cu126', 'index-url']]);
    // The Windows wheel's URL is not kept: on Linux bitsandbytes comes from PyPI.
    expect(req(r, 'bitsandbytes', 'readme').source).toBeUndefined();
    expect(warningIds(r)).toEqual(expect.arrayContaining(['wheel-platform', 'no-deps']));
    expect(warningIds(npu)).toEqual(expect.arrayContaining(['conflicting-groups']));
  });

  it('every fixture result passes the invariants (checked inside importFixture)', () => {
    expect(checkInvariants).toBeTypeOf('function');
  });
});
