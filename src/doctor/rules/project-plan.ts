import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');

/** The project's files parse and danlu can plan it for this host; the plan is what other rules check against. */
export const projectPlan: Rule = ({ files, projectError, plan, planError }): Finding[] => {
  const out: Finding[] = [];
  if (files.envError) out.push(f.error('env-syntax', '.env cannot be read', files.envError, manual('fix the line, or move .env away and run `danlu init`')));
  if (files.pyprojectError)
    out.push(f.error('pyproject-syntax', 'pyproject.toml is not valid TOML', files.pyprojectError, manual('fix the line; `uv lock` reports the same error')));
  if (projectError && !files.envError && !files.pyprojectError) out.push(f.error('project-read', 'the project cannot be read', projectError));
  if (planError) out.push(f.error('project-plan', 'danlu cannot plan this project for this host', planError));
  if (out.length > 0 || !plan) return out;
  out.push(
    f.ok(
      'project-plan',
      `plan: torch ${plan.torch.version} (${plan.torch.backend}) · Python ${plan.python} · ${plan.cuda.image}`,
      plan.warnings.map((w) => w.message).join('; '),
    ),
  );
  // A repository planned for a team's machines, run on one that is not among them.
  const outsider = plan.warnings.find((w) => w.id === 'team-host-unknown');
  if (outsider)
    out.push(
      f.warn(
        'team-host',
        outsider.message,
        'The committed torch build was chosen for the hosts in .devcontainer/hosts only.',
        manual(outsider.fix ?? 'add this machine', 'danlu host add NAME'),
      ),
    );
  const misfit = plan.warnings.find((w) => w.id.startsWith('team-build-does-not-fit-'));
  if (misfit) out.push(f.warn('team-build', misfit.message, '', manual(misfit.fix ?? '')));
  // The project installs torch's CPU wheels on a machine with NVIDIA GPUs: nothing fails, and
  // nothing uses the GPUs either.
  const cpu = plan.warnings.find((w) => w.id === 'cpu-wheels-on-gpu-host');
  if (cpu) {
    const command = cpu.command;
    out.push(
      f.warn(
        'cpu-wheels',
        cpu.message,
        'torch.cuda.is_available() returns False in this environment, and torch.__version__ ends in "+cpu".',
        manual(command ? 'route torch to the CUDA wheels that fit this host (pyproject.toml and .env)' : (cpu.fix ?? 'plan again'), command),
      ),
    );
  }
  return out;
};
