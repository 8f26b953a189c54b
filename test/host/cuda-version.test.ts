import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { hostProfile, projectFacts } from '../../src/plan/testing/fixtures.js';
import { parseCudaVersion, parseSmiDriverVersion } from '../../src/probe/nvidia-parse.js';
import { REPO } from '../support/cli.js';

const HOSTS = join(REPO, 'test', 'fixtures', 'hosts');
const read = (f: string) => readFileSync(join(HOSTS, f), 'utf8');

describe('nvidia-smi with and without "CUDA Version"', () => {
  it('reads the CUDA UMD / KMD labels of newer drivers, and no CUDA from a header without one', () => {
    expect(parseCudaVersion(read('h100-driver580-ubuntu2404/nvidia-smi.txt'))).toBe('13.0');
    expect(parseCudaVersion(read('driver-without-cuda-version/nvidia-smi.txt'))).toBeNull();
    expect(parseSmiDriverVersion(read('driver-without-cuda-version/nvidia-smi.txt'))).toBe('580.159.04');
    expect(parseCudaVersion(read('driver-without-cuda-version/nvidia-smi-q-umd.txt'))).toBe('13.0');
    expect(parseSmiDriverVersion(read('driver-without-cuda-version/nvidia-smi-q-umd.txt'))).toBe('580.159.04');
  });

  it('plans the same environment either way, and says where the CUDA version came from', () => {
    const plan = (text: string) => {
      const driver = parseSmiDriverVersion(text)!;
      const host = hostProfile({ gpus: ['NVIDIA H100 80GB HBM3'], driver, cuda: '13.0' });
      host.nvidia!.cudaVersion = parseCudaVersion(text);
      return makePlan({ host, project: projectFacts(), options: {}, catalog: EMBEDDED_CATALOG });
    };
    const withIt = plan(read('h100-driver580-ubuntu2404/nvidia-smi.txt'));
    const without = plan(read('driver-without-cuda-version/nvidia-smi.txt'));
    expect([without.torch, without.cuda]).toEqual([withIt.torch, withIt.cuda]);
    expect(without.decisions.find((d) => d.what === "driver's CUDA")).toMatchObject({ choice: '13.0' });
    expect(withIt.decisions.find((d) => d.what === "driver's CUDA")).toBeUndefined();
  });
});
