import { DanluError } from './errors.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

const UNITS: Record<string, number> = { '': 1, b: 1, k: KiB, ki: KiB, m: MiB, mi: MiB, g: GiB, gi: GiB, t: TiB, ti: TiB };

/** The largest size danlu takes (8 PiB, the largest whole number a double holds exactly): beyond it a size is a typo. */
export const MAX_SIZE_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * Bytes of a size as Docker (`16g`, `shm_size`), Slurm (`16G`) or Kubernetes (`16Gi`) write it,
 * or null when it is none: no number, an unknown unit, zero, or more than MAX_SIZE_BYTES. Every
 * unit is binary (Docker's `g` is GiB, and so is Slurm's `G`). `docker`: only what docker's
 * shm_size takes from .env (a number, then b, k, m or g).
 */
export function sizeBytes(text: string, accept: 'any' | 'docker' = 'any'): number | null {
  const m = accept === 'docker' ? /^(\d+(?:\.\d+)?)([bkmg]?)$/i.exec(text.trim()) : /^(\d+(?:\.\d+)?)\s*([a-z]{0,2})$/i.exec(text.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  const bytes = Math.round(Number(m[1]) * unit);
  return bytes > 0 && bytes <= MAX_SIZE_BYTES ? bytes : null;
}

/** sizeBytes, or an error naming `what` (a flag or a setting). */
export function parseSize(text: string, what = 'size'): number {
  const bytes = sizeBytes(text);
  if (bytes === null) throw new DanluError(`${what} ${JSON.stringify(text)}: expected a size such as 16g, 512m or 64Gi`);
  return bytes;
}

/** A /dev/shm size docker takes (--shm, SHM_SIZE of .env): init and export read it alike. */
export function validShm(text: string): boolean {
  return sizeBytes(text, 'docker') !== null;
}
