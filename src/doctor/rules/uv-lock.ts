import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');
/** A fresh checkout writes files within moments of each other. */
const SLACK_MS = 2000;

/** uv.lock exists and is not older than pyproject.toml. */
export const uvLock: Rule = ({ files }): Finding[] => {
  if (!files.pyproject) return [];
  const { exists, mtimeMs, pyprojectMtimeMs } = files.uvLock;
  if (!exists) {
    return [
      f.warn(
        'uv-lock',
        'no uv.lock: the environment is not reproducible',
        'Every sync resolves again, so teammates and CI get different versions.',
        manual('lock it in the dev container', 'danlu exec -- uv lock'),
      ),
    ];
  }
  if (mtimeMs !== null && pyprojectMtimeMs !== null && pyprojectMtimeMs - mtimeMs > SLACK_MS) {
    return [
      f.warn(
        'uv-lock',
        'uv.lock is older than pyproject.toml: it may be stale',
        '`uv sync --locked` then fails with "The lockfile at `uv.lock` needs to be updated".',
        manual('check and relock', 'uv lock --check || uv lock'),
      ),
    ];
  }
  return [f.ok('uv-lock', 'uv.lock present and not older than pyproject.toml')];
};
