import { CUDA_FAMILY_DRIVERS, DATACENTER_BRANCHES, TOOLKIT_DRIVERS } from './drivers.js';
import { CUDA_IMAGES, UBUNTU_RELEASES, WHEEL_IMAGE } from './cuda-images.js';
import { GPU_TABLE } from './gpus.js';
import { MIRRORS } from './mirrors.js';
import { TOOLS } from './tools.js';
import { TORCH } from './torch.js';

/** The knowledge the planner uses. The embedded snapshot is the default. */
export const EMBEDDED_CATALOG = {
  name: 'embedded',
  asOf: '2026-11-22',
  cudaFamilyDrivers: CUDA_FAMILY_DRIVERS,
  toolkitDrivers: TOOLKIT_DRIVERS,
  datacenterBranches: DATACENTER_BRANCHES,
  cudaImages: CUDA_IMAGES,
  wheelImage: WHEEL_IMAGE,
  ubuntuReleases: UBUNTU_RELEASES,
  gpus: GPU_TABLE,
  torch: TORCH,
  tools: TOOLS,
  mirrors: MIRRORS,
};

export type Catalog = typeof EMBEDDED_CATALOG;
