import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyFixes, manualFixes, safeFixes, setEnvValues } from './fix.js';
import type { Finding } from './types.js';

const tmp = mkdtempSync(join(tmpdir(), 'danlu-doctor-fix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const envFinding = (file: string, key: string, value: string): Finding => ({
  id: `env-${key}`,
  layer: 'project',
  severity: 'error',
  title: `${key} wrong`,
  detail: '',
  fix: { description: `set ${key}=${value}`, safe: true, action: { kind: 'env-set', file, key, value } },
});

describe('setEnvValues', () => {
  it('changes only the named keys and keeps comments, order and other lines', () => {
    const text = '# header\nUSER_NAME=alice\nUSER_UID=1234\n\nexport USER_GID=1234 # old\nMINE=keep\n';
    expect(setEnvValues(text, '.env', { USER_UID: '1000', USER_GID: '1000', HOST_HOME: '/home/my user' })).toBe(
      "# header\nUSER_NAME=alice\nUSER_UID=1000\n\nUSER_GID=1000\nMINE=keep\nHOST_HOME='/home/my user'\n",
    );
  });
});

describe('applyFixes', () => {
  it('rewrites .env atomically, keeping a backup, in one write for several keys', async () => {
    const dir = mkdtempSync(join(tmp, 'env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'USER_UID=1234\nUSER_GID=1234\nOTHER=x\n');
    const results = await applyFixes([envFinding(file, 'USER_UID', '1000'), envFinding(file, 'USER_GID', '1000')]);
    expect(results.map((r) => [r.id, r.applied, r.error])).toEqual([
      ['env-USER_UID', true, null],
      ['env-USER_GID', true, null],
    ]);
    expect(readFileSync(file, 'utf8')).toBe('USER_UID=1000\nUSER_GID=1000\nOTHER=x\n');
    const backups = readdirSync(join(dir, '.danlu', 'backup'));
    expect(readFileSync(join(dir, '.danlu', 'backup', backups[0]!, '.env'), 'utf8')).toBe('USER_UID=1234\nUSER_GID=1234\nOTHER=x\n');
  });

  it('creates missing cache folders and their parents', async () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const uid = process.getuid!();
    const gid = process.getgid!();
    const paths = [join(home, '.cache', 'torch', 'hub'), join(home, '.local', 'share', 'uv')];
    const f: Finding = {
      id: 'cache-dir-missing',
      layer: 'project',
      severity: 'warn',
      title: '',
      detail: '',
      fix: { description: 'create', safe: true, action: { kind: 'own-dirs', home, paths, uid, gid } },
    };
    expect((await applyFixes([f]))[0]).toMatchObject({ applied: true, error: null });
    for (const p of paths) expect(statSync(p).isDirectory()).toBe(true);
  });

  it.skipIf(!isRoot)('as root, gives a root-owned cache tree (and new parents) to the invoking user', async () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const hf = join(home, '.cache', 'huggingface');
    mkdirSync(join(hf, 'hub'), { recursive: true });
    writeFileSync(join(hf, 'hub', 'model.bin'), 'x');
    const fresh = join(home, '.local', 'share', 'uv');
    const own = (paths: string[]): Finding => ({
      id: 'cache',
      layer: 'project',
      severity: 'error',
      title: '',
      detail: '',
      fix: { description: 'own', safe: true, action: { kind: 'own-dirs', home, paths, uid: 4242, gid: 4343 } },
    });
    await applyFixes([own([hf]), own([fresh])]);
    for (const p of [hf, join(hf, 'hub'), join(hf, 'hub', 'model.bin'), fresh, join(home, '.local'), join(home, '.local', 'share')]) {
      expect([statSync(p).uid, statSync(p).gid], p).toEqual([4242, 4343]);
    }
    expect(statSync(join(home, '.cache')).uid).toBe(0);
  });

  it('reports a failure instead of throwing', async () => {
    const file = join(tmp, 'missing', '.env');
    const [r] = await applyFixes([envFinding(file, 'USER_UID', '1000')]);
    expect(r).toMatchObject({ applied: false, error: expect.stringContaining('ENOENT') });
  });
});

describe('safeFixes and manualFixes', () => {
  it('never treats a printed command as something to run', () => {
    const printed: Finding = {
      id: 'nvidia-runtime',
      layer: 'gpu',
      severity: 'error',
      title: '',
      detail: '',
      fix: { description: 'toolkit', command: 'sudo apt-get install …', safe: false },
    };
    const safe = envFinding('/x/.env', 'USER_UID', '1');
    expect(safeFixes([printed, safe])).toEqual([safe]);
    expect(manualFixes([printed, safe])).toEqual([printed]);
  });
});
