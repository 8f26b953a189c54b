import type { AstralIndexes, AstralRow } from '../data/astral-wheels.js';
import { ASTRAL_PACKAGES } from '../data/special-package-facts.js';
import { FetchError } from './http.js';
import { pageIsMissing } from './pytorch.js';
import { parseSimplePage, parseWheelFilename, SIMPLE_ACCEPT, type WheelName } from './simple-index.js';
import { mapLimit, SourceError, trimSlash, type SourceContext, type SourceOutcome } from './source.js';

// The packages danlu resolves from Astral's indexes: those the special-package table marks `astral`.
export { ASTRAL_PACKAGES };
const CONCURRENCY = 8;

/** The index base: DANLU_ASTRAL_INDEX_URL (a mirror, a test server), else the catalog's. */
export function astralIndexBase(env: NodeJS.ProcessEnv, base: AstralIndexes): string {
  return trimSlash(env.DANLU_ASTRAL_INDEX_URL?.trim() || base.base);
}

/** `+cu.12.8.torch.2.11` -> { cuda: '12.8', torch: '2.11' }; other labels (older spellings) are not read. */
export function astralLabelOf(local: string | null): { cuda: string; torch: string } | null {
  const m = /^cu\.(\d+\.\d+)\.torch\.(\d+\.\d+)$/.exec(local ?? '');
  return m ? { cuda: m[1]!, torch: m[2]! } : null;
}

/** Linux x86_64 wheels of one page -> rows (one per version, CUDA and torch), with the CPython minors seen. */
export function astralRows(pkg: string, wheels: readonly WheelName[], source: string): AstralRow[] {
  const rows = new Map<string, { row: AstralRow; python: Set<string>; abi3: boolean }>();
  for (const w of wheels) {
    if (w.name !== pkg || !w.platformTags.some((t) => /^(linux|manylinux.*)_x86_64$/.test(t))) continue;
    const label = astralLabelOf(w.local);
    if (!label) continue;
    const key = `${w.publicVersion}|${label.cuda}|${label.torch}`;
    const entry = rows.get(key) ?? {
      row: { package: pkg, version: w.publicVersion, cuda: label.cuda, torch: label.torch, python: null, source },
      python: new Set<string>(),
      abi3: false,
    };
    rows.set(key, entry);
    if (w.abiTags.includes('abi3')) entry.abi3 = true;
    for (const t of w.pythonTags) {
      const m = /^cp3(\d+)$/.exec(t);
      if (m) entry.python.add(`3.${m[1]}`);
    }
  }
  // An abi3 wheel serves every later CPython: no list (any Python).
  return [...rows.values()].map(({ row, python, abi3 }) => ({
    ...row,
    python: abi3 || python.size === 0 ? null : [...python].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])),
  }));
}

/** Every CUDA channel x package page of Astral's indexes -> the astral part (curated base URL, channels and mirrors kept). */
export async function fetchAstralPart(ctx: SourceContext): Promise<SourceOutcome<AstralIndexes>> {
  const curated = ctx.base.astral;
  const base = astralIndexBase(ctx.env, curated);
  const channels = curated.channels.filter((c) => c.startsWith('cu'));
  const jobs = channels.flatMap((channel) => ASTRAL_PACKAGES.map((pkg) => ({ channel, pkg })));
  let done = 0;
  ctx.progress(`0/${jobs.length} index pages`);
  const pages = await mapLimit(jobs, CONCURRENCY, async ({ channel, pkg }) => {
    const url = `${base}/${channel}/${pkg}/`;
    try {
      const res = await ctx.client.get(url, { accept: SIMPLE_ACCEPT });
      if (pageIsMissing(res.status, res.body)) return { url, rows: [] as AstralRow[] };
      if (res.status !== 200) return { url, rows: [] as AstralRow[], error: `${url}: HTTP ${res.status}` };
      const page = parseSimplePage(res.headers['content-type'], res.body, res.url);
      const wheels = page.files
        .filter((f) => !f.yanked)
        .map((f) => parseWheelFilename(f.filename))
        .filter((w): w is WheelName => w !== null);
      return { url, rows: astralRows(pkg, wheels, `${url} (${page.format === 'json' ? 'PEP 691 JSON' : 'PEP 503 HTML'})`) };
    } catch (e) {
      return { url, rows: [] as AstralRow[], error: `${url}: ${e instanceof FetchError ? e.message : (e as Error).message}` };
    } finally {
      done++;
      ctx.progress(`${done}/${jobs.length} index pages`);
    }
  });
  const failed = pages.filter((p) => p.error);
  if (failed.length > 0)
    throw new SourceError(
      `${failed.length} of ${pages.length} index pages failed: ${failed
        .slice(0, 3)
        .map((p) => p.error)
        .join('; ')}`,
    );
  const rows = pages.flatMap((p) => p.rows);
  if (rows.length === 0) throw new SourceError(`no builds labelled +cu.X.Y.torch.A.B under ${base}/<channel>/ for ${ASTRAL_PACKAGES.join(', ')}`);
  return {
    value: { ...curated, asOf: ctx.asOf, confidence: 'V', source: `${base}/<channel>/<package>/ index pages (${ASTRAL_PACKAGES.join(', ')})`, rows },
    items: rows.length,
    notes: [
      `${pages.filter((p) => p.rows.length > 0).length} of ${pages.length} pages have builds; channels: ${[...new Set(rows.map((r) => `cu${r.cuda.replace('.', '')}`))].join(' ')}`,
    ],
    urls: [base],
  };
}
