import { open } from 'node:fs/promises';
import { classifyGpu, lookupGpu } from '../catalog/gpus.js';
import { DanluError } from '../lib/errors.js';
import type { DockerFacts, GpuClass, GpuFacts, HostFacts, NvidiaFacts, OsFacts, OsKind, ProbeNote, SlurmFacts, UserFacts, WslFacts } from '../probe/types.js';
import { has, JsonDoc, type JsonObject, type JsonPath } from './json-fields.js';
import { readDocker } from './host-file-docker.js';

const OS_KINDS: readonly OsKind[] = ['linux', 'wsl2', 'macos', 'windows', 'other'];
const GPU_CLASSES: readonly GpuClass[] = ['consumer', 'workstation', 'datacenter', 'embedded', 'unknown'];
const NVIDIA_SOURCES = ['nvidia-smi', 'proc', 'sys', 'file'] as const;
// Sanity bounds: what a real machine reports, with room to grow.
const DRIVER_VERSION = /^\d{1,4}(\.\d{1,5}){1,3}$/;
const MAJOR_MINOR = /^\d{1,3}\.\d{1,3}$/;
const MAX_GPUS = 256;
const MAX_CPUS = 65536;
/** Linux IDs are 32-bit; (uid_t)-1 means "no ID". */
const MAX_ID = 4294967294;
/** A host file is a few KB; more is not one (or is /dev/zero). */
export const MAX_HOST_FILE_BYTES = 16 * 1024 * 1024;

/** Present key -> read it; absent -> fallback. */
function field<T>(o: JsonObject, key: string, read: (v: unknown) => T, fallback: T): T {
  return has(o, key) ? read(o[key]) : fallback;
}

function readOs(d: JsonDoc, doc: JsonObject, defaults: OsFacts): OsFacts {
  if (!has(doc, 'os')) return defaults;
  const o = d.object(doc.os, ['os']);
  const at = (k: string): JsonPath => ['os', k];
  const kind = field(o, 'kind', (v) => d.oneOf(v, at('kind'), OS_KINDS), defaults.kind);
  // Another kind of machine shares nothing with this one but the CPU architecture.
  const same = kind === defaults.kind;
  const text = (k: 'distro' | 'release' | 'kernel') => field(o, k, (v) => d.stringOrNull(v, at(k)), same ? defaults[k] : null);
  const distro = text('distro');
  return {
    kind,
    distro: distro === null ? null : distro.toLowerCase(),
    release: text('release'),
    arch: field(o, 'arch', (v) => d.string(v, at('arch')), defaults.arch),
    kernel: text('kernel'),
  };
}

function readUser(d: JsonDoc, doc: JsonObject, defaults: UserFacts): UserFacts {
  if (!has(doc, 'user')) return defaults;
  const o = d.object(doc.user, ['user']);
  const id = (k: 'uid' | 'gid') => field(o, k, (v) => d.integer(v, ['user', k], 0, 'a non-negative integer', MAX_ID), defaults[k]);
  return {
    name: field(o, 'name', (v) => d.string(v, ['user', 'name']), defaults.name),
    uid: id('uid'),
    gid: id('gid'),
    home: field(o, 'home', (v) => d.string(v, ['user', 'home']), defaults.home),
  };
}

function readGpu(d: JsonDoc, v: unknown, i: number): GpuFacts {
  const path: JsonPath = ['nvidia', 'gpus', i];
  const g = d.object(v, path);
  const at = (k: string): JsonPath => [...path, k];
  const name = d.string(g.name, at('name'));
  const brand = field(g, 'brand', (b) => d.stringOrNull(b, at('brand')), null);
  const readCc = (c: unknown) => (c === null ? null : d.matching(c, at('computeCapability'), MAJOR_MINOR, 'a string like "8.9"'));
  const cc = field(g, 'computeCapability', readCc, null);
  const gpu: GpuFacts = {
    index: field(g, 'index', (x) => d.integer(x, at('index'), 0, 'a non-negative integer', MAX_GPUS - 1), i),
    name,
    computeCapability: cc ?? lookupGpu(name)?.computeCapability ?? null,
    memoryMiB: field(g, 'memoryMiB', (m) => (m === null ? null : d.integer(m, at('memoryMiB'), 0, 'a whole number of MiB or null')), null),
    class: field(g, 'class', (c) => d.oneOf(c, at('class'), GPU_CLASSES), classifyGpu(name, brand)),
  };
  if (has(g, 'brand')) gpu.brand = brand;
  if (has(g, 'uuid')) gpu.uuid = d.stringOrNull(g.uuid, at('uuid'));
  return gpu;
}

function readNvidia(d: JsonDoc, doc: JsonObject, defaults: NvidiaFacts | null): NvidiaFacts | null {
  if (!has(doc, 'nvidia')) return defaults;
  if (doc.nvidia === null) return null;
  const o = d.object(doc.nvidia, ['nvidia']);
  const at = (k: string): JsonPath => ['nvidia', k];
  if (!has(o, 'driverVersion')) d.fail(at('driverVersion'), 'a driver version like "535.104.05"; the key is missing');
  const gpus = field(o, 'gpus', (v) => d.array(v, at('gpus')), []);
  if (gpus.length > MAX_GPUS) d.fail(at('gpus'), `at most ${MAX_GPUS} GPUs in one machine, got ${gpus.length}`);
  const readCuda = (v: unknown) => (v === null ? null : d.matching(v, at('cudaVersion'), MAJOR_MINOR, 'a CUDA version like "12.2" or null'));
  return {
    driverVersion: d.matching(o.driverVersion, at('driverVersion'), DRIVER_VERSION, 'a driver version like "535.104.05"'),
    cudaVersion: field(o, 'cudaVersion', readCuda, null),
    gpus: gpus.map((g, i) => readGpu(d, g, i)),
    source: field(o, 'source', (v) => d.oneOf(v, at('source'), NVIDIA_SOURCES), 'file'),
  };
}

function readWsl(d: JsonDoc, doc: JsonObject, kind: OsKind, defaults: HostFacts): WslFacts | null {
  if (!has(doc, 'wsl')) {
    if (kind !== 'wsl2') return null;
    // A WSL2 host described by hand: assume the GPU paravirtualization works.
    return defaults.os.kind === 'wsl2' && defaults.wsl ? defaults.wsl : { dxg: true, libDir: true, networkingMode: null };
  }
  if (doc.wsl === null) return null;
  const o = d.object(doc.wsl, ['wsl']);
  const flag = (k: 'dxg' | 'libDir') => field(o, k, (v) => d.boolean(v, ['wsl', k]), true);
  return {
    dxg: flag('dxg'),
    libDir: flag('libDir'),
    networkingMode: field(o, 'networkingMode', (v) => d.stringOrNull(v, ['wsl', 'networkingMode']), null),
  };
}

const PARTITION_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_PARTITIONS = 1024;

/** A login node's cluster (`slurm`, as `danlu host add` writes it on one). */
function readSlurm(d: JsonDoc, doc: JsonObject): SlurmFacts | null {
  if (doc.slurm === null) return null;
  const o = d.object(doc.slurm, ['slurm']);
  const list = d.array(o.partitions, ['slurm', 'partitions']);
  if (list.length > MAX_PARTITIONS) d.fail(['slurm', 'partitions'], `at most ${MAX_PARTITIONS} partitions, got ${list.length}`);
  return {
    version: field(o, 'version', (v) => d.stringOrNull(v, ['slurm', 'version']), null),
    partitions: list.map((v, i) => {
      const path: JsonPath = ['slurm', 'partitions', i];
      const p = d.object(v, path);
      const at = (k: string): JsonPath => [...path, k];
      const count = (k: string, min: number, max: number) => d.integer(p[k], at(k), min, `a whole number from ${min} to ${max}`, max);
      return {
        name: d.matching(p.name, at('name'), PARTITION_NAME, 'a partition name (letters, digits, ".", "_", "-")'),
        default: field(p, 'default', (x) => d.boolean(x, at('default')), false),
        nodes: count('nodes', 1, 1_000_000),
        cpus: count('cpus', 1, MAX_CPUS),
        memoryMiB: count('memoryMiB', 1, 2 ** 40),
        gpus: field(p, 'gpus', () => count('gpus', 0, MAX_GPUS), 0),
        gpuTypes: field(p, 'gpuTypes', (x) => d.array(x, at('gpuTypes')).map((t, j) => d.string(t, [...at('gpuTypes'), j])), []),
        timeLimit: field(p, 'timeLimit', (x) => d.stringOrNull(x, at('timeLimit')), null),
      };
    }),
  };
}

function readNotes(d: JsonDoc, doc: JsonObject): ProbeNote[] {
  if (!has(doc, 'notes')) return [];
  return d.array(doc.notes, ['notes']).map((n, i) => {
    const o = d.object(n, ['notes', i]);
    return { what: d.string(o.what, ['notes', i, 'what']), message: d.string(o.message, ['notes', i, 'message']) };
  });
}

/**
 * Parses a `--host FILE` (the JSON `danlu host --json` prints, or a hand-written subset).
 * Absent keys take `defaults`; `docker` absent means not described (null); extra keys are ignored.
 */
export function parseHostFile(text: string, file: string, defaults: HostFacts): HostFacts {
  const d = new JsonDoc(text.replace(/^\uFEFF/, ''), file);
  const doc = d.object(d.value, []);
  const os = readOs(d, doc, defaults.os);
  const docker: DockerFacts | null = has(doc, 'docker') && doc.docker !== null ? readDocker(d, d.object(doc.docker, ['docker'])) : null;
  return {
    os,
    user: readUser(d, doc, defaults.user),
    cpus: field(doc, 'cpus', (v) => d.integer(v, ['cpus'], 1, 'a positive integer', MAX_CPUS), defaults.cpus),
    memoryBytes: field(doc, 'memoryBytes', (v) => d.integer(v, ['memoryBytes'], 0, 'a whole number of bytes'), defaults.memoryBytes),
    nvidia: readNvidia(d, doc, defaults.nvidia),
    docker,
    wsl: readWsl(d, doc, os.kind, defaults),
    ...(has(doc, 'slurm') ? { slurm: readSlurm(d, doc) } : {}),
    timezone: field(doc, 'timezone', (v) => d.stringOrNull(v, ['timezone']), defaults.timezone),
    source: 'file',
    notes: readNotes(d, doc),
  };
}

/** Decodes what shells write: UTF-8 (with or without BOM) or PowerShell 5's UTF-16LE. */
export function decodeHostFileBytes(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  return bytes.toString('utf8');
}

/** The file's bytes, reading at most `limit` + 1 of them: a device or a huge file is never read whole. */
async function readBounded(path: string, limit: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= limit) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, limit + 1 - total));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await file.close();
  }
}

export async function readHostFile(path: string, defaults: HostFacts): Promise<HostFacts> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(path, MAX_HOST_FILE_BYTES);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new DanluError(`cannot read host file ${path} (${why})`, {
      location: { file: path },
      hint: 'write one on the target machine with `danlu host --json > server.json`',
      cause: err,
    });
  }
  if (bytes.length > MAX_HOST_FILE_BYTES) {
    throw new DanluError(`a host file is at most ${MAX_HOST_FILE_BYTES / 1024 / 1024} MiB, and this one is larger`, {
      location: { file: path },
      hint: 'write one on the target machine with `danlu host --json > server.json`',
    });
  }
  return parseHostFile(decodeHostFileBytes(bytes), path, defaults);
}
