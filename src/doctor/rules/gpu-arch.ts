import { compareDotted } from '../../lib/version.js';
import { matchingArch, runsOn, smName } from '../../catalog/gpu-arch.js';
import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('host');

/** Each GPU's architecture is in the torch build the plan uses (pain point 2). */
export const gpuArch: Rule = ({ plan }): Finding[] => {
  if (!plan || plan.torch.archs.length === 0 || plan.gpus.length === 0) return [];
  const torch = `torch ${plan.torch.version} ${plan.torch.backend}`;
  const archs = plan.torch.archs;
  const range = `${smName(archs[0]!)} … ${smName(archs[archs.length - 1]!)}${plan.torch.ptx ? ` + PTX ${plan.torch.ptx}` : ''}`;
  const fix = plan.warnings.find((w) => w.id === 'torch-does-not-fit-host')?.fix;
  const out: Finding[] = [];
  const covered: string[] = [];
  for (const gpu of plan.gpus) {
    const cc = gpu.computeCapability;
    if (!cc) {
      out.push(f.info('gpu-arch', `compute capability of ${gpu.name} is unknown; torch's architectures not checked`));
      continue;
    }
    if (runsOn(cc, archs, plan.torch.ptx)) {
      covered.push(`${gpu.name} (${smName(cc)} → ${matchingArch(cc, archs, plan.torch.ptx)})`);
      continue;
    }
    const tooOld = compareDotted(cc, archs[0]!) < 0;
    const symptom = tooOld
      ? `"Found GPU${gpu.index} ${gpu.name} which is of cuda capability ${cc}. PyTorch no longer supports this GPU because it is too old."`
      : `"${gpu.name} with CUDA capability ${smName(cc)} is not compatible with the current PyTorch installation. The current PyTorch install supports CUDA capabilities ${archs.map(smName).join(' ')}."`;
    out.push(
      f.error(
        'gpu-arch',
        `${gpu.name} (${smName(cc)}) is not in ${torch}'s architectures (${range})`,
        `${symptom} Then "RuntimeError: CUDA error: no kernel image is available for execution on the device".`,
        manual(fix ?? (tooOld ? 'use an older CUDA variant (cu126 or cu118 keep sm_50–sm_61)' : 'use cu128 or newer wheels (torch 2.7+) for Blackwell')),
      ),
    );
  }
  if (covered.length > 0 && !out.some((x) => x.severity === 'error')) {
    out.unshift(f.ok('gpu-arch', `${torch} has code for ${covered.join(', ')}`));
  }
  return out;
};
