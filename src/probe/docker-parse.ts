/** Pure parsers for `docker version`, `docker info`, compose, nvidia-ctk and group output. */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The first line of `text` that parses as a JSON object (docker may print warnings around it). */
export function firstJsonObject(text: string): Json | null {
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v: unknown = JSON.parse(t);
      if (isObject(v)) return v;
    } catch {
      // not this line
    }
  }
  return null;
}

export interface DockerVersionInfo {
  client: string | null;
  server: string | null;
  /** Server platform "Docker Desktop 4.34.3 (170107)". */
  desktop: boolean;
}

/** `docker version --format '{{json .}}'`; with the daemon down, "Server" is null. */
export function parseDockerVersionJson(stdout: string): DockerVersionInfo {
  const doc = firstJsonObject(stdout);
  const client = isObject(doc?.Client) ? doc.Client : null;
  const server = isObject(doc?.Server) ? doc.Server : null;
  const platform = server && isObject(server.Platform) ? str(server.Platform.Name) : null;
  return {
    client: client ? str(client.Version) : null,
    server: server ? str(server.Version) : null,
    desktop: platform !== null && /docker desktop/i.test(platform),
  };
}

export type DaemonProblem = 'permission denied' | 'not reachable' | 'timed out' | 'failed';

/** Classifies why the daemon could not be used from docker's error text. */
export function classifyDaemonError(output: string): DaemonProblem {
  if (/permission denied/i.test(output)) return 'permission denied';
  const unreachable = /cannot connect to the docker daemon|is the docker daemon running|connection refused|no such file or directory|error during connect/i;
  if (unreachable.test(output)) return 'not reachable';
  if (/timeout|timed out|deadline exceeded/i.test(output)) return 'timed out';
  return 'failed';
}

export interface DockerInfo {
  /** The daemon answered (no ServerErrors). */
  ok: boolean;
  serverVersion: string | null;
  nvidiaRuntime: boolean;
  rootless: boolean;
  desktop: boolean;
  /** CDI devices the daemon discovered for NVIDIA GPUs (Docker 28+ "DiscoveredDevices"). */
  cdiGpuDevices: string[];
  cdiSpecDirs: string[];
}

/** `docker info --format '{{json .}}'`. */
export function parseDockerInfoJson(stdout: string): DockerInfo | null {
  const doc = firstJsonObject(stdout);
  if (!doc) return null;
  const errors = Array.isArray(doc.ServerErrors) ? doc.ServerErrors.filter((e) => typeof e === 'string') : [];
  const security = Array.isArray(doc.SecurityOptions) ? doc.SecurityOptions.filter((s): s is string => typeof s === 'string') : [];
  const devices = Array.isArray(doc.DiscoveredDevices) ? doc.DiscoveredDevices.filter(isObject) : [];
  const specDirs = Array.isArray(doc.CDISpecDirs) ? doc.CDISpecDirs.filter((d): d is string => typeof d === 'string') : [];
  return {
    ok: errors.length === 0 && str(doc.ServerVersion) !== null,
    serverVersion: str(doc.ServerVersion),
    nvidiaRuntime: isObject(doc.Runtimes) && Object.keys(doc.Runtimes).includes('nvidia'),
    rootless: security.some((s) => /(^|,)name=rootless(,|$)/.test(s)),
    desktop: str(doc.OperatingSystem) === 'Docker Desktop',
    cdiGpuDevices: devices.map((d) => str(d.ID)).filter((id): id is string => id?.startsWith('nvidia.com/gpu') === true),
    cdiSpecDirs: specDirs,
  };
}

/**
 * Version from `docker compose version --short` ("2.29.7"), `docker-compose version --short`,
 * `docker-compose --version` ("docker-compose version 1.29.2, build unknown") or
 * v2's "Docker Compose version v2.29.7". A leading "v" is dropped.
 */
export function parseComposeVersion(text: string): string | null {
  const m = /(?:^|[\s,])v?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/.exec(text.trim());
  return m ? m[1]!.replace(/[.,]+$/, '') : null;
}

/** `nvidia-ctk --version`: "NVIDIA Container Toolkit CLI version 1.16.2\ncommit: ...". */
export function parseNvidiaCtkVersion(text: string): string | null {
  const m = /version\s+v?(\d+\.\d+\.\d+[0-9A-Za-z.+-]*)/i.exec(text);
  return m ? m[1]! : null;
}

/** `id -Gn` output: space-separated group names. */
export function parseGroupNames(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((g) => g !== '');
}

/** Whether `user` (primary gid `gid`) belongs to `group` according to /etc/group; null when no such group. */
export function inGroupFile(etcGroup: string, group: string, user: string, gid: number): boolean | null {
  for (const line of etcGroup.split(/\r?\n/)) {
    const f = line.split(':');
    if (f.length < 4 || f[0] !== group) continue;
    const members = f[3]!.split(',').map((m) => m.trim());
    return members.includes(user) || Number(f[2]) === gid;
  }
  return null;
}

/** A CDI spec file for NVIDIA GPUs: nvidia.yaml, nvidia-gpu.json... */
export const isNvidiaCdiSpec = (fileName: string): boolean => /^nvidia.*\.(ya?ml|json)$/i.test(fileName);
