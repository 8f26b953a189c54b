import { table } from './types.js';

/**
 * Minimum driver for each CUDA family under minor-version compatibility: any wheel
 * built with a CUDA of that family runs on at least this driver.
 */
export interface CudaFamilyDriver {
  major: number;
  linux: string;
  windows: string;
}

export const CUDA_FAMILY_DRIVERS = table<CudaFamilyDriver>(
  {
    source: 'NVIDIA CUDA compatibility guide (minor-version-compatibility); uv crates/uv-torch/src/backend.rs driver tables',
    asOf: '2026-11-22',
    confidence: 'V',
  },
  [
    { major: 13, linux: '580', windows: '580' },
    { major: 12, linux: '525.60.13', windows: '528.33' },
    { major: 11, linux: '450.80.02', windows: '452.39' },
  ],
);

/**
 * The driver each toolkit release shipped with (Linux x86_64). The driver's own
 * "CUDA Version" (what nvidia-smi prints) is the newest toolkit it reaches here.
 */
export interface ToolkitDriver {
  /** Toolkit major.minor. */
  cuda: string;
  linux: string;
}

export const TOOLKIT_DRIVERS = table<ToolkitDriver>(
  {
    source:
      'docs.nvidia.com/cuda/cuda-toolkit-release-notes, Table 3 (GA rows; 11.0 is the 11.0.2 GA row); ' +
      '13.4: stackhpc/ansible-slurm-appliance PR #1033 (CUDA 13.4.1 with driver 615.71.09) and the R615 compatibility guide (docs.nvidia.com/deploy/cuda-compatibility/615/); ' +
      '13.5 (cudart 13.5.37 on PyPI) is left out: its driver is in no source in reach',
    asOf: '2026-12-02',
    confidence: 'S',
  },
  [
    { cuda: '13.4', linux: '615.71.09' },
    { cuda: '13.3', linux: '610.43.02' },
    { cuda: '13.2', linux: '595.45.04' },
    { cuda: '13.1', linux: '590.44.01' },
    { cuda: '13.0', linux: '580.65.06' },
    { cuda: '12.9', linux: '575.51.03' },
    { cuda: '12.8', linux: '570.26' },
    { cuda: '12.6', linux: '560.28.03' },
    { cuda: '12.5', linux: '555.42.02' },
    { cuda: '12.4', linux: '550.54.14' },
    { cuda: '12.3', linux: '545.23.06' },
    { cuda: '12.2', linux: '535.54.03' },
    { cuda: '12.1', linux: '530.30.02' },
    { cuda: '12.0', linux: '525.60.13' },
    { cuda: '11.8', linux: '520.61.05' },
    { cuda: '11.7', linux: '515.43.04' },
    { cuda: '11.6', linux: '510.39.01' },
    { cuda: '11.5', linux: '495.29.05' },
    { cuda: '11.4', linux: '470.42.01' },
    { cuda: '11.3', linux: '465.19.01' },
    { cuda: '11.2', linux: '460.27.03' },
    { cuda: '11.1', linux: '455.23.04' },
    { cuda: '11.0', linux: '450.51.05' },
  ],
);

/**
 * Driver branches an nvidia/cuda image of a CUDA major starts on although its CUDA is newer
 * than the driver's: the image's NVIDIA_REQUIRE_CUDA lists them as exceptions
 * (`cuda>=11.8 brand=geforce,driver>=470,driver<471 ...`), and the CUDA runtime of that
 * major runs there through minor-version compatibility.
 */
export interface ImageDriverException {
  imageMajor: number;
  /** Driver branch (the first number of the driver version). */
  branch: number;
  source: string;
}

export const IMAGE_DRIVER_EXCEPTIONS: readonly ImageDriverException[] = [
  {
    imageMajor: 11,
    branch: 470,
    source:
      'nvidia/cuda 11.8.0 image config: NVIDIA_REQUIRE_CUDA="cuda>=11.8 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=470,driver<471 brand=nvidia,driver>=470,driver<471 brand=nvidiartx,driver>=470,driver<471 brand=geforce,driver>=470,driver<471 ... brand=titan,driver>=470,driver<471"',
  },
];
