/**
 * Astral's GPU indexes: PEP 503/691 indexes of prebuilt CUDA extension wheels, one per compute
 * channel (https://wheels.astral.sh/simple/<channel>/), each wheel labelled with the CUDA and
 * torch it was built against (`2.8.3.post1+cu.12.8.torch.2.11`) and requiring that torch
 * release. The rows are the builds seen published; `danlu catalog update` reads the live pages
 * (PEP 691 JSON) into the user catalog.
 */
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

const SEEN = 'projects pinning the build with the Astral index URL';

export const ASTRAL_INDEXES: AstralIndexes = {
  asOf: '2026-12-02',
  confidence: 'S',
  source:
    'astral-sh-build/_build-index README.md and docs/CONFIGURATION.md (channels cpu, cu118-cu132; local labels +cu.X.Y.torch.A.B); ' +
    'uv docs (Astral GPU indexes, explicit index per channel); published builds as pinned by projects (per row)',
  base: 'https://wheels.astral.sh/simple',
  channels: ['cpu', 'cu118', 'cu121', 'cu124', 'cu126', 'cu128', 'cu129', 'cu130', 'cu132'],
  mirrors: [{ name: 'sjtu', base: 'https://mirror.sjtu.edu.cn/astral-wheels', source: 'SJTUG mirror help page astral-wheels (uv add flash-attn==2.8.3.post1+cu.12.8.torch.2.11 --index astral-cu128=...)' }],
  rows: [
    { package: 'flash-attn', version: '2.8.3.post1', cuda: '12.8', torch: '2.11', python: ['3.10', '3.11', '3.12', '3.13', '3.14'], source: `${SEEN} (packed-encoders README: 2.11 wheels for CPython 3.10-3.14, x86-64 and aarch64; SJTUG help page)` },
    { package: 'flash-attn', version: '2.8.3.post1', cuda: '12.8', torch: '2.8', python: null, source: `${SEEN} (TRASER README)` },
    { package: 'flash-attn', version: '2.8.3', cuda: '12.8', torch: '2.10', python: null, source: 'build-flash-attention README example' },
    { package: 'flash-attn', version: '2.8.3.post1', cuda: '13.0', torch: '2.11', python: null, source: `${SEEN} (cp311 build noted by a Dockerfile's notes)` },
    { package: 'flash-attn', version: '2.8.3.post1', cuda: '13.0', torch: '2.12', python: null, source: `${SEEN} (peng-lab/phoenix README)` },
    { package: 'causal-conv1d', version: '1.6.2.post1', cuda: '12.8', torch: '2.11', python: null, source: 'build-causal-conv1d README example' },
    { package: 'mamba-ssm', version: '2.3.2.post1', cuda: '12.8', torch: '2.11', python: null, source: 'build-mamba README example' },
    { package: 'deepspeed', version: '0.18.9', cuda: '12.8', torch: '2.10', python: null, source: 'build-deepspeed README example' },
  ],
};
