import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { danlu, HOST_FILES, REPO } from '../support/cli.js';
import { drop, type Hostile, hostile, state } from './support.js';

const H100 = JSON.parse(readFileSync(join(HOST_FILES, 'h100-580.json'), 'utf8'));
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let made: Hostile[] = [];
let temps: string[] = [];
const make = (...args: Parameters<typeof hostile>) => {
  const h = hostile(...args);
  made.push(h);
  return h;
};
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'danlu-hostile-input-'));
  temps.push(d);
  return d;
};
afterEach(() => {
  for (const h of made) drop(h);
  for (const d of temps) rmSync(d, { recursive: true, force: true });
  made = [];
  temps = [];
});

/** A host file like h100-580.json with `edit` applied, written next to the project. */
function hostFile(h: Hostile, edit: (host: typeof H100) => void, name = 'server.json'): string {
  const host = structuredClone(H100);
  edit(host);
  const path = join(h.outside, name);
  writeFileSync(path, JSON.stringify(host, null, 2));
  return path;
}

describe('`--` ends the options, for every command', () => {
  it('init [OPTIONS] -- DIR writes into DIR (a name that starts with a dash), never into the current folder', () => {
    const cwd = temp();
    cpSync(join(REPO, 'examples', 'mnist'), join(cwd, '-proj'), { recursive: true });
    const r = danlu(['init', '--yes', '--host', join(HOST_FILES, 'h100-580.json'), '--', '-proj'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(cwd)).toEqual(['-proj']);
    expect(existsSync(join(cwd, '-proj', '.env'))).toBe(true);
  });

  it('options written after `--` are refused (exit 2, nothing written), not dropped', () => {
    const cwd = temp();
    cpSync(join(REPO, 'examples', 'mnist'), join(cwd, '-proj'), { recursive: true });
    const before = state(cwd);
    const r = danlu(['plan', '--', '-proj', '--host', join(HOST_FILES, 'h100-580.json')], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^danlu: error: plan: unexpected arguments "--host" ".*h100-580\.json"\n {2}hint: usage: danlu plan .*put the options before --/);
    expect(state(cwd)).toEqual(before);
  });
});

describe('a host file is data: text values with control characters are refused where they are', () => {
  it('a line break in a GPU name cannot add keys to .env (exit 2, file:line:col, nothing written)', () => {
    const h = make();
    const host = hostFile(h, (b) => {
      b.nvidia.gpus[0].name = 'H100\nBASE_IMAGE=attacker/evil:latest\nUSER_UID=0\nCOMPOSE_FILE=evil.yml\n#';
    });
    const before = state(h.project);
    const r = danlu(['init', h.project, '--yes', '--host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^danlu: error: ${host.replace(/[.]/g, '\\.')}:\\d+:\\d+: nvidia\\.gpus\\[0\\]\\.name: expected a non-empty string without control characters`,
      ),
    );
    expect(r.stderr).not.toContain('\nBASE_IMAGE');
    expect(state(h.project)).toEqual(before);
  });

  it('escape sequences never reach the terminal (plan, init)', () => {
    const h = make();
    const host = hostFile(h, (b) => {
      b.nvidia.gpus[0].name = 'H100\u001b[2J\u001b]0;pwn\u0007';
    });
    for (const args of [
      ['plan', h.project, '--host', host],
      ['init', h.project, '--yes', '--host', host],
    ]) {
      const r = danlu(args);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).not.toMatch(CONTROL);
      expect(r.stderr).toContain('"H100\\u001b[2J\\u001b]0;pwn\\u0007"');
    }
  });

  it('a team host in .devcontainer/hosts is held to the same rule, and named', () => {
    const h = make();
    const evil = structuredClone(H100);
    evil.nvidia.gpus[0].name = 'A100\nUSER_UID=0';
    mkdirSync(join(h.project, '.devcontainer', 'hosts'), { recursive: true });
    writeFileSync(join(h.project, '.devcontainer', 'hosts', 'gpu-box.json'), JSON.stringify(evil, null, 2));
    const r = danlu(['plan', h.project, '--host', join(HOST_FILES, 'h100-580.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^danlu: error: .*\.devcontainer\/hosts\/gpu-box\.json:\d+:\d+: nvidia\.gpus\[0\]\.name: /);
  });

  it('the time zone error names the host file and the line', () => {
    const h = make();
    const host = hostFile(h, (b) => {
      b.timezone = 'Asia/Shanghai\nUSER_UID=0';
    });
    const r = danlu(['init', h.project, '--yes', '--host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^danlu: error: ${host.replace(/[.]/g, '\\.')}:\\d+:\\d+: timezone: `));
  });
});

describe('a host file has sane bounds', () => {
  it('--host /dev/zero is refused at 16 MiB, not read for ever', () => {
    const h = make();
    const r = danlu(['plan', h.project, '--host', '/dev/zero'], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'danlu: error: /dev/zero: a host file is at most 16 MiB, and this one is larger\n  hint: write one on the target machine with `danlu host --json > server.json`\n',
    );
  });

  it.each([
    [
      'a 10 MB GPU name',
      (b: typeof H100) => (b.nvidia.gpus[0].name = 'H'.repeat(10_000_000)),
      /nvidia\.gpus\[0\]\.name: expected a non-empty string of at most 4096 characters/,
    ],
    ['1,000 GPUs', (b: typeof H100) => (b.nvidia.gpus = Array.from({ length: 1000 }, () => ({ name: 'H100' }))), /nvidia\.gpus: expected at most 256 GPUs/],
    [
      'driver 99999999999999999999.1',
      (b: typeof H100) => (b.nvidia.driverVersion = '99999999999999999999.1'),
      /nvidia\.driverVersion: expected a driver version/,
    ],
  ])('%s: a located error, exit 2, a short message', (_what, edit, message) => {
    const h = make();
    const host = hostFile(h, edit);
    const r = danlu(['plan', h.project, '--host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^danlu: error: .*server\.json:\d+:\d+: /);
    expect(r.stdout.length + r.stderr.length).toBeLessThan(1000);
  });

  it('"cpus": 1e400 is out of range, not "null"', () => {
    const h = make();
    const host = join(h.outside, 'server.json');
    writeFileSync(host, readFileSync(join(HOST_FILES, 'h100-580.json'), 'utf8').replace(/"cpus": \d+/, '"cpus": 1e400'));
    const r = danlu(['plan', h.project, '--host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`danlu: error: ${host}:4:11: cpus: expected a positive integer, got a number out of range\n`);
  });
});

describe('setup-host: --no-proxy is checked like --proxy, and a password is never shown', () => {
  it.each([
    ['a$(touch ./pwned_np),b', '"a$(touch ./pwned_np)"'],
    ['a"b', '"a\\"b"'],
    ['a`id`', '"a`id`"'],
    ['a\nb', '"a\\nb"'],
    ['a\\b', '"a\\\\b"'],
    ['a b', '"a b"'],
  ])('--no-proxy %j: exit 2, no script', (list, shown) => {
    const cwd = temp();
    const r = danlu(['setup-host', '--proxy', 'http://127.0.0.1:7890', '--no-proxy', list], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`danlu: error: --no-proxy ${shown}: expected host names`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('takes hosts, .domains, addresses, ranges and *', () => {
    const r = danlu(['setup-host', '--proxy', 'http://127.0.0.1:7890', '--no-proxy', '.corp.example, 10.0.0.0/8,gpu-01:8080,fd00::/8,*']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(',.corp.example,gpu-01:8080,fd00::/8,*');
  });

  it('a --proxy refused for a space in its password shows user:***@ only', () => {
    const r = danlu(['setup-host', '--proxy', 'http://alice:pa ss@proxy.example:3128']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http://alice:***@proxy.example:3128');
    expect(r.stdout + r.stderr).not.toContain('pa ss');
  });
});

describe('messages say what is wrong, and where', () => {
  it.each([
    ['-r ../../etc/passwd', /\.\.\/\.\.\/etc\/passwd .*is outside the project folder/],
    ['-r /etc/passwd', /\/etc\/passwd .*is outside the project folder/],
    ['-r https://example.com/reqs.txt', /https:\/\/example\.com\/reqs\.txt .*is a URL: pip downloads it, danlu does not/],
  ])('requirements `%s`: says why it is not read, not "was not found"', (line, why) => {
    const h = make({ 'requirements.txt': `${line}\nnumpy\n` });
    const r = danlu(['import', h.project]);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(why);
    expect(r.stdout + r.stderr).not.toMatch(/not found/);
  });

  it('export: a bad USER_UID in .env is reported at its line in .env', () => {
    const h = make();
    const host = join(HOST_FILES, 'cpu-only.json');
    expect(danlu(['init', h.project, '--yes', '--host', host]).code).toBe(0);
    const env = readFileSync(join(h.project, '.env'), 'utf8').replace(/^USER_UID=.*$/m, 'USER_UID="1000; touch pwned"');
    writeFileSync(join(h.project, '.env'), env);
    const line = env.split('\n').findIndex((l) => l.startsWith('USER_UID=')) + 1;
    const r = danlu(['export', 'k8s', h.project, '--host', host]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`danlu: error: ${join(h.project, '.env')}:${line}:10: USER_UID "1000; touch pwned": expected a whole number\n`);
  });
});
