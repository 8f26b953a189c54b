import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');

/** A .venv made on the other side of the bind mount (pain point 16). */
export const venv: Rule = ({ files }): Finding[] => {
  const v = files.venv;
  if (!v) return [];
  if (v.homeExists || v.home === null) return [f.ok('venv', `.venv's Python (${v.home ?? '?'}) exists here`)];
  return [
    f.warn(
      'venv',
      `.venv was made elsewhere: its Python ${v.home} does not exist here`,
      'Tools from it fail with "error: Failed to spawn: pytest Caused by: No such file or directory (os error 2)"; uv warns "VIRTUAL_ENV=… does not match the project environment path .venv". danlu\'s container keeps its environment in /opt/danlu/venv.',
      manual('remove it; uv recreates it on the next `uv sync` on this side', 'rm -rf .venv'),
    ),
  ];
};
