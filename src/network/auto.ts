import { chooseMirrors, type MirrorChoice } from './choose.js';
import { probeAll, type Fetcher, type ProbeReport } from './probe.js';
import { envFetcher, probeProxyLabel } from './fetcher.js';
import { loadCandidateSet, targetsOf } from './targets.js';

/** `--mirror auto` probes with a short limit: planning should not wait long. */
export const AUTO_TIMEOUT_MS = 2500;

/** Probes the candidates (catalog, or DANLU_MIRROR_CANDIDATES) and chooses per kind. */
export async function autoMirrors(
  options: { timeoutMs?: number; fetcher?: Fetcher; env?: NodeJS.ProcessEnv } = {},
): Promise<{ choice: MirrorChoice; report: ProbeReport }> {
  const env = options.env ?? process.env;
  const set = await loadCandidateSet(env);
  const timeoutMs = options.timeoutMs ?? (Number(env.DANLU_MIRROR_TIMEOUT_MS) || AUTO_TIMEOUT_MS);
  const report = await probeAll(targetsOf(set), {
    timeoutMs,
    origins: set.origins,
    fetcher: options.fetcher ?? envFetcher(env),
    candidates: set.from,
    proxy: options.fetcher ? null : probeProxyLabel(env),
  });
  return { choice: chooseMirrors(report), report };
}

/** `--mirror auto` in planProject: the probed choice, an input of the plan (PlanOptions.mirrorChoice). */
export async function autoMirrorChoice(): Promise<MirrorChoice> {
  return (await autoMirrors()).choice;
}
