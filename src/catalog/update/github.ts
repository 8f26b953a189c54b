import { WHEEL_REPOS, type WheelAsset, type WheelChannel } from '../wheels.js';
import { compareDotted } from '../../lib/version.js';
import { FetchError, type HttpResponse } from './http.js';
import { parseWheelFilename, wheelPythons } from './simple-index.js';
import { SourceError, trimSlash, type SourceContext, type SourceOutcome } from './source.js';

/** 100 releases a page; the community repository has a few hundred. */
export const MAX_GITHUB_PAGES = 30;
/** Longest wait for a secondary rate limit's Retry-After before giving up. */
const MAX_RETRY_AFTER_S = 10;

/** `<url>; rel="next", <url>; rel="last"` -> {next, last}. */
export function parseLinkHeader(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  for (const m of value.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '');
    if (!rel) continue;
    for (const name of rel[1]!.trim().split(/\s+/)) out[name.toLowerCase()] = m[1]!;
  }
  return out;
}

export interface GhAsset {
  name: string;
  url: string;
  digest: string | null;
}

export interface GhRelease {
  tag: string;
  draft: boolean;
  prerelease: boolean;
  assets: GhAsset[];
}

export class GithubFormatError extends Error {}

/** A page of GET /repos/{owner}/{repo}/releases. */
export function parseReleasesPage(text: string): GhRelease[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new GithubFormatError(`not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new GithubFormatError('expected a JSON array of releases');
  const out: GhRelease[] = [];
  for (const r of data) {
    if (typeof r !== 'object' || r === null) continue;
    const rel = r as Record<string, unknown>;
    if (typeof rel.tag_name !== 'string') continue;
    const assets: GhAsset[] = [];
    for (const a of Array.isArray(rel.assets) ? rel.assets : []) {
      const asset = a as Record<string, unknown>;
      if (typeof asset?.name !== 'string' || typeof asset.browser_download_url !== 'string') continue;
      assets.push({ name: asset.name, url: asset.browser_download_url, digest: typeof asset.digest === 'string' ? asset.digest : null });
    }
    out.push({ tag: rel.tag_name, draft: rel.draft === true, prerelease: rel.prerelease === true, assets });
  }
  return out;
}

/** "12" -> "12"; "128" -> "12.8"; "118" -> "11.8". */
function cudaOf(digits: string): string {
  return digits.length <= 2 ? digits : `${digits.slice(0, -1)}.${digits.slice(-1)}`;
}

/**
 * A flash-attn wheel name:
 * official `flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl`,
 * community `flash_attn-2.8.3+cu128torch2.9-cp312-cp312-linux_x86_64.whl`,
 * FA3 `flash_attn_3-3.0.0+cu128torch2.8gite2743ab-cp39-abi3-linux_x86_64.whl`.
 * Null for anything else, and for torch 1.x builds.
 */
export function parseFlashAttnAsset(asset: GhAsset, channel: WheelChannel, release: string): WheelAsset | null {
  const w = parseWheelFilename(asset.name);
  if (!w?.name.startsWith('flash-attn') || !w.local) return null;
  const m = /^cu(\d{2,3})torch(\d+)\.(\d+)(?:cxx11abi(true|false))?(?:git[0-9a-f]+)?$/i.exec(w.local);
  if (!m) return null;
  const torch = `${m[2]}.${m[3]}`;
  if (compareDotted(torch, '2.0') < 0) return null;
  const python = wheelPythons(w)[0];
  if (!python) return null;
  const out: WheelAsset = {
    package: w.name,
    version: w.publicVersion,
    url: asset.url,
    filename: asset.name,
    cuda: cudaOf(m[1]!),
    torch,
    cxx11abi: m[4] ? m[4].toUpperCase() === 'TRUE' : null,
    python,
    platform: w.platformTags.join('.'),
    channel,
    release,
  };
  const sha = asset.digest ? /^sha256:([0-9a-f]{64})$/i.exec(asset.digest) : null;
  if (sha) out.sha256 = sha[1]!.toLowerCase();
  return out;
}

export function githubToken(env: NodeJS.ProcessEnv): string | null {
  return env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim() || null;
}

/** A 403/429 that is GitHub's rate limit, described; null otherwise. */
export function rateLimitMessage(res: HttpResponse, hasToken: boolean, now = Date.now()): string | null {
  if (res.status !== 403 && res.status !== 429) return null;
  if (res.headers['x-ratelimit-remaining'] !== '0') return null;
  const reset = Number(res.headers['x-ratelimit-reset']);
  const limit = res.headers['x-ratelimit-limit'];
  const when = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : null;
  const wait = when ? Math.max(0, Math.ceil((when.getTime() - now) / 60000)) : null;
  return (
    `GitHub API rate limit reached${limit ? ` (${limit} requests an hour)` : ''}` +
    (when ? `; it resets at ${when.toISOString().replace(/\.\d+Z$/, 'Z')}${wait !== null ? ` (in ${wait} min)` : ''}` : '') +
    (hasToken ? '' : '; set GITHUB_TOKEN or GH_TOKEN for a higher limit')
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The release assets of one repository -> flash-attn wheels, following Link: rel="next". */
export async function fetchWheelChannel(ctx: SourceContext, channel: WheelChannel): Promise<SourceOutcome<WheelAsset[]>> {
  const repo = WHEEL_REPOS[channel];
  const api = trimSlash(ctx.endpoints.githubApi);
  const apiOrigin = new URL(api).origin;
  const token = githubToken(ctx.env);
  const first = `${api}/repos/${repo}/releases?per_page=100`;
  const wheels: WheelAsset[] = [];
  const seenUrls = new Set<string>();
  let releases = 0;
  let url: string | null = first;
  let pages = 0;
  let waited = false;
  while (url) {
    if (pages >= MAX_GITHUB_PAGES) throw new SourceError(`${first}: still more pages after ${MAX_GITHUB_PAGES}; nothing was changed`);
    if (seenUrls.has(url)) throw new SourceError(`${url}: the "next" links go round in a circle`);
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    // The token goes to the configured API only, never to a host a Link header names.
    if (token && new URL(url).origin === apiOrigin) headers.authorization = `Bearer ${token}`;
    let res: HttpResponse;
    try {
      res = await ctx.client.get(url, headers);
    } catch (e) {
      throw new SourceError(`${url}: ${e instanceof FetchError ? e.message : (e as Error).message}`);
    }
    const limited = rateLimitMessage(res, token !== null);
    if (limited) throw new SourceError(limited);
    if ((res.status === 403 || res.status === 429) && res.headers['retry-after'] && !waited) {
      // Secondary rate limit: wait once if it is short.
      const seconds = Number(res.headers['retry-after']);
      if (Number.isFinite(seconds) && seconds <= MAX_RETRY_AFTER_S) {
        waited = true;
        ctx.progress(`rate limited; waiting ${seconds} s`);
        await delay(seconds * 1000);
        continue;
      }
    }
    if (res.status === 401) throw new SourceError(`${url}: HTTP 401: the GitHub token was refused (check GITHUB_TOKEN / GH_TOKEN)`);
    if (res.status === 404) throw new SourceError(`${url}: HTTP 404: no such repository`);
    if (res.status !== 200) {
      let detail = '';
      try {
        const m = (JSON.parse(res.body) as { message?: unknown }).message;
        if (typeof m === 'string') detail = `: ${m}`;
      } catch {
        /* not JSON */
      }
      throw new SourceError(`${url}: HTTP ${res.status}${detail}`);
    }
    seenUrls.add(url);
    let page: GhRelease[];
    try {
      page = parseReleasesPage(res.body);
    } catch (e) {
      throw new SourceError(`${url}: ${(e as Error).message}`);
    }
    pages++;
    for (const rel of page) {
      if (rel.draft) continue;
      releases++;
      for (const asset of rel.assets) {
        const w = parseFlashAttnAsset(asset, channel, rel.tag);
        if (w) wheels.push(w);
      }
    }
    ctx.progress(`${releases} releases, ${wheels.length} wheels, page ${pages}`);
    const next = parseLinkHeader(res.headers.link).next;
    url = next ? new URL(next, url).href : null;
  }
  const unique = [...new Map(wheels.map((w) => [w.url, w])).values()];
  if (unique.length === 0) throw new SourceError(`${first}: no flash-attn wheels among ${releases} releases`);
  return {
    value: unique,
    items: unique.length,
    notes: [`${releases} releases in ${pages} page${pages === 1 ? '' : 's'}${token ? ' (with a token)' : ''}`],
    urls: [first],
  };
}
