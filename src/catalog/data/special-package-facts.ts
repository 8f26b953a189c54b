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
  confidence: Confidence;
  /** Where its facts come from. */
  source: string;
}

const PYG = 'data.pyg.org find-links pages (pyg-team/pyg-lib build matrix)';

export const SPECIAL_PACKAGE_FACTS = [
  { name: 'torch', confidence: 'V', source: 'PyTorch release matrix; uv PyTorch guide' },
  { name: 'torchvision', confidence: 'V', source: 'PyTorch release matrix (torchvision 0.(minor+15))' },
  { name: 'torchaudio', confidence: 'V', source: 'last torchaudio: 2.11.0' },
  { name: 'xformers', confidence: 'V', source: 'facebookresearch/xformers tags and workflows' },
  { name: 'triton', confidence: 'V', source: 'served from the torch index, no CUDA pin' },
  {
    name: 'flash-attn',
    prefersPrebuilt: true,
    importName: 'flash_attn',
    astral: true,
    confidence: 'V',
    source: "Astral's GPU indexes; official publish.yml per tag; community wheel list",
  },
  { name: 'flash-attn-3', prefersPrebuilt: true, confidence: 'S', source: 'community FA3 abi3 wheels; Hopper only' },
  { name: 'pyg-lib', prefersPrebuilt: true, confidence: 'S', source: PYG },
  { name: 'torch-scatter', prefersPrebuilt: true, importName: 'torch_scatter', confidence: 'S', source: PYG },
  { name: 'torch-sparse', prefersPrebuilt: true, importName: 'torch_sparse', confidence: 'S', source: PYG },
  { name: 'torch-cluster', prefersPrebuilt: true, importName: 'torch_cluster', confidence: 'S', source: PYG },
  { name: 'torch-spline-conv', prefersPrebuilt: true, confidence: 'S', source: PYG },
  {
    name: 'mmcv',
    aliases: ['mmcv-full'],
    prefersPrebuilt: true,
    confidence: 'V',
    source: 'open-mmlab/mmcv docs/en/_static/version.json; setup.py (imports pkg_resources)',
  },
  {
    name: 'causal-conv1d',
    prefersPrebuilt: true,
    importName: 'causal_conv1d',
    astral: true,
    confidence: 'S',
    source: 'Dao-AILab/causal-conv1d publish workflow per tag (release wheels); setup.py (release wheel lookup)',
  },
  {
    name: 'mamba-ssm',
    prefersPrebuilt: true,
    importName: 'mamba_ssm',
    astral: true,
    confidence: 'S',
    source: 'state-spaces/mamba publish workflow per tag (release wheels); setup.py (release wheel lookup)',
  },
  { name: 'apex', confidence: 'S', source: 'NVIDIA/apex; PyPI name clash' },
  { name: 'clip', aliases: ['openai-clip'], confidence: 'S', source: 'github.com/openai/CLIP; PyPI name clash (openai-clip: a re-upload, kept)' },
  { name: 'vllm', confidence: 'S', source: 'vLLM pins one torch per release' },
  { name: 'bitsandbytes', confidence: 'S', source: 'bitsandbytes docs' },
  { name: 'deepspeed', astral: true, confidence: 'S', source: "Astral's GPU indexes; uv docs; DeepSpeed JIT ops" },
  { name: 'nunchaku', prefersPrebuilt: true, confidence: 'S', source: 'nunchaku-ai/nunchaku releases; PyPI name clash' },
  { name: 'flashinfer-python', confidence: 'S', source: 'flashinfer' },
  { name: 'ktransformers', confidence: '?', source: 'kvcache-ai/ktransformers releases' },
  {
    name: 'sageattention',
    prefersPrebuilt: true,
    importName: 'sageattention',
    astral: true,
    confidence: 'S',
    source: "Astral's GPU indexes; thu-ml/SageAttention setup.py (2.2.0); PyPI: sageattention 1.0.6 (SageAttention 1)",
  },
] as const satisfies readonly SpecialPackageFacts[];

/** The name of a special package: the resolvers' table must have one for each. */
export type SpecialPackageName = (typeof SPECIAL_PACKAGE_FACTS)[number]['name'];

const FACTS: readonly SpecialPackageFacts[] = SPECIAL_PACKAGE_FACTS;

/** The modules `doctor --deep` imports in the container (compiled extensions), in the table's order. */
export const EXTENSION_MODULES: readonly string[] = FACTS.flatMap((f) => (f.importName ? [f.importName] : []));

/** The packages `danlu catalog update` reads from Astral's GPU indexes. */
export const ASTRAL_PACKAGES: readonly string[] = FACTS.filter((f) => f.astral).map((f) => f.name);

/** Names (and aliases) for which torch choice prefers a build with a prebuilt wheel. */
export const PREFERS_PREBUILT: ReadonlySet<string> = new Set(FACTS.filter((f) => f.prefersPrebuilt).flatMap((f) => [f.name, ...(f.aliases ?? [])]));
