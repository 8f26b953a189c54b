import type { Table } from '../types.js';

/**
 * Git repositories whose distribution name is not the repository's (or folder's) name: a
 * `git clone URL && cd DIR && pip install .`, or a `git+URL` without `#egg=`, installs the
 * package its own metadata names, and uv refuses any other name for it. Keyed by host/owner/repo
 * (lowercase) and the subdirectory installed ('' for the root).
 */
export interface RepositoryRow {
  repository: string;
  subdirectory: string;
  distribution: string;
}

export const REPOSITORY_DISTRIBUTIONS: Table<RepositoryRow> = {
  source: "each repository's setup.py name= / pyproject.toml [project].name at its default branch, as danlu's fixtures and unseen-repository runs met them",
  asOf: '2026-12-07',
  confidence: 'S',
  rows: [
    { repository: 'github.com/dao-ailab/flash-attention', subdirectory: '', distribution: 'flash-attn' },
    { repository: 'github.com/dao-ailab/flash-attention', subdirectory: 'hopper', distribution: 'flash-attn-3' },
    { repository: 'github.com/state-spaces/mamba', subdirectory: '', distribution: 'mamba-ssm' },
    { repository: 'github.com/openai/whisper', subdirectory: '', distribution: 'openai-whisper' },
    { repository: 'github.com/facebookresearch/sam2', subdirectory: '', distribution: 'sam-2' },
    { repository: 'github.com/facebookresearch/segment-anything-2', subdirectory: '', distribution: 'sam-2' },
    { repository: 'github.com/huggingface/pytorch-image-models', subdirectory: '', distribution: 'timm' },
    { repository: 'github.com/microsoft/lora', subdirectory: '', distribution: 'loralib' },
    { repository: 'github.com/nvlabs/tiny-cuda-nn', subdirectory: 'bindings/torch', distribution: 'tinycudann' },
    { repository: 'github.com/nvidia/transformerengine', subdirectory: '', distribution: 'transformer-engine' },
    { repository: 'github.com/open-mmlab/mmdetection', subdirectory: '', distribution: 'mmdet' },
    { repository: 'github.com/rusty1s/pytorch_scatter', subdirectory: '', distribution: 'torch-scatter' },
    { repository: 'github.com/rusty1s/pytorch_sparse', subdirectory: '', distribution: 'torch-sparse' },
    { repository: 'github.com/rusty1s/pytorch_cluster', subdirectory: '', distribution: 'torch-cluster' },
    { repository: 'github.com/rusty1s/pytorch_spline_conv', subdirectory: '', distribution: 'torch-spline-conv' },
    { repository: 'github.com/pyg-team/pytorch_geometric', subdirectory: '', distribution: 'torch-geometric' },
    { repository: 'github.com/xinntao/basicsr', subdirectory: '', distribution: 'basicsr' },
    { repository: 'github.com/salesforce/lavis', subdirectory: '', distribution: 'salesforce-lavis' },
    { repository: 'github.com/flashinfer-ai/flashinfer', subdirectory: '', distribution: 'flashinfer-python' },
    { repository: 'github.com/triton-lang/triton', subdirectory: 'python', distribution: 'triton' },
    { repository: 'github.com/cocodataset/cocoapi', subdirectory: 'PythonAPI', distribution: 'pycocotools' },
    { repository: 'github.com/philferriere/cocoapi', subdirectory: 'PythonAPI', distribution: 'pycocotools' },
  ],
};

/** The distribution a git repository (and subdirectory) installs, when its name differs from the repository's; else null. */
export function distributionOfRepository(url: string, subdirectory = ''): string | null {
  const m = /^(?:git\+)?(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^/:]+)[/:]([^/]+)\/([^/?#]+?)(?:\.git)?\/?(?:[?#].*)?$/i.exec(url.trim());
  if (!m) return null;
  const repository = `${m[1]}/${m[2]}/${m[3]}`.toLowerCase();
  const sub = subdirectory.replace(/^\.?\/+|\/+$/g, '');
  return REPOSITORY_DISTRIBUTIONS.rows.find((r) => r.repository === repository && r.subdirectory === sub)?.distribution ?? null;
}
