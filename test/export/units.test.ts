import { describe, expect, it } from 'vitest';
import { DanluError } from '../../src/lib/errors.js';
import { launch, torchrunFlag } from '../../src/export/launch.js';
import { proxyEnv, proxySettings } from '../../src/export/proxy.js';
import { dqEscape, shQuote, splitWords } from '../../src/export/shell-words.js';
import { k8sQuantity, parseSize, slurmMemory } from '../../src/export/size.js';
import { pyxisImage } from '../../src/export/slurm.js';
import type { Warning } from '../../src/plan/types.js';

describe('sizes', () => {
  it.each([
    ['16g', 16 * 2 ** 30, '16Gi', '16G'],
    ['64G', 64 * 2 ** 30, '64Gi', '64G'],
    ['64Gi', 64 * 2 ** 30, '64Gi', '64G'],
    ['1.5g', 1.5 * 2 ** 30, '1536Mi', '1536M'],
    ['512m', 512 * 2 ** 20, '512Mi', '512M'],
    ['1t', 2 ** 40, '1Ti', '1024G'],
    ['1000', 1000, '1000', '1M'],
  ])('%s', (text, bytes, quantity, mem) => {
    expect(parseSize(text)).toBe(bytes);
    expect(k8sQuantity(bytes)).toBe(quantity);
    expect(slurmMemory(bytes)).toBe(mem);
  });

  it.each(['', 'lots', '-1g', '0', '16 gb', '16x'])('refuses %j', (text) => {
    expect(() => parseSize(text)).toThrow(DanluError);
  });
});

describe('command words', () => {
  it.each([
    ['uv run --frozen python train.py', ['uv', 'run', '--frozen', 'python', 'train.py']],
    [`python train.py --name 'my run' --tag "a b" --x=\\"q\\"`, ['python', 'train.py', '--name', 'my run', '--tag', 'a b', '--x="q"']],
    ["python -c 'import sys; print(sys.argv)'", ['python', '-c', 'import sys; print(sys.argv)']],
    ['python  train.py\t--lr=3e-4 --glob=*.txt a~b', ['python', 'train.py', '--lr=3e-4', '--glob=*.txt', 'a~b']],
    [`bash -c 'a | b && $HOME'`, ['bash', '-c', 'a | b && $HOME']],
  ])('%s', (text, words) => {
    expect(splitWords(text)).toEqual(words);
  });

  it.each(['python a.py | tee log', 'python a.py && b', 'python $SCRIPT', 'echo `x`', '"unclosed', "'unclosed", 'a;b', '~/bin/x', '   ', 'python "$(x)"'])(
    'refuses %j',
    (text) => {
      expect(() => splitWords(text)).toThrow(DanluError);
    },
  );

  it('quotes for a POSIX shell only when needed', () => {
    expect(shQuote('train.py')).toBe('train.py');
    expect(shQuote('--lr=3e-4')).toBe('--lr=3e-4');
    expect(shQuote('my run')).toBe("'my run'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
    expect(shQuote('$HOME')).toBe("'$HOME'");
    expect(dqEscape('a"b$c`d}e\\')).toBe('a\\"b\\$c\\`d\\}e\\\\');
  });
});

describe('launching the processes', () => {
  const rdzv = ['--nnodes=2', '--nproc-per-node=8'];
  const run = (argv: string[], procs = 16) => {
    const warnings: Warning[] = [];
    const r = launch(argv, procs, rdzv, warnings);
    return { argv: r.argv, launcher: r.launcher, warnings: warnings.map((w) => w.id) };
  };

  it('one process: the command as it is', () => {
    expect(run(['uv', 'run', '--frozen', 'python', 'train.py'], 1)).toEqual({
      argv: ['uv', 'run', '--frozen', 'python', 'train.py'],
      launcher: 'direct',
      warnings: [],
    });
  });

  it.each([
    [
      ['uv', 'run', '--frozen', 'python', 'train.py', '--lr', '1'],
      ['uv', 'run', '--frozen', 'torchrun', ...rdzv, 'train.py', '--lr', '1'],
    ],
    [
      ['python', 'train.py'],
      ['torchrun', ...rdzv, 'train.py'],
    ],
    [
      ['python3', '-u', 'train.py'],
      ['torchrun', ...rdzv, 'train.py'],
    ],
    [
      ['/opt/danlu/venv/bin/python', 'train.py'],
      ['torchrun', ...rdzv, 'train.py'],
    ],
    [
      ['uv', 'run', 'python', '-m', 'pkg.train', '--x'],
      ['uv', 'run', 'torchrun', ...rdzv, '-m', 'pkg.train', '--x'],
    ],
    [
      ['torchrun', 'train.py'],
      ['torchrun', ...rdzv, 'train.py'],
    ],
  ])('%j runs under torchrun', (argv, want) => {
    expect(run(argv)).toEqual({ argv: want, launcher: 'torchrun', warnings: [] });
  });

  it('keeps a torchrun that lays out its own processes, and says so', () => {
    expect(run(['torchrun', '--nproc_per_node=4', 'train.py'])).toEqual({
      argv: ['torchrun', '--nproc_per_node=4', 'train.py'],
      launcher: 'torchrun',
      warnings: ['torchrun-flags-kept'],
    });
  });

  it.each([[['bash', 'run.sh']], [['python', '-O', 'train.py']], [['python']], [['accelerate', 'launch', 'train.py']], [['env', 'X=1', 'python', 'a.py']]])(
    '%j runs as it is, with a warning',
    (argv) => {
      expect(run(argv)).toEqual({ argv, launcher: 'direct', warnings: ['command-not-launched'] });
    },
  );

  it('names torchrun flags as the torch release spells them', () => {
    expect(torchrunFlag('nproc-per-node', '2.9.1')).toBe('--nproc-per-node');
    expect(torchrunFlag('nproc-per-node', '1.13.1')).toBe('--nproc_per_node');
  });
});

describe('proxies', () => {
  it('keeps a proxy without credentials as it is, in both spellings', () => {
    const w: Warning[] = [];
    const p = proxySettings('http://proxy.lab:3128', 'localhost,.svc', w);
    expect(w).toEqual([]);
    expect(proxyEnv(p)).toEqual([
      ['http_proxy', 'http://proxy.lab:3128'],
      ['https_proxy', 'http://proxy.lab:3128'],
      ['no_proxy', 'localhost,.svc'],
      ['HTTP_PROXY', 'http://proxy.lab:3128'],
      ['HTTPS_PROXY', 'http://proxy.lab:3128'],
      ['NO_PROXY', 'localhost,.svc'],
    ]);
  });

  it.each([
    ['http://alice:s3cret@10.0.0.1:7890', 'http://10.0.0.1:7890'],
    ['socks5://alice:s3cret@gw:1080', 'socks5://gw:1080'],
    ['alice:s3cret@10.0.0.1:7890', '10.0.0.1:7890'],
    ['http://token@proxy.lab:3128/', 'http://proxy.lab:3128'],
  ])('drops the credentials of %s, with a warning', (given, kept) => {
    const w: Warning[] = [];
    expect(proxySettings(given, '', w).url).toBe(kept);
    expect(w.map((x) => x.id)).toEqual(['proxy-credentials-dropped']);
    expect(JSON.stringify(w)).not.toContain('s3cret');
  });

  it.each(['ftp://x', 'http://', 'not a url'])('refuses %j', (given) => {
    expect(() => proxySettings(given, '', [])).toThrow(DanluError);
  });
});

describe('pyxis image names', () => {
  it.each([
    ['ghcr.io/lab/demo:1.0', 'ghcr.io#lab/demo:1.0'],
    ['registry.example.com:5000/lab/demo:1.0', 'registry.example.com:5000#lab/demo:1.0'],
    ['localhost/demo:1', 'localhost#demo:1'],
    ['docker://nvcr.io/nvidia/pytorch:25.01-py3', 'nvcr.io#nvidia/pytorch:25.01-py3'],
    ['lab/demo:1.0', 'lab/demo:1.0'],
    ['ubuntu:24.04', 'ubuntu:24.04'],
    ['danlu-run/demo:abc', 'danlu-run/demo:abc'],
    ['/shared/images/demo.sqsh', '/shared/images/demo.sqsh'],
    ['./demo.sqsh', './demo.sqsh'],
    ['nvcr.io#nvidia/pytorch:25.01-py3', 'nvcr.io#nvidia/pytorch:25.01-py3'],
  ])('%s -> %s', (ref, want) => {
    expect(pyxisImage(ref)).toBe(want);
  });
});
