import { describe, expect, it } from 'vitest';
import { fixture, hostProbeSection } from './fake-deps.js';
import { buildGpus } from './nvidia.js';
import {
  QUERY_FIELDS,
  QUERY_FIELDS_OLD,
  isInvalidFieldError,
  parseCudaVersion,
  parseProcDriverVersion,
  parseQueryGpu,
  parseSmiDriverVersion,
  parseSmiQ,
  parseSysModuleVersion,
} from './nvidia-parse.js';

const h100 = (f: string) => fixture(`h100-driver580-ubuntu2404/${f}`);

describe('real H100 outputs', () => {
  it('parses the query CSV with header, units and an extra column', () => {
    const fields = [...QUERY_FIELDS, 'pci.bus_id'];
    expect(parseQueryGpu(h100('query-gpu.csv'), fields)).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        uuid: 'GPU-1c0a9baf-0145-ba6f-785c-472c90d07688',
        driverVersion: '580.159.04',
        memoryMiB: 81559,
        computeCapability: '9.0',
      },
    ]);
  });

  it('parses the noheader,nounits form with another field order', () => {
    const [row] = parseQueryGpu(h100('query-gpu-noheader.csv'), ['name', 'driver_version', 'memory.total', 'compute_cap']);
    expect(row).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', driverVersion: '580.159.04', memoryMiB: 81559, computeCapability: '9.0', index: null });
  });

  it('reads the CUDA version from the header and from -q', () => {
    expect(parseCudaVersion(h100('nvidia-smi.txt'))).toBe('13.0');
    expect(parseCudaVersion(h100('nvidia-smi-q.txt'))).toBe('13.0');
    expect(parseSmiDriverVersion(h100('nvidia-smi-q.txt'))).toBe('580.159.04');
    expect(parseSmiDriverVersion(h100('nvidia-smi.txt'))).toBe('580.159.04');
  });

  it('reads name, brand and UUID per GPU from -q', () => {
    expect(parseSmiQ(h100('nvidia-smi-q.txt'))).toEqual([{ name: 'NVIDIA H100 80GB HBM3', brand: 'NVIDIA', uuid: 'GPU-1c0a9baf-0145-ba6f-785c-472c90d07688' }]);
  });

  it('reads the driver from /proc (open module) and /sys', () => {
    const probe = h100('host-probe.txt');
    expect(parseProcDriverVersion(hostProbeSection(probe, '/proc/driver/nvidia/version'))).toBe('580.159.04');
    expect(parseSysModuleVersion(hostProbeSection(probe, '/sys/module/nvidia/version'))).toBe('580.159.04');
  });

  it('builds a data-center GPU with brand NVIDIA', () => {
    const rows = parseQueryGpu(h100('query-gpu.csv'), [...QUERY_FIELDS, 'pci.bus_id']);
    const [gpu] = buildGpus(rows, parseSmiQ(h100('nvidia-smi-q.txt')));
    expect(gpu).toEqual({
      index: 0,
      name: 'NVIDIA H100 80GB HBM3',
      computeCapability: '9.0',
      memoryMiB: 81559,
      class: 'datacenter',
      brand: 'NVIDIA',
      uuid: 'GPU-1c0a9baf-0145-ba6f-785c-472c90d07688',
    });
  });
});

describe('two-GPU consumer box', () => {
  const rows = parseQueryGpu(fixture('two-gpu-4090-3090/query-gpu.csv'), QUERY_FIELDS);
  const details = parseSmiQ(fixture('two-gpu-4090-3090/nvidia-smi-q.txt'));

  it('parses one row per GPU', () => {
    expect(rows.map((r) => [r.index, r.name, r.computeCapability, r.memoryMiB, r.driverVersion])).toEqual([
      [0, 'NVIDIA GeForce RTX 4090', '8.9', 24564, '550.120'],
      [1, 'NVIDIA GeForce RTX 3090', '8.6', 24576, '550.120'],
    ]);
    expect(parseCudaVersion(fixture('two-gpu-4090-3090/nvidia-smi-q.txt'))).toBe('12.4');
  });

  it('classifies both as consumer with brand GeForce', () => {
    const gpus = buildGpus(rows, details);
    expect(gpus.map((g) => [g.name, g.brand, g.class])).toEqual([
      ['NVIDIA GeForce RTX 4090', 'GeForce', 'consumer'],
      ['NVIDIA GeForce RTX 3090', 'GeForce', 'consumer'],
    ]);
  });

  it('matches -q details by UUID, not by position', () => {
    const swapped = [
      { ...details[1]!, brand: 'Second' },
      { ...details[0]!, brand: 'First' },
    ];
    expect(buildGpus(rows, swapped).map((g) => g.brand)).toEqual(['First', 'Second']);
  });
});

describe('old driver without compute_cap', () => {
  const dir = 'old-driver-470-v100';

  it('recognises the invalid-field error', () => {
    expect(isInvalidFieldError(fixture(`${dir}/query-gpu-invalid-field.txt`))).toBe(true);
    expect(isInvalidFieldError(fixture(`${dir}/query-gpu-old.csv`))).toBe(false);
  });

  it('parses the retry, turning [N/A] into null and filling compute capability from the catalog', () => {
    const rows = parseQueryGpu(fixture(`${dir}/query-gpu-old.csv`), QUERY_FIELDS_OLD);
    expect(rows.map((r) => r.memoryMiB)).toEqual([16160, null]);
    expect(rows.every((r) => r.computeCapability === null)).toBe(true);
    const gpus = buildGpus(rows, []);
    expect(gpus.map((g) => [g.index, g.computeCapability, g.class, g.brand])).toEqual([
      [0, '7.0', 'datacenter', null],
      [1, '7.0', 'datacenter', null],
    ]);
  });

  it('reads the proprietary /proc line and the old header', () => {
    expect(parseProcDriverVersion(fixture(`${dir}/proc-driver-nvidia-version.txt`))).toBe('470.82.01');
    expect(parseCudaVersion(fixture(`${dir}/nvidia-smi.txt`))).toBe('11.4');
  });
});

describe('edge cases', () => {
  it('accepts Windows-style two-part driver versions (WSL2)', () => {
    const [row] = parseQueryGpu(fixture('wsl2-ubuntu2204/query-gpu.csv'), QUERY_FIELDS);
    expect(row).toMatchObject({ driverVersion: '560.94', name: 'NVIDIA GeForce RTX 4070 Laptop GPU', computeCapability: '8.9' });
  });

  it('tolerates spacing, CRLF and blank lines, and skips lines with the wrong cell count', () => {
    const text = '\r\n0,NVIDIA A100-SXM4-80GB ,GPU-x,  535.104.05,81920 ,8.0\r\ngarbage line\r\n';
    expect(parseQueryGpu(text, QUERY_FIELDS)).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-80GB', uuid: 'GPU-x', driverVersion: '535.104.05', memoryMiB: 81920, computeCapability: '8.0' },
    ]);
  });

  it('rejects things that are not versions', () => {
    expect(parseSysModuleVersion('not a version\n')).toBeNull();
    expect(parseProcDriverVersion('GCC version:  gcc version 9.3.0\n')).toBeNull();
    expect(parseCudaVersion('CUDA Version: N/A')).toBeNull();
  });
});
