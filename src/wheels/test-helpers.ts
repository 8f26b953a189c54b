import communityData from '../catalog/data/flash-attn-community.json' with { type: 'json' };
import type { WheelTarget } from './types.js';

export const GiB = 1024 ** 3;

/** torch 2.8.0 cu128, Python 3.12, one H100, 64 GiB, 16 threads; override what a case changes. */
export function target(over: Partial<WheelTarget> = {}): WheelTarget {
  return {
    torch: '2.8.0',
    backend: 'cu128',
    abi: 'cxx11',
    python: '3.12',
    platform: 'linux_x86_64',
    gpus: [{ computeCapability: '9.0' }],
    memoryBytes: 64 * GiB,
    cpus: 16,
    ...over,
  };
}

/** The compact community row ('package|version|torch|cuda|python|platform|release') a community URL stands for. */
export function communityRowOf(url: string): string | null {
  const m = /\/releases\/download\/(v[\w.]+)\/flash_attn(_3)?-([\w.]+)\+cu(\d+)torch(\d+\.\d+)(?:git\w+)?-(cp\d+)-(cp\d+t?|abi3)-([\w.]+)\.whl$/.exec(url);
  if (!m) return null;
  const [, release, fa3, version, cuda, torch, , abi, platform] = m;
  const data = communityData as { platforms: Record<string, string> };
  const plat = Object.entries(data.platforms).find(([, v]) => v === platform)?.[0];
  // The list's Python column holds the ABI tag (cp313t for free-threaded builds).
  return [fa3 ? 'fa3' : 'fa2', version, torch, cuda, abi, plat, release].join('|');
}

export const COMMUNITY_ROWS: readonly string[] = (communityData as { rows: string[] }).rows;
