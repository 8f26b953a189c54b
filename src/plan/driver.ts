import type { Catalog } from '../catalog/index.js';
import { atLeast, backendCuda, compareDotted, majorOf } from '../lib/version.js';

/**
 * The newest CUDA the driver supports: nvidia-smi's "CUDA Version" when known, else the
 * newest toolkit whose bundled driver is not newer than this one.
 */
export function driverCuda(driverVersion: string, reported: string | null, catalog: Catalog): string | null {
  if (reported) return reported;
  const row = catalog.toolkitDrivers.rows.find((r) => atLeast(driverVersion, r.linux));
  return row ? row.cuda : null;
}

/** The minimum driver for wheels of this CUDA variant (minor-version compatibility). */
export function minDriverFor(backend: string, catalog: Catalog): string | null {
  const cuda = backendCuda(backend);
  if (!cuda) return null;
  const row = catalog.cudaFamilyDrivers.rows.find((r) => r.major === majorOf(cuda));
  return row ? row.linux : null;
}

export type DriverVerdict =
  /** The driver's CUDA is at least the wheel's: plain backward compatibility. */
  | 'native'
  /** Same family, newer minor: runs through minor-version compatibility (no newer-PTX JIT). */
  | 'minor-compat'
  | 'too-old';

export function driverVerdict(backend: string, driverVersion: string, driverCudaVersion: string | null, catalog: Catalog): DriverVerdict {
  const cuda = backendCuda(backend);
  if (!cuda) return 'native';
  const min = minDriverFor(backend, catalog);
  if (!min || !atLeast(driverVersion, min)) return 'too-old';
  if (driverCudaVersion && compareDotted(cuda, driverCudaVersion) > 0) return 'minor-compat';
  return 'native';
}
