import { SNAPSHOT } from './snapshot.js';
import type { Table } from './types.js';

/** One `nvidia/cuda` version and the Ubuntu releases it has images for. */
export interface CudaImageRow {
  /** Full tag version, always with a patch: "12.8.1". */
  version: string;
  /** Ubuntu releases with base/runtime/devel images. */
  ubuntu: readonly string[];
  /** Tags still published (support policy: only the newest patch of a minor is kept). */
  supported: boolean;
  /** Image architectures seen on Docker Hub ("amd64", "arm64"); absent when not fetched. */
  arch?: readonly string[];
}

/** The `nvidia/cuda` tag that matches a PyTorch wheel variant. */
export interface WheelImageRow {
  backend: string;
  image: string;
}

/**
 * `nvidia/cuda:<version>-devel-ubuntu<release>` tags known to exist; data in
 * snapshot.json. Curated rows 11.8.0–13.0.0 from NVIDIA's supported-tags list and 13.0.x–13.2.x
 * from replicate/cog's Docker Hub scrape (2026-05-07); after a refresh, Docker Hub's tag list.
 */
export const CUDA_IMAGES: Table<CudaImageRow> = SNAPSHOT.parts.cudaImages;

/** The CUDA image that matches each PyTorch wheel variant (PyTorch RELEASE.md). */
export const WHEEL_IMAGE: Table<WheelImageRow> = SNAPSHOT.parts.wheelImage;

/** Ubuntu releases danlu generates for, newest first. */
export const UBUNTU_RELEASES = ['24.04', '22.04'] as const;
/** An Ubuntu release danlu writes images for and sets hosts up on. */
export type UbuntuRelease = (typeof UBUNTU_RELEASES)[number];

/** The `python3` that Ubuntu's own archive installs in each release (what the image's apt step gets). */
export interface UbuntuPythonRow {
  ubuntu: (typeof UBUNTU_RELEASES)[number];
  /** Minor version of the `python3` package: "3.12". */
  python: string;
  /** The package version the archive had on the as-of date. */
  package: string;
}

export const UBUNTU_PYTHON: Table<UbuntuPythonRow> = {
  source: 'https://packages.ubuntu.com/noble/python3 and https://packages.ubuntu.com/jammy/python3',
  asOf: '2026-12-02',
  confidence: 'V',
  rows: [
    { ubuntu: '24.04', python: '3.12', package: '3.12.3-0ubuntu2' },
    { ubuntu: '22.04', python: '3.10', package: '3.10.6-1~22.04.1' },
  ],
};
