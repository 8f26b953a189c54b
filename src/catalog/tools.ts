import type { Provenance } from './types.js';
import toolData from './data/tools.json' with { type: 'json' };

/** Pinned tools the generated image installs. Bump here, never in templates. */
export interface ToolPins extends Provenance {
  uv: { version: string; image: string };
  starship: { version: string; url: (arch: string) => string };
}

export const TOOLS: ToolPins = {
  source: toolData.source,
  asOf: toolData.asOf,
  confidence: 'V',
  uv: { version: toolData.uv.version, image: `ghcr.io/astral-sh/uv:${toolData.uv.version}` },
  starship: {
    version: toolData.starship.version,
    url: (arch) => `https://github.com/starship/starship/releases/download/v${toolData.starship.version}/starship-${arch}-unknown-linux-musl.tar.gz`,
  },
};

/** apt packages every generated image gets (the seed's list, minus what nobody needs). */
export const BASE_APT_PACKAGES: readonly string[] = [
  'bzip2',
  'ca-certificates',
  'curl',
  'ffmpeg',
  'gdb',
  'git',
  'git-lfs',
  'htop',
  'jq',
  'less',
  'libgl1',
  'libglib2.0-0',
  'libsm6',
  'libxext6',
  'libxrender1',
  'locales',
  'lsb-release',
  'nano',
  'openssh-client',
  'rsync',
  'sudo',
  'tmux',
  'tree',
  'unzip',
  'vim-tiny',
  'wget',
  'xz-utils',
  'zip',
  'aria2',
  'build-essential',
  'pkg-config',
  'tzdata',
];
