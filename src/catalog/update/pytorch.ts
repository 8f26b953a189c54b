import { backendCuda } from '../../lib/version.js';
import type { TorchMatrix } from '../torch.js';
import { CANONICAL } from '../mirrors.js';
import { FetchError } from './http.js';
import { compareVariants, deriveTorchMatrix, INDEX_PACKAGES, type IndexListing, type IndexPackage } from './derive.js';
import { parseSimplePage, parseWheelFilename, SIMPLE_ACCEPT, type WheelName } from './simple-index.js';
import { mapLimit, SourceError, trimSlash, type SourceContext, type SourceOutcome } from './source.js';

const CONCURRENCY = 8;

/**
 * Variants to read: every one the base catalog knows, plus the next two CUDA minors after the
 * newest (a new variant shows up there first; their absence is normal). DANLU_TORCH_VARIANTS
 * (comma-separated) replaces the list.
 */
export function torchVariants(base: TorchMatrix, env: NodeJS.ProcessEnv): { variants: string[]; probes: string[] } {
  const override = env.DANLU_TORCH_VARIANTS?.trim();
  if (override) {
    const variants = [...new Set(override.split(/[\s,]+/).filter(Boolean))].sort(compareVariants);
    return { variants, probes: [] };
  }
  const known = [...new Set(base.releases.flatMap((r) => r.backends.map((b) => b.name)))];
  const newestCuda = known
    .filter((v) => backendCuda(v))
    .sort(compareVariants)
    .pop();
  const probes: string[] = [];
  if (newestCuda) {
    const [major, minor] = backendCuda(newestCuda)!.split('.').map(Number) as [number, number];
    for (const next of [minor + 1, minor + 2]) if (next <= 9) probes.push(`cu${major}${next}`);
  }
  const variants = [...new Set([...known, ...probes])].sort(compareVariants);
  return { variants, probes: probes.filter((p) => !known.includes(p)) };
}

/** The index base from the environment: DANLU_PYTORCH_INDEX_URL, else PYTORCH_MIRROR, else upstream. */
export function pytorchIndexBase(env: NodeJS.ProcessEnv): string {
  return trimSlash(env.DANLU_PYTORCH_INDEX_URL?.trim() || env.PYTORCH_MIRROR?.trim() || CANONICAL.pytorch);
}

/**
 * A variant without this package has no page: 404, or the 403 that S3 behind
 * download.pytorch.org answers for a key that does not exist (an XML AccessDenied or NoSuchKey
 * error). Any other 403 (a proxy's, a firewall's) is a failure.
 */
export function pageIsMissing(status: number, body: string): boolean {
  if (status === 404) return true;
  return status === 403 && /<Error>\s*<Code>(AccessDenied|NoSuchKey)<\/Code>/.test(body);
}

interface PageResult {
  variant: string;
  pkg: IndexPackage;
  url: string;
  wheels: WheelName[] | null;
  format?: 'json' | 'html';
  error?: string;
  /** Not tried: an earlier page showed the index cannot be reached. */
  skipped?: boolean;
}

/** torch, torchvision, torchaudio and xformers pages of every variant -> the torch part. */
export async function fetchTorchPart(ctx: SourceContext): Promise<SourceOutcome<TorchMatrix>> {
  const base = trimSlash(ctx.endpoints.pytorchIndex);
  const { variants, probes } = torchVariants(ctx.base.torch, ctx.env);
  const jobs = variants.flatMap((variant) => INDEX_PACKAGES.map((pkg) => ({ variant, pkg })));
  let done = 0;
  // One failed page fails the source (a partial listing would drop variants), so after the first
  // failure the pages not yet asked for are not tried.
  let failedOnce = false;
  ctx.progress(`0/${jobs.length} index pages`);
  const pages = await mapLimit(jobs, CONCURRENCY, async ({ variant, pkg }): Promise<PageResult> => {
    const url = `${base}/${variant}/${pkg}/`;
    if (failedOnce) return { variant, pkg, url, wheels: null, skipped: true };
    try {
      const res = await ctx.client.get(url, { accept: SIMPLE_ACCEPT });
      if (pageIsMissing(res.status, res.body) || (res.status === 403 && probes.includes(variant))) return { variant, pkg, url, wheels: null };
      if (res.status !== 200) {
        failedOnce = true;
        return { variant, pkg, url, wheels: null, error: `${url}: HTTP ${res.status}` };
      }
      const page = parseSimplePage(res.headers['content-type'], res.body, res.url);
      const wheels = page.files
        .filter((f) => !f.yanked)
        .map((f) => parseWheelFilename(f.filename))
        .filter((w): w is WheelName => w !== null && w.name === pkg);
      return { variant, pkg, url, wheels, format: page.format };
    } catch (e) {
      const message = e instanceof FetchError ? e.message : (e as Error).message;
      failedOnce = true;
      return { variant, pkg, url, wheels: null, error: `${url}: ${message}` };
    } finally {
      done++;
      ctx.progress(`${done}/${jobs.length} index pages`);
    }
  });

  const failed = pages.filter((p) => p.error);
  if (failed.length > 0) {
    const shown = failed
      .slice(0, 3)
      .map((p) => p.error)
      .join('; ');
    const skipped = pages.filter((p) => p.skipped).length;
    throw new SourceError(
      `${failed.length} of ${pages.length} index pages failed${skipped > 0 ? ` (${skipped} more not tried)` : ''}: ${shown}${failed.length > 3 ? '; …' : ''}`,
    );
  }
  const listing: IndexListing = {};
  for (const p of pages) {
    if (!p.wheels) continue;
    (listing[p.variant] ??= {})[p.pkg] = p.wheels;
  }
  const torchPages = pages.filter((p) => p.pkg === 'torch' && p.wheels && p.wheels.length > 0);
  if (torchPages.length === 0) {
    throw new SourceError(`no torch wheels under ${base}/<variant>/torch/ for ${variants.join(', ')}`);
  }
  const derived = deriveTorchMatrix(listing, ctx.base.torch, { asOf: ctx.asOf, indexBase: CANONICAL.pytorch });
  if (derived.items === 0) throw new SourceError(`no stable torch 2.x release with Linux x86_64 wheels under ${base}`);
  const found = pages.filter((p) => p.wheels);
  const formats = [...new Set(found.map((p) => (p.format === 'json' ? 'PEP 691 JSON' : 'PEP 503 HTML')))].join(' and ');
  const newVariants = probes.filter((v) => listing[v]?.torch?.length);
  return {
    value: derived.value,
    items: derived.items,
    notes: [
      `${found.length} of ${pages.length} pages exist (${formats}); variants with torch: ${torchPages.map((p) => p.variant).join(' ')}`,
      ...(newVariants.length > 0 ? [`new variant${newVariants.length > 1 ? 's' : ''}: ${newVariants.join(', ')}`] : []),
      ...derived.notes,
    ],
    urls: [base],
  };
}
