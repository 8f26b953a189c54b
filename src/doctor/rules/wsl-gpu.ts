import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('host');

/**
 * WSL2 reaches the Windows driver through /dev/dxg and /usr/lib/wsl/lib; a Linux driver
 * installed inside the distro shadows it (pain point 10).
 */
export const wslGpu: Rule = ({ host, driverPackages }): Finding[] => {
  if (host.os.kind !== 'wsl2' || !host.wsl) return [];
  const out: Finding[] = [];
  if (!host.wsl.dxg) {
    out.push(
      f.error(
        'wsl-dxg',
        '/dev/dxg is missing: the Windows GPU driver is not exposed to this distro',
        'nvidia-smi here then fails with "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver".',
        manual(
          'install or update the NVIDIA driver on Windows (never a Linux one inside WSL), then update and restart WSL from Windows',
          'wsl --update && wsl --shutdown',
        ),
      ),
    );
  }
  if (!host.wsl.libDir) {
    out.push(
      f.warn(
        'wsl-libcuda',
        '/usr/lib/wsl/lib is missing: no libcuda from the Windows driver',
        'CUDA programs then fail to find libcuda.so.1.',
        manual('update WSL and the Windows NVIDIA driver', 'wsl --update && wsl --shutdown'),
      ),
    );
  }
  if (driverPackages && driverPackages.length > 0) {
    out.push(
      f.error(
        'wsl-driver-packages',
        `Linux NVIDIA driver packages are installed inside WSL: ${driverPackages.join(', ')}`,
        [
          'They shadow the Windows driver\'s libraries: "NVIDIA-SMI couldn\'t find libnvidia-ml.so library in your system",',
          '`ldconfig` warns "/usr/lib/wsl/lib/libcuda.so.1 is not a symbolic link", and containers fail with',
          '"nvidia-container-cli: mount error: file creation failed: …/libnvidia-ml.so.1: file exists".',
        ].join(' '),
        manual('remove them; WSL2 uses the Windows driver only', `sudo apt-get remove --purge ${driverPackages.join(' ')}`),
      ),
    );
  }
  if (out.length === 0) out.push(f.ok('wsl-gpu', "WSL2 GPU: /dev/dxg and the Windows driver's libraries present"));
  return out;
};
