import type { Provenance } from './types.js';

export type MirrorKind = 'apt' | 'pypi' | 'pytorch' | 'huggingface' | 'dockerhub' | 'ghcr' | 'python';

export interface MirrorCandidate {
  kind: MirrorKind;
  /** URL (or registry host for dockerhub/ghcr). null = the canonical upstream, no override. */
  url: string | null;
  name: string;
  purpose: string;
  /** Where the endpoint and its usage are documented. */
  source?: string;
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
  source: 'recommended mirrors in mainland China: mirror sites own help pages (bfsu, tuna, ustc, aliyun, hf-mirror.com, daocloud, nju, npmmirror)',
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
    { kind: 'apt', url: null, name: 'ubuntu', purpose: 'Ubuntu archive (upstream)', source: 'https://wiki.ubuntu.com/Mirrors' },
    {
      kind: 'apt',
      url: 'https://mirrors.bfsu.edu.cn/ubuntu/',
      name: 'bfsu',
      purpose: 'Ubuntu archive, Beijing Foreign Studies University',
      source: 'https://mirrors.bfsu.edu.cn/help/ubuntu/',
    },
    {
      kind: 'apt',
      url: 'https://mirrors.tuna.tsinghua.edu.cn/ubuntu/',
      name: 'tuna',
      purpose: 'Ubuntu archive, Tsinghua',
      source: 'https://mirrors.tuna.tsinghua.edu.cn/help/ubuntu/',
    },
    {
      kind: 'apt',
      url: 'https://mirrors.ustc.edu.cn/ubuntu/',
      name: 'ustc',
      purpose: 'Ubuntu archive, USTC',
      source: 'https://mirrors.ustc.edu.cn/help/ubuntu.html',
    },
    {
      kind: 'apt',
      url: 'https://mirrors.aliyun.com/ubuntu/',
      name: 'aliyun',
      purpose: 'Ubuntu archive, Alibaba Cloud',
      source: 'https://developer.aliyun.com/mirror/ubuntu',
    },
    { kind: 'pypi', url: null, name: 'pypi', purpose: 'PyPI (upstream)', source: 'https://docs.pypi.org/api/index-api/' },
    {
      kind: 'pypi',
      url: 'https://mirrors.aliyun.com/pypi/simple/',
      name: 'aliyun',
      purpose: 'PyPI, Alibaba Cloud',
      source: 'https://developer.aliyun.com/mirror/pypi',
    },
    {
      kind: 'pypi',
      url: 'https://pypi.tuna.tsinghua.edu.cn/simple',
      name: 'tuna',
      purpose: 'PyPI, Tsinghua',
      source: 'https://mirrors.tuna.tsinghua.edu.cn/help/pypi/',
    },
    { kind: 'pypi', url: 'https://mirrors.ustc.edu.cn/pypi/simple', name: 'ustc', purpose: 'PyPI, USTC', source: 'https://mirrors.ustc.edu.cn/help/pypi.html' },
    { kind: 'pytorch', url: null, name: 'pytorch', purpose: 'PyTorch wheel indexes (upstream)', source: 'https://pytorch.org/get-started/locally/' },
    {
      kind: 'pytorch',
      url: 'https://mirrors.aliyun.com/pytorch-wheels',
      name: 'aliyun',
      purpose: 'PyTorch wheels, Alibaba Cloud (lags upstream)',
      source: 'https://developer.aliyun.com/mirror/pytorch-wheels',
    },
    {
      kind: 'huggingface',
      url: null,
      name: 'huggingface',
      purpose: 'Hugging Face Hub (upstream)',
      source: 'https://huggingface.co/docs/huggingface_hub/package_reference/environment_variables',
    },
    { kind: 'huggingface', url: 'https://hf-mirror.com', name: 'hf-mirror', purpose: 'Hugging Face Hub mirror', source: 'https://hf-mirror.com' },
    { kind: 'dockerhub', url: null, name: 'docker.io', purpose: 'Docker Hub (upstream)', source: 'https://docs.docker.com/docker-hub/' },
    {
      kind: 'dockerhub',
      url: 'docker.m.daocloud.io',
      name: 'daocloud',
      purpose: 'Docker Hub mirror for popular images, nvidia/cuda included',
      source: 'https://github.com/DaoCloud/public-image-mirror',
    },
    {
      kind: 'ghcr',
      url: null,
      name: 'ghcr.io',
      purpose: 'GitHub Container Registry (upstream, the uv image)',
      source: 'https://docs.github.com/packages/working-with-a-github-packages-registry/working-with-the-container-registry',
    },
    { kind: 'ghcr', url: 'ghcr.nju.edu.cn', name: 'nju', purpose: 'ghcr.io mirror, Nanjing University', source: 'https://mirror.nju.edu.cn/' },
    {
      kind: 'python',
      url: null,
      name: 'github',
      purpose: 'uv-managed Python downloads (upstream)',
      source: 'https://docs.astral.sh/uv/reference/environment/#uv_python_install_mirror',
    },
    {
      kind: 'python',
      url: 'https://registry.npmmirror.com/-/binary/python-build-standalone',
      name: 'npmmirror',
      purpose: 'python-build-standalone mirror',
      source: 'https://registry.npmmirror.com/binary.html?path=python-build-standalone/',
    },
  ],
};

export function presetNamed(name: string): MirrorPreset | undefined {
  return MIRRORS.presets.find((p) => p.name === name);
}
