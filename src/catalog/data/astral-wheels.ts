/**
 * Astral's GPU indexes: PEP 503/691 indexes of prebuilt CUDA extension wheels, one per compute
 * channel (https://wheels.astral.sh/simple/<channel>/), each wheel labelled with the CUDA and
 * torch it was built against (`2.8.3.post1+cu.12.8.torch.2.11`) and requiring that torch
 * release. The embedded rows (snapshot.json) are builds seen published, each with where;
 * `danlu catalog update` reads the live pages (PEP 691 JSON) into the user catalog.
 */
import { SNAPSHOT } from '../snapshot.js';

export interface AstralRow {
  package: string;
  /** Public version, without the local label. */
  version: string;
  /** CUDA of the build ("12.8"); its channel is cu128. */
  cuda: string;
  /** torch minor the wheel requires ("2.11"). */
  torch: string;
  /** CPython minors with wheels, when seen; null when the row does not record them. */
  python: readonly string[] | null;
  source: string;
}

export interface AstralIndexes {
  asOf: string;
  confidence: 'V' | 'S' | '?';
  source: string;
  /** https://wheels.astral.sh/simple/<channel>/ */
  base: string;
  /** Channels the index declares (config/index.toml). */
  channels: readonly string[];
  /** Mirrors of the same indexes (same paths under their base), with their source. */
  mirrors: readonly { name: string; base: string; source: string }[];
  rows: readonly AstralRow[];
}

/** The embedded knowledge: snapshot.json's astral part (rewritten by `npm run catalog:refresh`). */
export const ASTRAL_INDEXES: AstralIndexes = SNAPSHOT.parts.astral;
