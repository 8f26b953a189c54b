import { ENGINES, type EngineKind } from '../catalog/engine.js';
import type { UserFacts } from '../probe/types.js';
import { applyFixes, safeFixes, type FixResult } from './fix.js';
import { cacheHome, probeCaches } from './probes/caches.js';
import type { DoctorDeps } from './probes/deps.js';
import { cacheDirs } from './rules/cache-dirs.js';
import { envUser } from './rules/env-user.js';
import { dockerBuildx } from './rules/docker-buildx.js';
import { gpuRequest, type GpuRequestFacts } from './rules/gpu-request.js';
import type { DoctorFacts, Finding } from './types.js';

/**
 * The doctor rules `danlu up` runs before it starts anything, over the few facts it gathers
 * itself: .env is this user's, the cache folders compose mounts exist as the user, GPUs are asked
 * for only where Docker can give them (and, before a build, the engine's own check: BUILD_CHECKS).
 * Missing cache folders are made with doctor's own safe fix
 * (Docker would create them as root); everything else is the caller's to refuse or report.
 */
export const UP_RULES = ['env-user', 'cache-dirs', 'gpu-request'] as const;

/** Findings that stop `up` (the container would start wrong or not at all). */
const REFUSE = new Set(['env-file', 'env-uid', 'env-gid', 'env-host-home', 'cache-dir-file', 'gpu-request']);

export interface UpCheckInput {
  /** The invoking user (under sudo: the one who ran sudo). */
  user: UserFacts;
  processUid: number;
  env: NodeJS.ProcessEnv;
  files: Pick<DoctorFacts['files'], 'envPath' | 'envText' | 'env' | 'envError' | 'extendRequestsGpus'>;
  docker: GpuRequestFacts['host']['docker'];
}

export interface UpCheck {
  refuse: Finding[];
  /** Problems `up` goes on with, each with its fix (a cache folder owned by root). */
  notes: Finding[];
  /** The cache folders made. */
  created: FixResult[];
}

/**
 * Before `up`/`build` build the image, per engine: Docker's standalone Compose v1 builds with the
 * first `docker` on PATH, which needs its buildx plugin for BuildKit (doctor's docker-buildx rule);
 * Compose v2 builds by itself, and then there is nothing to ask. A new EngineKind makes the
 * compiler ask for its check here.
 */
const BUILD_CHECKS: Record<EngineKind, (deps: DoctorDeps, compose: { v2: string | null; v1: string | null }) => Promise<Finding | null>> = {
  docker: async (deps, compose) => {
    if (compose.v2 || !compose.v1) return null;
    const binary = ENGINES.docker.binary;
    const [version, buildx] = await Promise.all([
      deps.exec(binary, ['version', '--format', '{{.Client.Version}}'], { timeoutMs: 5000 }),
      deps.exec(binary, ['buildx', 'version'], { timeoutMs: 5000 }),
    ]);
    const client = /^\d+\.\d+/.test(version.stdout.trim()) ? version.stdout.trim() : null;
    const found = dockerBuildx({
      host: { docker: { client, compose, buildx: buildx.code === 0 ? (/\bv?(\d+\.\d+\.\d+)/.exec(buildx.stdout)?.[1] ?? 'present') : null } },
    });
    return found.find((f) => f.severity === 'error') ?? null;
  },
};

/** What stops the image build before it starts on this engine (a Finding to show), or null. */
export function buildCheck(deps: DoctorDeps, compose: { v2: string | null; v1: string | null }, engine: EngineKind): Promise<Finding | null> {
  return BUILD_CHECKS[engine](deps, compose);
}

export async function upCheck(deps: DoctorDeps, input: UpCheckInput): Promise<UpCheck> {
  const where = cacheHome(input.env, input.files.env, input.user.home);
  const caches = await probeCaches(deps, where.home, where.source);
  const facts = { files: input.files, host: { user: input.user, docker: input.docker }, caches, processUid: input.processUid };
  const found = [...envUser(facts), ...cacheDirs(facts), ...gpuRequest(facts)];
  const refuse = found.filter((f) => REFUSE.has(f.id) && f.severity === 'error');
  if (refuse.length > 0) return { refuse, notes: [], created: [] };
  const created = (await applyFixes(safeFixes(found.filter((f) => f.id === 'cache-dir-missing')))).filter((r) => r.applied);
  const notes = found.filter((f) => f.id === 'cache-dir-owner');
  return { refuse, notes, created };
}
