import type { SlurmFacts, SlurmPartition } from './types.js';

/** `sinfo -h -N -o FORMAT`: one line per node and partition; `|` is in no field's text. */
export const SINFO_FORMAT = '%N|%P|%c|%m|%G|%l';

/** `slurm 22.05.8` (or `slurm-wlm 22.05.8`) -> 22.05.8. */
export function parseSinfoVersion(text: string): string | null {
  return /^slurm(?:-wlm)?\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text.trim())?.[1] ?? null;
}

/**
 * GPUs in a node's generic resources: `gpu:4`, `gpu:a100:4(S:0-1)`, `gpu:a100:2,gpu:v100:2,mps:200`,
 * `(null)`. Other resources (mps, shard, license-like names) are not GPUs.
 */
export function parseGres(text: string): { gpus: number; types: string[] } {
  let gpus = 0;
  const types: string[] = [];
  // Commas separate resources, but a socket list in parentheses may hold commas too: S:0,1.
  for (const item of text.replace(/\([^)]*\)/g, '').split(',')) {
    const parts = item.trim().split(':');
    if (parts[0] !== 'gpu') continue;
    const count = /^\d+$/.test(parts[parts.length - 1] ?? '') ? Number(parts[parts.length - 1]) : parts.length === 1 ? 1 : 0;
    gpus += count;
    if (parts.length === 3 && parts[1] && !types.includes(parts[1])) types.push(parts[1]);
  }
  return { gpus, types };
}

/** The partitions of `sinfo -h -N -o SINFO_FORMAT`, in the order sinfo lists them; lines it cannot read are skipped. */
export function parseSinfoNodes(text: string): SlurmPartition[] {
  const byName = new Map<string, SlurmPartition>();
  for (const line of text.split('\n')) {
    const f = line.trim().split('|');
    if (f.length < 6) continue;
    const [, rawPartition, cpus, memory, gres, limit] = f as [string, string, string, string, string, string];
    const isDefault = rawPartition.endsWith('*');
    const name = rawPartition.replace(/\*$/, '');
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || !/^\d+$/.test(cpus) || !/^\d+$/.test(memory)) continue;
    const g = parseGres(gres);
    const node = { cpus: Number(cpus), memoryMiB: Number(memory), gpus: g.gpus };
    const timeLimit = limit && limit !== 'n/a' ? limit : null;
    const p = byName.get(name);
    if (!p) {
      byName.set(name, { name, default: isDefault, nodes: 1, ...node, gpuTypes: g.types, timeLimit });
      continue;
    }
    p.nodes += 1;
    p.default ||= isDefault;
    p.cpus = Math.min(p.cpus, node.cpus);
    p.memoryMiB = Math.min(p.memoryMiB, node.memoryMiB);
    // GPUs: the most one node has (a GPU job goes to a node that has them; a mixed partition is not a CPU one).
    p.gpus = Math.max(p.gpus, node.gpus);
    for (const t of g.types) if (!p.gpuTypes.includes(t)) p.gpuTypes.push(t);
  }
  return [...byName.values()];
}

/** The facts, from both outputs; null when sinfo listed no partition. */
export function slurmFacts(versionText: string, nodesText: string): SlurmFacts | null {
  const partitions = parseSinfoNodes(nodesText);
  return partitions.length === 0 ? null : { version: parseSinfoVersion(versionText), partitions };
}
