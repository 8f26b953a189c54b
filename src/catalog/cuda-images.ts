import { table } from './types.js';

/** One `nvidia/cuda` version and the Ubuntu releases it has images for. */
export interface CudaImageRow {
  /** Full tag version, always with a patch: "12.8.1". */
  version: string;
  /** Ubuntu releases with base/runtime/devel images. */
  ubuntu: readonly string[];
  /** Tags still published (support policy: only the newest patch of a minor is kept). */
  supported: boolean;
}

/**
 * `nvidia/cuda:<version>-devel-ubuntu<release>` tags known to exist (knowledge §2.4).
 * Rows 11.8.0–13.0.0 from NVIDIA's supported-tags list; 13.0.x–13.2.x devel/cudnn-devel
 * from replicate/cog's Docker Hub scrape (2026-05-07); 13.3/13.4 only where seen in use.
 */
export const CUDA_IMAGES = table<CudaImageRow>(
  {
    source:
      'gitlab nvidia/container-images/cuda doc/supported-tags.md (Aug 2025); replicate/cog pkg/config/cuda_compatibility.json (Docker Hub tags, 2026-05-07)',
    asOf: '2026-11-22',
    confidence: 'S',
  },
  [
    { version: '11.8.0', ubuntu: ['18.04', '20.04', '22.04'], supported: false },
    { version: '12.0.1', ubuntu: ['18.04', '20.04', '22.04'], supported: false },
    { version: '12.1.1', ubuntu: ['20.04', '22.04'], supported: false },
    { version: '12.2.2', ubuntu: ['20.04', '22.04'], supported: false },
    { version: '12.3.2', ubuntu: ['20.04', '22.04'], supported: false },
    { version: '12.4.1', ubuntu: ['20.04', '22.04'], supported: true },
    { version: '12.5.1', ubuntu: ['20.04', '22.04', '24.04'], supported: true },
    { version: '12.6.3', ubuntu: ['20.04', '22.04', '24.04'], supported: true },
    { version: '12.8.1', ubuntu: ['20.04', '22.04', '24.04'], supported: true },
    { version: '12.9.1', ubuntu: ['20.04', '22.04', '24.04'], supported: true },
    { version: '13.0.2', ubuntu: ['22.04', '24.04'], supported: true },
    { version: '13.1.1', ubuntu: ['22.04', '24.04'], supported: true },
    { version: '13.2.1', ubuntu: ['22.04', '24.04'], supported: true },
  ],
);

/** The CUDA image that matches each PyTorch wheel variant (knowledge §2.4, PyTorch RELEASE.md). */
export const WHEEL_IMAGE = table<{ backend: string; image: string }>(
  { source: 'PyTorch RELEASE.md (build CUDA per variant)', asOf: '2026-11-22', confidence: 'S' },
  [
    { backend: 'cu118', image: '11.8.0' },
    { backend: 'cu121', image: '12.1.1' },
    { backend: 'cu124', image: '12.4.1' },
    { backend: 'cu126', image: '12.6.3' },
    { backend: 'cu128', image: '12.8.1' },
    { backend: 'cu129', image: '12.9.1' },
    { backend: 'cu130', image: '13.0.2' },
    { backend: 'cu132', image: '13.2.1' },
  ],
);

/** Ubuntu releases danlu generates for, newest first. */
export const UBUNTU_RELEASES = ['24.04', '22.04'] as const;
