import type { Catalog } from '../catalog/index.js';
import type { CudaImageRow } from '../catalog/cuda-images.js';
import type { GpuFacts } from '../probe/types.js';
import { DanluError } from '../lib/errors.js';
import { IMAGE_DRIVER_EXCEPTIONS } from '../catalog/drivers.js';
import { backendCuda, compareDotted, majorMinor, majorOf } from '../lib/version.js';
import type { CudaPlan, Decision, Warning } from './types.js';
import { ACCELERATORS } from '../catalog/accelerator.js';

export interface ImageRequest {
  backend: string;
  /** --cuda: "12.8" or "12.8.1". */
  cuda?: string;
  /** --ubuntu: "22.04" or "24.04". */
  ubuntu?: string;
  driverCuda: string | null;
  /** The driver's version ("470.256.02"), for the image's own exceptions. */
  driverVersion?: string | null;
  gpus: GpuFacts[];
  compilesCuda: boolean;
}

export interface ImageChoice {
  cuda: CudaPlan;
  decisions: Decision[];
  warnings: Warning[];
}

const IMAGES = 'catalog: nvidia/cuda tags';

/** Resolves "12.8" or "12.8.1" to a tag the catalog knows, or fails with the list. */
export function resolveCudaTag(catalog: Catalog, wanted: string): CudaImageRow {
  const rows = catalog.cudaImages.rows;
  const exact = rows.find((r) => r.version === wanted.trim());
  if (exact) return exact;
  const sameMinor = rows.filter((r) => majorMinor(r.version) === majorMinor(wanted));
  if (sameMinor.length > 0 && wanted.trim().split('.').length <= 2) return sameMinor[sameMinor.length - 1]!;
  const known = rows.map((r) => r.version).join(', ');
  throw new DanluError(`no nvidia/cuda image tag for CUDA ${wanted}`, {
    hint:
      sameMinor.length > 0
        ? `CUDA ${majorMinor(wanted)} images exist as ${sameMinor.map((r) => r.version).join(', ')} (only the newest patch of each minor is published)`
        : `known tags: ${known}`,
  });
}

function pickUbuntu(catalog: Catalog, row: CudaImageRow, wanted?: string): string {
  if (wanted) {
    if (!row.ubuntu.includes(wanted)) {
      throw new DanluError(`nvidia/cuda ${row.version} has no ubuntu${wanted} image`, {
        hint: `available: ${row.ubuntu.map((u) => `ubuntu${u}`).join(', ')}`,
      });
    }
    return wanted;
  }
  return catalog.ubuntuReleases.find((u) => row.ubuntu.includes(u)) ?? row.ubuntu[row.ubuntu.length - 1]!;
}

/**
 * Does an image of CUDA `version` start on this driver? When its CUDA is within the driver's,
 * or the driver's branch is one the image lists as an exception (11.x images on the 470 branch).
 */
export function imageStarts(version: string, driverCuda: string, driverVersion?: string | null): boolean {
  if (compareDotted(majorMinor(version), driverCuda) <= 0) return true;
  const branch = Number(/^(\d+)\./.exec(driverVersion ?? '')?.[1] ?? NaN);
  return IMAGE_DRIVER_EXCEPTIONS.some((e) => e.imageMajor === Number(majorOf(version)) && e.branch === branch && Number(majorOf(driverCuda)) === e.imageMajor);
}

const imageRef = (version: string, ubuntu: string) => ACCELERATORS.cuda.baseImage(version, ubuntu);

/**
 * The base image. Rules (the workflow's image appendix):
 * - CPU plan: plain Ubuntu.
 * - Otherwise the devel image of the wheel's CUDA, because extensions compile against it.
 * - The image's CUDA must not exceed what the driver supports, or NVIDIA_REQUIRE_CUDA refuses
 *   to start the container on GeForce/RTX cards. Data-center cards could use forward
 *   compatibility, but danlu keeps every image within the driver so nothing relies on it.
 */
export function chooseImage(catalog: Catalog, req: ImageRequest): ImageChoice {
  const decisions: Decision[] = [];
  const warnings: Warning[] = [];
  const torchCuda = backendCuda(req.backend);

  if (req.cuda) {
    const row = resolveCudaTag(catalog, req.cuda);
    const ubuntu = pickUbuntu(catalog, row, req.ubuntu);
    decisions.push({ what: 'CUDA image', choice: imageRef(row.version, ubuntu), why: `--cuda ${req.cuda}`, source: IMAGES });
    if (req.driverCuda && !imageStarts(row.version, req.driverCuda, req.driverVersion)) {
      warnings.push(startWarning(catalog, row.version, req.driverCuda, req.driverVersion, req.gpus));
    }
    if (torchCuda && majorMinor(row.version) !== torchCuda && req.compilesCuda) {
      warnings.push(compileMismatch(row.version, req.backend));
    }
    return { cuda: { version: row.version, image: imageRef(row.version, ubuntu), flavour: ACCELERATORS.cuda.flavour, ubuntu }, decisions, warnings };
  }

  if (!torchCuda) {
    const ubuntu = req.ubuntu ?? catalog.ubuntuReleases[0]!;
    const cpu = ACCELERATORS.cpu;
    decisions.push({
      what: 'base image',
      choice: cpu.baseImage(null, ubuntu),
      why: 'CPU wheels need no CUDA toolkit',
      source: 'rule: CPU plan',
    });
    return { cuda: { version: null, image: cpu.baseImage(null, ubuntu), flavour: cpu.flavour, ubuntu }, decisions, warnings };
  }

  const wheelTag = catalog.wheelImage.rows.find((r) => r.backend === req.backend)?.image;
  let row = wheelTag ? catalog.cudaImages.rows.find((r) => r.version === wheelTag) : undefined;
  row ??= [...catalog.cudaImages.rows].reverse().find((r) => compareDotted(majorMinor(r.version), torchCuda) <= 0);
  row ??= catalog.cudaImages.rows[0]!;
  let why = `same CUDA as the ${req.backend} wheels, so extensions compile with a matching nvcc`;

  if (req.driverCuda && !imageStarts(row.version, req.driverCuda, req.driverVersion)) {
    const within = [...catalog.cudaImages.rows].reverse().filter((r) => imageStarts(r.version, req.driverCuda!, req.driverVersion));
    const sameMajor = within.find((r) => majorOf(r.version) === majorOf(row!.version));
    const lower = sameMajor ?? within[0];
    if (lower) {
      const wheelRow = row;
      row = lower;
      why =
        `the driver supports CUDA ${req.driverCuda}, so an image newer than that would not start ` +
        `(NVIDIA_REQUIRE_CUDA); the ${req.backend} wheels bring their own CUDA ${torchCuda} runtime and run anyway`;
      if (req.compilesCuda) warnings.push(compileMismatch(row.version, req.backend));
      else {
        decisions.push({
          what: 'image vs wheel CUDA',
          choice: `${row.version} vs ${wheelRow.version}`,
          why: "only compiled extensions need nvcc to match torch's CUDA; this project compiles none",
          source: "torch.utils.cpp_extension (_check_cuda_version: an nvcc of another CUDA major than torch's stops the build; another minor only warns)",
        });
      }
    } else {
      warnings.push(startWarning(catalog, row.version, req.driverCuda, req.driverVersion, req.gpus));
    }
  }
  const ubuntu = pickUbuntu(catalog, row, req.ubuntu);
  decisions.push({ what: 'CUDA image', choice: imageRef(row.version, ubuntu), why, source: IMAGES });
  return { cuda: { version: row.version, image: imageRef(row.version, ubuntu), flavour: ACCELERATORS.cuda.flavour, ubuntu }, decisions, warnings };
}

function startWarning(catalog: Catalog, version: string, driverCuda: string, driverVersion: string | null | undefined, gpus: GpuFacts[]): Warning {
  // The fix names a tag that exists and starts here (the newest one), or none.
  const starts = [...catalog.cudaImages.rows].reverse().find((r) => imageStarts(r.version, driverCuda, driverVersion));
  const allDatacenter = gpus.length > 0 && gpus.every((g) => g.class === 'datacenter');
  return {
    id: 'image-newer-than-driver',
    message: allDatacenter
      ? `image CUDA ${version} is newer than the driver's CUDA ${driverCuda}; data-center GPUs can run it through forward compatibility (cuda-compat), which the image must put on LD_LIBRARY_PATH`
      : `image CUDA ${version} is newer than the driver's CUDA ${driverCuda}: the container will fail with "unsatisfied condition: cuda>=${majorMinor(version)}"`,
    fix: starts ? `update the NVIDIA driver, or choose an image this driver starts: --cuda ${majorMinor(starts.version)}` : 'update the NVIDIA driver',
  };
}

function compileMismatch(imageVersion: string, backend: string): Warning {
  return {
    id: 'compile-cuda-mismatch',
    message: `the project compiles CUDA extensions, but the image has CUDA ${imageVersion} and torch uses ${backend}: nvcc must match torch's CUDA`,
    fix: `update the driver so the ${backend} image can start, or choose an older torch backend with --backend`,
  };
}
