import { classifyGpu, lookupGpu } from '../catalog/gpus.js';
import type { ExecResult } from '../lib/exec.js';
import { firstLine, type ProbeDeps } from './deps.js';
import {
  QUERY_FIELDS,
  QUERY_FIELDS_OLD,
  isInvalidFieldError,
  parseCudaVersion,
  parseProcDriverVersion,
  parseQueryGpu,
  parseSmiDriverVersion,
  parseSmiQ,
  parseSysModuleVersion,
  type QueryGpuRow,
  type SmiQGpu,
} from './nvidia-parse.js';
import type { GpuFacts, NvidiaFacts, ProbeNote } from './types.js';

/** nvidia-smi can take seconds on many-GPU boxes without persistence mode. */
const SMI_TIMEOUT_MS = 4000;
/** Where WSL2 maps the Windows driver's tools; not always on PATH. */
export const WSL_NVIDIA_SMI = '/usr/lib/wsl/lib/nvidia-smi';

export interface NvidiaProbeResult {
  facts: NvidiaFacts | null;
  notes: ProbeNote[];
}

async function runSmi(deps: ProbeDeps, args: string[]): Promise<ExecResult> {
  const r = await deps.exec('nvidia-smi', args, { timeoutMs: SMI_TIMEOUT_MS });
  if (!r.missing || deps.platform !== 'linux') return r;
  const wsl = await deps.exec(WSL_NVIDIA_SMI, args, { timeoutMs: SMI_TIMEOUT_MS });
  return wsl.missing ? r : wsl;
}

const queryArgs = (fields: readonly string[]) => [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];

async function queryGpus(deps: ProbeDeps): Promise<{ result: ExecResult; rows: QueryGpuRow[] }> {
  const result = await runSmi(deps, queryArgs(QUERY_FIELDS));
  if (result.code === 0) return { result, rows: parseQueryGpu(result.stdout, QUERY_FIELDS) };
  if (!isInvalidFieldError(result.stdout + result.stderr)) return { result, rows: [] };
  const old = await runSmi(deps, queryArgs(QUERY_FIELDS_OLD));
  return { result: old, rows: old.code === 0 ? parseQueryGpu(old.stdout, QUERY_FIELDS_OLD) : [] };
}

/** Query rows + `-q` details -> GpuFacts; brand matched by UUID, else by position. */
export function buildGpus(rows: readonly QueryGpuRow[], details: readonly SmiQGpu[]): GpuFacts[] {
  return rows.map((row, i) => {
    const detail = (row.uuid && details.find((d) => d.uuid === row.uuid)) || details[i] || null;
    const name = row.name ?? detail?.name ?? 'unknown NVIDIA GPU';
    const brand = detail?.brand ?? null;
    return {
      index: row.index ?? i,
      name,
      computeCapability: row.computeCapability ?? lookupGpu(name)?.computeCapability ?? null,
      memoryMiB: row.memoryMiB,
      class: classifyGpu(name, brand),
      brand,
      uuid: row.uuid ?? detail?.uuid ?? null,
    };
  });
}

function failure(what: string, r: ExecResult): string {
  if (r.timedOut) return `${what} timed out after ${Math.round(SMI_TIMEOUT_MS / 1000)} s`;
  if (r.code === 0) return `${what} listed no GPUs`;
  const line = firstLine(`${r.stdout}\n${r.stderr}`) || firstLine(r.stderr);
  return `${what} failed (exit ${r.code ?? 'signal'})${line ? `: ${line}` : ''}`;
}

/** Kernel module version when nvidia-smi cannot say (order: sysfs, then procfs). */
async function moduleVersion(deps: ProbeDeps): Promise<{ version: string; source: 'sys' | 'proc' } | null> {
  const sys = await deps.readFile('/sys/module/nvidia/version');
  const fromSys = sys === null ? null : parseSysModuleVersion(sys);
  if (fromSys) return { version: fromSys, source: 'sys' };
  const proc = await deps.readFile('/proc/driver/nvidia/version');
  const fromProc = proc === null ? null : parseProcDriverVersion(proc);
  return fromProc ? { version: fromProc, source: 'proc' } : null;
}

export async function probeNvidia(deps: ProbeDeps): Promise<NvidiaProbeResult> {
  const notes: ProbeNote[] = [];
  if (deps.platform === 'darwin') return { facts: null, notes };
  const [query, q] = await Promise.all([queryGpus(deps), runSmi(deps, ['-q'])]);
  const qText = q.code === 0 ? q.stdout : '';
  let cudaVersion = parseCudaVersion(qText);
  if (query.rows.length > 0 && cudaVersion === null) {
    const header = await runSmi(deps, []);
    cudaVersion = header.code === 0 ? parseCudaVersion(header.stdout) : null;
  }
  const driverFromSmi = query.rows.find((r) => r.driverVersion)?.driverVersion ?? parseSmiDriverVersion(qText);
  if (driverFromSmi) {
    if (query.rows.length === 0) notes.push({ what: 'nvidia-smi', message: failure('nvidia-smi --query-gpu', query.result) });
    return {
      facts: { driverVersion: driverFromSmi, cudaVersion, gpus: buildGpus(query.rows, parseSmiQ(qText)), source: 'nvidia-smi' },
      notes,
    };
  }
  if (query.result.missing) notes.push({ what: 'nvidia-smi', message: 'nvidia-smi not found' });
  else notes.push({ what: 'nvidia-smi', message: failure('nvidia-smi', query.result) });
  if (deps.platform !== 'linux') return { facts: null, notes };
  const module = await moduleVersion(deps);
  if (!module) {
    notes.push({ what: 'NVIDIA driver', message: 'no NVIDIA kernel module (/sys/module/nvidia/version, /proc/driver/nvidia/version)' });
    return { facts: null, notes };
  }
  const file = module.source === 'sys' ? '/sys/module/nvidia/version' : '/proc/driver/nvidia/version';
  notes.push({ what: 'NVIDIA driver', message: `driver ${module.version} read from ${file}; GPU list unknown` });
  return { facts: { driverVersion: module.version, cudaVersion: null, gpus: [], source: module.source }, notes };
}
