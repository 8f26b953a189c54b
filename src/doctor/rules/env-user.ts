import { containerUserName } from '../../plan/resources.js';
import type { HostFacts } from '../../probe/types.js';
import type { CacheFacts, Finding, ProjectFileFacts } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('project');

/** What the rule reads (`danlu up` gathers just this). */
export interface EnvUserFacts {
  files: Pick<ProjectFileFacts, 'envPath' | 'envText' | 'env' | 'envError'>;
  host: Pick<HostFacts, 'user'>;
  caches: Pick<CacheFacts, 'homeSource' | 'homeExists'>;
}

function envSet(facts: EnvUserFacts, key: string, value: string, why: string) {
  return {
    description: `set ${key}=${value} in .env (${why}), then rebuild with danlu up (it rebuilds when build args change)`,
    safe: true,
    action: { kind: 'env-set' as const, file: facts.files.envPath, key, value },
  };
}

/** .env was written for this user: compose builds the container user from USER_UID/USER_GID (pain points 9, 25). */
export const envUser = (facts: EnvUserFacts): Finding[] => {
  const { files, host } = facts;
  if (files.envError) return [];
  if (files.envText === null || !files.env) {
    return [
      f.warn(
        'env-file',
        '.env is missing: docker compose cannot start this project',
        'compose stops with "required variable USER_UID is missing a value: run danlu init to write .env".',
        manual('write it for this machine', 'danlu init'),
      ),
    ];
  }
  const env = files.env;
  const out: Finding[] = [];
  const me = `${host.user.name} (${host.user.uid}:${host.user.gid})`;
  for (const [key, want] of [
    ['USER_UID', host.user.uid],
    ['USER_GID', host.user.gid],
  ] as const) {
    const have = env[key];
    if (have === String(want)) continue;
    const id = key === 'USER_UID' ? 'env-uid' : 'env-gid';
    out.push(
      f.error(
        id,
        have === undefined || have === '' ? `${key} is missing from .env` : `${key}=${have} in .env, but you are ${me}`,
        'Files the container writes into mounted folders get the wrong owner: "EACCES: permission denied" when saving, and git says "fatal: detected dubious ownership in repository".',
        envSet(facts, key, String(want), `your ${key === 'USER_UID' ? 'uid' : 'gid'}`),
      ),
    );
  }
  const home = env.HOST_HOME;
  if (home && facts.caches.homeSource === 'HOST_HOME (.env)' && !facts.caches.homeExists) {
    out.push(
      f.error(
        'env-host-home',
        `HOST_HOME=${home} in .env does not exist here`,
        'compose mounts the caches from HOST_HOME; dockerd would create the missing folders owned by root.',
        envSet(facts, 'HOST_HOME', host.user.home, 'your home folder'),
      ),
    );
  }
  const wantName = host.user.uid === 0 ? 'root' : containerUserName(host.user.name);
  if (out.length === 0) {
    const nameNote = env.USER_NAME && env.USER_NAME !== wantName ? ` (container user ${env.USER_NAME})` : '';
    out.push(f.ok('env-user', `.env matches you: ${me}${nameNote}`));
  }
  return out;
};
