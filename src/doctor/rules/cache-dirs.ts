import { CACHE_DIRS } from '../../render/compose.js';
import type { HostFacts } from '../../probe/types.js';
import type { CacheFacts, Finding, Fix } from '../types.js';

/** What the rule reads (`danlu up` gathers just this). */
export interface CacheDirFacts {
  caches: CacheFacts;
  host: Pick<HostFacts, 'user'>;
  processUid: number;
}
import { findings, manual } from './finding.js';

const f = findings('project');

/** chown to another uid needs root; creating our own folders does not. */
function ownFix(facts: CacheDirFacts, paths: string[], what: string, create: boolean): Fix {
  const { uid, gid } = facts.host.user;
  const root = facts.processUid === 0;
  const self = facts.processUid === uid;
  const sudo = root ? '' : 'sudo ';
  const mkdir = `mkdir -p ${paths.join(' ')}`;
  const chown = `${sudo}chown -R ${uid}:${gid} ${paths.join(' ')}`;
  const command = create ? (self ? mkdir : `${sudo}${mkdir} && ${chown}`) : chown;
  const canDo = root || (create && self);
  return canDo ? { description: what, command, safe: true, action: { kind: 'own-dirs', home: facts.caches.home, paths, uid, gid } } : manual(what, command);
}

/**
 * The host cache folders compose mounts exist and belong to the user (pain point 8): dockerd
 * creates a missing bind-mount source as root:root, and the container user then gets
 * "PermissionError: [Errno 13] Permission denied".
 */
export const cacheDirs = (facts: CacheDirFacts): Finding[] => {
  const { caches, host } = facts;
  if (!caches.homeExists) return [];
  const { uid, gid, name } = host.user;
  const out: Finding[] = [];
  const wrong = caches.dirs.filter((d) => d.exists && d.isDir && d.uid !== null && d.uid !== uid);
  const topmost = wrong.filter((d) => !wrong.some((o) => o !== d && d.rel.startsWith(`${o.rel}/`)));
  for (const d of topmost) {
    const owner = d.uid === 0 ? 'root' : `uid ${d.uid}`;
    out.push(
      f.error(
        'cache-dir-owner',
        `${d.path} belongs to ${owner}, not ${name}`,
        `The container runs as ${uid}:${gid}: "PermissionError: [Errno 13] Permission denied: '${d.path}'" (Hugging Face: "There was a problem when trying to write in your cache folder").`,
        ownFix(facts, [d.path], `give ${d.path} back to ${name} (${uid}:${gid})`, false),
      ),
    );
  }
  for (const d of caches.dirs.filter((x) => x.exists && !x.isDir)) {
    out.push(
      f.error(
        'cache-dir-file',
        `${d.path} is a file, not a folder`,
        'compose cannot mount a cache there.',
        manual('move the file away', `mv ${d.path} ${d.path}.bak`),
      ),
    );
  }
  const missing = CACHE_DIRS.map((rel) => caches.dirs.find((d) => d.rel === rel)!).filter((d) => d && !d.exists);
  if (missing.length > 0) {
    const paths = missing.map((d) => d.path);
    // Root's own caches may be created by dockerd as root: that is their right owner.
    out.push(
      (uid === 0 ? f.info : f.warn)(
        'cache-dir-missing',
        `${missing.length} cache folder${missing.length === 1 ? '' : 's'} missing under ${caches.home}${uid === 0 ? '' : `: dockerd would create ${missing.length === 1 ? 'it' : 'them'} as root`}`,
        missing.map((d) => d.rel).join(', '),
        ownFix(facts, paths, `create ${missing.map((d) => d.rel).join(', ')} as ${name} (${uid}:${gid})`, true),
      ),
    );
  }
  if (out.length === 0) out.push(f.ok('cache-dirs', `cache folders under ${caches.home} belong to ${name} (${uid}:${gid})`));
  return out;
};
