/** Dotted numeric versions as NVIDIA and CUDA write them ("525.60.13", "12.8", "12.8.1"). */

export function parseDotted(v: string): number[] {
  return v
    .trim()
    .split('.')
    .map((part) => Number.parseInt(part, 10))
    .map((n) => (Number.isFinite(n) ? n : 0));
}

/** Compares component by component; missing components count as 0. */
export function compareDotted(a: string, b: string): number {
  const pa = parseDotted(a);
  const pb = parseDotted(b);
  const len = Math.max(pa.length, pb.length);
  for (let i = 0; i < len; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export const atLeast = (v: string, min: string): boolean => compareDotted(v, min) >= 0;

/** "12.8.1" -> "12.8". */
export function majorMinor(v: string): string {
  const [a = 0, b = 0] = parseDotted(v);
  return `${a}.${b}`;
}

export function majorOf(v: string): number {
  return parseDotted(v)[0] ?? 0;
}

/** "cu128" -> "12.8", "cu118" -> "11.8", "cu92" -> "9.2"; null for cpu/rocm. */
export function backendCuda(backend: string): string | null {
  const m = /^cu(\d+)(\d)$/.exec(backend);
  return m ? `${Number(m[1])}.${m[2]}` : null;
}

/** "12.8" or "12.8.1" -> "cu128". */
export function cudaBackend(cuda: string): string {
  const [a = 0, b = 0] = parseDotted(cuda);
  return `cu${a}${b}`;
}

export function isDottedVersion(v: string): boolean {
  return /^\d+(\.\d+)*$/.test(v.trim());
}
