import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { danlu, jsonOut } from '../support/cli.js';

/**
 * The exported Slurm job, run by a real scheduler: the one-node cluster .ci/run starts
 * (scripts/slurm-one-node.sh; DANLU_TEST_SLURM_CONF names its configuration). A small project
 * with one dependency (a wheel in the project, so the job needs no network) is profiled on the
 * "login node" (`danlu host add`), exported without a container (--runtime none) and submitted:
 * uv syncs the lock on the node and the job prints the environment's Python and the dependency.
 * The pyxis variant passes `sbatch --test-only` with the profile's sizing and, since this
 * cluster has no pyxis, stops with the one line the script has for that.
 */
const CONF = process.env.DANLU_TEST_SLURM_CONF;
const UV = process.env.DANLU_TEST_UV;
const missing = !CONF ? 'DANLU_TEST_SLURM_CONF is not set (scripts/slurm-one-node.sh start)' : !UV ? 'DANLU_TEST_UV is not set' : null;

const root = mkdtempSync(join(tmpdir(), 'danlu-slurm-job-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A pure-Python wheel written with Python's zipfile: name-version, one module with hello(). */
function makeWheel(dir: string, name: string, version: string): string {
  const file = join(dir, `${name}-${version}-py3-none-any.whl`);
  const py = `
import base64, hashlib, sys, zipfile
name, ver, out = sys.argv[1:4]
files = {f"{name}/__init__.py": f"__version__ = '{ver}'\\ndef hello():\\n    return '{name} says hello'\\n",
         f"{name}-{ver}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {ver}\\n",
         f"{name}-{ver}.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
record = []
with zipfile.ZipFile(out, "w") as z:
    for path, text in files.items():
        z.writestr(path, text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{name}-{ver}.dist-info/RECORD,,")
    z.writestr(f"{name}-{ver}.dist-info/RECORD", "\\n".join(record) + "\\n")
`;
  const r = sh('python3', ['-c', py, name, version, file]);
  if (r.code !== 0) throw new Error(`making the wheel failed: ${r.stderr}`);
  return file;
}

describe.skipIf(missing !== null)('a Slurm job exported by danlu, run by Slurm', () => {
  const dir = join(root, 'slurm-demo');
  const env = { SLURM_CONF: CONF ?? '' };
  // The job's own folders, so nothing lands in this user's home; uv as the node has it.
  const jobEnv = {
    ...env,
    DANLU_UV: UV ?? '',
    DANLU_VENV: join(root, 'envs', 'slurm-demo'),
    DANLU_CACHE_ROOT: join(root, 'cache'),
    UV_PYTHON_DOWNLOADS: 'never',
  };
  const python = sh('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']).stdout.trim();

  it('the project: one dependency from a wheel in it, locked by the real uv', () => {
    mkdirSync(join(dir, 'wheels'), { recursive: true });
    makeWheel(join(dir, 'wheels'), 'tinydep', '1.2.3');
    writeFileSync(
      join(dir, 'pyproject.toml'),
      `[project]\nname = "slurm-demo"\nversion = "0.1.0"\nrequires-python = ">=${python}"\ndependencies = ["tinydep"]\n\n[tool.uv]\npackage = false\n\n[tool.uv.sources]\ntinydep = { path = "wheels/tinydep-1.2.3-py3-none-any.whl" }\n`,
    );
    writeFileSync(join(dir, '.python-version'), `${python}\n`);
    writeFileSync(
      join(dir, 'train.py'),
      'import sys, tinydep\nprint("python", sys.version.split()[0], sys.prefix)\nprint(tinydep.hello(), tinydep.__version__)\n',
    );
    const lock = sh(UV!, ['lock', '--offline'], { cwd: dir, env: { UV_PYTHON_DOWNLOADS: 'never', UV_CACHE_DIR: join(root, 'uv-cache') } });
    expect(lock.stderr).toMatch(/Resolved 2 packages/);
    expect(lock.code).toBe(0);
  });

  it('`danlu host add` on the login node writes the cluster profile: its partition, CPUs, memory, GPUs', () => {
    const r = danlu(['host', 'add', 'hpc', '-C', dir], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/the Slurm cluster's partitions \(debug\); `danlu export slurm --cluster hpc`/);
    const profile = JSON.parse(readFileSync(join(dir, '.devcontainer', 'hosts', 'hpc.json'), 'utf8'));
    expect(profile.slurm.partitions).toEqual([expect.objectContaining({ name: 'debug', default: true, nodes: 1, gpus: 1 })]);
    expect(profile.slurm.partitions[0].cpus).toBeGreaterThan(0);
    expect(JSON.stringify(profile)).not.toContain(root.split('/').pop());
  });

  it('the pyxis job, sized by the profile on a machine that is not the cluster, passes sbatch --test-only', () => {
    const r = jsonOut(danlu(['export', 'slurm', dir, '--image', 'registry.example.com/lab/demo:1', '--out', join(dir, 'pyxis.sbatch'), '--json']));
    expect(r.runtime).toBe('pyxis');
    expect(r.sizing).toMatch(/^Sized for partition debug \(nodes of .*; from the cluster profile hpc\)/);
    const text = readFileSync(join(dir, 'pyxis.sbatch'), 'utf8');
    expect(text).toContain('#SBATCH --partition=debug\n');
    const test = sh('sbatch', ['--test-only', 'pyxis.sbatch'], { cwd: dir, env });
    expect(test.stderr).toMatch(/Job \d+ to start at .* on nodes \S+ in partition debug/);
    expect(test.code).toBe(0);
  });

  it('--runtime none runs to completion: the environment uv synced from the lock, its Python and dependency', () => {
    const r = danlu(['export', 'slurm', dir, '--runtime', 'none', '--out', join(dir, 'train.sbatch')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote .*train\.sbatch/);
    const job = sh('sbatch', ['--wait', '--parsable', 'train.sbatch'], { cwd: dir, env: jobEnv });
    const id = job.stdout.trim().split(';')[0]!;
    const out = join(dir, `slurm-demo-${id}.out`);
    const log = existsSync(out) ? readFileSync(out, 'utf8') : `(no ${out}: ${readdirSync(dir).join(' ')})`;
    expect(log).toMatch(new RegExp(`^python ${python.replace('.', '\\.')}\\.\\d+ ${jobEnv.DANLU_VENV}$`, 'm'));
    expect(log).toMatch(/^tinydep says hello 1\.2\.3$/m);
    expect(job.code, log).toBe(0);
  });

  it('the pyxis job on this cluster (no pyxis) stops with one clear line, not srun\'s "unrecognized option"', () => {
    const job = sh('sbatch', ['--wait', '--parsable', 'pyxis.sbatch'], { cwd: dir, env: jobEnv });
    const id = job.stdout.trim().split(';')[0]!;
    const log = readFileSync(join(dir, `slurm-demo-${id}.out`), 'utf8');
    expect(log.trim()).toBe(
      "danlu: this cluster's srun has no --container-image: pyxis is not installed; export the job with --runtime none (uv on the nodes, no container), or ask the admins for pyxis/enroot",
    );
    expect(job.code).not.toBe(0);
  });
});

describe.runIf(missing !== null)('a Slurm job exported by danlu, without a cluster', () => {
  it.skipIf(process.env.CI !== 'true')('has a cluster in CI', () => {
    throw new Error(`no Slurm cluster for the job test: ${missing}`);
  });
  it.skipIf(process.env.CI === 'true')(`skipped: ${missing}`, () => {});
});
