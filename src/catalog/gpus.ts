/** How NVIDIA sells a GPU (its forward-compatibility and driver-branch rules differ by class). */
export type GpuClass = 'consumer' | 'workstation' | 'datacenter' | 'embedded' | 'unknown';
import type { Provenance } from './types.js';

export interface GpuPattern {
  /** Matched against the name nvidia-smi prints, case-insensitively. */
  pattern: RegExp;
  computeCapability: string;
  class: GpuClass;
  /** Family name for messages. */
  family: string;
}

/**
 * GPU name -> compute capability and class. Ordered: the first
 * match wins, so specific names come before general ones. nvidia-smi's own
 * `compute_cap` always wins over this table; it is used for `--host` files and old drivers.
 */
export const GPU_TABLE: Provenance & { rows: readonly GpuPattern[] } = {
  source:
    'NVIDIA CUDA GPUs lists (developer.nvidia.com/cuda-gpus, /cuda-legacy-gpus: GTX TITAN X 5.2, MX110/MX130 5.0, GTX 750/750 Ti 5.0, GTX 950M/960M 5.0, Tesla M40/M60 data center); PyTorch RFCs; NVML brand types',
  asOf: '2026-12-02',
  confidence: 'S',
  rows: [
    // Embedded / desktop superchips first: their names contain other model numbers.
    { pattern: /jetson.*thor|\bthor\b/i, computeCapability: '11.0', class: 'embedded', family: 'Blackwell (Thor)' },
    { pattern: /orin/i, computeCapability: '8.7', class: 'embedded', family: 'Ampere (Orin)' },
    { pattern: /xavier/i, computeCapability: '7.2', class: 'embedded', family: 'Volta (Xavier)' },
    { pattern: /\bgb10\b|dgx spark/i, computeCapability: '12.1', class: 'workstation', family: 'Blackwell (GB10)' },
    // Blackwell
    { pattern: /rtx pro \d{4}.*server/i, computeCapability: '12.0', class: 'datacenter', family: 'Blackwell' },
    { pattern: /rtx pro \d{4}/i, computeCapability: '12.0', class: 'workstation', family: 'Blackwell' },
    { pattern: /\bg?b300\b/i, computeCapability: '10.3', class: 'datacenter', family: 'Blackwell Ultra' },
    { pattern: /\bg?b[12]00\b/i, computeCapability: '10.0', class: 'datacenter', family: 'Blackwell' },
    { pattern: /rtx 50\d0/i, computeCapability: '12.0', class: 'consumer', family: 'Blackwell' },
    // Hopper
    { pattern: /\bg?h(100|200|800|20)\b/i, computeCapability: '9.0', class: 'datacenter', family: 'Hopper' },
    // Ada
    { pattern: /rtx \d{4} ada/i, computeCapability: '8.9', class: 'workstation', family: 'Ada Lovelace' },
    { pattern: /\bl(40s?|4|20|2)\b/i, computeCapability: '8.9', class: 'datacenter', family: 'Ada Lovelace' },
    { pattern: /rtx 40\d0/i, computeCapability: '8.9', class: 'consumer', family: 'Ada Lovelace' },
    // Ampere
    { pattern: /\ba(100|800|30)\b/i, computeCapability: '8.0', class: 'datacenter', family: 'Ampere' },
    { pattern: /\ba(40|10g?|16|2)\b/i, computeCapability: '8.6', class: 'datacenter', family: 'Ampere' },
    { pattern: /rtx a\d{3,4}/i, computeCapability: '8.6', class: 'workstation', family: 'Ampere' },
    { pattern: /rtx 30\d0/i, computeCapability: '8.6', class: 'consumer', family: 'Ampere' },
    // Turing
    { pattern: /\bt4\b/i, computeCapability: '7.5', class: 'datacenter', family: 'Turing' },
    { pattern: /quadro rtx|quadro t\d{3,4}|\bt(400|600|1000|1200|2000)\b/i, computeCapability: '7.5', class: 'workstation', family: 'Turing' },
    { pattern: /titan rtx|rtx 20\d0|gtx 16\d0|\bmx(450|550|570)\b/i, computeCapability: '7.5', class: 'consumer', family: 'Turing' },
    // Volta
    { pattern: /\bv100\b/i, computeCapability: '7.0', class: 'datacenter', family: 'Volta' },
    { pattern: /quadro gv100/i, computeCapability: '7.0', class: 'workstation', family: 'Volta' },
    { pattern: /titan v\b/i, computeCapability: '7.0', class: 'consumer', family: 'Volta' },
    // Pascal
    { pattern: /\bp100\b/i, computeCapability: '6.0', class: 'datacenter', family: 'Pascal' },
    { pattern: /\bp(40|4|6)\b/i, computeCapability: '6.1', class: 'datacenter', family: 'Pascal' },
    { pattern: /quadro gp100/i, computeCapability: '6.0', class: 'workstation', family: 'Pascal' },
    { pattern: /quadro p\d{3,4}/i, computeCapability: '6.1', class: 'workstation', family: 'Pascal' },
    // Maxwell names that the Pascal patterns below would also take: first (cuda-legacy-gpus).
    { pattern: /gtx titan x\b/i, computeCapability: '5.2', class: 'consumer', family: 'Maxwell' },
    { pattern: /\bmx1[13]0\b|gtx 9[56]0m|gtx 750/i, computeCapability: '5.0', class: 'consumer', family: 'Maxwell' },
    { pattern: /gtx 10\d0|gt 10\d0|titan xp?\b|\bmx(150|2[35]0|3[35]0)\b/i, computeCapability: '6.1', class: 'consumer', family: 'Pascal' },
    // Maxwell and Kepler
    { pattern: /gtx 9\d0/i, computeCapability: '5.2', class: 'consumer', family: 'Maxwell' },
    { pattern: /\bm(40|60)\b/i, computeCapability: '5.2', class: 'datacenter', family: 'Maxwell' },
    { pattern: /quadro m\d{3,4}/i, computeCapability: '5.2', class: 'workstation', family: 'Maxwell' },
    { pattern: /\bk80\b/i, computeCapability: '3.7', class: 'datacenter', family: 'Kepler' },
  ],
};

export interface GpuInfo {
  computeCapability: string;
  class: GpuClass;
  family: string;
}

export function lookupGpu(name: string): GpuInfo | null {
  const row = GPU_TABLE.rows.find((r) => r.pattern.test(name));
  return row ? { computeCapability: row.computeCapability, class: row.class, family: row.family } : null;
}

/**
 * Class from NVML's "Product Brand" (nvidia-smi -q) when known, else from the name.
 * Data-center parts report brand "NVIDIA" or "Tesla".
 */
export function classifyGpu(name: string, brand?: string | null): GpuClass {
  const b = (brand ?? '').toLowerCase().replace(/[\s_]+/g, '');
  if (b === 'geforce' || b === 'titan' || b === 'geforcertx' || b === 'titanrtx') return 'consumer';
  if (b === 'quadro' || b === 'quadrortx' || b === 'nvidiartx') return 'workstation';
  if (b === 'tesla') return 'datacenter';
  const byName = lookupGpu(name)?.class;
  if (byName) return byName;
  if (/geforce|titan/i.test(name)) return 'consumer';
  if (/quadro|rtx/i.test(name)) return 'workstation';
  if (b === 'nvidia' || /tesla/i.test(name)) return 'datacenter';
  return 'unknown';
}

/** CUDA 13 dropped pre-Turing code generation. */
export const CUDA13_MIN_CC = '7.5';
