import { ASTRAL_INDEXES, type AstralIndexes } from './data/astral-wheels.js';
import { CUDA_FAMILY_DRIVERS, TOOLKIT_DRIVERS } from './drivers.js';
import { CUDA_IMAGES, UBUNTU_RELEASES, WHEEL_IMAGE, type CudaImageRow, type WheelImageRow } from './cuda-images.js';
import { newestDate } from './file.js';
import { GPU_TABLE } from './gpus.js';
import { MIRRORS } from './mirrors.js';
import { SNAPSHOT } from './snapshot.js';
import { TOOLS, type ToolPins } from './tools.js';
import { TORCH, type TorchMatrix } from './torch.js';
import type { Table } from './types.js';
import type { WheelAsset } from './wheels.js';

/** The knowledge the planner uses. */
export interface Catalog {
  /** "embedded", or "user" when parts come from the user catalog (`danlu catalog update`). */
  name: string;
  /** The newest date of its parts. */
  asOf: string;
  cudaFamilyDrivers: typeof CUDA_FAMILY_DRIVERS;
  toolkitDrivers: typeof TOOLKIT_DRIVERS;
  cudaImages: Table<CudaImageRow>;
  wheelImage: Table<WheelImageRow>;
  /** Ubuntu releases danlu generates for, newest first. */
  ubuntuReleases: readonly string[];
  gpus: typeof GPU_TABLE;
  torch: TorchMatrix;
  tools: ToolPins;
  mirrors: typeof MIRRORS;
  /** Prebuilt flash-attn wheels (GitHub release assets), for the flash-attn resolver. */
  wheels: Table<WheelAsset>;
  /** Astral's GPU indexes and the builds they serve. */
  astral: AstralIndexes;
}

/** The embedded snapshot: the default, and the base every user catalog is merged onto. */
export const EMBEDDED_CATALOG: Catalog = {
  name: 'embedded',
  asOf: newestDate([SNAPSHOT.asOf, CUDA_FAMILY_DRIVERS.asOf, TOOLKIT_DRIVERS.asOf, GPU_TABLE.asOf, TOOLS.asOf, MIRRORS.asOf, ASTRAL_INDEXES.asOf]),
  cudaFamilyDrivers: CUDA_FAMILY_DRIVERS,
  toolkitDrivers: TOOLKIT_DRIVERS,
  cudaImages: CUDA_IMAGES,
  wheelImage: WHEEL_IMAGE,
  ubuntuReleases: UBUNTU_RELEASES,
  gpus: GPU_TABLE,
  torch: TORCH,
  tools: TOOLS,
  mirrors: MIRRORS,
  wheels: SNAPSHOT.parts.wheels,
  astral: ASTRAL_INDEXES,
};
