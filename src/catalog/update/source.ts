import type { Catalog } from '../index.js';
import type { HttpClient } from './http.js';

/** Where the update reads from; every one can be pointed elsewhere (a mirror, a test server). */
export interface Endpoints {
  /** PyTorch wheel indexes: DANLU_PYTORCH_INDEX_URL, else PYTORCH_MIRROR, else download.pytorch.org/whl. */
  pytorchIndex: string;
  /** Docker Hub: DANLU_DOCKERHUB_URL, else https://hub.docker.com. */
  dockerHub: string;
  /** GitHub REST API: DANLU_GITHUB_API_URL, else https://api.github.com. */
  githubApi: string;
}

export interface SourceContext {
  client: HttpClient;
  env: NodeJS.ProcessEnv;
  endpoints: Endpoints;
  /** The catalog whose curated facts the derived parts keep (the embedded one). */
  base: Catalog;
  /** The catalog in use before this update (for parts a failed source leaves as they were). */
  active: Catalog;
  /** YYYY-MM-DD of this run. */
  asOf: string;
  /** One line of progress for this source. */
  progress: (text: string) => void;
}

/** What a source brings back when it succeeds. */
export interface SourceOutcome<T> {
  value: T;
  /** Rows it contributed (releases, tags, wheels). */
  items: number;
  notes: string[];
  urls: string[];
}

/** A source failed: the message says what and where. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** "https://x/y/" -> "https://x/y". */
export const trimSlash = (url: string) => url.replace(/\/+$/, '');
