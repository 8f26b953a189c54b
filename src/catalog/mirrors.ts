import type { Provenance } from './types.js';

export type MirrorKind = 'apt' | 'pypi' | 'pytorch' | 'huggingface' | 'dockerhub' | 'ghcr' | 'python';

export interface MirrorCandidate {
  kind: MirrorKind;
  /** URL (or registry host for dockerhub/ghcr). null = the canonical upstream, no override. */
  url: string | null;
  name: string;
  purpose: string;
}

export interface MirrorPreset {
  name: 'global' | 'cn';
  description: string;
  /** Chosen mirror per kind; null = upstream. */
  choice: Record<MirrorKind, string | null>;
}

export const CANONICAL: Record<MirrorKind, string> = {
  apt: 'http://archive.ubuntu.com/ubuntu/',
  pypi: 'https://pypi.org/simple',
  pytorch: 'https://download.pytorch.org/whl',
  huggingface: 'https://huggingface.co',
  dockerhub: 'docker.io',
  ghcr: 'ghcr.io',
  python: 'https://github.com/astral-sh/python-build-standalone/releases/download',
};

export const MIRRORS: Provenance & { presets: readonly MirrorPreset[]; candidates: readonly MirrorCandidate[] } = {
  source:
    'seed 000 (recommended mirrors in mainland China); mirror sites own help pages (bfsu, tuna, ustc, aliyun, hf-mirror.com, daocloud, nju, npmmirror)',
  asOf: '2026-11-22',
  confidence: 'S',
  presets: [
    {
      name: 'global',
      description: 'upstream endpoints everywhere (no mirror)',
      choice: { apt: null, pypi: null, pytorch: null, huggingface: null, dockerhub: null, ghcr: null, python: null },
    },
    {
      name: 'cn',
      description: 'mirrors inside mainland China; the PyTorch index stays upstream (mirrors lag and redirect)',
      choice: {
        apt: 'https://mirrors.bfsu.edu.cn/ubuntu/',
        pypi: 'https://mirrors.aliyun.com/pypi/simple/',
        pytorch: null,
        huggingface: 'https://hf-mirror.com',
        dockerhub: 'docker.m.daocloud.io',
        ghcr: 'ghcr.nju.edu.cn',
        python: 'https://registry.npmmirror.com/-/binary/python-build-standalone',
      },
    },
  ],
  candidates: [
    { kind: 'apt', url: null, name: 'ubuntu', purpose: 'Ubuntu archive (upstream)' },
    { kind: 'apt', url: 'https://mirrors.bfsu.edu.cn/ubuntu/', name: 'bfsu', purpose: 'Ubuntu archive, Beijing Foreign Studies University' },
    { kind: 'apt', url: 'https://mirrors.tuna.tsinghua.edu.cn/ubuntu/', name: 'tuna', purpose: 'Ubuntu archive, Tsinghua' },
    { kind: 'apt', url: 'https://mirrors.ustc.edu.cn/ubuntu/', name: 'ustc', purpose: 'Ubuntu archive, USTC' },
    { kind: 'apt', url: 'https://mirrors.aliyun.com/ubuntu/', name: 'aliyun', purpose: 'Ubuntu archive, Alibaba Cloud' },
    { kind: 'pypi', url: null, name: 'pypi', purpose: 'PyPI (upstream)' },
    { kind: 'pypi', url: 'https://mirrors.aliyun.com/pypi/simple/', name: 'aliyun', purpose: 'PyPI, Alibaba Cloud' },
    { kind: 'pypi', url: 'https://pypi.tuna.tsinghua.edu.cn/simple', name: 'tuna', purpose: 'PyPI, Tsinghua' },
    { kind: 'pypi', url: 'https://mirrors.ustc.edu.cn/pypi/simple', name: 'ustc', purpose: 'PyPI, USTC' },
    { kind: 'pytorch', url: null, name: 'pytorch', purpose: 'PyTorch wheel indexes (upstream)' },
    { kind: 'pytorch', url: 'https://mirrors.aliyun.com/pytorch-wheels', name: 'aliyun', purpose: 'PyTorch wheels, Alibaba Cloud (lags upstream)' },
    { kind: 'huggingface', url: null, name: 'huggingface', purpose: 'Hugging Face Hub (upstream)' },
    { kind: 'huggingface', url: 'https://hf-mirror.com', name: 'hf-mirror', purpose: 'Hugging Face Hub mirror' },
    { kind: 'dockerhub', url: null, name: 'docker.io', purpose: 'Docker Hub (upstream)' },
    { kind: 'dockerhub', url: 'docker.m.daocloud.io', name: 'daocloud', purpose: 'Docker Hub mirror for popular images, nvidia/cuda included' },
    { kind: 'ghcr', url: null, name: 'ghcr.io', purpose: 'GitHub Container Registry (upstream, the uv image)' },
    { kind: 'ghcr', url: 'ghcr.nju.edu.cn', name: 'nju', purpose: 'ghcr.io mirror, Nanjing University' },
    { kind: 'python', url: null, name: 'github', purpose: 'uv-managed Python downloads (upstream)' },
    { kind: 'python', url: 'https://registry.npmmirror.com/-/binary/python-build-standalone', name: 'npmmirror', purpose: 'python-build-standalone mirror' },
  ],
};

export function presetNamed(name: string): MirrorPreset | undefined {
  return MIRRORS.presets.find((p) => p.name === name);
}
