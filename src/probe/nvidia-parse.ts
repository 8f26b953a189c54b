/** Pure parsers for nvidia-smi and the kernel module's version files. */

export const QUERY_FIELDS = ['index', 'name', 'uuid', 'driver_version', 'memory.total', 'compute_cap'] as const;
/** Drivers older than about 510 reject `compute_cap` ("Field ... is not a valid field to query"). */
export const QUERY_FIELDS_OLD = QUERY_FIELDS.filter((f) => f !== 'compute_cap');

export interface QueryGpuRow {
  index: number | null;
  name: string | null;
  uuid: string | null;
  driverVersion: string | null;
  memoryMiB: number | null;
  computeCapability: string | null;
}

const DRIVER_VERSION = /^\d{2,4}\.\d{1,3}(\.\d{1,3})?$/;

/** "[N/A]", "N/A", "[Not Supported]", "" -> null. */
function cell(value: string | undefined): string | null {
  const v = (value ?? '').trim();
  if (v === '' || /^\[?(n\/a|not supported|unknown error|insufficient permissions)\]?$/i.test(v)) return null;
  return v;
}

/**
 * `nvidia-smi --query-gpu=<fields> --format=csv,noheader[,nounits]`, one GPU per line.
 * Tolerates a header line, units ("81559 MiB") and varying spaces.
 */
export function parseQueryGpu(text: string, fields: readonly string[]): QueryGpuRow[] {
  const rows: QueryGpuRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== fields.length) continue;
    if (cells[0]!.toLowerCase().startsWith(fields[0]!)) continue; // header
    const get = (f: string) => cell(cells[fields.indexOf(f)]);
    const index = get('index');
    const driver = get('driver_version');
    const memory = get('memory.total');
    const cc = get('compute_cap');
    rows.push({
      index: index !== null && /^\d+$/.test(index) ? Number(index) : null,
      name: get('name'),
      uuid: get('uuid'),
      driverVersion: driver !== null && DRIVER_VERSION.test(driver) ? driver : null,
      memoryMiB: memory !== null && /^\d+/.test(memory) ? Number.parseInt(memory, 10) : null,
      computeCapability: cc !== null && /^\d+\.\d+$/.test(cc) ? cc : null,
    });
  }
  return rows;
}

export function isInvalidFieldError(output: string): boolean {
  return /is not a valid field/i.test(output);
}

/**
 * "CUDA Version: 13.0" (nvidia-smi header) or "CUDA Version : 13.0" (nvidia-smi -q); newer
 * drivers say "CUDA UMD Version" and, from NVIDIA-SMI 610.43.03 on, may print neither in the
 * header: then null, and the driver's CUDA comes from its version (plan/driver.ts).
 */
export function parseCudaVersion(text: string): string | null {
  const m = /CUDA (?:UMD )?Version\s*:\s*(\d+\.\d+)/.exec(text);
  return m ? m[1]! : null;
}

/** "Driver Version: 580.159.04" (header) or "Driver Version : 580.159.04" (-q). */
export function parseSmiDriverVersion(text: string): string | null {
  const m = /(?:Driver|KMD) Version\s*:\s*(\d\S*)/.exec(text);
  return m && DRIVER_VERSION.test(m[1]!) ? m[1]! : null;
}

export interface SmiQGpu {
  name: string | null;
  brand: string | null;
  uuid: string | null;
}

/** Per-GPU name, brand and UUID from `nvidia-smi -q`, in the order printed. */
export function parseSmiQ(text: string): SmiQGpu[] {
  const gpus: SmiQGpu[] = [];
  let current: SmiQGpu | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^GPU [0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f]\s*$/.test(line)) {
      current = { name: null, brand: null, uuid: null };
      gpus.push(current);
      continue;
    }
    if (!current) continue;
    const m = /^ {4}(Product Name|Product Brand|GPU UUID)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const value = cell(m[2]);
    if (m[1] === 'Product Name') current.name = value;
    else if (m[1] === 'Product Brand') current.brand = value;
    else current.uuid = value;
  }
  return gpus;
}

/**
 * /proc/driver/nvidia/version: the first dotted number on the NVRM line. Covers the open
 * ("NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build ...") and the
 * proprietary ("NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 ...") forms.
 */
export function parseProcDriverVersion(text: string): string | null {
  const line = text.split(/\r?\n/).find((l) => l.startsWith('NVRM version:'));
  if (!line) return null;
  return line.split(/\s+/).find((token) => DRIVER_VERSION.test(token)) ?? null;
}

/** /sys/module/nvidia/version: the whole file, e.g. "580.159.04\n". */
export function parseSysModuleVersion(text: string): string | null {
  const v = text.trim();
  return DRIVER_VERSION.test(v) ? v : null;
}
