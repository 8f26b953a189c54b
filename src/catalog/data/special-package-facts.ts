import type { Confidence } from '../types.js';

/**
 * Every package danlu does not leave to a plain PyPI requirement, with all it knows of each: the
 * one list. The resolvers (src/wheels/registry.ts) are keyed by these names, and the compiler
 * asks for one per row; everything else that needs a special package's facts reads them here:
 * torch choice (`prefersPrebuilt`), `doctor --deep` (`importName`), `catalog update` (`astral`).
 */
export interface SpecialPackageFacts {
  /** PEP 503 normalised name. */
  name: string;
  /** Other names (normalised) that mean the same package. */
  aliases?: readonly string[];
  /**
   * Prebuilt wheels (or pages) exist for some torch builds and not others: torch choice prefers a
   * build for which it is prebuilt, so nothing compiles for hours.
   */
  prefersPrebuilt?: true;
  /**
   * The module whose import loads a compiled extension built against one torch: what fails with
   * "undefined symbol" when the build does not match, so `doctor --deep` imports it in the container.
   */
  importName?: string;
  /** Astral's GPU indexes serve its builds: `danlu catalog update` reads their pages. */
  astral?: true;
  /**
   * Each of its builds is made for one torch (a compiled extension, or a release that pins one
   * torch): a frozen environment's exact pin of it goes with that environment's torch.
   */
  perTorch?: true;
  confidence: Confidence;
  /** Where its facts come from. */
  source: string;
}

const PYG = 'data.pyg.org find-links pages (pyg-team/pyg-lib build matrix)';

export const SPECIAL_PACKAGE_FACTS = [
  { name: 'torch', confidence: 'V', source: 'PyTorch release matrix; uv PyTorch guide' },
  { name: 'torchvision', confidence: 'V', source: 'PyTorch release matrix (torchvision 0.(minor+15))' },
  { name: 'torchaudio', confidence: 'V', source: 'last torchaudio: 2.11.0' },
  { name: 'xformers', perTorch: true, confidence: 'V', source: 'facebookresearch/xformers tags and workflows' },
  { name: 'triton', perTorch: true, confidence: 'V', source: 'served from the torch index, no CUDA pin' },
  {
    name: 'flash-attn',
    perTorch: true,
    prefersPrebuilt: true,
    importName: 'flash_attn',
    astral: true,
    confidence: 'V',
    source: "Astral's GPU indexes; official publish.yml per tag; community wheel list",
  },
  { name: 'flash-attn-3', perTorch: true, prefersPrebuilt: true, confidence: 'S', source: 'community FA3 abi3 wheels; Hopper only' },
  { name: 'pyg-lib', perTorch: true, prefersPrebuilt: true, confidence: 'S', source: PYG },
  { name: 'torch-scatter', perTorch: true, prefersPrebuilt: true, importName: 'torch_scatter', confidence: 'S', source: PYG },
  { name: 'torch-sparse', perTorch: true, prefersPrebuilt: true, importName: 'torch_sparse', confidence: 'S', source: PYG },
  { name: 'torch-cluster', perTorch: true, prefersPrebuilt: true, importName: 'torch_cluster', confidence: 'S', source: PYG },
  { name: 'torch-spline-conv', perTorch: true, prefersPrebuilt: true, confidence: 'S', source: PYG },
  {
    name: 'mmcv',
    perTorch: true,
    aliases: ['mmcv-full'],
    prefersPrebuilt: true,
    confidence: 'V',
    source: 'open-mmlab/mmcv docs/en/_static/version.json; setup.py (imports pkg_resources)',
  },
  {
    name: 'causal-conv1d',
    perTorch: true,
    prefersPrebuilt: true,
    importName: 'causal_conv1d',
    astral: true,
    confidence: 'S',
    source: 'Dao-AILab/causal-conv1d publish workflow per tag (release wheels); setup.py (release wheel lookup)',
  },
  {
    name: 'mamba-ssm',
    perTorch: true,
    prefersPrebuilt: true,
    importName: 'mamba_ssm',
    astral: true,
    confidence: 'S',
    source: 'state-spaces/mamba publish workflow per tag (release wheels); setup.py (release wheel lookup)',
  },
  { name: 'apex', perTorch: true, confidence: 'S', source: 'NVIDIA/apex; PyPI name clash' },
  { name: 'clip', aliases: ['openai-clip'], confidence: 'S', source: 'github.com/openai/CLIP; PyPI name clash (openai-clip: a re-upload, kept)' },
  { name: 'vllm', perTorch: true, confidence: 'S', source: 'vLLM pins one torch per release' },
  { name: 'bitsandbytes', confidence: 'S', source: 'bitsandbytes docs' },
  { name: 'deepspeed', astral: true, confidence: 'S', source: "Astral's GPU indexes; uv docs; DeepSpeed JIT ops" },
  { name: 'nunchaku', perTorch: true, prefersPrebuilt: true, confidence: 'S', source: 'nunchaku-ai/nunchaku releases; PyPI name clash' },
  { name: 'flashinfer-python', perTorch: true, confidence: 'S', source: 'flashinfer' },
  { name: 'ktransformers', perTorch: true, confidence: '?', source: 'kvcache-ai/ktransformers releases' },
  {
    name: 'sageattention',
    perTorch: true,
    prefersPrebuilt: true,
    importName: 'sageattention',
    astral: true,
    confidence: 'S',
    source: "Astral's GPU indexes; thu-ml/SageAttention setup.py (2.2.0); PyPI: sageattention 1.0.6 (SageAttention 1)",
  },
] as const satisfies readonly SpecialPackageFacts[];

/** Packages each of whose builds is made for one torch (see SpecialPackageFacts.perTorch). */
export const PER_TORCH: ReadonlySet<string> = new Set(
  (SPECIAL_PACKAGE_FACTS as readonly SpecialPackageFacts[]).filter((f) => f.perTorch).flatMap((f) => [f.name, ...(f.aliases ?? [])]),
);

/** The name of a special package: the resolvers' table must have one for each. */
export type SpecialPackageName = (typeof SPECIAL_PACKAGE_FACTS)[number]['name'];

const FACTS: readonly SpecialPackageFacts[] = SPECIAL_PACKAGE_FACTS;

/** The modules `doctor --deep` imports in the container (compiled extensions), in the table's order. */
export const EXTENSION_MODULES: readonly string[] = FACTS.flatMap((f) => (f.importName ? [f.importName] : []));

/** The packages `danlu catalog update` reads from Astral's GPU indexes. */
export const ASTRAL_PACKAGES: readonly string[] = FACTS.filter((f) => f.astral).map((f) => f.name);

/** Names (and aliases) for which torch choice prefers a build with a prebuilt wheel. */
export const PREFERS_PREBUILT: ReadonlySet<string> = new Set(FACTS.filter((f) => f.prefersPrebuilt).flatMap((f) => [f.name, ...(f.aliases ?? [])]));
