import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTorchLine, TORCH_PY } from './container.js';

/**
 * The Python doctor runs in the container, run here by a real python3 against stand-in
 * packages: a torch module with the attributes it reads, a flash_attn whose import fails the
 * way a wrong-ABI wheel does (pain point 7), and a mamba_ssm that imports.
 */
const python = spawnSync('python3', ['--version']).status === 0;

describe.skipIf(!python)('the in-container torch check (real python3)', () => {
  const site = mkdtempSync(join(tmpdir(), 'danlu-py-'));
  afterAll(() => rmSync(site, { recursive: true, force: true }));
  const pkg = (name: string, body: string) => {
    mkdirSync(join(site, name), { recursive: true });
    writeFileSync(join(site, name, '__init__.py'), body);
  };
  const run = () => {
    const r = spawnSync('python3', ['-c', TORCH_PY], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: site } });
    return parseTorchLine(`${r.stdout}\n${r.stderr}`);
  };

  it('reports torch and every installed extension, with the last line of an import error', () => {
    pkg(
      'torch',
      ['__version__ = "2.8.0+cu128"', 'class version: cuda = "12.8"', 'class cuda:', '    @staticmethod', '    def is_available(): return True'].join('\n'),
    );
    pkg(
      'flash_attn',
      'raise ImportError("/venv/lib/python3.12/site-packages/flash_attn_2_cuda.cpython-312-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE")',
    );
    pkg('mamba_ssm', 'x = 1');
    pkg('causal_conv1d', 'raise RuntimeError()');
    pkg(
      'sageattention',
      'raise ImportError("/venv/lib/python3.12/site-packages/sageattention/_qattn_sm80.cpython-312-x86_64-linux-gnu.so: undefined symbol: _ZN3c104cuda9SetDeviceEi")',
    );
    expect(run()).toEqual({
      version: '2.8.0+cu128',
      cuda: '12.8',
      available: true,
      error: null,
      extensions: {
        flash_attn:
          'ImportError: /venv/lib/python3.12/site-packages/flash_attn_2_cuda.cpython-312-x86_64-linux-gnu.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE',
        mamba_ssm: null,
        causal_conv1d: 'RuntimeError: ',
        sageattention:
          'ImportError: /venv/lib/python3.12/site-packages/sageattention/_qattn_sm80.cpython-312-x86_64-linux-gnu.so: undefined symbol: _ZN3c104cuda9SetDeviceEi',
      },
    });
  });

  it('reports a torch that does not import', () => {
    pkg('torch', 'raise OSError("libcudart.so.12: cannot open shared object file: No such file or directory")');
    expect(run()).toMatchObject({ version: null, error: 'OSError: libcudart.so.12: cannot open shared object file: No such file or directory' });
  });
});
