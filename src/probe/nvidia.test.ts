import { describe, expect, it } from 'vitest';
import { fakeDeps, fixture, hostProbeSection, type FakeCommand } from './fake-deps.js';
import { probeNvidia, WSL_NVIDIA_SMI } from './nvidia.js';

const QUERY = 'nvidia-smi --query-gpu=index,name,uuid,driver_version,memory.total,compute_cap --format=csv,noheader,nounits';
const QUERY_OLD = 'nvidia-smi --query-gpu=index,name,uuid,driver_version,memory.total --format=csv,noheader,nounits';
const h100 = (f: string) => fixture(`h100-driver580-ubuntu2404/${f}`);

/** The recorded H100 query (header, units, pci.bus_id) reshaped into what QUERY prints. */
function h100QueryOutput(): string {
  const [, line] = h100('query-gpu.csv').trim().split('\n');
  const cells = line!.split(', ').slice(0, 6);
  cells[4] = cells[4]!.replace(' MiB', '');
  return `${cells.join(', ')}\n`;
}

const NO_DRIVER = {
  code: 9,
  stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n",
};

describe('probeNvidia', () => {
  it('reads the H100 through nvidia-smi', async () => {
    const deps = fakeDeps({ commands: { [QUERY]: { stdout: h100QueryOutput() }, 'nvidia-smi -q': { stdout: h100('nvidia-smi-q.txt') } } });
    const { facts, notes } = await probeNvidia(deps);
    expect(notes).toEqual([]);
    expect(facts).toEqual({
      driverVersion: '580.159.04',
      cudaVersion: '13.0',
      source: 'nvidia-smi',
      gpus: [
        {
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          computeCapability: '9.0',
          memoryMiB: 81559,
          class: 'datacenter',
          brand: 'NVIDIA',
          uuid: 'GPU-1c0a9baf-0145-ba6f-785c-472c90d07688',
        },
      ],
    });
  });

  it('retries without compute_cap on an old driver and takes CUDA from the header when -q fails', async () => {
    const dir = 'old-driver-470-v100';
    const deps = fakeDeps({
      commands: {
        [QUERY]: { code: 2, stdout: fixture(`${dir}/query-gpu-invalid-field.txt`) },
        [QUERY_OLD]: { stdout: fixture(`${dir}/query-gpu-old.csv`) },
        'nvidia-smi -q': { code: 15, stdout: 'Unknown Error\n' },
        'nvidia-smi': { stdout: fixture(`${dir}/nvidia-smi.txt`) },
      },
    });
    const { facts } = await probeNvidia(deps);
    expect(deps.calls).toContain(QUERY_OLD);
    expect(facts?.driverVersion).toBe('470.82.01');
    expect(facts?.cudaVersion).toBe('11.4');
    expect(facts?.gpus.map((g) => [g.name, g.computeCapability, g.memoryMiB, g.class])).toEqual([
      ['Tesla V100-SXM2-16GB', '7.0', 16160, 'datacenter'],
      ['Tesla V100-SXM2-16GB', '7.0', null, 'datacenter'],
    ]);
  });

  it('falls back to /sys/module/nvidia/version when nvidia-smi is missing', async () => {
    const deps = fakeDeps({
      files: {
        '/sys/module/nvidia/version': hostProbeSection(h100('host-probe.txt'), '/sys/module/nvidia/version'),
        '/proc/driver/nvidia/version': fixture('old-driver-470-v100/proc-driver-nvidia-version.txt'),
      },
    });
    const { facts, notes } = await probeNvidia(deps);
    expect(facts).toEqual({ driverVersion: '580.159.04', cudaVersion: null, gpus: [], source: 'sys' });
    expect(notes.map((n) => n.message)).toContain('nvidia-smi not found');
  });

  it('falls back to the proprietary /proc line when /sys has no version', async () => {
    const deps = fakeDeps({ files: { '/proc/driver/nvidia/version': fixture('old-driver-470-v100/proc-driver-nvidia-version.txt') } });
    const { facts } = await probeNvidia(deps);
    expect(facts).toEqual({ driverVersion: '470.82.01', cudaVersion: null, gpus: [], source: 'proc' });
  });

  it('reports why nvidia-smi failed and still finds the module version', async () => {
    const failing: FakeCommand = NO_DRIVER;
    const deps = fakeDeps({
      commands: { [QUERY]: failing, 'nvidia-smi -q': failing },
      files: { '/sys/module/nvidia/version': '550.120\n' },
    });
    const { facts, notes } = await probeNvidia(deps);
    expect(facts?.source).toBe('sys');
    expect(notes[0]?.message).toMatch(/^nvidia-smi failed \(exit 9\): NVIDIA-SMI has failed because it couldn't communicate/);
  });

  it('uses the WSL copy of nvidia-smi when it is not on PATH', async () => {
    const wslQuery = QUERY.replace('nvidia-smi', WSL_NVIDIA_SMI);
    const deps = fakeDeps({
      commands: {
        [wslQuery]: { stdout: fixture('wsl2-ubuntu2204/query-gpu.csv') },
        [`${WSL_NVIDIA_SMI} -q`]: { stdout: 'CUDA Version                              : 12.6\n' },
      },
    });
    const { facts, notes } = await probeNvidia(deps);
    expect(notes).toEqual([]);
    expect(facts).toMatchObject({ driverVersion: '560.94', cudaVersion: '12.6', source: 'nvidia-smi' });
    expect(facts?.gpus[0]).toMatchObject({ name: 'NVIDIA GeForce RTX 4070 Laptop GPU', class: 'consumer', brand: null });
  });

  it('returns null with notes when there is no driver at all', async () => {
    const { facts, notes } = await probeNvidia(fakeDeps());
    expect(facts).toBeNull();
    expect(notes.map((n) => n.message)).toEqual(['nvidia-smi not found', 'no NVIDIA kernel module (/sys/module/nvidia/version, /proc/driver/nvidia/version)']);
  });

  it('reports a time-out', async () => {
    const deps = fakeDeps({ commands: { [QUERY]: { code: null, timedOut: true }, 'nvidia-smi -q': { code: null, timedOut: true } } });
    const { facts, notes } = await probeNvidia(deps);
    expect(facts).toBeNull();
    expect(notes[0]?.message).toMatch(/timed out/);
  });

  it('does not look for NVIDIA on macOS', async () => {
    const deps = fakeDeps({ platform: 'darwin' });
    expect(await probeNvidia(deps)).toEqual({ facts: null, notes: [] });
    expect(deps.calls).toEqual([]);
  });
});
