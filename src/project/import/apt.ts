import { ignored, leftOut, record } from './emit.js';
import type { ImportOrigin, ImportResult } from './types.js';

/**
 * Debian packages of NVIDIA's CUDA toolkit and driver. The image brings the toolkit it needs
 * (NVIDIA's CUDA devel image, its toolkit matching torch's CUDA; a second toolkit is gigabytes
 * and a second nvcc), the driver is the host's (the container runtime mounts it), and a CPU
 * image has no NVIDIA repository to install either from. Source: NVIDIA's CUDA installation guide
 * for Linux (meta-packages cuda, cuda-toolkit[-X-Y], cuda-X-Y, cuda-drivers; component packages
 * cuda-<part>-X-Y and lib<cublas|cufft|curand|cusolver|cusparse|npp|nvjpeg|nvjitlink>[-dev]-X-Y),
 * Ubuntu's nvidia-cuda-toolkit and nvidia-driver/utils/headless/compute-utils/kernel packages.
 */
const CUDA_TOOLKIT =
  /^(cuda|cuda-toolkit(-\d+(-\d+)?)?|cuda-\d+-\d+|cuda-[a-z0-9-]+-\d+-\d+|lib(cublas|cufft|curand|cusolver|cusparse|npp[a-z]*|nvjpeg|nvjitlink|nvrtc)(-dev)?-\d+-\d+|nvidia-cuda-toolkit|nvidia-cuda-dev)$/;
const DRIVER =
  /^(cuda-drivers(-\d+)?|nvidia-(driver|dkms|utils|headless|headless-no-dkms|compute-utils|kernel-common|kernel-source|fabricmanager|firmware)-\d+[a-z0-9-]*|libnvidia-[a-z0-9-]+|nvidia-container-toolkit|nvidia-container-runtime|nvidia-docker2)$/;

/** Why an apt package is not for the image (null: it is). */
export function aptNotForImage(name: string): string | null {
  const bare = name.replace(/[=:].*$/, '').toLowerCase();
  if (DRIVER.test(bare)) return "the driver and the container toolkit are the host's (`danlu setup-host`), never the image's";
  if (CUDA_TOOLKIT.test(bare))
    return "the image brings the CUDA toolkit it needs (NVIDIA's devel image of torch's CUDA); a second one is gigabytes and a second nvcc";
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
    // `$PKGS`, `${LIBS}`, `$(cat list)`: set elsewhere in the script, not a package name.
    if (/[$`]/.test(name)) {
      gone.push(name);
      reasons.add('a shell variable or command: its value is set elsewhere in the script, not read');
      continue;
    }
    if (!/^[a-z0-9][a-z0-9+.:=~-]*$/i.test(name)) {
      gone.push(name);
      reasons.add('not an apt package name');
      continue;
    }
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
