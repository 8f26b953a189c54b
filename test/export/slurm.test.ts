import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMMAND } from '../../src/export/launch.js';
import { renderSlurm, type SlurmOptions } from '../../src/export/slurm.js';
import { sizeJob } from '../../src/export/sizing.js';
import { DanluError } from '../../src/lib/errors.js';
import { findShellcheck, run, shellcheck } from '../support/tools.js';
import { fixturePlan, GOLDEN, IMAGE, SHAPES } from './support.js';

const plan = await fixturePlan();
const work = mkdtempSync(join(tmpdir(), 'danlu-slurm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Options as `danlu export slurm` passes them where it knows no cluster: danlu's defaults, said. */
function options(over: Partial<SlurmOptions> = {}): SlurmOptions {
  const gpus = over.gpus ?? 1;
  return {
    sizing: sizeJob(null, { gpus }, { bytes: 0, text: plan.shmSize }).says,
    gpus: 1,
    nodes: 1,
    image: IMAGE,
    command: DEFAULT_COMMAND,
    user: { uid: 1000, gid: 1000 },
    lockWithMirror: false,
    code: 'mount',
    runtime: 'pyxis',
    ...over,
  };
}

/**
 * Runs an sbatch script as Slurm would on the first node, with stand-ins for `srun` (prints the
 * words it gets, one per line, then the variables the container would see; `--help` lists
 * pyxis's option unless `pyxis` is false), `scontrol`, and `uv` (prints the words it gets).
 */
function runScript(text: string, nodes: number, env: Record<string, string> = {}, o: { pyxis?: boolean; uv?: boolean } = {}) {
  const dir = mkdtempSync(join(work, 'run-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const home = join(dir, 'home');
  mkdirSync(home);
  const help =
    o.pyxis === false
      ? 'Usage: srun [OPTIONS(0)...]\\n      --container             Path to OCI container bundle\\n'
      : 'Options provided by plugins:\\n      --container-image=[USER@][REGISTRY#]IMAGE[:TAG]|PATH\\n';
  writeFileSync(
    join(bin, 'srun'),
    `#!/bin/sh\n[ "$1" = --help ] && { printf '${help}'; exit 0; }\n` +
      'for a in "$@"; do printf \'arg:%s\\n\' "$a"; done\n' +
      'for v in MASTER_ADDR MASTER_PORT HF_HOME UV_CACHE_DIR PYTHONUNBUFFERED PYTHONPATH https_proxy UV_PROJECT_ENVIRONMENT VIRTUAL_ENV UV_NO_SYNC SRUN_CPUS_PER_TASK; do eval "printf \'env:%s=%s\\n\' $v \\"\\${$v-<unset>}\\""; done\n',
  );
  writeFileSync(join(bin, 'scontrol'), '#!/bin/sh\n[ "$1 $2" = "show hostnames" ] || exit 2\n[ "$3" = "gpu[07-08]" ] || exit 3\nprintf \'gpu07\\ngpu08\\n\'\n');
  chmodSync(join(bin, 'srun'), 0o755);
  chmodSync(join(bin, 'scontrol'), 0o755);
  if (o.uv !== false) {
    writeFileSync(join(bin, 'uv'), '#!/bin/sh\nprintf \'uv:%s\\n\' "$*"\n');
    chmodSync(join(bin, 'uv'), 0o755);
  }
  const script = join(dir, 'job.sbatch');
  writeFileSync(script, text);
  const r = run('bash', [script], {
    cwd: dir,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: home,
      SLURM_JOB_ID: '4242',
      SLURM_NNODES: String(nodes),
      SLURM_JOB_NODELIST: 'gpu[07-08]',
      SLURM_SUBMIT_DIR: '/shared/alice/vision-demo',
      PYTHONPATH: '/opt/site-python',
      ...env,
    },
  });
  const lines = r.stdout.trim().split('\n');
  return {
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
    args: lines.filter((l) => l.startsWith('arg:')).map((l) => l.slice(4)),
    uv: lines.filter((l) => l.startsWith('uv:')).map((l) => l.slice(3)),
    env: Object.fromEntries(lines.filter((l) => l.startsWith('env:')).map((l) => l.slice(4).split(/=(.*)/s).slice(0, 2))),
    home,
    bin,
  };
}

describe.each(SHAPES)('slurm $id', (shape) => {
  const r = renderSlurm(plan, options({ gpus: shape.gpus, nodes: shape.nodes }));
  const file = join(GOLDEN, `slurm-${shape.id}.sbatch`);

  it('matches its golden file', async () => {
    await expect(r.text).toMatchFileSnapshot(file);
  });

  it.skipIf(!findShellcheck())('passes shellcheck', () => {
    const path = join(work, `slurm-${shape.id}.sbatch`);
    writeFileSync(path, r.text);
    const s = shellcheck(path);
    expect(s.output).toBe('');
    expect(s.code).toBe(0);
  });

  it('asks for nodes, one task per node, GPUs, CPUs and memory', () => {
    const sbatch = r.text.split('\n').filter((l) => l.startsWith('#SBATCH '));
    expect(sbatch).toEqual([
      '#SBATCH --job-name=vision-demo',
      `#SBATCH --nodes=${shape.nodes}`,
      '#SBATCH --ntasks-per-node=1',
      `#SBATCH --gpus-per-node=${shape.gpus}`,
      `#SBATCH --cpus-per-task=${8 * shape.gpus}`,
      `#SBATCH --mem=${64 + 32 * shape.gpus}G`,
      '#SBATCH --output=%x-%j.out',
    ]);
  });

  it('srun gets the pyxis image, mounts, workdir and the launcher, as words', () => {
    const out = runScript(r.text, shape.nodes);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const head = [
      '--container-image=registry.example.com#lab/vision-demo:0.1.0',
      `--container-mounts=${out.home}/.cache/huggingface:/cache/huggingface,${out.home}/.cache/uv:/cache/uv,/shared/alice/vision-demo:/workspace/vision-demo`,
      '--container-workdir=/workspace/vision-demo',
    ];
    if (shape.nodes === 1 && shape.gpus === 1) expect(out.args).toEqual([...head, 'uv', 'run', '--frozen', 'python', 'train.py']);
    if (shape.nodes === 1 && shape.gpus === 8) {
      expect(out.args).toEqual([...head, 'uv', 'run', '--frozen', 'torchrun', '--standalone', '--nproc-per-node=8', 'train.py']);
    }
    if (shape.nodes === 2) {
      expect(out.args).toEqual([
        ...head,
        '--kill-on-bad-exit=1',
        'uv',
        'run',
        '--frozen',
        'torchrun',
        '--nnodes=2',
        '--nproc-per-node=8',
        '--rdzv-id=4242',
        '--rdzv-backend=c10d',
        `--rdzv-endpoint=gpu07:${20000 + (4242 % 20000)}`,
        'train.py',
      ]);
      expect(out.env.MASTER_ADDR).toBe('gpu07');
      expect(out.env.MASTER_PORT).toBe(String(20000 + (4242 % 20000)));
    }
    expect(out.env).toMatchObject({
      HF_HOME: '/cache/huggingface',
      UV_CACHE_DIR: '/cache/uv',
      PYTHONUNBUFFERED: '1',
      PYTHONPATH: '<unset>',
      https_proxy: '<unset>',
    });
  });
});

describe('slurm options', () => {
  it('partition, account, time; the image copy of the code; a cache root; a squashfs image; DANLU_* at submit time', () => {
    const r = renderSlurm(
      plan,
      options({ partition: 'h100', account: 'lab-42', time: '2-00:00:00', code: 'image', cacheRoot: '/scratch/alice cache', image: '/shared/img/demo.sqsh' }),
    );
    expect(r.text).toContain('#SBATCH --partition=h100\n#SBATCH --account=lab-42\n#SBATCH --time=2-00:00:00\n');
    expect(r.text).not.toContain('CODE_DIR');
    const out = runScript(r.text, 1);
    expect(out.code).toBe(0);
    expect(out.args.slice(0, 3)).toEqual([
      '--container-image=/shared/img/demo.sqsh',
      '--container-mounts=/scratch/alice cache/huggingface:/cache/huggingface,/scratch/alice cache/uv:/cache/uv',
      '--container-workdir=/workspace/vision-demo',
    ]);
    const over = runScript(r.text, 1, { DANLU_IMAGE: 'nvcr.io#lab/other:2', DANLU_CACHE_ROOT: join(work, 'c') });
    expect(over.args[0]).toBe('--container-image=nvcr.io#lab/other:2');
    expect(over.args[1]).toBe(`--container-mounts=${join(work, 'c')}/huggingface:/cache/huggingface,${join(work, 'c')}/uv:/cache/uv`);
  });

  it('a command with quotes and spaces reaches srun word for word', () => {
    const r = renderSlurm(plan, options({ gpus: 8, command: ['python', 'train.py', '--name', "it's a run", '--glob', '*.bin', '--x', '$HOME'] }));
    const out = runScript(r.text, 1);
    expect(out.args.slice(3)).toEqual([
      'torchrun',
      '--standalone',
      '--nproc-per-node=8',
      'train.py',
      '--name',
      "it's a run",
      '--glob',
      '*.bin',
      '--x',
      '$HOME',
    ]);
  });

  it('a proxy only when given, without credentials; mirrors from the plan', async () => {
    const cn = await fixturePlan({ mirror: 'cn' });
    const r = renderSlurm(cn, options({ proxy: 'http://alice:s3cret@10.0.0.1:7890' }));
    expect(r.text).not.toContain('s3cret');
    expect(r.text).toContain('export HF_ENDPOINT=https://hf-mirror.com\n');
    const out = runScript(r.text, 1);
    expect(out.env.https_proxy).toBe('http://10.0.0.1:7890');
  });

  it('refuses values that would break the script or the mount list', () => {
    expect(() => renderSlurm(plan, options({ partition: 'gpu;rm -rf /' }))).toThrow(DanluError);
    expect(() => renderSlurm(plan, options({ cacheRoot: '/a,b' }))).toThrow(DanluError);
    expect(() => renderSlurm(plan, options({ image: 'bad image' }))).toThrow(DanluError);
  });
});

describe('slurm --runtime pyxis on a cluster without pyxis', () => {
  it("stops before srun with one line that names --runtime none, not srun's unrecognized option", () => {
    const out = runScript(renderSlurm(plan, options()).text, 1, {}, { pyxis: false });
    expect(out.code).toBe(2);
    expect(out.args).toEqual([]);
    expect(out.stderr.trim()).toBe(
      "danlu: this cluster's srun has no --container-image: pyxis is not installed; export the job with --runtime none (uv on the nodes, no container), or ask the admins for pyxis/enroot",
    );
  });
});

describe('slurm --runtime none: uv syncs the lock on the node, no container', () => {
  const project = mkdtempSync(join(work, 'proj-'));
  writeFileSync(join(project, 'uv.lock'), 'version = 1\n');
  const one = renderSlurm(
    plan,
    options({
      runtime: 'none',
      sizing: 'Sized for partition debug (nodes of 2 CPUs, 22.5 GiB, 1 GPU; from sinfo on this machine): GPUs, CPUs and memory as a whole node.',
    }),
  );
  const multi = renderSlurm(plan, options({ runtime: 'none', gpus: 8, nodes: 2 }));

  it('matches its golden files and passes shellcheck', async () => {
    await expect(one.text).toMatchFileSnapshot(join(GOLDEN, 'slurm-none-1gpu.sbatch'));
    await expect(multi.text).toMatchFileSnapshot(join(GOLDEN, 'slurm-none-2x8gpu.sbatch'));
    expect(one.image).toBeNull();
    expect(one.text).toContain(
      '# Sized for partition debug (nodes of 2 CPUs, 22.5 GiB, 1 GPU; from sinfo on this machine): GPUs,\n# CPUs and memory as a whole node.\n',
    );
    for (const [i, r] of [one, multi].entries()) {
      if (!findShellcheck()) continue;
      const path = join(work, `none-${i}.sbatch`);
      writeFileSync(path, r.text);
      expect(shellcheck(path).output).toBe('');
    }
  });

  it("syncs the runtime's selection into the venv once, then srun runs the command in it", () => {
    const out = runScript(one.text, 1, { SLURM_SUBMIT_DIR: project, SLURM_CPUS_PER_TASK: '8' });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.uv).toEqual(['sync --frozen --no-dev --all-groups']);
    // srun of Slurm 22.05-23.02 reads the step's CPUs from SRUN_CPUS_PER_TASK only.
    expect(out.env.SRUN_CPUS_PER_TASK).toBe('8');
    expect(out.args).toEqual(['uv', 'run', '--frozen', 'python', 'train.py']);
    const venv = `${out.home}/.cache/danlu/envs/vision-demo`;
    expect(out.env).toMatchObject({
      UV_PROJECT_ENVIRONMENT: venv,
      VIRTUAL_ENV: venv,
      UV_NO_SYNC: '1',
      HF_HOME: `${out.home}/.cache/huggingface`,
      UV_CACHE_DIR: `${out.home}/.cache/uv`,
      PYTHONPATH: '<unset>',
    });
  });

  it('across nodes: torchrun on each node, the rendezvous on the first; --venv and DANLU_* choose the folders', () => {
    const r = renderSlurm(plan, options({ runtime: 'none', gpus: 8, nodes: 2, venv: '$HOME/envs/demo it', cacheRoot: '/scratch/c' }));
    const out = runScript(r.text, 2, { SLURM_SUBMIT_DIR: project });
    expect(out.code).toBe(0);
    expect(out.args.slice(0, 5)).toEqual(['--kill-on-bad-exit=1', 'uv', 'run', '--frozen', 'torchrun']);
    expect(out.args).toContain(`--rdzv-endpoint=gpu07:${20000 + (4242 % 20000)}`);
    expect(out.env.UV_PROJECT_ENVIRONMENT).toBe(`${out.home}/envs/demo it`);
    expect(out.env.UV_CACHE_DIR).toBe('/scratch/c/uv');
    const over = runScript(r.text, 2, { SLURM_SUBMIT_DIR: project, DANLU_VENV: join(work, 'v'), DANLU_CACHE_ROOT: join(work, 'c2') });
    expect(over.env.UV_PROJECT_ENVIRONMENT).toBe(join(work, 'v'));
    expect(over.env.HF_HOME).toBe(join(work, 'c2', 'huggingface'));
  });

  it('stops with one line when the node has no uv, or the folder no uv.lock', () => {
    const noUv = runScript(one.text, 1, { SLURM_SUBMIT_DIR: project }, { uv: false });
    expect(noUv.code).toBe(2);
    expect(noUv.args).toEqual([]);
    expect(noUv.stderr.trim()).toBe(
      "danlu: uv is not on this node's PATH: install it for your user (python3 -m pip install --user uv) or set DANLU_UV=/path/to/uv",
    );
    const withUv = runScript(one.text, 1, { SLURM_SUBMIT_DIR: project, DANLU_UV: 'no-such-uv' });
    expect(withUv.code).toBe(2);
    const noLock = runScript(one.text, 1, { SLURM_SUBMIT_DIR: work });
    expect(noLock.code).toBe(2);
    expect(noLock.uv).toEqual([]);
    expect(noLock.stderr.trim()).toBe(`danlu: ${work} has no uv.lock: submit from the project folder (or set DANLU_CODE_DIR), after danlu init`);
  });

  it("a Python mirror's credentials stay out of the script, with a warning", async () => {
    const cn = await fixturePlan({ mirror: 'cn' });
    const withToken = { ...cn, mirrors: { ...cn.mirrors, urls: { ...cn.mirrors.urls, python: 'https://alice:s3cret@py.example.com/pbs' } } };
    const r = renderSlurm(withToken, options({ runtime: 'none' }));
    expect(r.text).not.toContain('s3cret');
    expect(r.text).toMatch(/^export UV_PYTHON_INSTALL_MIRROR='?https:\/\/py\.example\.com\/pbs'?$/m);
    expect(r.warnings.map((w) => w.id)).toContain('mirror-credentials-dropped');
  });

  it('no image, no image user: --image, --code image and a root image user do not apply; --venv must be a path', () => {
    expect(renderSlurm(plan, options({ runtime: 'none', user: { uid: 0, gid: 0 } })).warnings.map((w) => w.id)).not.toContain('job-runs-as-root');
    expect(renderSlurm(plan, options({ user: { uid: 0, gid: 0 } })).warnings.map((w) => w.id)).toContain('job-runs-as-root');
    expect(() => renderSlurm(plan, options({ runtime: 'none', code: 'image' }))).toThrow(/needs --runtime pyxis/);
    expect(() => renderSlurm(plan, options({ venv: '/x' }))).toThrow(/goes with --runtime none/);
    expect(() => renderSlurm(plan, options({ runtime: 'none', venv: 'relative/env' }))).toThrow(/absolute path/);
    expect(() => renderSlurm(plan, options({ runtime: 'none', venv: '/a/$(reboot)' }))).toThrow(/absolute path/);
  });
});
