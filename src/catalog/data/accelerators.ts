import type { Table } from '../types.js';

/**
 * Installs for accelerators other than NVIDIA's: README lines and requirement files that offer
 * them are alternatives to the CUDA environment danlu builds, not dependencies of it.
 */
export interface AlternativeAccelerator {
  /** What users call it. */
  accelerator: string;
  /** PEP 503 names of packages that exist only for it. */
  packages: readonly string[];
  /** Index URLs that serve its builds. */
  indexes: readonly RegExp[];
  source: string;
}

export const ALTERNATIVE_ACCELERATORS: Table<AlternativeAccelerator> = {
  source: "the projects' own install pages (named per row); pytorch.org/get-started (ROCm and XPU index URLs)",
  asOf: '2026-12-02',
  confidence: 'V',
  rows: [
    {
      accelerator: 'AMD ROCm',
      packages: ['pytorch-triton-rocm'],
      indexes: [/download\.pytorch\.org\/whl\/(nightly\/|test\/)?rocm/],
      source: 'pytorch.org/get-started/locally (ROCm builds: /whl/rocmX.Y)',
    },
    {
      accelerator: 'Intel XPU',
      packages: ['intel-extension-for-pytorch', 'oneccl-bind-pt', 'ipex-llm', 'pytorch-triton-xpu'],
      indexes: [/download\.pytorch\.org\/whl\/(nightly\/|test\/)?xpu/, /pytorch-extension\.intel\.com/],
      source: 'intel.github.io/intel-extension-for-pytorch (installation: --extra-index-url pytorch-extension.intel.com); pytorch.org XPU builds (/whl/xpu)',
    },
    {
      accelerator: 'Huawei Ascend NPU',
      packages: ['torch-npu', 'triton-ascend'],
      indexes: [/triton-ascend/, /ascend/i],
      source: 'gitee.com/ascend/pytorch (torch-npu); triton-ascend install page',
    },
    {
      accelerator: 'DirectML (Windows)',
      packages: ['torch-directml'],
      indexes: [],
      source: 'learn.microsoft.com/windows/ai/directml/pytorch-windows (pip install torch-directml)',
    },
    { accelerator: 'Moore Threads MUSA', packages: ['torch-musa'], indexes: [], source: 'github.com/MooreThreads/torch_musa' },
    {
      accelerator: 'Google TPU',
      packages: ['torch-xla'],
      indexes: [/storage\.googleapis\.com\/libtpu/],
      source: 'github.com/pytorch/xla (pip install torch_xla[tpu])',
    },
  ],
};

/** The accelerator a package or an index URL is for, when it is not NVIDIA's. */
export function alternativeAccelerator(what: { package?: string; index?: string }): string | null {
  for (const row of ALTERNATIVE_ACCELERATORS.rows) {
    if (what.package && row.packages.includes(what.package)) return row.accelerator;
    if (what.index && row.indexes.some((re) => re.test(what.index!))) return row.accelerator;
  }
  return null;
}

/** Package indexes of other vendors and the packages they serve (what gets routed to them). */
export interface VendorIndex {
  host: RegExp;
  packages: RegExp;
  what: string;
  source: string;
}

export const VENDOR_INDEXES: Table<VendorIndex> = {
  source: "the vendors' install pages (per row)",
  asOf: '2026-12-02',
  confidence: 'S',
  rows: [
    {
      host: /(^|\.)pypi\.nvidia\.com$/,
      packages: /^(tensorrt(-.+)?|nvidia-.+|polygraphy|onnx-graphsurgeon|pytorch-quantization|cuda-python|cudf-.+|cuml-.+|cugraph-.+)$/,
      what: "NVIDIA's packages (TensorRT, RAPIDS...)",
      source: 'docs.nvidia.com/deeplearning/tensorrt (pip install with --extra-index-url https://pypi.nvidia.com); docs.rapids.ai/install',
    },
  ],
};

export function vendorIndexOf(url: string): VendorIndex | undefined {
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  return VENDOR_INDEXES.rows.find((r) => r.host.test(host));
}
