import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');

/** `[registry/]nvidia/cuda:<version>-<flavour>-ubuntu<release>` -> its parts; null for other images. */
export function parseCudaImage(ref: string): { version: string; flavour: string; ubuntu: string } | null {
  const m = /(?:^|\/)nvidia\/cuda:(\d+\.\d+\.\d+)-(.+)-ubuntu(\d+\.\d+)$/.exec(ref.trim());
  return m ? { version: m[1]!, flavour: m[2]!, ubuntu: m[3]! } : null;
}

/** BASE_IMAGE is a tag NVIDIA still publishes (pain point 27), and the dev image is built. */
export const envImage: Rule = ({ files, images, host, catalog }): Finding[] => {
  const base = files.env?.BASE_IMAGE?.trim();
  if (!base) return [];
  const out: Finding[] = [];
  const cuda = parseCudaImage(base);
  const present = (ref: string | undefined) => (ref ? (images.find((i) => i.ref === ref)?.present ?? null) : null);
  if (cuda && present(base) !== true) {
    const row = catalog.cudaImages.rows.find((r) => r.version === cuda.version);
    const symptom = `\`docker pull\` fails with "manifest for ${base} not found: manifest unknown: manifest unknown".`;
    if (!row?.ubuntu.includes(cuda.ubuntu)) {
      out.push(
        f.warn(
          'env-base-image',
          `BASE_IMAGE ${base} is not a tag danlu knows NVIDIA publishes`,
          `${symptom} NVIDIA deletes end-of-life tags six months after their driver branch ends.`,
          manual('plan a published tag', 'danlu init'),
        ),
      );
    } else if (!row.supported) {
      out.push(
        f.info(
          'env-base-image',
          `BASE_IMAGE ${base} is end of life and may be deleted from Docker Hub`,
          symptom,
          manual('move to a supported CUDA when you can', 'danlu init'),
        ),
      );
    }
  }
  const dev = files.env?.DEV_IMAGE?.trim();
  if (host.docker?.daemon.ok && dev && present(dev) === false) {
    out.push(f.info('env-dev-image', `the dev image ${dev} is not built yet`, '', manual('build it', 'danlu build')));
  }
  if (out.length === 0) out.push(f.ok('env-image', `BASE_IMAGE ${base}${host.docker?.daemon.ok && dev && present(dev) ? '; dev image built' : ''}`));
  return out;
};
