import { beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../probe/types.js';
import { factsFor, h100Host } from '../testing/facts.js';
import type { ContainerFacts, DoctorFacts } from '../types.js';
import { containerGpu } from './container-gpu.js';
import { containerRunning } from './container-running.js';
import { containerShm } from './container-shm.js';
import { containerTorch } from './container-torch.js';
import { containerExtensions, decodeImportError } from './container-extensions.js';

let host: HostFacts;
beforeAll(async () => {
  host = await h100Host({ docker: true });
});

const GPU_LINE = 'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-1c0a9baf-0145-ba6f-785c-472c90d07688)';
// The torch of a healthy container: the build the plan for this host names.
const planned = () => factsFor(host).plan!.torch;
const up = (patch: Partial<ContainerFacts> = {}): DoctorFacts =>
  factsFor(host, {
    container: {
      running: true,
      id: '0123456789abcdef0123',
      error: null,
      shmBytes: 64 * 1024 ** 3,
      gpu: { ok: true, output: GPU_LINE },
      torch: { version: `${planned().version}+${planned().backend}`, cuda: '13.0', available: true, error: null },
      ...patch,
    },
  });
const all = (facts: DoctorFacts) => [containerRunning, containerShm, containerGpu, containerTorch].flatMap((r) => r(facts));

describe('container rules', () => {
  it('say once that no container runs, and check nothing inside', () => {
    expect(all(factsFor(host))).toEqual([
      expect.objectContaining({
        id: 'container',
        severity: 'info',
        title: 'dev container not running: checks inside it skipped',
        fix: expect.objectContaining({ command: 'danlu up' }),
      }),
    ]);
  });

  it('pass a healthy container: shm, GPU, torch with CUDA (the H100 torch line)', () => {
    expect(all(up()).map((f) => [f.id, f.severity, f.title])).toEqual([
      ['container', 'ok', 'dev container 0123456789ab is running'],
      ['container-shm', 'ok', '/dev/shm is 64 GiB'],
      ['container-gpu', 'ok', 'the container sees 1 GPU'],
      ['container-torch', 'ok', `torch ${planned().version}+${planned().backend}, CUDA 13.0, torch.cuda.is_available() True`],
    ]);
  });

  it("warn when the container's torch is another build than the plan for this machine", () => {
    const [f] = containerTorch(up({ torch: { version: '2.7.1+cu118', cuda: '11.8', available: true, error: null } }));
    expect(f).toMatchObject({ id: 'container-torch-build', severity: 'warn', fix: { command: 'danlu exec -- bash .devcontainer/uv-sync.sh' } });
    expect(f!.title).toBe(`torch 2.7.1+cu118, CUDA 11.8 in the container; the plan for this machine is torch ${planned().version} (${planned().backend})`);
  });

  it('fail the 64 MB /dev/shm with the DataLoader bus error', () => {
    const [f] = containerShm(up({ shmBytes: 64 * 1024 ** 2 }));
    expect(f).toMatchObject({ severity: 'error', title: '/dev/shm in the container is only 64 MB' });
    expect(f!.detail).toContain('is killed by signal: Bus error');
  });

  it('fail a container started without the GPU, and NVML errors', () => {
    expect(
      containerGpu(
        up({
          gpu: {
            ok: false,
            output: 'OCI runtime exec failed: exec failed: unable to start container process: exec: "nvidia-smi": executable file not found in $PATH: unknown',
          },
        }),
      )[0],
    ).toMatchObject({
      severity: 'error',
      title: 'nvidia-smi: command not found in the container: it was started without the GPU',
    });
    expect(containerGpu(up({ gpu: { ok: false, output: 'Failed to initialize NVML: Unknown Error' } }))[0]!.fix?.command).toContain('create-dev-char-symlinks');
  });

  it('fail a CPU torch and a torch that cannot see the GPU', () => {
    const [cpu] = containerTorch(up({ torch: { version: '2.9.1+cpu', cuda: null, available: false, error: null } }));
    expect(cpu).toMatchObject({ severity: 'error', title: 'torch 2.9.1+cpu is a CPU build (torch.version.cuda is None)' });
    expect(cpu!.detail).toContain('Torch not compiled with CUDA enabled');
    expect(containerTorch(up({ torch: { version: '2.9.1+cu128', cuda: '12.8', available: false, error: null } }))[0]).toMatchObject({
      severity: 'error',
      title: 'torch 2.9.1+cu128, CUDA 12.8: torch.cuda.is_available() is False',
    });
  });

  it('warn when torch is not installed yet, and only note a slow import', () => {
    expect(
      containerTorch(up({ torch: { version: null, cuda: null, available: null, error: "ModuleNotFoundError: No module named 'torch'" } }))[0],
    ).toMatchObject({ severity: 'warn' });
    expect(containerTorch(up({ torch: { version: null, cuda: null, available: null, error: 'timed out after 8 s' } }))[0]).toMatchObject({ severity: 'info' });
  });

  it('raise no alarm about torch for a project that does not use it', () => {
    const facts = up({ torch: { version: null, cuda: null, available: null, error: "ModuleNotFoundError: No module named 'torch'" } });
    const plan = facts.plan!;
    const none = {
      ...facts,
      plan: {
        ...plan,
        decisions: [
          ...plan.decisions,
          { id: 'torch-in-dependencies' as const, what: 'torch in dependencies', choice: 'none added', why: 'x', source: 'project files' },
        ],
      },
    };
    expect(containerTorch(none)[0]).toMatchObject({ severity: 'info', title: expect.stringMatching(/does not use torch/) });
  });
});

describe('compiled extensions in the container (pain point 7)', () => {
  const torch = (extensions: Record<string, string | null>) => ({ version: '2.8.0+cu128', cuda: '12.8', available: true, error: null, extensions });

  it('decode the mangled symbol into the cause', () => {
    expect(
      decodeImportError(
        'ImportError: flash_attn_2_cuda.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE',
      ),
    ).toEqual({
      cause: 'C++ ABI mismatch',
      hint: 'the extension was built with the C++11 ABI (cxx11abiTRUE), this torch with the old one',
    });
    expect(decodeImportError('ImportError: x.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationESs').cause).toBe('C++ ABI mismatch');
    expect(decodeImportError('ImportError: x.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationESs').hint).toContain('old C++ ABI (cxx11abiFALSE)');
    expect(decodeImportError('ImportError: x.so: undefined symbol: _ZN3c104cuda9SetDeviceEi').cause).toBe('torch version mismatch');
    expect(decodeImportError('ImportError: libcudart.so.11.0: cannot open shared object file: No such file or directory').cause).toBe('CUDA version mismatch');
    expect(decodeImportError('ImportError: libc10.so: cannot open shared object file: No such file or directory').cause).toBe('torch not loaded');
    expect(decodeImportError('ModuleNotFoundError: No module named einops').cause).toBe('import error');
  });

  it('pass extensions that import, fail the others with the sync command', () => {
    const out = containerExtensions(
      up({ torch: torch({ mamba_ssm: null, flash_attn: 'ImportError: f.so: undefined symbol: _ZN3c105ErrorC2ENS_14SourceLocationESs' }) }),
    );
    expect(out.map((x) => [x.id, x.severity, x.title])).toEqual([
      ['container-extensions', 'ok', 'compiled extensions import: mamba_ssm'],
      ['container-extension', 'error', 'import flash_attn fails: C++ ABI mismatch'],
    ]);
    expect(out[1]!.fix).toMatchObject({ command: 'danlu init && danlu exec -- .devcontainer/uv-sync.sh', safe: false });
    expect(out[1]!.fix!.description).toContain('uv sync --reinstall-package flash-attn');
  });

  it('say that a slow import was not checked, without calling it a failure', () => {
    expect(containerExtensions(up({ torch: torch({ mamba_ssm: 'TimeoutError: importing mamba_ssm took longer than the 8 s the check allows' }) }))).toEqual([
      expect.objectContaining({ id: 'container-extension', severity: 'info', title: 'import mamba_ssm did not finish in time: not checked' }),
    ]);
  });

  it('say nothing without extensions or without a container', () => {
    expect(containerExtensions(up({ torch: torch({}) }))).toEqual([]);
    expect(containerExtensions(factsFor(host))).toEqual([]);
  });
});
