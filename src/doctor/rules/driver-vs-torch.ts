import { backendCuda, parseDotted } from '../../lib/version.js';
import { driverCuda, driverVerdict, minDriverFor } from '../../plan/driver.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('host');

/** "12.2" -> 12020, the number torch prints in "found version 12020". */
export const cudaDriverNumber = (cuda: string): number => {
  const [major = 0, minor = 0] = parseDotted(cuda);
  return major * 1000 + minor * 10;
};

/** The driver runs the CUDA of the torch wheels the plan uses (pain point 3). */
export const driverVsTorch: Rule = ({ host, plan, catalog }): Finding[] => {
  const nv = host.nvidia;
  if (!plan || !nv) return [];
  const backend = plan.torch.backend;
  const torch = `torch ${plan.torch.version} (${backend})`;
  if (!backendCuda(backend)) {
    return nv.gpus.length > 0
      ? [
          f.warn(
            'driver-vs-torch',
            `${torch} wheels are CPU-only although an NVIDIA GPU is here`,
            'The project pins a CPU variant of torch.',
            manual('route torch to a CUDA index', 'danlu init --backend cu128'),
          ),
        ]
      : [];
  }
  const dCuda = driverCuda(nv.driverVersion, nv.cudaVersion, catalog);
  const verdict = driverVerdict(backend, nv.driverVersion, dCuda, catalog);
  const doesNotFit = plan.warnings.find((w) => w.id === 'torch-does-not-fit-host');
  if (verdict === 'too-old') {
    const min = minDriverFor(backend, catalog);
    return [
      f.error(
        'driver-vs-torch',
        `driver ${nv.driverVersion} is too old for ${torch}${min ? ` (needs ${min} or newer)` : ''}`,
        `torch fails at the first CUDA call: "RuntimeError: The NVIDIA driver on your system is too old (found version ${dCuda ? cudaDriverNumber(dCuda) : '?'})".`,
        manual(doesNotFit?.fix ?? `update the NVIDIA driver to ${min ?? 'a newer branch'} or newer`),
      ),
    ];
  }
  if (verdict === 'minor-compat') {
    return [
      f.info(
        'driver-vs-torch',
        `${torch} runs on driver ${nv.driverVersion} (CUDA ${dCuda}) through minor-version compatibility`,
        'Works, but PTX newer than the driver cannot be JIT-compiled.',
        manual('update the NVIDIA driver for native support'),
      ),
    ];
  }
  return [f.ok('driver-vs-torch', `${torch} runs natively on driver ${nv.driverVersion}${dCuda ? ` (CUDA ${dCuda})` : ''}`)];
};
