import type { Finding, Rule } from '../types.js';
import { GiB, findings, gib, manual } from './finding.js';

const f = findings('project');
/** A CUDA devel image is about 10 GB unpacked; torch and its CUDA wheels add 5 GB or more. */
const ERROR_BELOW = 8 * GiB;
const WARN_BELOW = 20 * GiB;

/** Room for the dev image where Docker keeps images. */
export const diskFree: Rule = ({ disk, host }): Finding[] => {
  if (!disk || !host.docker) return [];
  const free = gib(disk.freeBytes);
  if (disk.freeBytes >= WARN_BELOW) return [f.ok('disk-free', `${free} free for images (${disk.path})`)];
  const fix = manual('see what Docker keeps, then remove what you do not need', 'docker system df && docker system prune');
  const detail = 'A CUDA devel image needs about 10 GB, torch with its CUDA libraries 5 GB more; builds fail with "no space left on device".';
  return disk.freeBytes < ERROR_BELOW
    ? [f.error('disk-free', `only ${free} free under ${disk.path}`, detail, fix)]
    : [f.warn('disk-free', `only ${free} free under ${disk.path}`, detail, fix)];
};
