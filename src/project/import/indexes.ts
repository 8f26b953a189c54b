import { record, warn } from './emit.js';
import type { ImportOrigin, ImportResult, ImportedIndex, IndexKind } from './types.js';
import { cudaOfBackend, indexBackend } from './url.js';

export interface IndexInput {
  url: string;
  kind: IndexKind;
  origin: ImportOrigin;
  /** The input line (for the report); no report line when absent. */
  text?: string;
  name?: string;
  explicit?: boolean;
  packages?: { name: string; marker?: string; extra?: string }[];
}

const KIND_WORDS: Record<IndexKind, string> = {
  'index-url': 'package index (replaces PyPI)',
  'extra-index-url': 'extra package index',
  'find-links': 'find-links page',
};

/** Records an index / find-links URL, and the CUDA variant its URL names. */
export function addIndex(out: ImportResult, input: IndexInput): ImportedIndex {
  const url = input.url.trim();
  const index: ImportedIndex = { url, kind: input.kind, origin: { ...input.origin } };
  if (input.name !== undefined) index.name = input.name;
  if (input.explicit !== undefined) index.explicit = input.explicit;
  if (input.packages?.length) index.packages = input.packages;
  out.indexes.push(index);
  const variant = indexBackend(url);
  let became = `${KIND_WORDS[input.kind]} ${url}`;
  if (input.packages?.length) became += ` for ${input.packages.map((p) => p.name).join(', ')}`;
  if (variant) {
    const cuda = cudaOfBackend(variant.backend);
    out.cudaHints.push({ backend: variant.backend, ...(cuda ? { cuda } : {}), origin: { ...input.origin }, text: (input.text ?? url).trim() });
    became += ` (CUDA hint ${variant.backend}${variant.torch ? `, built for torch ${variant.torch}` : ''})`;
    if (variant.nightly) warn(out, 'nightly-index', `${url} serves nightly builds`, input.origin);
  }
  if (/^http:\/\//i.test(url)) warn(out, 'insecure-index', `${url} is plain http`, input.origin);
  if (input.text !== undefined) record(out, input.origin, input.text, 'index', became);
  return index;
}
