import type { Finding, Rule } from '../types.js';
import { GiB, findings, gib, manual } from './finding.js';

const f = findings('container');

/** /dev/shm is larger than Docker's 64 MB default (pain point 5). */
export const containerShm: Rule = ({ container }): Finding[] => {
  if (!container?.running || container.shmBytes === null) return [];
  const size = container.shmBytes < GiB ? `${Math.round(container.shmBytes / 1024 ** 2)} MB` : gib(container.shmBytes);
  if (container.shmBytes >= GiB) return [f.ok('container-shm', `/dev/shm is ${size}`)];
  return [
    f.error(
      'container-shm',
      `/dev/shm in the container is only ${size}`,
      'DataLoader workers then die: "RuntimeError: DataLoader worker (pid N) is killed by signal: Bus error. It is possible that dataloader\'s workers are out of shared memory."',
      manual('set SHM_SIZE in .env (danlu init uses half the RAM) and recreate the container', 'danlu up'),
    ),
  ];
};
