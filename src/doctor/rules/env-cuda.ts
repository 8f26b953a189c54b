import { compareDotted, majorMinor } from '../../lib/version.js';
import { driverCuda } from '../../plan/driver.js';
import { imageStarts } from '../../plan/choose-image.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');

/** The image CUDA in .env is no newer than the driver runs (pain point 14, NVIDIA_REQUIRE_CUDA). */
export const envCuda: Rule = ({ files, host, catalog }): Finding[] => {
  const value = files.env?.CUDA_VERSION?.trim();
  const nv = host.nvidia;
  if (!value || !nv) return [];
  if (value === 'none') {
    return nv.gpus.length > 0
      ? [
          f.warn(
            'env-cuda',
            '.env describes a CPU environment, but this host has an NVIDIA GPU',
            'CUDA_VERSION=none: the image has no CUDA.',
            manual('plan again for this host', 'danlu init'),
          ),
        ]
      : [];
  }
  const dCuda = driverCuda(nv.driverVersion, nv.cudaVersion, catalog);
  if (!dCuda) return [];
  const image = majorMinor(value);
  if (compareDotted(image, dCuda) <= 0) return [f.ok('env-cuda', `image CUDA ${value} ≤ the driver's CUDA ${dCuda}`)];
  if (imageStarts(value, dCuda, nv.driverVersion))
    return [
      f.ok(
        'env-cuda',
        `image CUDA ${value} starts on driver ${nv.driverVersion} (the image lists this driver branch; CUDA ${majorMinor(value)} runs through minor-version compatibility)`,
      ),
    ];
  const starts = [...catalog.cudaImages.rows].reverse().find((r) => imageStarts(r.version, dCuda, nv.driverVersion));
  const allDatacenter = nv.gpus.length > 0 && nv.gpus.every((g) => g.class === 'datacenter');
  const symptom = `the container will not start: "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=${image}, please update your driver to a newer version, or use an earlier cuda container: unknown"`;
  return [
    (allDatacenter ? f.warn : f.error)(
      'env-cuda',
      `CUDA_VERSION=${value} in .env is newer than the driver's CUDA ${dCuda}`,
      allDatacenter
        ? `Data-center GPUs can run it only through forward compatibility (cuda-compat on LD_LIBRARY_PATH); otherwise ${symptom}.`
        : `${symptom[0]!.toUpperCase()}${symptom.slice(1)}.`,
      manual(
        `plan an image the driver runs (rewrites .env and the image), or update the driver`,
        starts ? `danlu init --cuda ${majorMinor(starts.version)}` : 'danlu init',
      ),
    ),
  ];
};
