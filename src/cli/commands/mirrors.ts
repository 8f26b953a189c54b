import { join, resolve } from 'node:path';
import { applyFiles } from '../../apply/index.js';
import type { FileSpec } from '../../apply/types.js';
import { readIfExists } from '../../apply/write.js';
import { MIRRORS, type MirrorKind } from '../../catalog/mirrors.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { maskSecretsDeep, maskUrl } from '../../lib/secrets.js';
import { chooseMirrors, type MirrorChoice } from '../../network/choose.js';
import { makePlan } from '../../plan/make-plan.js';
import { envFetcher, probeProxyLabel } from '../../network/fetcher.js';
import { DEFAULT_CONCURRENCY, probeAll, type ProbeReport } from '../../network/probe.js';
import { liveProgress, resultText } from '../../network/progress.js';
import { loadCandidateSet, MIRROR_KINDS, targetsOf } from '../../network/targets.js';
import { ENV_MIRROR_KEYS, mirrorOfEnvValue } from '../../project/dotenv.js';
import { parseEnvLines } from '../../project/dotenv.js';
import { renderFiles } from '../../render/index.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { err, out, painter, printJson } from '../output.js';
import { planProject } from '../plan-project.js';

export const DEFAULT_TIMEOUT_MS = 5000;

/** The mirror settings a project's .env holds now; null when there is no .env. */
async function activeChoice(dir: string): Promise<{ file: string; preset: string | null; urls: Record<MirrorKind, string | null> } | null> {
  const file = join(dir, '.env');
  const text = await readIfExists(file);
  if (text === null) return null;
  const env: Record<string, string> = {};
  for (const l of parseEnvLines(text, file)) if (l.key !== null) env[l.key] = l.value ?? '';
  const urls = Object.fromEntries(
    MIRROR_KINDS.map((k) => {
      return [k, mirrorOfEnvValue(k, env[ENV_MIRROR_KEYS[k]])];
    }),
  ) as Record<MirrorKind, string | null>;
  return { file, preset: env.DANLU_MIRROR_PRESET ?? null, urls };
}

function parseKinds(value: string | undefined): MirrorKind[] {
  if (!value) return [...MIRROR_KINDS];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds) {
    if (!MIRROR_KINDS.includes(k as MirrorKind)) throw new DanluError(`--kind ${k}: expected one of ${MIRROR_KINDS.join(', ')}`);
  }
  return kinds as MirrorKind[];
}

function parsePositiveInt(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new DanluError(`--${flag} ${value}: expected a whole number from 1 to ${max}`);
  return Number(value);
}

/**
 * --apply: the .env keys the chosen mirrors change (mirror URLs and what follows from them:
 * BASE_IMAGE, UV_IMAGE, PYTORCH_INDEX, DEV_IMAGE...), written through init's .env merge;
 * every other line of .env stays as it is.
 */
async function applyChoice(dir: string, report: ProbeReport, dryRun: boolean, host: string | undefined) {
  const planned = await planProject(dir, host ? { host } : {});
  const choice = chooseMirrors(report, planned.plan.mirrors.urls);
  const envSpec = (specs: FileSpec[]) => specs.find((s) => s.path === '.env') as Extract<FileSpec, { format: 'env' }>;
  const before = envSpec(renderFiles(planned.plan, planned.catalog));
  // The same plan (from the catalog, as planProject made it here), made again with the probed mirrors as a fact.
  const again = makePlan({ ...planned.input, options: { ...planned.input.options, mirrorChoice: choice } });
  const after = envSpec(renderFiles(again, planned.catalog));
  const old = new Map(before.entries.map((e) => [e.key, e.value]));
  const mirrorKeys = new Set<string>(['DANLU_MIRROR_PRESET', ...Object.values(ENV_MIRROR_KEYS)]);
  const entries = after.entries.filter((e) => mirrorKeys.has(e.key) || old.get(e.key) !== e.value);
  const outcome = await applyFiles(dir, [{ ...after, entries }], { force: false, dryRun });
  return { choice, file: outcome.files[0]!, diff: outcome.diff };
}

export default defineCommand({
  name: 'mirrors',
  summary: 'List the mirror presets and candidates; --probe times every candidate now; --apply writes the fastest working set to .env.',
  usage: 'danlu mirrors [DIR] [--probe] [--apply] [--timeout MS] [--kind apt,pypi,...] [--json]',
  maxOperands: 1,
  options: {
    probe: { type: 'boolean', description: 'ask every candidate for a small real file, at the same time, and rank them (uses the network)' },
    apply: { type: 'boolean', description: 'probe, then write the fastest working mirror of each kind into DIR/.env (other lines stay)' },
    'dry-run': { type: 'boolean', description: 'with --apply: print the change to .env and write nothing' },
    timeout: { type: 'string', value: 'MS', description: `time limit per candidate, whole check (default ${DEFAULT_TIMEOUT_MS})` },
    kind: { type: 'string', value: 'KINDS', description: `only these kinds, comma-separated: ${MIRROR_KINDS.join(', ')}` },
    concurrency: { type: 'string', value: 'N', description: `candidates probed at once (default ${DEFAULT_CONCURRENCY})` },
    host: { type: 'string', value: 'FILE', description: 'with --apply: the machine .env was planned for, as `danlu init --host FILE`' },
    ...COMMON_OPTIONS,
  },
  details: `
Without --probe nothing touches the network: the catalog's presets and candidates, and the
choice in DIR/.env. A probe asks each candidate for what its tool fetches (apt: the noble
Release file; PyPI: pip's simple page; PyTorch: the cu128 torch page; Hugging Face: gpt2's
API and config.json; registries: /v2/, where 401 with a challenge counts as alive; Python
downloads: one CPython build), follows redirects itself and flags a mirror that sends the
client back to the upstream. Requests go through http_proxy/https_proxy (NO_PROXY respected),
as apt, pip and uv do. DANLU_MIRROR_CANDIDATES=FILE replaces the catalog's list.
\`danlu init --mirror auto\` probes with a short limit and plans with the winners.

--json: without --probe {"presets", "candidates", "canonical", "active", "from"}; with --probe the
probe report {"startedAt", "elapsedMs", "timeoutMs", "concurrency", "candidates", "proxy", "results":
[{"kind", "name", "url", "upstream", "status", "ok", "rank", "httpStatus", "latencyMs",
"download", "ms", "checked", "redirects", "error"}], "ranking", "fastest"}, plus "choice"
and "applied" with --apply.`,
  async run({ values, positionals }) {
    const dir = resolve(positionals[0] ?? '.');
    const json = Boolean(values.json);
    const p = painter(process.stdout);

    if (!values.probe && !values.apply) {
      const [active, set] = await Promise.all([activeChoice(dir), loadCandidateSet()]);
      if (json) {
        printJson({
          presets: MIRRORS.presets,
          candidates: set.candidates,
          canonical: set.canonical,
          // .env may hold a mirror's user and token: shown masked.
          active: maskSecretsDeep(active),
          from: set.from,
          asOf: MIRRORS.asOf,
          source: MIRRORS.source,
        });
        return EXIT.ok;
      }
      const tags = (kind: MirrorKind, url: string | null) => MIRRORS.presets.filter((pr) => (pr.choice[kind] ?? null) === url).map((pr) => pr.name);
      for (const kind of MIRROR_KINDS) {
        out(p.bold(`${kind}  (.env ${ENV_MIRROR_KEYS[kind]})`));
        for (const c of set.candidates.filter((x) => x.kind === kind)) {
          const isActive = active !== null && (active.urls[kind] ?? null) === c.url;
          const t = tags(kind, c.url);
          out(
            `  ${isActive ? p.green('*') : ' '} ${c.name.padEnd(12)} ${(c.url ?? set.canonical[kind]).padEnd(62)} ${p.dim(`${c.purpose}${t.length ? ` [${t.join(', ')}]` : ''}`)}`,
          );
        }
        if (active?.urls[kind] && !set.candidates.some((c) => c.kind === kind && c.url === active.urls[kind])) {
          out(`  ${p.green('*')} ${'(.env)'.padEnd(12)} ${maskUrl(active.urls[kind])}`);
        }
      }
      out('');
      out(
        active
          ? `* = in ${active.file} (preset ${active.preset ?? 'not recorded'})`
          : p.dim(`no .env in ${dir}: \`danlu init --mirror global|cn|auto\` writes one`),
      );
      out(
        p.dim(
          `Presets: ${MIRRORS.presets.map((pr) => `${pr.name} (${pr.description})`).join('; ')}. Catalog as of ${MIRRORS.asOf}${set.from === 'catalog' ? '' : `; candidates from ${set.from}`}.`,
        ),
      );
      out(p.dim('`danlu mirrors --probe` times every candidate (network); --apply writes the fastest to .env.'));
      return EXIT.ok;
    }

    const timeoutMs = parsePositiveInt('timeout', values.timeout, DEFAULT_TIMEOUT_MS, 120_000);
    const concurrency = parsePositiveInt('concurrency', values.concurrency, DEFAULT_CONCURRENCY, 64);
    const kinds = parseKinds(values.kind);
    if (values.apply && !(await readIfExists(join(dir, '.env')))) {
      throw new DanluError(`no .env in ${dir}`, { hint: '`danlu init --mirror auto` probes and writes every file; --apply only updates an existing .env' });
    }
    const set = await loadCandidateSet();
    const targets = targetsOf(set, kinds);
    if (targets.length === 0) throw new DanluError('no candidates to probe', { hint: `the candidate list (${set.from}) has none of: ${kinds.join(', ')}` });
    const live = !json && process.stderr.isTTY ? liveProgress(targets, process.stderr, painter(process.stderr)) : null;
    let report: ProbeReport;
    try {
      report = await probeAll(targets, {
        timeoutMs,
        concurrency,
        origins: set.origins,
        candidates: set.from,
        fetcher: envFetcher(),
        proxy: probeProxyLabel(),
        onEvent: live?.onEvent,
      });
    } finally {
      live?.stop();
    }

    let choice: MirrorChoice | null = null;
    let applied: Awaited<ReturnType<typeof applyChoice>> | null = null;
    const anyOk = report.results.some((r) => r.ok);
    if (values.apply && anyOk) {
      applied = await applyChoice(dir, report, Boolean(values['dry-run']), values.host);
      choice = applied.choice;
    }

    if (json) {
      printJson({
        ...report,
        ...(choice ? { choice: { preset: choice.preset, urls: choice.urls, warnings: choice.warnings } } : {}),
        ...(applied ? { applied: { ...applied.file, dryRun: Boolean(values['dry-run']), ...(values['dry-run'] ? { diff: applied.diff } : {}) } } : {}),
      });
      return anyOk ? EXIT.ok : EXIT.failed;
    }

    out(
      p.bold(
        `Probed ${report.results.length} endpoints in ${report.elapsedMs} ms (limit ${report.timeoutMs} ms each, ${report.concurrency} at a time${report.proxy ? `, through ${report.proxy}` : ''})`,
      ),
    );
    for (const kind of MIRROR_KINDS) {
      const names = report.ranking[kind];
      if (!names) continue;
      out('');
      out(p.bold(`${kind}  (.env ${ENV_MIRROR_KEYS[kind]})`));
      for (const name of names) {
        const r = report.results.find((x) => x.kind === kind && x.name === name)!;
        const rank = r.rank !== null ? String(r.rank).padStart(2) : ' -';
        const color = r.ok ? (r.rank === 1 ? p.green : (s: string) => s) : r.status === 'redirects-to-origin' ? p.yellow : p.red;
        out(`  ${rank} ${name.padEnd(12)} ${color(resultText(r))}`);
        out(p.dim(`       ${r.checked[0] ?? ''}${r.redirects.length ? `  (${r.redirects.map((x) => `${x.status} -> ${x.to}`).join(', ')})` : ''}`));
      }
    }
    out('');
    const fastest = MIRROR_KINDS.filter((k) => k in report.fastest).map((k) => `${k} ${report.fastest[k]?.name ?? p.red('none')}`);
    out(`fastest: ${fastest.join(', ')}`);
    if (values.apply && !anyOk) {
      err(p.red('nothing answered: .env left as it is (check the network or the proxy)'));
    } else if (choice && applied) {
      for (const w of choice.warnings) err(`${p.yellow('warn')}  ${w.message}`);
      if (values['dry-run']) {
        if (applied.diff) out(applied.diff);
        err(p.dim(`dry run: .env would be ${applied.file.action}; nothing written`));
      } else {
        err(`${applied.file.action.padEnd(9)} .env${applied.file.notes?.length ? `: ${applied.file.notes.join('; ')}` : ''}`);
        if (applied.file.action === 'updated') err(p.dim('The next `docker compose up -d --build` uses them.'));
      }
    } else {
      out(p.dim('`danlu mirrors --apply` writes the fastest working set into .env (or `danlu init --mirror auto`).'));
    }
    return anyOk ? EXIT.ok : EXIT.failed;
  },
});
