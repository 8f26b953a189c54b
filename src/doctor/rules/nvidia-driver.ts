import type { Finding, Rule } from '../types.js';
import { findings, gpuList, manual } from './finding.js';

const f = findings('host');

/** nvidia-smi works and reports a driver, or why not (pain point 3: read the driver first). */
export const nvidiaDriver: Rule = ({ host, driverPackages }): Finding[] => {
  if (host.os.kind === 'macos' || host.os.kind === 'windows') return [];
  const smiNote = host.notes.find((n) => n.what === 'nvidia-smi')?.message ?? null;
  const nv = host.nvidia;
  if (nv && nv.source === 'nvidia-smi' && nv.gpus.length > 0) {
    const cuda = nv.cudaVersion ? ` (CUDA ${nv.cudaVersion})` : '';
    return [
      f.ok(
        'nvidia-driver',
        `NVIDIA driver ${nv.driverVersion}${cuda}, ${gpuList(nv.gpus.map((g) => g.name))}`,
        nv.cudaVersion ? `CUDA ${nv.cudaVersion} is the newest CUDA this driver runs, not an installed toolkit.` : '',
      ),
    ];
  }
  if (nv) {
    return [
      f.warn(
        'nvidia-driver',
        `driver ${nv.driverVersion} is loaded, but nvidia-smi did not list the GPUs`,
        smiNote ?? 'nvidia-smi gave no GPU list.',
        manual('run `nvidia-smi` to see its error; a driver update or reboot usually fixes a mismatch between the tools and the kernel module'),
      ),
    ];
  }
  const installed = driverPackages ?? [];
  if (host.os.kind === 'linux' && installed.length > 0) {
    return [
      f.error(
        'nvidia-driver',
        `NVIDIA driver packages are installed (${installed[0]}), but the driver is not loaded`,
        smiNote ?? 'nvidia-smi failed: "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver".',
        manual('reboot after a driver install or upgrade; with Secure Boot on, the module must be signed (`mokutil --sb-state`)', 'sudo modprobe nvidia'),
      ),
    ];
  }
  if (smiNote && /timed out/.test(smiNote)) {
    return [
      f.warn(
        'nvidia-driver',
        'nvidia-smi did not answer in time',
        `${smiNote}. Without persistence mode the driver loads on every call, which can take seconds with many GPUs.`,
        manual('turn on persistence mode, then run doctor again', 'sudo nvidia-smi -pm 1'),
      ),
    ];
  }
  if (smiNote && !/not found/.test(smiNote)) {
    return [
      f.error(
        'nvidia-driver',
        'nvidia-smi failed',
        smiNote,
        manual('check the driver install: `nvidia-smi` must list your GPUs before containers can use them'),
      ),
    ];
  }
  return [
    f.warn(
      'nvidia-driver',
      'no NVIDIA GPU or driver found: the environment will be CPU-only',
      smiNote ?? 'nvidia-smi not found.',
      host.os.kind === 'wsl2'
        ? manual('install the NVIDIA driver on Windows; WSL2 uses it through /dev/dxg')
        : manual('install the NVIDIA driver (Ubuntu: `sudo ubuntu-drivers install`), or plan for a GPU machine with `danlu init --host FILE`'),
    ),
  ];
};
