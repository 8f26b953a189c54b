import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { backendOfLocal } from '../../lib/py.js';
import { plansNoTorch } from '../../plan/pyproject/plan-pyproject.js';

const f = findings('container');

/** torch in the container's environment is a CUDA build that finds the GPU (pain point 1). */
export const containerTorch: Rule = ({ container, host, plan }): Finding[] => {
  const t = container?.running ? container.torch : null;
  if (!t) return [];
  if (t.error) {
    if (/ModuleNotFoundError/.test(t.error)) {
      // A project that does not use torch has none to check.
      if (plan && plansNoTorch(plan.decisions)) return [f.info('container-torch', 'the project does not use torch: none installed, nothing to check')];
      return [
        f.warn(
          'container-torch',
          "torch is not installed in the container's environment",
          t.error,
          manual('install the locked environment (up syncs it)', 'danlu up'),
        ),
      ];
    }
    if (/timed out/.test(t.error)) return [f.info('container-torch', `importing torch ${t.error}`)];
    return [f.warn('container-torch', 'could not import torch in the container', t.error)];
  }
  const what = `torch ${t.version ?? '?'}${t.cuda ? `, CUDA ${t.cuda}` : ''}`;
  if (t.cuda === null) {
    return [
      f.error(
        'container-torch',
        `${what} is a CPU build (torch.version.cuda is None)`,
        'CUDA calls fail with "AssertionError: Torch not compiled with CUDA enabled".',
        manual('route torch to the PyTorch CUDA index and sync again', 'danlu init && danlu up'),
      ),
    ];
  }
  if (t.available === false && host.nvidia) {
    return [
      f.error(
        'container-torch',
        `${what}: torch.cuda.is_available() is False`,
        'The container has no GPU or the driver is too old for this build; see the gpu layer and nvidia-smi above.',
        manual('check `danlu exec -- nvidia-smi`, then recreate the container (`danlu down && danlu up`)'),
      ),
    ];
  }
  // The build planned for this machine (with a team's variants: its extra's): same minor, same variant.
  const local = backendOfLocal(t.version ?? '');
  const minor = (v: string) => v.split(/[.+]/).slice(0, 2).join('.');
  if (plan && t.version && ((local && local !== plan.torch.backend) || minor(t.version) !== minor(plan.torch.version))) {
    const extra = plan.torch.extra ? ` (extra ${plan.torch.extra}: TORCH_EXTRA in .env)` : '';
    return [
      f.warn(
        'container-torch-build',
        `${what} in the container; the plan for this machine is torch ${plan.torch.version} (${plan.torch.backend})${extra}`,
        'The environment was installed for another machine or another plan: its torch may not run on these GPUs and driver.',
        manual("install this machine's build", 'danlu exec -- bash .devcontainer/uv-sync.sh'),
      ),
    ];
  }
  return [f.ok('container-torch', `${what}, torch.cuda.is_available() ${t.available ? 'True' : 'False'}`)];
};
