import data from './snapshot.json' with { type: 'json' };
import type { CatalogFile, CatalogParts } from './file.js';

/**
 * The embedded snapshot of the fetchable parts: PyTorch releases, `nvidia/cuda` tags, the
 * wheel → image table and prebuilt flash-attn wheels. snapshot.json has the format of the
 * user catalog (file.ts) and is rewritten by `npm run catalog:refresh` (docs/maintainers.md),
 * which runs the code of `danlu catalog update`. Curated facts the indexes do not publish
 * (architecture lists, PyPI default variant, notes) are kept across refreshes, so a correction
 * made by hand in snapshot.json stays. test/catalog checks that the file validates.
 */
export const SNAPSHOT = data as unknown as CatalogFile & { parts: CatalogParts };
