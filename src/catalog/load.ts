import { EMBEDDED_CATALOG, type Catalog } from './index.js';

/**
 * The catalog the planner uses: the embedded snapshot, or a newer user catalog written by
 * `danlu catalog update` (to be merged here). Never touches the network.
 */
export async function loadCatalog(): Promise<Catalog> {
  return EMBEDDED_CATALOG;
}
