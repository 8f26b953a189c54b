import type { Table } from './types.js';

/** Which repository a prebuilt wheel comes from. */
export type WheelChannel = 'official' | 'community';

/**
 * One prebuilt CUDA wheel published as a GitHub release asset, for the flash-attn resolver.
 * Parsed from the asset's file name; the URL is the asset's own download URL.
 */
export interface WheelAsset {
  /** Normalised distribution name: "flash-attn", "flash-attn-3". */
  package: string;
  /** Public version, without the local label: "2.8.3", "2.8.3.post1". */
  version: string;
  url: string;
  filename: string;
  /** CUDA the wheel targets as its name says it: "12" (official cu12), "12.8" (community cu128). */
  cuda: string;
  /** torch major.minor it was built against: "2.8". */
  torch: string;
  /** The `cxx11abi{TRUE,FALSE}` field of official names; null where the name has none. */
  cxx11abi: boolean | null;
  /** "3.12", "3.13t" (free-threaded), ">=3.9" (abi3). */
  python: string;
  /** Platform tag as written: "linux_x86_64", "manylinux_2_28_x86_64", "win_amd64". */
  platform: string;
  channel: WheelChannel;
  /** Release tag the asset belongs to: "v2.8.3". */
  release: string;
  /** sha256 of the file, when GitHub reported a digest. */
  sha256?: string;
}

export type WheelTable = Table<WheelAsset>;

/** The repositories each channel is read from. */
export const WHEEL_REPOS: Record<WheelChannel, string> = {
  official: 'Dao-AILab/flash-attention',
  community: 'mjun0812/flash-attention-prebuild-wheels',
};
