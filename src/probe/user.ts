import type { ProbeNote, UserFacts } from './types.js';
import type { ProbeDeps } from './deps.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The entry for `name` in /etc/passwd or `getent passwd` output (name:x:uid:gid:gecos:home:shell). */
export function findPasswdEntry(text: string, name: string): PasswdEntry | null {
  for (const line of text.split(/\r?\n/)) {
    const f = line.split(':');
    if (f.length < 7 || f[0] !== name) continue;
    const uid = Number(f[2]);
    const gid = Number(f[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    return { name, uid, gid, home: f[5]! };
  }
  return null;
}

const nonNegativeInt = (v: string | undefined): number | null => {
  if (v === undefined || !/^\d+$/.test(v)) return null;
  return Number(v);
};

/** The user danlu acts for: the one who ran `sudo danlu`, not root. */
export function sudoInvoker(env: NodeJS.ProcessEnv, uid: number): { name: string; uid: number; gid: number } | null {
  if (uid !== 0 || !env.SUDO_USER || env.SUDO_USER === 'root') return null;
  const sudoUid = nonNegativeInt(env.SUDO_UID);
  const sudoGid = nonNegativeInt(env.SUDO_GID);
  if (sudoUid === null || sudoGid === null) return null;
  return { name: env.SUDO_USER, uid: sudoUid, gid: sudoGid };
}

async function passwdEntry(deps: ProbeDeps, name: string): Promise<PasswdEntry | null> {
  const local = await deps.readFile('/etc/passwd');
  const fromFile = local === null ? null : findPasswdEntry(local, name);
  if (fromFile) return fromFile;
  // LDAP/SSSD users are not in /etc/passwd.
  const r = await deps.exec('getent', ['passwd', name], { timeoutMs: 1500 });
  return r.code === 0 ? findPasswdEntry(r.stdout, name) : null;
}

export interface UserProbeResult {
  facts: UserFacts;
  notes: ProbeNote[];
}

export async function probeUser(deps: ProbeDeps): Promise<UserProbeResult> {
  const notes: ProbeNote[] = [];
  let info: { username: string; uid: number; gid: number; homedir: string };
  try {
    info = deps.userInfo();
  } catch {
    // A uid without a passwd entry (containers started with --user 1234).
    const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
    const gid = typeof process.getgid === 'function' ? process.getgid() : -1;
    info = { username: deps.env.USER ?? deps.env.LOGNAME ?? `uid${uid}`, uid, gid, homedir: deps.env.HOME ?? '/' };
    notes.push({ what: 'user', message: `uid ${uid} has no passwd entry; using $HOME ${info.homedir}` });
  }
  if (info.uid < 0 || info.gid < 0) {
    // Windows has no uid/gid; 1000 is what Linux images and devcontainers default to.
    notes.push({ what: 'user', message: 'this OS has no numeric uid/gid; assuming 1000:1000 for containers' });
    return { facts: { name: info.username, uid: 1000, gid: 1000, home: info.homedir }, notes };
  }
  const invoker = sudoInvoker(deps.env, info.uid);
  if (!invoker) return { facts: { name: info.username, uid: info.uid, gid: info.gid, home: info.homedir }, notes };
  const entry = await passwdEntry(deps, invoker.name);
  if (entry) return { facts: { ...invoker, home: entry.home }, notes };
  const guess = deps.platform === 'darwin' ? `/Users/${invoker.name}` : `/home/${invoker.name}`;
  notes.push({ what: 'user', message: `no passwd entry for sudo user ${invoker.name}; assuming home ${guess}` });
  return { facts: { ...invoker, home: guess }, notes };
}
