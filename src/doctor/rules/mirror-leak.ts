import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { CANONICAL } from '../../catalog/mirrors.js';

const f = findings('project');

/** Per-machine mirrors stay in .env; committed files keep upstream URLs (pain point 19). */
export const mirrorLeak: Rule = ({ files, project }): Finding[] => {
  if (!files.pyproject && files.mirrorHits.length === 0) return [];
  const lockWithMirror = project?.lockWithMirror === true;
  const chosen = files.mirrorHits.filter((h) => h.file === 'uv.lock' && lockWithMirror);
  const leaks = files.mirrorHits.filter((h) => !chosen.includes(h));
  const out: Finding[] = [];
  if (leaks.length > 0) {
    const shown = leaks.slice(0, 3).map((h) => `${h.file}:${h.line} (${h.url})`);
    const where = `${shown.join('; ')}${leaks.length > 3 ? `; and ${leaks.length - 3} more` : ''}`;
    const lock = leaks.some((h) => h.file === 'uv.lock');
    out.push(
      f.warn(
        'mirror-leak',
        `mirror URLs in committed files: ${[...new Set(leaks.map((h) => h.file))].join(', ')}`,
        `${where}. Teammates and CI elsewhere then download through your mirror${lock ? '; `uv sync --frozen` installs from the URLs recorded in uv.lock, not from the mirror set now' : ''}.`,
        manual(
          `keep mirrors in .env (PYPI_MIRROR, APT_MIRROR, HF_ENDPOINT…) only${lock ? ', and relock against PyPI' : ''}`,
          lock ? `UV_DEFAULT_INDEX=${CANONICAL.pypi} uv lock` : undefined,
        ),
      ),
    );
  }
  if (chosen.length > 0) out.push(f.info('mirror-lock', `uv.lock locks through ${chosen[0]!.url} ([tool.danlu] lock-with-mirror = true)`));
  if (out.length === 0) out.push(f.ok('mirror-leak', 'no mirror URLs in committed files'));
  return out;
};
