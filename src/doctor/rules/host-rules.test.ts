import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../../catalog/index.js';
import { makePlan } from '../../plan/make-plan.js';
import { probeHost } from '../../probe/index.js';
import { fakeDeps, fixture } from '../../probe/fake-deps.js';
import type { HostFacts } from '../../probe/types.js';
import { runRules } from '../run.js';
import { blankProject, factsFor, h100Host, QUERY } from '../testing/facts.js';
import type { Finding } from '../types.js';
import { cudaDriverNumber, driverVsTorch } from './driver-vs-torch.js';
import { gpuArch } from './gpu-arch.js';
import { hostOs } from './host-os.js';
import { nvidiaDriver } from './nvidia-driver.js';
import { wslGpu } from './wsl-gpu.js';

const QUERY_OLD = 'nvidia-smi --query-gpu=index,name,uuid,driver_version,memory.total --format=csv,noheader,nounits';
const NO_DRIVER =
  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n";

const only = (list: Finding[], id: string): Finding => {
  const hits = list.filter((f) => f.id === id);
  expect(hits, `one finding ${id} in ${JSON.stringify(list.map((f) => f.id))}`).toHaveLength(1);
  return hits[0]!;
};

let h100: HostFacts;
beforeAll(async () => {
  h100 = await h100Host();
});

function withPins(host: HostFacts, torch: string, backend: string) {
  const project = blankProject({
    torchPin: { specifier: `==${torch}.*`, origin: { file: 'pyproject.toml' } },
    backendPin: { backend, origin: { file: 'pyproject.toml' } },
  });
  return factsFor(host, { project, plan: makePlan({ host, project, options: {}, catalog: EMBEDDED_CATALOG }) });
}

describe('host rules on the recorded H100 (driver 580.159.04, no Docker)', () => {
  it('finds Ubuntu 24.04, the driver, CUDA 13.0 and the GPU, and every host check passes', () => {
    const facts = factsFor(h100);
    expect(only(hostOs(facts), 'host-os')).toMatchObject({ severity: 'ok', title: 'Linux: Ubuntu 24.04 (x64)' });
    expect(only(nvidiaDriver(facts), 'nvidia-driver')).toMatchObject({
      severity: 'ok',
      title: 'NVIDIA driver 580.159.04 (CUDA 13.0), 1 GPU: NVIDIA H100 80GB HBM3',
    });
    expect(only(driverVsTorch(facts), 'driver-vs-torch')).toMatchObject({
      severity: 'ok',
      title: expect.stringMatching(/cu130\) runs natively on driver 580\.159\.04 \(CUDA 13\.0\)/),
    });
    expect(only(gpuArch(facts), 'gpu-arch')).toMatchObject({ severity: 'ok', title: expect.stringContaining('NVIDIA H100 80GB HBM3 (sm_90 → sm_90)') });
    expect(wslGpu(facts)).toEqual([]);
  });

  it('reports Docker as absent without failing a GPU check', () => {
    const findings = runRules(factsFor(h100));
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.id)).toEqual(['docker-client']);
    expect(findings.filter((f) => f.layer === 'host').every((f) => f.severity === 'ok')).toBe(true);
    expect(findings.filter((f) => f.layer === 'gpu')).toEqual([]);
  });
});

describe('hostOs', () => {
  const os = (kind: HostFacts['os']['kind'], notes: HostFacts['notes'] = []) => hostOs(factsFor({ ...h100, os: { ...h100.os, kind }, notes }));
  it('warns on macOS and points at --host', () => {
    const [f] = os('macos');
    expect(f).toMatchObject({ severity: 'warn', title: 'macOS has no CUDA: containers here run CPU-only' });
    expect(f!.fix?.description).toContain('danlu init --host host.json');
  });
  it('sends Windows users to WSL2', () => {
    expect(os('windows')[0]).toMatchObject({ severity: 'error', fix: { command: 'wsl --install -d Ubuntu-24.04', safe: false } });
  });
  it('says WSL 1 has no GPU support', () => {
    const [f] = os('other', [{ what: 'WSL', message: 'WSL 1 has no GPU support; convert the distro with `wsl --set-version <distro> 2`' }]);
    expect(f).toMatchObject({ severity: 'error', title: 'WSL 1 has no GPU support', fix: { command: 'wsl --set-version <distro> 2' } });
  });
});

describe('wslGpu', () => {
  let wsl: HostFacts;
  beforeAll(async () => {
    const w = (f: string) => fixture(`wsl2-ubuntu2204/${f}`);
    wsl = await probeHost(
      fakeDeps({
        files: { '/proc/version': w('proc-version.txt'), '/etc/os-release': w('os-release'), '/dev/dxg': '' },
        dirs: { '/usr/lib/wsl/lib': ['libcuda.so.1', 'nvidia-smi'] },
        commands: { [QUERY]: { stdout: w('query-gpu.csv') }, 'wslinfo --networking-mode': { stdout: w('wslinfo-networking-mode.txt') } },
      }),
    );
  });

  it('passes with /dev/dxg, the WSL libraries and no Linux driver packages', () => {
    expect(wsl.os.kind).toBe('wsl2');
    expect(wslGpu(factsFor(wsl))).toEqual([expect.objectContaining({ id: 'wsl-gpu', severity: 'ok' })]);
  });

  it('flags Linux driver packages inside the distro with the exact errors and an apt command', () => {
    const [f] = wslGpu(factsFor(wsl, { driverPackages: ['cuda-drivers', 'nvidia-driver-550'] }));
    expect(f).toMatchObject({
      id: 'wsl-driver-packages',
      severity: 'error',
      fix: { command: 'sudo apt-get remove --purge cuda-drivers nvidia-driver-550', safe: false },
    });
    expect(f!.detail).toContain('libnvidia-ml.so.1: file exists');
    expect(f!.detail).toContain("NVIDIA-SMI couldn't find libnvidia-ml.so library in your system");
  });

  it('reports a missing /dev/dxg as an error', () => {
    const noDxg = { ...wsl, wsl: { ...wsl.wsl!, dxg: false } };
    const f = only(wslGpu(factsFor(noDxg)), 'wsl-dxg');
    expect(f).toMatchObject({ severity: 'error', fix: { command: 'wsl --update && wsl --shutdown' } });
  });
});

describe('nvidiaDriver', () => {
  it("quotes nvidia-smi's error when the driver does not answer", async () => {
    const host = await probeHost(fakeDeps({ commands: { [QUERY]: { code: 9, stdout: NO_DRIVER } } }));
    const [f] = nvidiaDriver(factsFor(host, { driverPackages: null }));
    expect(f).toMatchObject({ severity: 'error', title: 'nvidia-smi failed' });
    expect(f!.detail).toContain("couldn't communicate with the NVIDIA driver");
  });

  it('says "installed but not loaded" when driver packages exist', async () => {
    const host = await probeHost(fakeDeps({ commands: { [QUERY]: { code: 9, stdout: NO_DRIVER } } }));
    const [f] = nvidiaDriver(factsFor(host, { driverPackages: ['nvidia-driver-580-open'] }));
    expect(f).toMatchObject({
      severity: 'error',
      title: expect.stringContaining('(nvidia-driver-580-open), but the driver is not loaded'),
      fix: { command: 'sudo modprobe nvidia' },
    });
  });

  it('warns on a host with no NVIDIA driver at all', async () => {
    const host = await probeHost(fakeDeps({}));
    expect(nvidiaDriver(factsFor(host))[0]).toMatchObject({
      severity: 'warn',
      title: 'no NVIDIA GPU or driver found: the environment will be CPU-only',
      detail: 'nvidia-smi not found',
    });
  });

  it('warns when the driver is read from /sys because nvidia-smi failed', async () => {
    const host = await probeHost(fakeDeps({ files: { '/sys/module/nvidia/version': '580.159.04\n' }, commands: { [QUERY]: { code: 9, stdout: NO_DRIVER } } }));
    expect(nvidiaDriver(factsFor(host))[0]).toMatchObject({ severity: 'warn', title: 'driver 580.159.04 is loaded, but nvidia-smi did not list the GPUs' });
  });
});

describe('driverVsTorch', () => {
  it('turns CUDA 11.4 into the 11040 torch prints', () => {
    expect(cudaDriverNumber('11.4')).toBe(11040);
    expect(cudaDriverNumber('12.2')).toBe(12020);
  });

  it("fails driver 470 (V100) against a cu128 pin with torch's own message and a working alternative", async () => {
    const dir = 'old-driver-470-v100';
    const v100 = await probeHost(
      fakeDeps({
        commands: {
          [QUERY]: { code: 2, stdout: fixture(`${dir}/query-gpu-invalid-field.txt`) },
          [QUERY_OLD]: { stdout: fixture(`${dir}/query-gpu-old.csv`) },
          'nvidia-smi': { stdout: fixture(`${dir}/nvidia-smi.txt`) },
        },
      }),
    );
    const [f] = driverVsTorch(withPins(v100, '2.7', 'cu128'));
    expect(f).toMatchObject({ severity: 'error', title: 'driver 470.82.01 is too old for torch 2.7.1 (cu128) (needs 525.60.13 or newer)' });
    expect(f!.detail).toContain('"RuntimeError: The NVIDIA driver on your system is too old (found version 11040)"');
    expect(f!.fix?.description).toMatch(/cu118/);
  });

  it('notes minor-version compatibility for cu132 on driver 580 (CUDA 13.0)', () => {
    const [f] = driverVsTorch(withPins(h100, '2.14', 'cu132'));
    expect(f).toMatchObject({ severity: 'info', title: expect.stringContaining('through minor-version compatibility') });
  });

  it('warns when the plan uses CPU wheels on a GPU host', () => {
    const facts = factsFor(h100);
    const plan = { ...facts.plan!, torch: { ...facts.plan!.torch, backend: 'cpu', archs: [] } };
    const [f] = driverVsTorch({ ...facts, plan });
    expect(f).toMatchObject({ severity: 'warn', title: expect.stringContaining('CPU-only although an NVIDIA GPU is here') });
  });
});

describe('gpuArch', () => {
  const withGpu = (name: string, cc: string): HostFacts => ({
    ...h100,
    nvidia: { ...h100.nvidia!, gpus: [{ index: 0, name, computeCapability: cc, memoryMiB: 32000, class: 'consumer', brand: 'GeForce' }] },
  });

  it("fails an RTX 5090 (sm_120) on torch 2.6 cu124 with PyTorch's words", () => {
    const [f] = gpuArch(withPins(withGpu('NVIDIA GeForce RTX 5090', '12.0'), '2.6', 'cu124'));
    expect(f).toMatchObject({
      id: 'gpu-arch',
      severity: 'error',
      title: "NVIDIA GeForce RTX 5090 (sm_120) is not in torch 2.6.0 cu124's architectures (sm_50 … sm_90)",
    });
    expect(f!.detail).toContain('with CUDA capability sm_120 is not compatible with the current PyTorch installation');
    expect(f!.detail).toContain('no kernel image is available for execution on the device');
    expect(f!.fix?.description).toMatch(/cu12[89]|cu13/);
  });

  it('fails a GTX 1080 Ti (sm_61) on cu128 as "too old"', () => {
    const [f] = gpuArch(withPins(withGpu('NVIDIA GeForce GTX 1080 Ti', '6.1'), '2.9', 'cu128'));
    expect(f).toMatchObject({ severity: 'error' });
    expect(f!.detail).toContain('PyTorch no longer supports this GPU because it is too old');
  });
});
