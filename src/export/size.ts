const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

/** One size reader for init and export (.env SHM_SIZE, --shm, --memory, cache sizes). */
export { parseSize } from '../lib/size.js';

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
