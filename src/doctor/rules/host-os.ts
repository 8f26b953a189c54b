import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('host');

/** The OS danlu runs on: Linux or WSL2 get GPUs in containers; macOS and Windows do not. */
export const hostOs: Rule = ({ host }): Finding[] => {
  const { os } = host;
  const distro = os.distro ? `${os.distro[0]!.toUpperCase()}${os.distro.slice(1)} ${os.release ?? ''}`.trim() : 'unknown distribution';
  switch (os.kind) {
    case 'linux':
      return [f.ok('host-os', `Linux: ${distro} (${os.arch})`, os.kernel ? `kernel ${os.kernel}` : '')];
    case 'wsl2':
      return [f.ok('host-os', `WSL2: ${distro} (${os.arch})`, `networking mode: ${host.wsl?.networkingMode ?? 'nat (default)'}`)];
    case 'macos':
      return [
        f.warn(
          'host-os',
          'macOS has no CUDA: containers here run CPU-only',
          'Docker on macOS runs Linux in a VM without NVIDIA GPUs.',
          manual('plan for a Linux GPU machine instead: run `danlu host --json > host.json` there, then `danlu init --host host.json` here'),
        ),
      ];
    case 'windows':
      return [
        f.error(
          'host-os',
          'run danlu inside WSL2, not on Windows itself',
          'GPU containers on Windows run through WSL2 and the Windows NVIDIA driver.',
          manual('install a WSL2 distribution and run danlu inside it', 'wsl --install -d Ubuntu-24.04'),
        ),
      ];
    default: {
      const wsl1 = host.notes.find((n) => n.what === 'WSL');
      return wsl1
        ? [
            f.error(
              'host-os',
              'WSL 1 has no GPU support',
              wsl1.message,
              manual('convert the distribution to WSL 2 (from Windows)', 'wsl --set-version <distro> 2'),
            ),
          ]
        : [f.warn('host-os', `unsupported OS (${os.kind}): danlu knows Linux and WSL2`, os.kernel ?? '')];
    }
  }
};
