import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');
/** Past this, new torch releases, CUDA tags and wheels have likely appeared that the plan cannot know. */
export const CATALOG_MAX_AGE_DAYS = 90;

const days = (from: string, to: string): number => Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The knowledge danlu plans with (embedded, or a newer user catalog) is no older than 90 days. */
export const catalogAge: Rule = ({ catalog, today }): Finding[] => {
  const age = days(catalog.asOf, today);
  if (!Number.isFinite(age)) return [];
  const which = catalog.name === 'user' ? 'the user catalog' : "danlu's built-in catalog";
  if (age > CATALOG_MAX_AGE_DAYS) {
    return [
      f.warn(
        'catalog-age',
        `${which} is ${age} days old (as of ${catalog.asOf})`,
        'Newer PyTorch releases, CUDA image tags and prebuilt wheels are unknown to the plan; it may choose an older torch or a tag NVIDIA has deleted.',
        manual('fetch the newest knowledge (uses the network), or update danlu', 'danlu catalog update'),
      ),
    ];
  }
  return [f.ok('catalog-age', `knowledge as of ${catalog.asOf} (${which}, ${Math.max(age, 0)} days old)`)];
};
