import { VERSION } from '../../lib/product.js';
import { CATALOG_KIND, CATALOG_SCHEMA, newestDate, type CatalogFile, type CatalogParts, type PartOrigin, type UpdatablePart } from '../file.js';
import { EMBEDDED_CATALOG, type Catalog } from '../index.js';
import { readCatalogState, userCatalogPaths, type CatalogPaths } from '../load.js';
import { WHEEL_REPOS, type WheelAsset, type WheelChannel } from '../wheels.js';
import { deriveWheelImage } from './derive.js';
import { fetchAstralPart } from './astral.js';
import { fetchCudaImagesPart } from './dockerhub.js';
import { fetchWheelChannel } from './github.js';
import { createHttpClient } from './http.js';
import { silentProgress, type ProgressSink } from './progress.js';
import { fetchTorchPart, pytorchIndexBase } from './pytorch.js';
import { describeWriteError, writeUserCatalog } from './store.js';
import { SourceError, trimSlash, type Endpoints, type SourceContext, type SourceOutcome } from './source.js';

/** What `--only` names. cuda-images covers the image tags and the wheel -> image table. */
export const PART_KEYS = ['torch', 'cuda-images', 'wheels', 'astral'] as const;
export type PartKey = (typeof PART_KEYS)[number];

export const PARTS_OF: Record<PartKey, UpdatablePart[]> = {
  torch: ['torch'],
  'cuda-images': ['cudaImages', 'wheelImage'],
  wheels: ['wheels'],
  astral: ['astral'],
};

export interface SourceReport {
  source: string;
  part: PartKey;
  ok: boolean;
  /** Rows it brought: torch releases found on the index, devel-ubuntu tag rows, wheels. */
  items: number;
  error?: string;
  notes: string[];
  urls: string[];
  ms: number;
}

export interface UpdateReport {
  /** Every source that ran succeeded (and the catalog was written). */
  ok: boolean;
  catalog: {
    file: string;
    written: boolean;
    /** catalog.prev.json when an earlier user catalog was kept there. */
    previous: string | null;
    /** asOf of the catalog file after the run; null when nothing was written. */
    asOf: string | null;
    error?: string;
  };
  parts: Record<UpdatablePart, 'updated' | 'kept' | 'not requested'>;
  sources: SourceReport[];
}

export function endpointsFrom(env: NodeJS.ProcessEnv): Endpoints {
  return {
    pytorchIndex: pytorchIndexBase(env),
    dockerHub: trimSlash(env.DANLU_DOCKERHUB_URL?.trim() || 'https://hub.docker.com'),
    githubApi: trimSlash(env.DANLU_GITHUB_API_URL?.trim() || 'https://api.github.com'),
  };
}

export interface FetchOptions {
  env?: NodeJS.ProcessEnv;
  /** Parts to fetch; all when absent. */
  only?: readonly PartKey[];
  /** Per request (default 30 s). */
  timeoutMs?: number;
  now?: Date;
  /** Curated facts come from here (default: the embedded catalog). */
  base?: Catalog;
  /** The catalog in use now (default: base). */
  active?: Catalog;
  progress?: ProgressSink;
  /** Extra CA certificates (tests). */
  ca?: string;
}

export interface FetchResult {
  sources: SourceReport[];
  parts: Partial<CatalogParts>;
  origins: Partial<Record<UpdatablePart, PartOrigin>>;
}

interface SourceDef {
  id: string;
  part: PartKey;
  run: (ctx: SourceContext) => Promise<SourceOutcome<unknown>>;
}

const wheelSource = (channel: WheelChannel): SourceDef => ({
  id: `github:${WHEEL_REPOS[channel]}`,
  part: 'wheels',
  run: (ctx) => fetchWheelChannel(ctx, channel),
});

export const SOURCES: readonly SourceDef[] = [
  { id: 'pytorch-index', part: 'torch', run: fetchTorchPart },
  { id: 'docker-hub', part: 'cuda-images', run: fetchCudaImagesPart },
  wheelSource('official'),
  wheelSource('community'),
  { id: 'astral-index', part: 'astral', run: fetchAstralPart },
];

const CHANNEL_OF: Record<string, WheelChannel> = {
  [`github:${WHEEL_REPOS.official}`]: 'official',
  [`github:${WHEEL_REPOS.community}`]: 'community',
};

function sortWheels(rows: WheelAsset[]): WheelAsset[] {
  const key = (w: WheelAsset) => `${w.channel}\u0000${w.package}\u0000${w.release}\u0000${w.filename}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Runs the requested sources concurrently and turns what succeeded into catalog parts. Writes nothing. */
export async function fetchCatalogParts(options: FetchOptions = {}): Promise<FetchResult> {
  const env = options.env ?? process.env;
  const base = options.base ?? EMBEDDED_CATALOG;
  const active = options.active ?? base;
  const now = options.now ?? new Date();
  const asOf = now.toISOString().slice(0, 10);
  const fetchedAt = now.toISOString();
  const progress = options.progress ?? silentProgress;
  const only = new Set<PartKey>(options.only ?? PART_KEYS);
  const selected = SOURCES.filter((s) => only.has(s.part));
  const client = createHttpClient({
    env,
    timeoutMs: options.timeoutMs ?? 30_000,
    userAgent: `danlu/${VERSION} (catalog update)`,
    ...(options.ca ? { ca: options.ca } : {}),
  });
  const endpoints = endpointsFrom(env);

  progress.start(selected.map((s) => s.id));
  const outcomes = new Map<string, SourceOutcome<unknown>>();
  let reports: SourceReport[];
  try {
    reports = await Promise.all(
      selected.map(async (s): Promise<SourceReport> => {
        const started = Date.now();
        const ctx: SourceContext = { client, env, endpoints, base, active, asOf, progress: (text) => progress.update(s.id, text) };
        try {
          const outcome = await s.run(ctx);
          outcomes.set(s.id, outcome);
          progress.finish(s.id, true, `${outcome.items} ${itemNoun(s.part, outcome.items)}`);
          return { source: s.id, part: s.part, ok: true, items: outcome.items, notes: outcome.notes, urls: outcome.urls, ms: Date.now() - started };
        } catch (e) {
          const error = e instanceof SourceError ? e.message : `${(e as Error)?.message ?? String(e)}`;
          progress.finish(s.id, false, error);
          return { source: s.id, part: s.part, ok: false, items: 0, error, notes: [], urls: [], ms: Date.now() - started };
        }
      }),
    );
  } finally {
    progress.stop();
    client.close();
  }

  const parts: Partial<CatalogParts> = {};
  const origins: Partial<Record<UpdatablePart, PartOrigin>> = {};
  const torchOutcome = outcomes.get('pytorch-index') as SourceOutcome<CatalogParts['torch']> | undefined;
  if (torchOutcome) {
    parts.torch = torchOutcome.value;
    origins.torch = { fetchedAt, urls: torchOutcome.urls };
  }
  const hubOutcome = outcomes.get('docker-hub') as SourceOutcome<CatalogParts['cudaImages']> | undefined;
  if (hubOutcome) {
    parts.cudaImages = hubOutcome.value;
    origins.cudaImages = { fetchedAt, urls: hubOutcome.urls };
    const wheelImage = deriveWheelImage(base.wheelImage, parts.torch ?? active.torch, hubOutcome.value, asOf);
    parts.wheelImage = wheelImage.value;
    origins.wheelImage = { fetchedAt, urls: hubOutcome.urls };
    const hubReport = reports.find((r) => r.source === 'docker-hub')!;
    hubReport.notes.push(...wheelImage.notes.map((n) => `wheel image: ${n}`));
  }
  const astralOutcome = outcomes.get('astral-index') as SourceOutcome<CatalogParts['astral']> | undefined;
  if (astralOutcome) {
    parts.astral = astralOutcome.value;
    origins.astral = { fetchedAt, urls: astralOutcome.urls };
  }
  const wheelReports = reports.filter((r) => r.part === 'wheels');
  if (wheelReports.some((r) => r.ok)) {
    const rows: WheelAsset[] = [];
    const urls: string[] = [];
    for (const r of wheelReports) {
      const channel = CHANNEL_OF[r.source]!;
      if (r.ok) {
        rows.push(...(outcomes.get(r.source)!.value as WheelAsset[]));
        urls.push(...r.urls);
      } else {
        // A failed channel keeps the wheels the active catalog had for it.
        const kept = active.wheels.rows.filter((w) => w.channel === channel);
        rows.push(...kept);
        r.notes.push(`kept ${kept.length} ${channel} wheels from the catalog in use`);
      }
    }
    parts.wheels = {
      source: `GitHub releases of ${Object.values(WHEEL_REPOS).join(' and ')} (release assets)`,
      asOf,
      confidence: 'V',
      rows: sortWheels(rows),
    };
    origins.wheels = { fetchedAt, urls };
  }
  return { sources: reports, parts, origins };
}

function itemNoun(part: PartKey, n: number): string {
  if (part === 'torch') return n === 1 ? 'release' : 'releases';
  if (part === 'cuda-images') return n === 1 ? 'CUDA version' : 'CUDA versions';
  if (part === 'astral') return n === 1 ? 'build' : 'builds';
  return n === 1 ? 'wheel' : 'wheels';
}

export interface UpdateOptions extends FetchOptions {
  /** Writes the file here (default: userCatalogPaths(env)). */
  paths?: CatalogPaths;
}

/**
 * `danlu catalog update`: fetch, then write the user catalog with the parts that succeeded on
 * top of the previous user catalog. When nothing succeeded, nothing is written.
 */
export async function updateUserCatalog(options: UpdateOptions = {}): Promise<UpdateReport> {
  const env = options.env ?? process.env;
  const base = options.base ?? EMBEDDED_CATALOG;
  const paths = options.paths ?? userCatalogPaths(env);
  const state = await readCatalogState({ ...env, DANLU_CATALOG_DIR: paths.dir }, base);
  const fetched = await fetchCatalogParts({ ...options, env, base, active: options.active ?? state.catalog });
  const requested = new Set((options.only ?? PART_KEYS).flatMap((p) => PARTS_OF[p]));
  const partStatus = {} as UpdateReport['parts'];
  for (const list of Object.values(PARTS_OF)) {
    for (const p of list) partStatus[p] = fetched.parts[p] ? 'updated' : requested.has(p) ? 'kept' : 'not requested';
  }
  const allOk = fetched.sources.every((s) => s.ok);
  const report: UpdateReport = {
    ok: allOk,
    catalog: { file: paths.file, written: false, previous: null, asOf: null },
    parts: partStatus,
    sources: fetched.sources,
  };
  if (Object.keys(fetched.parts).length === 0) return report;

  const previous = state.user.state === 'valid' ? state.user.file : null;
  const parts: Partial<CatalogParts> = { ...previous?.parts, ...fetched.parts };
  const file: CatalogFile = {
    kind: CATALOG_KIND,
    schema: CATALOG_SCHEMA,
    asOf: newestDate(Object.values(parts).map((p) => p.asOf)),
    generatedBy: `danlu ${VERSION} catalog update`,
    parts,
    origins: { ...previous?.origins, ...fetched.origins },
  };
  try {
    const written = await writeUserCatalog(paths, file);
    report.catalog = { file: paths.file, written: true, previous: written.previous, asOf: file.asOf };
  } catch (e) {
    report.ok = false;
    report.catalog.error = describeWriteError(paths, e);
    for (const p of Object.keys(partStatus) as UpdatablePart[]) if (partStatus[p] === 'updated') partStatus[p] = 'kept';
  }
  return report;
}
