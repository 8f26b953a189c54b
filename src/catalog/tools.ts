import type { Provenance } from './types.js';

/** Pinned tools the generated image installs. Bump here, never in templates. */
export interface ToolPins extends Provenance {
  uv: { version: string; image: string };
  starship: { version: string; url: (arch: string) => string };
}

export const TOOLS: ToolPins = {
  source:
    'docs.astral.sh/uv/guides/integration/docker (COPY --from the uv image); github.com/starship/starship releases (assets with .sha256)',
  asOf: '2026-11-22',
  confidence: 'S',
  uv: { version: '0.11.15', image: 'ghcr.io/astral-sh/uv:0.11.15' },
  starship: {
    version: '1.24.1',
    url: (arch) =>
      `https://github.com/starship/starship/releases/download/v1.24.1/starship-${arch}-unknown-linux-musl.tar.gz`,
  },
};

/** apt packages every generated image gets (the seed's list, minus what nobody needs). */
export const BASE_APT_PACKAGES: readonly string[] = [
  'bzip2', 'ca-certificates', 'curl', 'ffmpeg', 'gdb', 'git', 'git-lfs', 'htop', 'jq', 'less',
  'libgl1', 'libglib2.0-0', 'libsm6', 'libxext6', 'libxrender1', 'locales', 'lsb-release',
  'nano', 'openssh-client', 'rsync', 'sudo', 'tmux', 'tree', 'unzip', 'vim-tiny', 'wget',
  'xz-utils', 'zip', 'aria2', 'build-essential', 'pkg-config', 'tzdata',
];
