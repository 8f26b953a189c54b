import type { Catalog } from '../catalog/index.js';
import { XFORMERS_BUILDS } from '../catalog/data/special-packages.js';
import type { Origin, Requirement } from '../project/types.js';
import type { Decision } from './types.js';

/** A torch pin the project implies through an exact pin of a package built for one torch. */
export interface DerivedPin {
  specifier: string;
  origin: Origin;
  /** "xformers==0.0.23.post1, requirements.txt:2": where the pin comes from, for explanations. */
  via: string;
  decision: Decision;
}

const where = (o: Origin) => (o.line ? `${o.file}:${o.line}` : o.file);
const exact = (specifier: string): string | null => /^===?\s*(\d[\w.+!-]*)$/.exec(specifier.trim())?.[1] ?? null;
const minor = (v: string) => v.split('.').slice(0, 2).join('.');

/**
 * torch left unpinned while torchvision, torchaudio or xformers are pinned exactly: those are
 * built for one torch (torchvision 0.(m+15) for torch 2.m, torchaudio = torch up to 2.10 and
 * 2.11 for torch >= 2.11, each
 * xformers up to 0.0.33 for one exact torch), so the project needs that torch. Planning another
 * would give uv an unsolvable set. The first such pin wins; ranges imply nothing.
 */
export function derivedTorchPin(requirements: readonly Requirement[], catalog: Catalog): DerivedPin | null {
  for (const r of requirements) {
    const version = exact(r.specifier);
    if (!version) continue;
    let torch: string | null = null;
    let rule = '';
    let source = 'catalog: PyTorch release matrix';
    if (r.name === 'torchvision') {
      const release = catalog.torch.releases.find((x) => minor(x.torchvision) === minor(version));
      if (release) {
        torch = `==${minor(release.version)}.*`;
        rule = `torchvision ${minor(version)} is built for torch ${minor(release.version)}`;
      }
    } else if (r.name === 'torchaudio') {
      // torchaudio up to 2.10 pins the same torch; 2.11 (stable ABI) works with torch 2.11 and later.
      const [maj = 0, mi = 0] = version.split('.').map(Number);
      if (maj > 2 || (maj === 2 && mi >= 11)) {
        torch = '>=2.11';
        rule = `torchaudio ${version} works with torch 2.11 and every later release`;
      } else if (catalog.torch.releases.some((x) => x.torchaudio !== null && minor(x.torchaudio) === minor(version))) {
        torch = `==${version.replace(/\+.*$/, '')}`;
        rule = `torchaudio ${version} pins the same torch version`;
      }
    } else if (r.name === 'xformers') {
      const row = XFORMERS_BUILDS.rows.find((x) => x.xformers === version);
      if (row && !row.torch.startsWith('>=')) {
        torch = `==${row.torch}`;
        rule = `xformers ${version} wheels require torch ${row.torch} exactly`;
        source = XFORMERS_BUILDS.source;
      }
    }
    if (!torch) continue;
    return {
      specifier: torch,
      origin: r.origin,
      via: `implied by ${r.name}${r.specifier.trim()}, ${where(r.origin)}`,
      decision: {
        what: 'torch pin',
        choice: `torch${torch}`,
        why: `the project leaves torch unpinned but pins ${r.name}${r.specifier.trim()} (${where(r.origin)}): ${rule}`,
        source,
      },
    };
  }
  return null;
}
