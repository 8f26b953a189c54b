import { firstJsonObject } from '../../probe/docker-parse.js';
import { DOCKER_TIMEOUT_MS } from '../../probe/docker.js';
import type { DaemonExtra, DiskFacts, ImagePresence } from '../types.js';
import type { DoctorDeps } from './deps.js';
import { dockerCommand } from '../../probe/docker.js';

/** Docker calls here share probeDocker's limit: a hung daemon costs that, not more. */
export const DAEMON_TIMEOUT_MS = DOCKER_TIMEOUT_MS;
const DEFAULT_ROOT = '/var/lib/docker';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The parts of `docker info --format '{{json .}}'` doctor needs beyond probeDocker's. */
export function parseDaemonExtra(stdout: string): DaemonExtra | null {
  const doc = firstJsonObject(stdout);
  if (!doc) return null;
  const errors = Array.isArray(doc.ServerErrors) ? doc.ServerErrors : [];
  if (errors.length > 0 || str(doc.ServerVersion) === null) return null;
  const registry = doc.RegistryConfig as { Mirrors?: unknown } | undefined;
  const mirrors = Array.isArray(registry?.Mirrors) ? registry.Mirrors.filter((m): m is string => typeof m === 'string') : [];
  return {
    rootDir: str(doc.DockerRootDir),
    cgroupDriver: str(doc.CgroupDriver),
    operatingSystem: str(doc.OperatingSystem),
    proxy: { http: str(doc.HttpProxy), https: str(doc.HttpsProxy), noProxy: str(doc.NoProxy) },
    registryMirrors: mirrors,
  };
}

export async function probeDaemonExtra(deps: DoctorDeps): Promise<DaemonExtra | null> {
  const r = await deps.exec(dockerCommand(deps.env), ['info', '--format', '{{json .}}'], { timeoutMs: DAEMON_TIMEOUT_MS });
  return r.code === 0 ? parseDaemonExtra(r.stdout) : null;
}

/** Free space where images go: Docker's data root, or the nearest folder above it that exists. */
export async function probeDisk(deps: DoctorDeps, rootDir: string | null): Promise<DiskFacts | null> {
  let path = rootDir ?? DEFAULT_ROOT;
  for (;;) {
    const s = await deps.statfs(path);
    if (s) return { path, ...s };
    if (path === '/' || path === '') return null;
    path = path.slice(0, path.lastIndexOf('/')) || '/';
  }
}

/** Whether each image exists locally (`docker image inspect`); null when the daemon cannot say. */
export async function probeImages(deps: DoctorDeps, refs: readonly string[]): Promise<ImagePresence[]> {
  const unique = [...new Set(refs.filter((r) => r.trim() !== ''))];
  return Promise.all(
    unique.map(async (ref) => {
      const r = await deps.exec(dockerCommand(deps.env), ['image', 'inspect', '--format', '{{.Id}}', ref], { timeoutMs: DAEMON_TIMEOUT_MS });
      if (r.code === 0) return { ref, present: true };
      const text = `${r.stderr}\n${r.stdout}`;
      return { ref, present: /no such image|not found/i.test(text) ? false : null };
    }),
  );
}
