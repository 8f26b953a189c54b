import { describe, expect, it } from 'vitest';
import { fakeDeps } from './fake-deps.js';
import { findPasswdEntry, probeUser } from './user.js';

const ROOT = { username: 'root', uid: 0, gid: 0, homedir: '/root' };
const SUDO_ENV = { SUDO_USER: 'alice', SUDO_UID: '1001', SUDO_GID: '1002', HOME: '/root' };
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1002:Alice,,,:/data/users/alice:/bin/bash\n';

describe('probeUser', () => {
  it('reports the current user', async () => {
    expect(await probeUser(fakeDeps())).toEqual({ facts: { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' }, notes: [] });
  });

  it('under sudo reports the invoking user with the home from /etc/passwd', async () => {
    const deps = fakeDeps({ user: ROOT, env: SUDO_ENV, files: { '/etc/passwd': PASSWD } });
    expect((await probeUser(deps)).facts).toEqual({ name: 'alice', uid: 1001, gid: 1002, home: '/data/users/alice' });
  });

  it('under sudo asks getent for users outside /etc/passwd (LDAP)', async () => {
    const deps = fakeDeps({
      user: ROOT,
      env: SUDO_ENV,
      files: { '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\n' },
      commands: { 'getent passwd alice': { stdout: 'alice:*:1001:1002:Alice:/nfs/home/alice:/bin/zsh\n' } },
    });
    expect((await probeUser(deps)).facts.home).toBe('/nfs/home/alice');
  });

  it('under sudo with no passwd entry guesses /home/NAME and says so', async () => {
    const deps = fakeDeps({ user: ROOT, env: SUDO_ENV });
    const { facts, notes } = await probeUser(deps);
    expect(facts).toEqual({ name: 'alice', uid: 1001, gid: 1002, home: '/home/alice' });
    expect(notes[0]?.message).toMatch(/no passwd entry for sudo user alice/);
  });

  it('ignores SUDO_* when not running as root, and sudo -u root', async () => {
    const notRoot = fakeDeps({ env: SUDO_ENV, files: { '/etc/passwd': PASSWD } });
    expect((await probeUser(notRoot)).facts.name).toBe('alice');
    expect((await probeUser(notRoot)).facts.uid).toBe(1000);
    const sudoRoot = fakeDeps({ user: ROOT, env: { SUDO_USER: 'root', SUDO_UID: '0', SUDO_GID: '0' } });
    expect((await probeUser(sudoRoot)).facts).toEqual({ name: 'root', uid: 0, gid: 0, home: '/root' });
  });

  it('survives a uid without a passwd entry', async () => {
    const deps = fakeDeps({
      user: () => {
        throw new Error('ENOENT');
      },
      env: { USER: 'builder', HOME: '/tmp/home' },
    });
    const { facts, notes } = await probeUser(deps);
    expect(facts).toMatchObject({ name: 'builder', home: '/tmp/home' });
    expect(notes).toHaveLength(1);
  });

  it('maps Windows uid -1 to 1000 with a note', async () => {
    const deps = fakeDeps({ platform: 'win32', user: { username: 'bob', uid: -1, gid: -1, homedir: 'C:\\Users\\bob' } });
    const { facts, notes } = await probeUser(deps);
    expect(facts).toEqual({ name: 'bob', uid: 1000, gid: 1000, home: 'C:\\Users\\bob' });
    expect(notes).toHaveLength(1);
  });
});

describe('findPasswdEntry', () => {
  it('finds only the exact name and skips malformed lines', () => {
    expect(findPasswdEntry('alicex:x:1:1::/x:/bin/sh\nbroken:line\nalice:x:1001:1002::/h/a:/bin/sh', 'alice')).toEqual({
      name: 'alice',
      uid: 1001,
      gid: 1002,
      home: '/h/a',
    });
    expect(findPasswdEntry(PASSWD, 'bob')).toBeNull();
  });
});
