import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('container');

/** Whether the project's dev container is up; the checks inside it need one. */
export const containerRunning: Rule = ({ container, host }): Finding[] => {
  if (!container || !host.docker?.daemon.ok) return [];
  if (container.error) return [f.info('container', 'could not look for the dev container', container.error)];
  if (!container.running) {
    return [f.info('container', 'dev container not running: checks inside it skipped', '', manual('start it, then run doctor again', 'danlu up'))];
  }
  return [f.ok('container', `dev container ${container.id!.slice(0, 12)} is running`)];
};
