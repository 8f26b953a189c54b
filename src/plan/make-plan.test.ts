import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { DanluError } from '../lib/errors.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';
import { makePlan } from './make-plan.js';
import { emptyResult } from '../project/import/types.js';
import type { PlanOptions } from './types.js';
import { dockerFacts, hostProfile, projectFacts } from './testing/fixtures.js';

/**
 * Rules the expectations follow (knowledge.md):
 * R1 wheel CUDA major needs the family's minimum driver: 13.x >= 580, 12.x >= 525.60.13, 11.x >= 450.80.02 (§1.3, §2.2)
 * R2 prefer the newest release; within it the newest variant the driver runs natively, then minor-version compat (§1.3)
 * R3 every GPU must be in the variant's arch list; sm_X.Y runs sm_X.Z code for Z <= Y (§3.2)
 * R4 image CUDA <= the driver's CUDA, else NVIDIA_REQUIRE_CUDA refuses to start it (§2.4, §2.5)
 * R5 image = the wheel's CUDA (devel), so extensions compile against a matching nvcc (seed appendix)
 * R6 Python 3.12 unless the torch release lacks it (seed 000, §3.1)
 * R7 2.15 is not picked by default (companions not published); torchaudio ends at 2.11 (§3.1)
 * R8 a pin is kept even when it cannot run here, with the nearest working alternative (issue: pins)
 * R9 compiling projects prefer a CUDA the driver runs natively so image CUDA = torch CUDA
 * R10 no NVIDIA GPU: CPU wheels on plain Ubuntu, with a warning
 */
interface Case {
  name: string;
  host: HostFacts;
  project?: Partial<ProjectFacts>;
  options?: PlanOptions;
  torch: string;
  backend: string;
  image: string;
  python: string;
  warnings?: string[];
  rule: string;
}

const H100 = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' };
const cases: Case[] = [
  {
    name: 'H100, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2: cu130 is the newest variant the 580 driver runs natively; cu132 would need minor compat',
  },
  {
    name: 'H100, driver 535 LTS (CUDA 12.2)',
    host: hostProfile({ gpus: [H100], driver: '535.104.05', cuda: '12.2' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.2.2-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1+R4: cu130 needs 580; cu126 runs via minor compat; image capped at 12.2',
  },
  {
    name: 'H100, driver 595 (CUDA 13.2)',
    host: hostProfile({ gpus: [H100], driver: '595.58.03', cuda: '13.2' }),
    torch: '2.14.1',
    backend: 'cu132',
    image: 'nvidia/cuda:13.2.2-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2: 13.2 driver runs cu132 natively',
  },
  {
    name: 'H200, driver 590 (CUDA 13.1)',
    host: hostProfile({ gpus: ['NVIDIA H200'], driver: '590.48.01', cuda: '13.1' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2: cu132 (13.2) is above 13.1, cu130 is native',
  },
  {
    name: 'A100, driver 570 (CUDA 12.8)',
    host: hostProfile({ gpus: ['NVIDIA A100-SXM4-80GB'], driver: '570.124.06', cuda: '12.8' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R1: 2.14 has no cu128 and cu130 needs 580; cu126 is native',
  },
  {
    name: 'A100, driver 535 (CUDA 12.2)',
    host: hostProfile({ gpus: ['NVIDIA A100-PCIE-40GB'], driver: '535.183.01', cuda: '12.2' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.2.2-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1+R4',
  },
  {
    name: 'V100, driver 535 (CUDA 12.2)',
    host: hostProfile({ gpus: ['Tesla V100-SXM2-32GB'], driver: '535.104.05', cuda: '12.2' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.2.2-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R3: only cu126 keeps sm_70 after 2.11',
  },
  {
    name: 'V100, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: ['Tesla V100-PCIE-16GB'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: cu130 starts at sm_75, Volta needs cu126',
  },
  {
    name: 'T4, driver 470 (CUDA 11.4)',
    host: hostProfile({ gpus: ['Tesla T4'], driver: '470.256.02', cuda: '11.4' }),
    torch: '2.7.1',
    backend: 'cu118',
    image: 'nvidia/cuda:11.8.0-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1: 470 runs only 11.x wheels; 2.7 is the last with cu118; the 11.8 image lists the 470 branch in NVIDIA_REQUIRE_CUDA, so it starts',
  },
  {
    name: 'B200, driver 570 (CUDA 12.8)',
    host: hostProfile({ gpus: ['NVIDIA B200'], driver: '570.133.20', cuda: '12.8' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: sm_100 needs cu128+; 2.12+ dropped cu128 and cu130 needs 580',
  },
  {
    name: 'B200, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: ['NVIDIA B200'], driver: '580.65.06', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2+R3',
  },
  {
    name: 'B300 runs sm_100 code',
    host: hostProfile({ gpus: ['NVIDIA B300 SXM6 AC'], driver: '580.82.07', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: sm_103 runs sm_100',
  },
  {
    name: 'L40S, driver 550 (CUDA 12.4)',
    host: hostProfile({ gpus: ['NVIDIA L40S'], driver: '550.54.15', cuda: '12.4' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.4.1-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R4: 12.4.1 has no 24.04 image',
  },
  {
    name: 'L4, driver 560 (CUDA 12.6)',
    host: hostProfile({ gpus: ['NVIDIA L4'], driver: '560.35.03', cuda: '12.6' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2+R5',
  },
  {
    name: 'RTX PRO 6000 Blackwell, driver 575 (CUDA 12.9)',
    host: hostProfile({ gpus: ['NVIDIA RTX PRO 6000 Blackwell Workstation Edition'], driver: '575.57.08', cuda: '12.9' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: sm_120 needs cu128+',
  },
  {
    name: 'RTX 6000 Ada, driver 560 (CUDA 12.6)',
    host: hostProfile({ gpus: ['NVIDIA RTX 6000 Ada Generation'], driver: '560.28.03', cuda: '12.6' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2',
  },
  {
    name: 'RTX A6000, driver 550 (CUDA 12.4)',
    host: hostProfile({ gpus: ['NVIDIA RTX A6000'], driver: '550.120', cuda: '12.4' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.4.1-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R4: workstation cards get no forward compatibility',
  },
  {
    name: 'RTX 5090, driver 570 (CUDA 12.8)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '570.124.06', cuda: '12.8' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: sm_120 not in cu126; cu130 needs 580',
  },
  {
    name: 'RTX 5090, driver 575 (CUDA 12.9)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '575.51.03', cuda: '12.9' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R1+R3',
  },
  {
    name: 'RTX 5080, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 5080'], driver: '580.76.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2+R3',
  },
  {
    name: 'RTX 4090, driver 550 (CUDA 12.4)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '550.54.14', cuda: '12.4' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.4.1-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R4: a 12.6 image would not start on a 12.4 GeForce driver',
  },
  {
    name: 'RTX 4090, driver 570 (CUDA 12.8)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '570.86.16', cuda: '12.8' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2',
  },
  {
    name: 'RTX 4090, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2+R3: sm_89 runs sm_86 code',
  },
  {
    name: 'RTX 3090, driver 525.85 (CUDA 12.0)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 3090'], driver: '525.85.12', cuda: '12.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.0.1-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1: 525.60.13 is the floor of 12.x; R4',
  },
  {
    name: 'RTX 2080 Ti, driver 525.60.13 (CUDA 12.0)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 2080 Ti'], driver: '525.60.13', cuda: '12.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.0.1-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1: exactly the 12.x floor',
  },
  {
    name: 'GTX 1080 Ti, driver 580 (CUDA 13.0)',
    host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: Pascal only in cu126 (sm_61 runs sm_60)',
  },
  {
    name: 'GTX 1080, driver 470 (CUDA 11.4)',
    host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1080'], driver: '470.199.02', cuda: '11.4' }),
    torch: '2.7.1',
    backend: 'cu118',
    image: 'nvidia/cuda:11.8.0-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1: 470 cannot run CUDA 12 wheels; the 11.8 image starts on the 470 branch (N7)',
  },
  {
    name: 'GTX 1660, driver 535 (CUDA 12.2)',
    host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1660 SUPER'], driver: '535.171.04', cuda: '12.2' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.2.2-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R1+R4',
  },
  {
    name: 'WSL2 laptop RTX 4060, driver 565 (CUDA 12.7)',
    host: hostProfile({ os: 'wsl2', gpus: ['NVIDIA GeForce RTX 4060 Laptop GPU'], driver: '565.77', cuda: '12.7' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2',
  },
  {
    name: 'WSL2 laptop RTX 3060, driver 537 (CUDA 12.2)',
    host: hostProfile({ os: 'wsl2', gpus: ['NVIDIA GeForce RTX 3060 Laptop GPU'], driver: '537.58', cuda: '12.2' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.2.2-devel-ubuntu22.04',
    python: '3.12',
    warnings: ['driver-minor-compat'],
    rule: 'R4',
  },
  {
    name: 'WSL2 laptop RTX 5070, driver 576 (CUDA 12.9)',
    host: hostProfile({ os: 'wsl2', gpus: ['NVIDIA GeForce RTX 5070 Laptop GPU'], driver: '576.02', cuda: '12.9' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: Blackwell laptop is sm_120',
  },
  {
    name: 'mixed RTX 4090 + RTX 5090, driver 575',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 5090'], driver: '575.64', cuda: '12.9' }),
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: every GPU of the box',
  },
  {
    name: 'mixed GTX 1080 Ti + RTX 3090, driver 580',
    host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti', 'NVIDIA GeForce RTX 3090'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3: cu130 lacks sm_61',
  },
  {
    name: 'mixed V100 + A100, driver 580',
    host: hostProfile({ gpus: ['Tesla V100-SXM2-32GB', 'NVIDIA A100-SXM4-40GB'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R3',
  },
  {
    name: '8x H100, driver 580',
    host: hostProfile({ gpus: Array.from({ length: 8 }, () => H100), driver: '580.159.04', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R2',
  },
  {
    name: 'no GPU (CI runner)',
    host: hostProfile({}),
    torch: '2.14.1',
    backend: 'cpu',
    image: 'ubuntu:24.04',
    python: '3.12',
    warnings: ['no-nvidia-gpu'],
    rule: 'R10',
  },
  {
    name: 'macOS',
    host: hostProfile({ os: 'macos' }),
    torch: '2.14.1',
    backend: 'cpu',
    image: 'ubuntu:24.04',
    python: '3.12',
    warnings: ['no-nvidia-gpu'],
    rule: 'R10',
  },
  {
    name: 'unknown GPU name, driver 580',
    host: hostProfile({ gpus: ['NVIDIA Xyz 9000'], driver: '580.95.05', cuda: '13.0' }),
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    warnings: ['gpu-arch-unknown'],
    rule: 'arch unknown: only the driver decides',
  },
  {
    name: 'driver without a CUDA version (derived from the toolkit table)',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '560.35.03', cuda: null }),
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.6.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'knowledge §2.1: 560.28.03 shipped with 12.6',
  },
  // Project pins and flags
  {
    name: 'pin torch==2.1.2 on RTX 4090 driver 535',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '535.104.05', cuda: '12.2' }),
    project: { torchPin: { specifier: '==2.1.2', origin: { file: 'pyproject.toml' } } },
    torch: '2.1.2',
    backend: 'cu121',
    image: 'nvidia/cuda:12.1.1-devel-ubuntu22.04',
    python: '3.11',
    rule: 'R8+R6: 2.1 supports Python up to 3.11',
  },
  {
    name: 'pin torch==2.1.2 on RTX 5090 cannot work',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '575.51.03', cuda: '12.9' }),
    project: { torchPin: { specifier: '==2.1.2', origin: { file: 'requirements.txt' } } },
    torch: '2.1.2',
    backend: 'cu121',
    image: 'nvidia/cuda:12.1.1-devel-ubuntu22.04',
    python: '3.11',
    warnings: ['torch-does-not-fit-host'],
    rule: 'R8',
  },
  {
    name: 'pin torch>=2.0,<2.6 with backend cu121 from the index',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '550.54.14', cuda: '12.4' }),
    project: {
      torchPin: { specifier: '>=2.0,<2.6', origin: { file: 'pyproject.toml' } },
      backendPin: { backend: 'cu121', origin: { file: 'pyproject.toml' } },
    },
    torch: '2.5.1',
    backend: 'cu121',
    image: 'nvidia/cuda:12.1.1-devel-ubuntu22.04',
    python: '3.12',
    rule: 'R8: the project chose cu121',
  },
  {
    name: 'torch unpinned, xformers==0.0.23.post1 on H100',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    project: {
      requirements: [{ name: 'xformers', raw: 'xformers==0.0.23.post1', specifier: '==0.0.23.post1', origin: { file: 'requirements.txt', line: 2 } }],
    },
    torch: '2.1.2',
    backend: 'cu121',
    image: 'nvidia/cuda:12.1.1-devel-ubuntu22.04',
    python: '3.11',
    rule: 'R8: xformers 0.0.23.post1 requires torch 2.1.2; 2.1 has Python up to 3.11',
  },
  {
    name: '--torch 2.9 on H100',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    options: { torch: '2.9' },
    torch: '2.9.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'flag',
  },
  {
    name: '--backend cu128 on H100 picks a release that has it',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    options: { backend: 'cu128' },
    torch: '2.11.0',
    backend: 'cu128',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'flag: 2.12+ have no cu128',
  },
  {
    name: '--cuda 12.8 keeps the torch choice',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '570.86.16', cuda: '12.8' }),
    options: { cuda: '12.8' },
    torch: '2.14.1',
    backend: 'cu126',
    image: 'nvidia/cuda:12.8.1-devel-ubuntu24.04',
    python: '3.12',
    rule: 'flag: 12.8 means the 12.8.1 tag',
  },
  {
    name: '--python 3.10',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    options: { python: '3.10' },
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.10',
    rule: 'flag',
  },
  {
    name: '.python-version 3.9 narrows torch to releases with 3.9 wheels',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '580.95.05', cuda: '13.0' }),
    project: { pythonVersion: '3.9' },
    torch: '2.8.0',
    backend: 'cu129',
    image: 'nvidia/cuda:12.9.1-devel-ubuntu24.04',
    python: '3.9',
    rule: 'R6: 2.9+ need Python 3.10',
  },
  {
    name: 'torchaudio in the project does not cap torch (2.11 works with every later torch)',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    project: { needs: { torchaudio: true, xformers: false } },
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R7: torchaudio 2.11 is built on the stable ABI (pytorch/audio installation.rst)',
  },
  {
    name: 'CUDA extensions on RTX 4090 driver 550 prefer a native CUDA',
    host: hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '550.54.14', cuda: '12.4' }),
    project: { compilesCuda: { value: true, why: 'setup.py builds CUDAExtension' } },
    torch: '2.6.0',
    backend: 'cu124',
    image: 'nvidia/cuda:12.4.1-devel-ubuntu22.04',
    python: '3.12',
    rule: 'R9',
  },
  {
    name: 'project index serves CPU wheels, on an H100',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    project: { backendPin: { backend: 'cpu', origin: { file: 'pyproject.toml', line: 30 } } },
    torch: '2.14.1',
    backend: 'cpu',
    image: 'ubuntu:24.04',
    python: '3.12',
    warnings: ['cpu-wheels-on-gpu-host'],
    rule: 'R8: the project chose CPU wheels; they run anywhere, the GPU build is named in the fix',
  },
  {
    name: '--backend cpu on an H100',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    options: { backend: 'cpu' },
    torch: '2.14.1',
    backend: 'cpu',
    image: 'ubuntu:24.04',
    python: '3.12',
    rule: 'flag',
  },
  {
    name: 'CUDA extensions on H100 driver 580',
    host: hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' }),
    project: { compilesCuda: { value: true, why: 'csrc/*.cu' } },
    torch: '2.14.1',
    backend: 'cu130',
    image: 'nvidia/cuda:13.0.3-devel-ubuntu24.04',
    python: '3.12',
    rule: 'R5+R9',
  },
];

describe('makePlan over host profiles', () => {
  it('covers at least 30 profiles', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const c of cases) {
    it(`${c.name} [${c.rule}]`, () => {
      const plan = makePlan({ host: c.host, project: projectFacts(c.project), options: c.options ?? {}, catalog: EMBEDDED_CATALOG });
      expect({ torch: plan.torch.version, backend: plan.torch.backend, image: plan.cuda.image, python: plan.python }).toEqual({
        torch: c.torch,
        backend: c.backend,
        image: c.image,
        python: c.python,
      });
      expect(plan.warnings.map((w) => w.id).sort()).toEqual([...(c.warnings ?? [])].sort());
      expect(plan.torch.index).toBe(`https://download.pytorch.org/whl/${c.backend}`);
    });
  }
});

describe('makePlan details', () => {
  const h100 = hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' });
  const plan = (host: HostFacts, project: Partial<ProjectFacts> = {}, options: PlanOptions = {}) =>
    makePlan({ host, project: projectFacts(project), options, catalog: EMBEDDED_CATALOG });

  it('the H100 wheels include sm_90', () => {
    expect(plan(h100).torch.archs).toContain('9.0');
  });

  it('every decision has a reason and a source', () => {
    for (const d of plan(h100).decisions) {
      expect(d.why.length).toBeGreaterThan(5);
      expect(d.source.length).toBeGreaterThan(2);
    }
  });

  it('says why a range pin ends below its newest release: the prebuilt wheels', () => {
    const p = plan(h100, {
      torchPin: { specifier: '>=2.5.1', origin: { file: 'pyproject.toml', line: 8 } },
      requirements: [{ name: 'mamba-ssm', raw: 'mamba-ssm>=2.2.4', specifier: '>=2.2.4', origin: { file: 'pyproject.toml', line: 9 } }],
    });
    const d = p.decisions.find((x) => x.what === 'torch')!;
    expect(d.why).toBe("within torch>=2.5.1 (pyproject.toml:8); within it the newest release for which the project's special packages have prebuilt wheels");
    expect(['wheel', 'index']).toContain(p.packages.find((x) => x.name === 'mamba-ssm')!.resolution.kind);
  });

  it("plans the companions' pins as replaced when the torch pin is not kept (--torch)", () => {
    const project = {
      torchPin: { specifier: '==2.0.1', origin: { file: 'requirements.txt', line: 1 } },
      requirements: [{ name: 'torchvision', raw: 'torchvision==0.15.2', specifier: '==0.15.2', origin: { file: 'requirements.txt', line: 2 } }],
    };
    const rtx5090 = hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '575.51.03', cuda: '12.9' });
    const moved = plan(rtx5090, project, { torch: '2.7' });
    expect(moved.warnings.map((w) => w.id)).not.toContain('package-conflict-torchvision');
    expect(moved.packages.find((x) => x.name === 'torchvision')!.resolution).toMatchObject({ kind: 'torch-index', specifier: '==0.22.*' });
    // Kept pin: the project's torchvision pin is checked against it (0.15 pairs with 2.0).
    const kept = plan(rtx5090, project);
    expect(kept.packages.find((x) => x.name === 'torchvision')!.resolution).toMatchObject({ kind: 'torch-index', specifier: '==0.15.2' });
  });

  it('names the GPU build when the project installs CPU wheels on a GPU host', () => {
    const p = plan(h100, { backendPin: { backend: 'cpu', origin: { file: 'pyproject.toml', line: 30 } } });
    const w = p.warnings.find((x) => x.id === 'cpu-wheels-on-gpu-host')!;
    expect(w.message).toBe("the project installs torch's CPU wheels (pyproject.toml:30): the 1 NVIDIA GPU of this host stays unused");
    expect(w.fix).toBe('danlu init --backend cu130 routes torch to the cu130 wheels (torch 2.14.1) that fit this host');
    expect(p.decisions.find((d) => d.what === 'torch backend')).toMatchObject({ choice: 'cpu', source: 'project' });
  });

  it('explains the pinned torch that cannot run with the nearest working choice', () => {
    const p = plan(hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '575.51.03', cuda: '12.9' }), {
      torchPin: { specifier: '==2.1.2', origin: { file: 'requirements.txt' } },
    });
    const w = p.warnings.find((x) => x.id === 'torch-does-not-fit-host')!;
    expect(w.message).toMatch(/sm_120/);
    expect(w.fix).toMatch(/torch 2\.7\.1 with cu128/);
  });

  it('C++ ABI follows the wheel: pre-cxx11 for 2.5 cu121, cxx11 from 2.7', () => {
    const rtx = hostProfile({ gpus: ['NVIDIA GeForce RTX 4090'], driver: '550.54.14', cuda: '12.4' });
    expect(plan(rtx, { torchPin: { specifier: '==2.5.1', origin: { file: 'x' } } }).torch.abi).toBe('pre-cxx11');
    expect(plan(rtx, { torchPin: { specifier: '==2.7.1', origin: { file: 'x' } } }).torch.abi).toBe('cxx11');
  });

  it('CUDA 11.8 with several GPUs overrides NCCL (seed appendix)', () => {
    const multi = hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti', 'NVIDIA GeForce GTX 1080 Ti'], driver: '470.199.02', cuda: '11.4' });
    expect(plan(multi).ncclOverride).toBe(true);
    expect(plan(hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti'], driver: '470.199.02', cuda: '11.4' })).ncclOverride).toBe(false);
  });

  it('shm follows host memory: half, capped at 64g', () => {
    expect(plan(hostProfile({ memoryGiB: 32 })).shmSize).toBe('16g');
    expect(plan(hostProfile({ memoryGiB: 512 })).shmSize).toBe('64g');
    expect(plan(hostProfile({ memoryGiB: 1 })).shmSize).toBe('1g');
    expect(plan(hostProfile({}), { env: { SHM_SIZE: '48g' } }).shmSize).toBe('48g');
  });

  it('root on the host stays root in the container', () => {
    expect(plan(hostProfile({ uid: 0 })).user.containerName).toBe('root');
  });

  it('GPU request is left out when Docker has no NVIDIA runtime', () => {
    const p = plan(
      hostProfile({
        gpus: [H100],
        driver: '580.159.04',
        cuda: '13.0',
        docker: dockerFacts(),
      }),
    );
    expect(p.gpu.enabled).toBe(false);
    expect(p.warnings.map((w) => w.id)).toContain('nvidia-runtime-missing');
    expect(p.torch.backend).toBe('cu130');
  });

  it('--gpus selects devices and validates them', () => {
    const two = hostProfile({ gpus: [H100, H100], driver: '580.159.04', cuda: '13.0' });
    expect(plan(two, {}, { gpus: '1' }).gpu.devices).toEqual(['0']);
    expect(plan(two, {}, { gpus: '0,1' }).gpu.devices).toEqual(['0', '1']);
    expect(plan(two, {}, { gpus: 'none' }).gpu.enabled).toBe(false);
    expect(() => plan(two, {}, { gpus: 'device=7' })).toThrow(DanluError);
    expect(() => plan(two, {}, { gpus: 'lots' })).toThrow(/expected all, none/);
  });

  it('an unknown CUDA tag is a usage error listing what exists', () => {
    expect(() => plan(h100, {}, { cuda: '12.7' })).toThrow(/no nvidia\/cuda image tag for CUDA 12.7/);
  });

  it('an unknown torch release is a usage error', () => {
    expect(() => plan(h100, {}, { torch: '1.13' })).toThrow(DanluError);
  });

  it('cn mirrors keep the PyTorch index upstream; .env edits are kept', () => {
    expect(plan(h100, {}, { mirror: 'cn' }).mirrors.urls.pypi).toMatch(/aliyun/);
    expect(plan(h100, {}, { mirror: 'cn' }).mirrors.urls.pytorch).toBeNull();
    const kept = plan(h100, { env: { DANLU_MIRROR_PRESET: 'cn', PYPI_MIRROR: 'https://pypi.tuna.tsinghua.edu.cn/simple' } });
    expect(kept.mirrors.urls.pypi).toBe('https://pypi.tuna.tsinghua.edu.cn/simple');
    expect(kept.mirrors.preset).toBe('custom');
  });
});

describe('requires-python of a [project] danlu writes', () => {
  const h100 = hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' });
  const withHint = (specifier: string) =>
    makePlan({
      host: h100,
      project: projectFacts({
        imported: { ...emptyResult(), pythonHints: [{ specifier, origin: { file: 'pyproject.toml', line: 9 }, text: `python = "${specifier}"` }] },
      }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    }).requiresPython;

  it("is the project's own range when the planned torch has wheels for all of it", () => expect(withHint('>=3.10,<4.0')).toBe('>=3.10,<4.0'));
  it('is not a range reaching below the planned torch (uv would fail to lock)', () => expect(withHint('>=3.7')).toBe('>=3.12'));
  it('is not a range without the planned Python', () => expect(withHint('>=3.10,<3.11')).toBe('>=3.12'));
});

describe('a CUDA variant the project only hints at', () => {
  it('is not followed when it cannot run on the host (a README cu128 line on a 470 driver)', () => {
    const plan = makePlan({
      host: hostProfile({ gpus: ['NVIDIA GeForce RTX 3090'], driver: '470.256.02', cuda: '11.4' }),
      project: projectFacts({ backendHint: { backend: 'cu128', origin: { file: 'README.md', line: 9 } } }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    expect([plan.torch.backend, plan.cuda.image]).toEqual(['cu118', 'nvidia/cuda:11.8.0-devel-ubuntu22.04']);
    expect(plan.warnings.map((w) => w.id)).not.toContain('torch-does-not-fit-host');
    expect(plan.decisions.find((d) => d.what === 'CUDA variant hint' && d.choice.startsWith('not followed'))).toBeDefined();
  });

  const v100 = hostProfile({ gpus: ['Tesla V100-SXM2-32GB'], driver: '550.127.08', cuda: '12.4' });
  const newest = makePlan({ host: v100, project: projectFacts({}), options: {}, catalog: EMBEDDED_CATALOG }).torch.version;
  it('is not followed from the docs when it would hold torch back (a README conda line with pytorch-cuda=11.8)', () => {
    const plan = makePlan({
      host: v100,
      project: projectFacts({ backendHint: { backend: 'cu118', origin: { file: 'README.md', line: 7 } } }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    expect(plan.torch.version).toBe(newest);
    expect(plan.torch.backend).not.toBe('cu118');
    expect(plan.decisions.find((d) => d.what === 'CUDA variant hint' && d.choice === 'not followed (cu118)')?.why).toMatch(/would hold torch at 2\.7/);
  });
  it("is followed from a conda environment file, the project's own environment", () => {
    const plan = makePlan({
      host: v100,
      project: projectFacts({ backendHint: { backend: 'cu118', origin: { file: 'environment.yml', line: 2 } } }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    expect(plan.torch.backend).toBe('cu118');
    expect(plan.torch.version).not.toBe(newest);
  });
});

describe('--gpus none on a GPU host', () => {
  const rtx3060 = hostProfile({ gpus: ['NVIDIA GeForce RTX 3060'], driver: '550.54.14', cuda: '12.4' });
  it('says the container gets none of the GPUs, not that the host has none', () => {
    const plan = makePlan({ host: rtx3060, project: projectFacts(), options: { gpus: 'none' }, catalog: EMBEDDED_CATALOG });
    expect(plan.torch.backend).toBe('cpu');
    const d = plan.decisions.find((x) => x.what === 'torch backend')!;
    expect(d).toMatchObject({ why: "--gpus none: the container gets none of this host's 1 NVIDIA GPU, so CPU wheels", source: 'flag' });
  });
  it('warns when the project compiles CUDA code on a plan without CUDA', () => {
    const plan = makePlan({
      host: rtx3060,
      project: projectFacts({ compilesCuda: { value: true, why: 'setup.py builds CUDAExtension' } }),
      options: { gpus: 'none' },
      catalog: EMBEDDED_CATALOG,
    });
    const w = plan.warnings.find((x) => x.id === 'cuda-compile-on-cpu')!;
    expect(w.message).toMatch(/compiles CUDA code \(setup\.py builds CUDAExtension\), but the plan's torch is cpu/);
    expect(w.fix).toMatch(/drop --gpus none/);
  });
});
