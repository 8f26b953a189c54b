import { ignored, leftOut, record } from './emit.js';
import type { ImportOrigin, ImportResult } from './types.js';

/**
 * Debian packages of NVIDIA's CUDA toolkit and driver. The dev image is NVIDIA's CUDA devel image
 * (its toolkit matches torch's CUDA; a second toolkit is gigabytes and a second nvcc), the driver
 * is the host's (the container runtime mounts it), and a CPU image has no NVIDIA repository to
 * install either from. Source: NVIDIA's CUDA installation guide for Linux (package names
 * cuda, cuda-toolkit[-X-Y], cuda-X-Y, cuda-compiler/nvcc/runtime/libraries-X-Y, cuda-drivers,
 * nvidia-driver-N) and Ubuntu's nvidia-cuda-toolkit.
 */
const CUDA_TOOLKIT =
  /^(cuda|cuda-toolkit(-\d+(-\d+)?)?|cuda-\d+-\d+|cuda-(compiler|nvcc|runtime|libraries|libraries-dev|minimal-build|cudart|cudart-dev)-\d+-\d+|nvidia-cuda-toolkit|nvidia-cuda-dev)$/;
const DRIVER =
  /^(cuda-drivers(-\d+)?|nvidia-driver-\d+(-[a-z]+)?|nvidia-dkms-\d+|nvidia-utils-\d+|libnvidia-[a-z0-9-]+|nvidia-container-toolkit|nvidia-container-runtime|nvidia-docker2)$/;

/** Why an apt package is not for the image (null: it is). */
export function aptNotForImage(name: string): string | null {
  const bare = name.replace(/[=:].*$/, '').toLowerCase();
  if (CUDA_TOOLKIT.test(bare)) return "the image is NVIDIA's CUDA devel image, with the toolkit of torch's CUDA";
  if (DRIVER.test(bare)) return "the driver and the container toolkit are the host's (`danlu setup-host`), never the image's";
  return null;
}

/**
 * An apt install line of an install guide or a cog.yaml: the packages the image installs, and
 * those left out with the reason (CUDA toolkit and driver packages).
 */
export function addAptPackages(out: ImportResult, origin: ImportOrigin, text: string, names: readonly string[]): void {
  const kept: string[] = [];
  const gone: string[] = [];
  const reasons = new Set<string>();
  for (const name of names) {
    const why = aptNotForImage(name);
    if (why) {
      gone.push(name);
      reasons.add(why);
    } else {
      kept.push(name);
      out.aptPackages.push({ name, origin: { ...origin } });
    }
  }
  const why = [...reasons].join('; ');
  if (kept.length === 0 && gone.length === 0) return ignored(out, origin, text, 'apt install without packages');
  if (kept.length === 0) return leftOut(out, origin, text, `${gone.join(' ')}: ${why}`);
  record(
    out,
    origin,
    text,
    'hint',
    `apt package${kept.length > 1 ? 's' : ''} for the image: ${kept.join(' ')}${gone.length ? `; left out ${gone.join(' ')}` : ''}`,
    gone.length ? why : undefined,
  );
}
