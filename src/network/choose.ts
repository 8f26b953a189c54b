import { presetNamed, type MirrorKind } from '../catalog/mirrors.js';
import type { Decision, MirrorChoice, MirrorPlan, Warning } from '../plan/types.js';
import type { ProbeReport, ProbeResult } from './probe.js';
import { MIRROR_KINDS } from './targets.js';

/** What a probe chose: the mirror per kind, with the reasons (for plan decisions). */
export type { MirrorChoice };

const fmtMs = (ms: number) => `${ms} ms`;

function describe(r: ProbeResult): string {
  return r.ok
    ? `${r.name} ${fmtMs(r.ms)}`
    : `${r.name} ${r.status === 'timeout' ? 'timed out' : r.status === 'redirects-to-origin' ? 'redirects to the upstream' : (r.error ?? r.status)}`;
}

/** The preset whose choice equals these URLs, else custom. */
export function presetOf(urls: Record<MirrorKind, string | null>): MirrorPlan['preset'] {
  for (const name of ['global', 'cn'] as const) {
    const p = presetNamed(name)!;
    if (MIRROR_KINDS.every((k) => (p.choice[k] ?? null) === (urls[k] ?? null))) return name;
  }
  return 'custom';
}

/**
 * Pure: the fastest working candidate of each kind. A kind where nothing answered gets its
 * upstream, with a warning; when nothing answered at all, the whole choice is `global`.
 * Kinds the report does not cover keep their value from `base`.
 */
export function chooseMirrors(report: ProbeReport, base: Record<MirrorKind, string | null> = presetNamed('global')!.choice): MirrorChoice {
  const urls = { ...base };
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  const anyOk = report.results.some((r) => r.ok);
  if (!anyOk) {
    warnings.push({
      id: 'mirror-auto-failed',
      message: `--mirror auto: none of the ${report.results.length} mirror endpoints answered within ${report.timeoutMs} ms; using global (upstream) everywhere`,
      fix: 'check the network or the proxy, then `danlu mirrors --probe` to see each endpoint; or choose with --mirror cn|global',
    });
    decisions.push({
      id: 'mirrors',
      what: 'mirrors',
      choice: 'global (auto: nothing answered)',
      why: `no endpoint answered the probe within ${report.timeoutMs} ms`,
      source: `probe of ${report.results.length} endpoints (${report.candidates})`,
    });
    return { preset: 'global', urls: { ...presetNamed('global')!.choice }, decisions, warnings };
  }
  const summary: string[] = [];
  for (const kind of MIRROR_KINDS) {
    const mine = report.results.filter((r) => r.kind === kind);
    if (mine.length === 0) continue;
    const ranked = [...mine].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name));
    const best = ranked.find((r) => r.ok);
    const others = ranked.filter((r) => r !== best).map(describe);
    if (!best) {
      urls[kind] = null;
      warnings.push({
        id: `mirror-auto-${kind}`,
        message: `--mirror auto: no ${kind} endpoint answered (${others.join(', ')}); keeping the upstream`,
        fix: `\`danlu mirrors --probe\` shows why; set ${kind} by hand in .env if you know a working mirror`,
      });
      summary.push(`${kind}: upstream (none answered)`);
      continue;
    }
    urls[kind] = best.url;
    summary.push(`${kind}: ${best.name}`);
    decisions.push({
      what: `mirror: ${kind}`,
      choice: best.url ?? `${best.name} (upstream)`,
      why: `fastest working of ${mine.length}: ${best.name} ${fmtMs(best.ms)}${best.latencyMs !== null ? ` (first answer ${fmtMs(best.latencyMs)})` : ''}${others.length ? `; ${others.join(', ')}` : ''}`,
      source: `probe (${report.candidates}, limit ${report.timeoutMs} ms)`,
    });
  }
  const preset = presetOf(urls);
  decisions.unshift({
    id: 'mirrors',
    what: 'mirrors',
    choice: `auto -> ${preset}`,
    why: `probed ${report.results.length} endpoints in ${fmtMs(report.elapsedMs)}; the fastest working one of each kind: ${summary.join(', ')}; per machine, in .env only`,
    source: `probe of the mirror candidates (${report.candidates})`,
  });
  return { preset, urls, decisions, warnings };
}
