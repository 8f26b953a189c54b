import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { DEFAULT_PYTHON } from '../../plan/choose-python.js';

const f = findings('project');

/** .python-version pins a Python the chosen torch has wheels for. */
export const pythonVersion: Rule = ({ files, plan }): Finding[] => {
  if (!files.pyproject && files.pythonVersion === null) return [];
  const unsupported = plan?.warnings.find((w) => w.id === 'python-unsupported-by-torch');
  if (unsupported)
    return [f.error('python-version', unsupported.message, 'uv fails to resolve torch for this Python.', manual(unsupported.fix ?? 'pin a supported Python'))];
  const out: Finding[] = [];
  const conflict = plan?.warnings.find((w) => w.id === 'requires-python-vs-torch');
  if (conflict) out.push(f.warn('requires-python', conflict.message, '', conflict.fix ? manual(conflict.fix) : undefined));
  if (files.pythonVersion === null) {
    out.push(
      f.warn(
        'python-version',
        'no .python-version: uv picks any Python that requires-python allows',
        'Machines then build different environments.',
        manual(`pin the planned Python`, `uv python pin ${plan?.python ?? DEFAULT_PYTHON}`),
      ),
    );
  } else if (out.length === 0) {
    out.push(f.ok('python-version', `Python ${files.pythonVersion} (.python-version)${plan ? ` has torch ${plan.torch.version} wheels` : ''}`));
  }
  return out;
};
