import type { CudaImageRow } from '../cuda-images.js';
import type { Table } from '../types.js';
import { FetchError } from './http.js';
import { deriveCudaImages, type HubTag } from './derive.js';
import { SourceError, trimSlash, type SourceContext, type SourceOutcome } from './source.js';

/** nvidia/cuda has a few thousand tags; devel-ubuntu ones fit in well under this many pages of 100. */
export const MAX_HUB_PAGES = 40;

export class HubFormatError extends Error {}

/** One page of Docker Hub's tag list: {count, next, previous, results: [{name, images: [{architecture}]}]}. */
export function parseHubPage(text: string): { next: string | null; count: number | null; tags: HubTag[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HubFormatError(`not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { results?: unknown }).results)) {
    throw new HubFormatError('expected an object with a "results" array');
  }
  const o = data as { next?: unknown; count?: unknown; results: unknown[] };
  const tags: HubTag[] = [];
  for (const r of o.results) {
    if (typeof r !== 'object' || r === null) continue;
    const row = r as { name?: unknown; images?: unknown };
    if (typeof row.name !== 'string') continue;
    const arch = Array.isArray(row.images)
      ? [
          ...new Set(
            row.images.map((i) => (i as { architecture?: unknown })?.architecture).filter((a): a is string => typeof a === 'string' && a !== 'unknown'),
          ),
        ]
      : [];
    tags.push({ name: row.name, arch });
  }
  return {
    next: typeof o.next === 'string' && o.next !== '' ? o.next : null,
    count: typeof o.count === 'number' ? o.count : null,
    tags,
  };
}

export function hubTagsUrl(hub: string): string {
  return `${trimSlash(hub)}/v2/repositories/nvidia/cuda/tags?page_size=100&name=devel-ubuntu`;
}

/** Every `*devel-ubuntu*` tag of nvidia/cuda, following `next` -> the cuda-images part. */
export async function fetchCudaImagesPart(ctx: SourceContext): Promise<SourceOutcome<Table<CudaImageRow>>> {
  const first = hubTagsUrl(ctx.endpoints.dockerHub);
  const tags: HubTag[] = [];
  const seen = new Set<string>();
  let url: string | null = first;
  let pages = 0;
  let count: number | null = null;
  while (url) {
    if (pages >= MAX_HUB_PAGES) throw new SourceError(`${first}: still more pages after ${MAX_HUB_PAGES}; nothing was changed`);
    if (seen.has(url)) throw new SourceError(`${url}: the "next" links go round in a circle`);
    seen.add(url);
    let res: Awaited<ReturnType<typeof ctx.client.get>>;
    try {
      res = await ctx.client.get(url, { accept: 'application/json' });
    } catch (e) {
      throw new SourceError(`${url}: ${e instanceof FetchError ? e.message : (e as Error).message}`);
    }
    if (res.status === 429) {
      throw new SourceError(`${url}: Docker Hub rate limit (HTTP 429)${res.headers['retry-after'] ? `; retry after ${res.headers['retry-after']} s` : ''}`);
    }
    if (res.status !== 200) throw new SourceError(`${url}: HTTP ${res.status}`);
    let page: ReturnType<typeof parseHubPage>;
    try {
      page = parseHubPage(res.body);
    } catch (e) {
      throw new SourceError(`${url}: ${(e as Error).message}`);
    }
    pages++;
    count ??= page.count;
    tags.push(...page.tags);
    ctx.progress(`${tags.length}${count !== null ? `/${count}` : ''} tags, page ${pages}`);
    url = page.next ? new URL(page.next, url).href : null;
  }
  const derived = deriveCudaImages(tags, ctx.base.cudaImages, ctx.asOf);
  if (derived.value.rows.length === 0) {
    throw new SourceError(`${first}: no <version>-devel-ubuntu<release> tags among ${tags.length} listed`);
  }
  return {
    value: derived.value,
    items: derived.items,
    notes: [`${tags.length} tags in ${pages} page${pages === 1 ? '' : 's'}`, ...derived.notes],
    urls: [first],
  };
}
