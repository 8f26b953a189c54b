/**
 * Credentials in a repository's URLs and in .env (review 2026-12b, R4-R6): a token appears in no
 * output (text, --json, --dry-run) and in no file danlu writes, except .env, which is then mode 600.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, danlu, HOST_FILES } from '../support/cli.js';
import { drop, type Hostile, hostile } from './support.js';

const HOST = join(HOST_FILES, 'h100-580.json');

let made: Hostile[] = [];
const make = (files: Record<string, string>) => {
  const h = hostile(files);
  made.push(h);
  return h;
};
afterEach(() => {
  for (const h of made) drop(h);
  made = [];
});

/** The command's stdout and stderr hold none of the secrets. */
function clean(r: CliResult, secrets: readonly string[], what: string): CliResult {
  for (const s of secrets) {
    expect(r.stdout, `${what}: stdout`).not.toContain(s);
    expect(r.stderr, `${what}: stderr`).not.toContain(s);
  }
  return r;
}

/** Runs danlu and checks its output. */
function run(args: string[], secrets: readonly string[], env: Record<string, string> = {}): CliResult {
  return clean(danlu(args, { env }), secrets, `danlu ${args.join(' ')}`);
}

/**
 * Every file under dir that holds one of the secrets, besides the project's own inputs and
 * .env; each .env that holds one (and its backups) must be mode 600.
 */
function filesHolding(dir: string, secrets: readonly string[], inputs: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const rel = relative(dir, p);
        if (inputs.includes(rel) || !secrets.some((s) => readFileSync(p, 'utf8').includes(s))) continue;
        if (basename(p) === '.env') expect((statSync(p).mode & 0o777).toString(8), `${rel} holds credentials`).toBe('600');
        else found.push(rel);
      }
    }
  };
  walk(dir);
  return found;
}

describe('credentials in the URLs a project names (R4)', () => {
  const TOKENS = ['TOKENidx', 'TOKENmir', 'TOKENfl', 'TOKENurl', 'TOKENgit'];
  const REQUIREMENTS = [
    '--index-url https://alice:TOKENmir@pypi.corp.example/simple',
    '--extra-index-url https://alice:TOKENidx@pkgs.corp.example/repo/',
    '-f https://bob:TOKENfl@wheels.example/links.html',
    'privpkg @ https://dave:TOKENurl@files.example/p-1.0-py3-none-any.whl',
    'gitpkg @ git+https://eve:TOKENgit@github.com/o/g.git@v1',
    'numpy',
    '',
  ].join('\n');

  it('requirements.txt: pyproject.toml gets the URLs without them, with one warning naming uv’s way; every output masks them', () => {
    const h = make({ 'requirements.txt': REQUIREMENTS });
    const imported = run(['import', h.project], TOKENS);
    expect(imported.stdout).toContain('--extra-index-url https://alice:***@pkgs.corp.example/repo/');
    run(['import', h.project, '--json'], TOKENS);
    run(['plan', h.project, '--host', HOST], TOKENS);
    run(['plan', h.project, '--host', HOST, '--json'], TOKENS);
    run(['init', h.project, '--yes', '--host', HOST, '--dry-run'], TOKENS);
    run(['init', h.project, '--yes', '--host', HOST, '--dry-run', '--json'], TOKENS);
    const init = run(['init', h.project, '--yes', '--host', HOST], TOKENS);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr.match(/user names, passwords and tokens/g)).toHaveLength(1);
    expect(init.stderr).toContain('UV_INDEX_PKGS_CORP_EXAMPLE_USERNAME and UV_INDEX_PKGS_CORP_EXAMPLE_PASSWORD');
    expect(init.stderr).toContain("a netrc file (~/.netrc) or git's credential helper for privpkg, gitpkg");
    const pyproject = readFileSync(join(h.project, 'pyproject.toml'), 'utf8');
    expect(pyproject).toContain('url = "https://pkgs.corp.example/repo/"');
    expect(pyproject).toContain('url = "https://wheels.example/links.html"');
    expect(pyproject).toContain('privpkg = { url = "https://files.example/p-1.0-py3-none-any.whl" }');
    expect(pyproject).toContain('gitpkg = { git = "https://github.com/o/g.git", rev = "v1" }');
    // Again, over its own pyproject.toml: the same URL with and without credentials is one source.
    const again = run(['init', h.project, '--yes', '--host', HOST, '--json'], TOKENS);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).files.find((f: { path: string }) => f.path === 'pyproject.toml').action).toBe('unchanged');
    expect(filesHolding(h.project, TOKENS, ['requirements.txt'])).toEqual([]);
  });

  it('a README pip line: its index and git URL are masked in every output and written without them', () => {
    const TOK = ['TOKreadme', 'TOKreadme2', 'TOKreadme3'];
    const h = make({
      'README.md': [
        '# demo',
        '',
        '```bash',
        'pip install --index-url https://u:TOKreadme@pypi.corp.example/simple foo',
        'pip install --extra-index-url https://u:TOKreadme2@pkgs.corp.example/repo/ bar',
        'pip install git+https://u:TOKreadme3@github.com/o/g.git',
        '```',
        '',
      ].join('\n'),
    });
    run(['import', h.project], TOK);
    run(['import', h.project, '--json'], TOK);
    run(['plan', h.project, '--host', HOST, '--json'], TOK);
    run(['init', h.project, '--yes', '--host', HOST, '--dry-run'], TOK);
    const init = run(['init', h.project, '--yes', '--host', HOST, '--json'], TOK);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(h.project, 'pyproject.toml'), 'utf8')).toContain('"https://pkgs.corp.example/repo/"');
    expect(filesHolding(h.project, TOK, ['README.md'])).toEqual([]);
  });

  it("environment.yml's pip: section", () => {
    const TOK = ['TOKyml', 'TOKyml2'];
    const h = make({
      'environment.yml': [
        'name: demo',
        'channels: [conda-forge]',
        'dependencies:',
        '  - python=3.11',
        '  - pip',
        '  - pip:',
        '    - --extra-index-url https://u:TOKyml@pkgs.corp.example/repo/',
        '    - ymlpkg @ git+https://u:TOKyml2@gitlab.example/o/y.git',
        '    - numpy',
        '',
      ].join('\n'),
    });
    run(['import', h.project], TOK);
    run(['import', h.project, '--json'], TOK);
    run(['plan', h.project, '--host', HOST], TOK);
    run(['init', h.project, '--yes', '--host', HOST, '--dry-run', '--json'], TOK);
    const init = run(['init', h.project, '--yes', '--host', HOST], TOK);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(h.project, 'pyproject.toml'), 'utf8')).toContain('ymlpkg = { git = "https://gitlab.example/o/y.git" }');
    expect(filesHolding(h.project, TOK, ['environment.yml'])).toEqual([]);
  });
});

describe('mirror credentials in .env (R5)', () => {
  const TOK = ['pypiTOKEN123', 'hfTOKEN456', 'dhTOKEN789'];

  it('stay out of job files and every output; .env that holds them is mode 600', () => {
    const h = make({});
    expect(danlu(['init', h.project, '--yes', '--host', HOST]).code).toBe(0);
    const envPath = join(h.project, '.env');
    const env = readFileSync(envPath, 'utf8')
      .replace(/^PYPI_MIRROR=.*$/m, 'PYPI_MIRROR=https://__token__:pypiTOKEN123@mirror.example/simple')
      .replace(/^HF_ENDPOINT=.*$/m, 'HF_ENDPOINT=https://u:hfTOKEN456@hf.example')
      .replace(/^DOCKERHUB_MIRROR=.*$/m, 'DOCKERHUB_MIRROR=https://u:dhTOKEN789@dh.example');
    writeFileSync(envPath, env);
    chmodSync(envPath, 0o644);

    const k8s = run(['export', 'k8s', h.project, '--out', join(h.project, 'job.yaml')], TOK);
    expect(k8s.code, k8s.stderr).toBe(0);
    expect(k8s.stderr).toContain('credentials never go into a manifest or job script');
    expect(readFileSync(join(h.project, 'job.yaml'), 'utf8')).toContain('value: https://mirror.example/simple');
    const slurm = run(['export', 'slurm', h.project, '--out', join(h.project, 'job.sbatch')], TOK);
    expect(slurm.stderr).toContain('credentials never go into a manifest or job script');
    run(['export', 'k8s', h.project], TOK);
    run(['export', 'slurm', h.project, '--json'], TOK);
    run(['mirrors', h.project], TOK);
    run(['mirrors', h.project, '--json'], TOK);
    run(['plan', h.project, '--host', HOST], TOK);
    const plan = run(['plan', h.project, '--host', HOST, '--json'], TOK);
    expect(JSON.stringify(JSON.parse(plan.stdout).mirrors)).toContain('https://__token__:***@mirror.example/simple');
    run(['init', h.project, '--yes', '--host', HOST, '--dry-run'], TOK);
    run(['init', h.project, '--yes', '--host', HOST, '--json', '--lock-with-mirror'], TOK);
    run(['doctor', h.project], TOK);
    run(['doctor', h.project, '--json'], TOK);
    run(['status', h.project], TOK);
    expect((statSync(envPath).mode & 0o777).toString(8)).toBe('600');
    expect(filesHolding(h.project, TOK, [])).toEqual([]);
  });

  it('uv-sync.sh does not echo a UV_DEFAULT_INDEX with credentials into the log', () => {
    const h = make({});
    expect(danlu(['init', h.project, '--yes', '--host', HOST]).code).toBe(0);
    // A uv that does nothing: the script's own lines are what is checked.
    const bin = join(h.root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'uv'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const index = 'https://__token__:pypiTOKEN123@mirror.example/simple';
    const r = spawnSync('bash', [join(h.project, '.devcontainer', 'uv-sync.sh')], {
      env: { PATH: `${bin}:${process.env.PATH}`, UV_DEFAULT_INDEX: index, PYPI_MIRROR: index },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('locking against https://__token__:***@mirror.example/simple');
    clean({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }, TOK, 'uv-sync.sh');
  });
});

describe('proxy passwords in the environment (R6)', () => {
  const TOK = ['secretPX', 'pa ss'];
  const env = { HTTPS_PROXY: 'http://u:secretPX@127.0.0.1:9', HTTP_PROXY: 'http://u:secretPX2@127.0.0.1:9' };

  it('doctor never prints them, in its findings, --json or fix commands; setup-host --proxy neither', () => {
    const h = make({});
    expect(danlu(['init', h.project, '--yes', '--host', HOST]).code).toBe(0);
    const text = run(['doctor', h.project], TOK, env);
    const json = run(['doctor', h.project, '--json'], TOK, env);
    const findings = JSON.parse(json.stdout).findings as { id: string; fix: { command?: string } | null }[];
    const dropin = findings.find((f) => f.id === 'proxy-daemon')?.fix?.command;
    // Where the Docker client is there, the fix reads the proxy from the shell instead of printing it.
    if (dropin?.includes('tee')) expect(dropin).toContain('"$HTTP_PROXY" "$HTTPS_PROXY"');
    expect(`${text.stdout}${json.stdout}`).toContain('http://u:***@127.0.0.1:9');
    for (const args of [['plan', h.project, '--host', HOST, '--json'], ['status', h.project], ['setup-host']]) run(args, TOK, env);
    const bad = run(['setup-host', '--proxy', 'http://alice:pa ss@proxy.example:3128'], TOK);
    expect(bad.code).toBe(2);
    // The script reads the password at run time; the output layer leaves that reference alone.
    const script = run(['setup-host', '--proxy', 'http://alice:secretPX9@proxy.example:3128'], TOK);
    expect(script.stdout).toContain('PROXY_URL="http://alice:${DANLU_PROXY_SECRET}@proxy.example:3128"');
    expect(filesHolding(h.project, TOK, [])).toEqual([]);
  });
});
