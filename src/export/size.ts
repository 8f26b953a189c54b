import { DanluError } from '../lib/errors.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

const UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, ki: KiB, m: MiB, mi: MiB, g: GiB, gi: GiB, t: TiB, ti: TiB };

/**
 * Bytes of a size as Docker (`16g`, `shm_size`), Slurm (`16G`) or Kubernetes (`16Gi`) write it.
 * Every unit is binary (Docker's `g` is GiB, and so is Slurm's `G`).
 */
export function parseSize(text: string, what = 'size'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]{0,2})$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || Number(m[1]) <= 0) {
    throw new DanluError(`${what} ${JSON.stringify(text)}: expected a size such as 16g, 512m or 64Gi`);
  }
  return Math.round(Number(m[1]) * unit);
}

/** A Kubernetes quantity in the largest binary unit that divides it: 16g -> 16Gi, 1.5g -> 1536Mi. */
export function k8sQuantity(bytes: number): string {
  for (const [unit, size] of [
    ['Ti', TiB],
    ['Gi', GiB],
    ['Mi', MiB],
    ['Ki', KiB],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Slurm's --mem takes whole numbers: G when exact, else M rounded up. */
export function slurmMemory(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB}G` : `${Math.ceil(bytes / MiB)}M`;
}

export const GIB = GiB;
