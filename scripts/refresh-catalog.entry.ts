// Entry point scripts/refresh-catalog.mjs bundles: the refresh and the progress display.
export { refreshSnapshot } from '../src/catalog/update/refresh.js';
export { statusBoard } from '../src/catalog/update/progress.js';
