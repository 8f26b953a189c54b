import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { VERSION } from '../../lib/product.js';
import { CATALOG_KIND, CATALOG_SCHEMA, newestDate, parseCatalogFile, stringifyCatalogFile, type CatalogFile, type CatalogParts } from '../file.js';
import { EMBEDDED_CATALOG } from '../index.js';
import { SNAPSHOT } from '../snapshot.js';
import { fetchCatalogParts, type FetchOptions, type SourceReport } from './run.js';

/**
 * The maintainers' refresh (scripts/refresh-catalog.mjs): the same fetch and derivation as
 * `danlu catalog update`, written over the embedded snapshot instead of the user catalog.
 * Curated facts come from the current snapshot, so they survive.
 */
export interface RefreshOptions extends FetchOptions {
  /** The snapshot file to write (src/catalog/snapshot.json). */
  out: string;
  /** Write the parts that succeeded even when a source failed. */
  allowPartial?: boolean;
}

export interface RefreshReport {
  ok: boolean;
  written: boolean;
  out: string;
  asOf: string;
  sources: SourceReport[];
}

export async function refreshSnapshot(options: RefreshOptions): Promise<RefreshReport> {
  const fetched = await fetchCatalogParts({ ...options, base: EMBEDDED_CATALOG, active: EMBEDDED_CATALOG });
  const ok = fetched.sources.every((s) => s.ok);
  const report: RefreshReport = { ok, written: false, out: options.out, asOf: SNAPSHOT.asOf, sources: fetched.sources };
  if (Object.keys(fetched.parts).length === 0 || (!ok && !options.allowPartial)) return report;
  const parts: CatalogParts = { ...SNAPSHOT.parts, ...fetched.parts };
  const file: CatalogFile = {
    kind: CATALOG_KIND,
    schema: CATALOG_SCHEMA,
    asOf: newestDate(Object.values(parts).map((p) => p.asOf)),
    generatedBy: `scripts/refresh-catalog.mjs (danlu ${VERSION}); curated facts kept from the previous snapshot`,
    parts,
    origins: { ...SNAPSHOT.origins, ...fetched.origins },
  };
  const text = stringifyCatalogFile(file);
  parseCatalogFile(text);
  const temp = `${options.out}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, options.out);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  return { ...report, written: true, asOf: file.asOf };
}
