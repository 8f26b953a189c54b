import { describe, expect, it } from 'vitest';
import { parseInstallCommands } from './install-commands.js';

const parse = (text: string, projectNames: string[] = ['myproj']) => parseInstallCommands(text, 'INSTALL.txt', { projectNames });

describe('parseInstallCommands', () => {
  it('a shell `case` is a choice made when the script runs: each arm an alternative, accounted for, none installed', () => {
    // Field shape: one xformers per torch version, one arm per line.
    const r = parse(
      [
        'case $TORCH_VERSION in',
        '  2.4.0) pip install xformers==0.0.27.post2 --index-url https://download.pytorch.org/whl/cu118 ;;',
        '  2.5.0) pip install xformers==0.0.28.post2 ;;',
        '  *) echo "unsupported torch" ;;',
        'esac',
        'pip install einops',
      ].join('\n'),
    );
    expect(r.requirements.map((q) => q.name)).toEqual(['einops']);
    const at = (line: number) => r.report.filter((l) => l.origin.line === line);
    expect(at(2)[0]).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/an arm of a shell `case` \(`2\.4\.0\)`\)/) });
    expect(at(3)[0]?.kind).toBe('left-out');
    expect(at(4)[0]?.kind).toBe('ignored');
    // Second shape: option parsing and a CUDA-major switch with the command under the label.
    const s = parse(
      [
        'while [ $# -gt 0 ]; do case $1 in',
        '  --train) TRAIN=true ;;',
        'esac; shift; done',
        'case $CUDA_MAJOR in',
        '  12|12.*)',
        '    pip install spconv-cu120',
        '    ;;',
        'esac',
      ].join('\n'),
    );
    expect(s.report.find((l) => l.origin.line === 2)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/`--train\)`/) });
    expect(s.report.find((l) => l.origin.line === 5)).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/`12\|12\.\*\)`/) });
    expect(s.report.find((l) => l.origin.line === 6)).toMatchObject({ kind: 'left-out', text: 'pip install spconv-cu120' });
    expect(s.requirements).toEqual([]);
  });

  it('a here-document is data, a one-line subshell is commands (its cd ends with it), `(env) $` a prompt', () => {
    const r = parse(
      [
        'cat > app.plist <<EOF',
        '<dict>',
        '  <key>pip install not-a-package</key>',
        'EOF',
        '( cd tools && pip install -r requirements.txt )',
        '(base) $ pip install einops',
        'pip install -r requirements.txt',
      ].join('\n'),
    );
    const at = (line: number) => r.report.filter((l) => l.origin.line === line);
    expect(at(3)[0]).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/here-document/) });
    expect(r.requirements.map((q) => q.name)).toEqual(['einops']);
    expect(r.includes.map((i) => i.file)).toEqual(['tools/requirements.txt', 'requirements.txt']);
  });

  it('here-strings, shifts and subshells followed by more: nothing after them is lost', () => {
    const r = parse(
      [
        'conda create -n x python=3.9 <<< y',
        'N=$((1 << SHIFT))',
        '# see <<Foo>>',
        '(cd third_party/x && pip install .) && pip install einops',
        '(pip install b) || (pip install c)',
        '(env:py39) $ pip install numpy',
      ].join('\n'),
    );
    expect(r.report.some((l) => /here-document/.test(l.reason ?? ''))).toBe(false);
    expect(r.requirements.map((q) => q.name)).toEqual(expect.arrayContaining(['einops', 'b', 'c', 'numpy']));
  });

  it("a case opened on an arm's label line keeps the outer arm; a `(a)` label is a label, not a prompt", () => {
    const r = parse(
      [
        'case $T in',
        '2.4) case $C in',
        '  cu121) pip install a ;;',
        '  esac',
        '  pip install xformers==0.0.27 ;;',
        'esac',
        'case $X in',
        '(a) pip install z ;;',
        'esac',
        'pip install einops',
      ].join('\n'),
    );
    expect(r.requirements.map((q) => q.name)).toEqual(['einops']);
    expect(r.report.find((l) => l.origin.line === 5)).toMatchObject({ kind: 'left-out', reason: expect.stringMatching(/`2\.4\)`/) });
  });

  it('reads pip, pip3, python -m pip, uv pip and uv add lines with quotes and extras', () => {
    const r = parse(
      [
        'pip install torch numpy "transformers>=4.30" \'accelerate[deepspeed]\'',
        'pip3 install packaging ninja',
        'python -m pip install -U "einops==0.7.0"',
        'uv pip install bitsandbytes --no-deps',
        'uv add --dev pytest',
      ].join('\n'),
    );
    expect(r.requirements.map((q) => [q.raw, q.group, q.origin.line])).toEqual([
      ['torch', 'main', 1],
      ['numpy', 'main', 1],
      ['transformers>=4.30', 'main', 1],
      ['accelerate[deepspeed]', 'main', 1],
      ['packaging', 'main', 2],
      ['ninja', 'main', 2],
      ['einops==0.7.0', 'main', 3],
      ['bitsandbytes', 'main', 4],
      ['pytest', 'dev', 5],
    ]);
    expect(r.warnings.map((w) => w.id)).toEqual(['no-deps']);
  });

  it('ties --index-url / --extra-index-url / -f to the packages of the same command', () => {
    const r = parse(
      'pip install torch torchvision torchaudio --index-url https://download.pytorch.org/whl/cu126\n' +
        "pip install 'mmcv>=2.0.1' -f https://download.openmmlab.com/mmcv/dist/cu113/torch1.10/index.html\n" +
        'pip install --pre torch --index-url https://download.pytorch.org/whl/nightly/cu128\n',
    );
    expect(r.indexes.map((i) => [i.kind, i.packages?.map((p) => p.name)])).toEqual([
      ['index-url', ['torch', 'torchvision', 'torchaudio']],
      ['find-links', ['mmcv']],
      ['index-url', ['torch']],
    ]);
    expect(r.cudaHints.map((h) => h.backend)).toEqual(['cu126', 'cu113', 'cu128']);
    expect(r.warnings.map((w) => w.id).sort()).toEqual(['nightly-index', 'prerelease']);
  });

  it('reads --no-build-isolation, env prefixes, continuations and && chains', () => {
    const r = parse(
      'MAX_JOBS=4 pip install flash-attn \\\n   --no-build-isolation && pip install -e . # editable\npip install --no-build-isolation -e ".[compile]"\n',
    );
    expect(r.requirements.map((q) => q.name)).toEqual(['flash-attn']);
    expect(r.noBuildIsolation).toEqual([{ name: 'flash-attn', origin: { file: 'INSTALL.txt', line: 1 } }, { origin: { file: 'INSTALL.txt', line: 3 } }]);
    expect(r.buildTimeTorch.map((b) => b.name)).toEqual(['flash-attn', undefined]);
    expect(r.buildTimeTorch[0]!.why).toMatch(/--no-build-isolation/);
    expect(r.buildEnv).toEqual([{ name: 'MAX_JOBS', value: '4', origin: { file: 'INSTALL.txt', line: 1 } }]);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['compile']);
    expect(r.report.filter((e) => e.kind === 'source').map((e) => e.became)).toEqual([
      'the project itself',
      'the project itself with extras compile, without build isolation',
    ]);
  });

  it('follows git clone and cd to resolve -r files, the project itself and other repositories', () => {
    const r = parse(
      [
        'git clone --recursive https://github.com/me/MyProj.git',
        'cd MyProj/examples/demo',
        'pip install -r requirements.txt',
        'cd ../..',
        'pip install -e .',
        'git clone https://github.com/NVIDIA/apex',
        'cd apex',
        'pip install -v --no-build-isolation --config-settings "--build-option=--cpp_ext" ./',
        'cd ../MyProj',
        'pip install submodules/simple-knn',
        'conda env create -f environment.yml',
      ].join('\n'),
    );
    expect(r.includes).toEqual([
      { file: 'examples/demo/requirements.txt', kind: 'requirements', origin: { file: 'INSTALL.txt', line: 3 }, fromRoot: false },
      { file: 'environment.yml', kind: 'conda-env', origin: { file: 'INSTALL.txt', line: 11 } },
    ]);
    expect(r.submodules).toHaveLength(1);
    expect(r.requirements.map((q) => [q.name, q.source])).toEqual([
      ['apex', { kind: 'git', url: 'https://github.com/NVIDIA/apex' }],
      ['simple-knn', { kind: 'path', path: 'submodules/simple-knn', editable: false }],
    ]);
    expect(r.requirements[0]!.nameGuessed).toBe(true);
    expect(r.noBuildIsolation.map((n) => n.name)).toEqual(['apex']);
    expect(r.warnings.map((w) => w.id)).toContain('build-options');
  });

  it('treats installing the project by name or git URL as the project itself', () => {
    const r = parse('pip install myproj\npip install git+https://github.com/me/myproj.git@main\npip install "myproj[extra]"\n');
    expect(r.requirements).toEqual([]);
    expect(r.report.map((e) => e.kind)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(r.selectedExtras.map((e) => e.name)).toEqual(['extra']);
  });

  it('reads conda lines: channels, CUDA hints, PyPI names, python, conda-only packages', () => {
    const r = parse(
      'conda create -n env python=3.10 -y\nconda install --yes -c pytorch pytorch=1.7.1 torchvision cudatoolkit=11.0\nconda install -c conda-forge libstdcxx-ng gxx=11\nconda activate env\n',
    );
    expect(r.requirements.map((q) => q.raw)).toEqual(['torch==1.7.1', 'torchvision']);
    expect(r.cudaHints).toEqual([expect.objectContaining({ cuda: '11.0', backend: 'cu110' })]);
    expect(r.pythonHints).toEqual([expect.objectContaining({ version: '3.10' })]);
    expect(r.condaOnly.map((c) => [c.name, c.equivalent?.apt])).toEqual([['gxx', 'build-essential']]);
  });

  it('records submodules, apt packages, venv Python and reports what it cannot import', () => {
    const r = parse(
      'git submodule update --init --recursive\nsudo apt-get install -y build-essential libgl1\npython3.10 -m venv .venv\nbash install.sh\ncmake --build build\nDS_BUILD_OPS=1 python setup.py build_ext -j8 bdist_wheel\ncomfy install\n',
    );
    expect(r.submodules).toHaveLength(1);
    expect(r.aptPackages.map((a) => a.name)).toEqual(['build-essential', 'libgl1']);
    expect(r.pythonHints.map((h) => h.version)).toEqual(['3.10']);
    // bash install.sh: the script is read next (an include), like the README's own lines.
    expect(r.report.map((e) => e.kind)).toEqual(['hint', 'hint', 'hint', 'include', 'left-out', 'source', 'ignored']);
    expect(r.includes).toEqual([{ file: 'install.sh', kind: 'script', origin: { file: 'INSTALL.txt', line: 4 } }]);
    expect(r.buildEnv.map((e) => e.name)).toEqual(['DS_BUILD_OPS']);
  });

  it('warns about an unquoted > (a shell redirect) but reads the requirement it means', () => {
    const r = parse('pip install deepspeed>=0.9.0\n');
    expect(r.requirements.map((q) => q.raw)).toEqual(['deepspeed>=0.9.0']);
    expect(r.warnings.map((w) => w.id)).toEqual(['shell-redirect']);
  });

  it('reads Markdown code blocks and inline code, skipping prose, output and Python blocks', () => {
    const md = [
      '# Install',
      'Run `pip install tiktoken` first.',
      '```bash',
      '$ pip install wandb \\',
      '    tqdm',
      'Successfully installed wandb',
      '```',
      '```python',
      'import torch  # pip install notthis',
      '```',
      '.. code-block:: bash',
      '',
      '   pip install rst-pkg',
      '',
      'Then pip install prose-pkg in text.',
    ].join('\n');
    const r = parseInstallCommands(md, 'README.md', {});
    expect(r.requirements.map((q) => [q.name, q.origin.line])).toEqual([
      ['tiktoken', 2],
      ['wandb', 4],
      ['tqdm', 4],
      ['rst-pkg', 13],
    ]);
    // Every line of a block that is read is accounted for: the output line too (F1).
    expect(r.report).toHaveLength(5);
    expect(r.report.find((e) => e.origin.line === 6)).toMatchObject({ kind: 'ignored', reason: 'not an install command' });
  });
});
