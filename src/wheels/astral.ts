import { compare } from '@renovatebot/pep440';
import { satisfiesOr } from '../lib/py.js';
import { ASTRAL_INDEXES, type AstralIndexes, type AstralRow } from '../catalog/data/astral-wheels.js';
import { minorOf } from '../catalog/torch.js';
import { backendCuda } from '../lib/version.js';
import type { IndexResolution, ResolveContext, WheelTarget } from './types.js';

const admits = (version: string, spec: string): boolean => !spec || satisfiesOr(version, spec, false);

/** The Astral channel of a PyTorch variant ("cu128" -> "cu128"), when the index declares it. */
export function astralChannel(backend: string, indexes: AstralIndexes = ASTRAL_INDEXES): string | null {
  return backendCuda(backend) && indexes.channels.includes(backend) ? backend : null;
}

/** The local label of a build: +cu.12.8.torch.2.11 */
export const astralLabel = (row: Pick<AstralRow, 'cuda' | 'torch'>): string => `cu.${row.cuda}.torch.${row.torch}`;

const LABELLED_PIN = /^(==\s*[0-9][^\s,;+]*)\+cu\.\d+(?:\.\d+)*\.torch\.\d+(?:\.\d+)*$/;

/**
 * An `==2.8.3.post1+cu.13.0.torch.2.11` pin names one Astral build: the pin danlu itself writes
 * for a package it routes to Astral's index. Read back (a second `init`, or a file made on
 * another machine), it means that version, whose build for the planned torch and CUDA is then
 * chosen again (the same build on the same machine); other specifiers are returned unchanged.
 */
export function withoutAstralLabel(spec: string): string {
  const m = LABELLED_PIN.exec(spec.trim());
  return m ? m[1]!.replace(/\s+/g, '') : spec;
}

/** Astral builds of `pkg` for the target (same CUDA as torch's variant, same torch minor, the Python when recorded), newest first. */
export function astralCandidates(pkg: string, spec: string, target: WheelTarget, indexes: AstralIndexes = ASTRAL_INDEXES): AstralRow[] {
  const channel = astralChannel(target.backend, indexes);
  if (!channel) return [];
  const cuda = backendCuda(target.backend);
  return indexes.rows
    .filter(
      (r) =>
        r.package === pkg &&
        r.cuda === cuda &&
        r.torch === minorOf(target.torch) &&
        (r.python === null || r.python.includes(target.python)) &&
        admits(r.version, spec),
    )
    .sort((a, b) => compare(b.version, a.version));
}

/**
 * The Astral index as the source of `pkg`: an explicit index for the channel, and the build
 * pinned by its local label so uv takes the one made for the plan's torch. null when the
 * index has no build for the target.
 */
export function astralIndexResolution(pkg: string, spec: string, target: WheelTarget, ctx: ResolveContext = {}): IndexResolution | null {
  const indexes = ctx.astral === undefined ? ASTRAL_INDEXES : ctx.astral;
  if (!indexes) return null;
  const row = astralCandidates(pkg, spec, target, indexes)[0];
  if (!row) return null;
  const channel = astralChannel(target.backend, indexes)!;
  return {
    kind: 'index',
    name: pkg,
    indexName: `astral-${channel}`,
    url: `${indexes.base}/${channel}/`,
    format: 'simple',
    specifier: `==${row.version}+${astralLabel(row)}`,
    pinLocal: true,
    why:
      `Astral's ${channel} index has ${pkg} ${row.version} built for torch ${row.torch} with CUDA ${row.cuda}` +
      `${row.python ? ` (CPython ${row.python[0]}-${row.python.at(-1)})` : ''}: an index locks and mirrors where a single wheel URL does not, and nothing compiles.`,
    source: `${indexes.source}; this build: ${row.source} (as of ${indexes.asOf})`,
    confidence: indexes.confidence,
  };
}
