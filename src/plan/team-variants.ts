import type { Catalog } from '../catalog/index.js';
import { compareDotted } from '../lib/version.js';
import { chooseTorch, type HostGpuView, type TorchRequest } from './choose-torch.js';
import type { TorchVariant } from './types.js';

export interface TeamVariants {
  /** The one torch version every variant installs. */
  version: string;
  /** One per backend, the committed default (most hosts, then the newest backend) first. */
  variants: TorchVariant[];
}

const fitsAlone = (c: ReturnType<typeof chooseTorch>) => !c.warnings.some((w) => w.id === 'torch-does-not-fit-host');

/**
 * When no single torch build runs on every host of a team: the newest torch release for which
 * each host has a build that runs there, one extra per CUDA variant (uv's pattern: extras that
 * conflict, each routed to its own PyTorch index). The same version in every extra, so the rest
 * of the lock is shared. null when no release fits them all.
 */
export function teamVariants(catalog: Catalog, hosts: readonly { name: string; view: HostGpuView }[], req: TorchRequest): TeamVariants | null {
  const releases = [...catalog.torch.releases].sort((a, b) => compareDotted(b.version, a.version));
  for (const release of releases) {
    if (req.python && !release.python.includes(req.python)) continue;
    const byBackend = new Map<string, string[]>();
    let all = true;
    for (const h of hosts) {
      let choice: ReturnType<typeof chooseTorch>;
      try {
        // The project's own pin still decides which versions may be tried.
        choice = chooseTorch(catalog, h.view, { ...req, torch: release.version, backend: undefined, projectBackend: undefined, prefer: undefined });
      } catch {
        all = false;
        break;
      }
      if (choice.release !== release || !fitsAlone(choice) || choice.backend.name === 'cpu') {
        all = false;
        break;
      }
      byBackend.set(choice.backend.name, [...(byBackend.get(choice.backend.name) ?? []), h.name]);
    }
    if (!all || byBackend.size < 2) continue;
    const variants = [...byBackend.entries()]
      .map(([backend, names]) => ({ extra: backend, backend, index: `${catalog.torch.indexBase}/${backend}`, hosts: names }))
      .sort((a, b) => b.hosts.length - a.hosts.length || compareDotted(b.backend.slice(2), a.backend.slice(2)));
    return { version: release.version, variants };
  }
  return null;
}
