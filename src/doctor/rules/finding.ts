import type { Finding, Fix, Layer, Severity } from '../types.js';

/** Finding builders for one layer: `const f = findings('host'); f.ok('host-os', 'Linux')`. */
export function findings(layer: Layer) {
  const make =
    (severity: Severity) =>
    (id: string, title: string, detail = '', fix?: Fix): Finding =>
      fix ? { id, layer, severity, title, detail, fix } : { id, layer, severity, title, detail };
  return { ok: make('ok'), info: make('info'), warn: make('warn'), error: make('error') };
}

/** A fix doctor only prints. */
export const manual = (description: string, command?: string): Fix => (command ? { description, command, safe: false } : { description, safe: false });

export const GiB = 1024 ** 3;
export const gib = (bytes: number): string => `${(bytes / GiB).toFixed(bytes < 10 * GiB ? 1 : 0)} GiB`;

/** "1 GPU: NVIDIA H100 80GB HBM3", "2 GPUs: NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3090". */
export function gpuList(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const parts = [...counts].map(([n, c]) => (c > 1 ? `${c}× ${n}` : n));
  return `${names.length} GPU${names.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
