import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_COMMAND } from '../../src/export/launch.js';
import { renderSlurm, type SlurmOptions } from '../../src/export/slurm.js';
import { DanluError } from '../../src/lib/errors.js';
import { findShellcheck, run, shellcheck } from '../support/tools.js';
import { fixturePlan, GOLDEN, IMAGE, SHAPES } from './support.js';

const plan = await fixturePlan();
const work = mkdtempSync(join(tmpdir(), 'danlu-slurm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function options(over: Partial<SlurmOptions> = {}): SlurmOptions {
  return {
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
 * words it gets, one per line, then the variables the container would see) and `scontrol`.
 */
function runScript(text: string, nodes: number, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(work, 'run-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(
    join(bin, 'srun'),
    '#!/bin/sh\n[ "$1" = --help ] && { printf \'Options provided by plugins:\\n      --container-image=[USER@][REGISTRY#]IMAGE[:TAG]|PATH\\n\'; exit 0; }\n' +
      'for a in "$@"; do printf \'arg:%s\\n\' "$a"; done\n' +
      'for v in MASTER_ADDR MASTER_PORT HF_HOME UV_CACHE_DIR PYTHONUNBUFFERED PYTHONPATH https_proxy; do eval "printf \'env:%s=%s\\n\' $v \\"\\${$v-<unset>}\\""; done\n',
  );
  writeFileSync(join(bin, 'scontrol'), '#!/bin/sh\n[ "$1 $2" = "show hostnames" ] || exit 2\n[ "$3" = "gpu[07-08]" ] || exit 3\nprintf \'gpu07\\ngpu08\\n\'\n');
  chmodSync(join(bin, 'srun'), 0o755);
  chmodSync(join(bin, 'scontrol'), 0o755);
  const script = join(dir, 'job.sbatch');
  writeFileSync(script, text);
  const r = run('bash', [script], {
    cwd: dir,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
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
    stderr: r.stderr,
    args: lines.filter((l) => l.startsWith('arg:')).map((l) => l.slice(4)),
    env: Object.fromEntries(lines.filter((l) => l.startsWith('env:')).map((l) => l.slice(4).split(/=(.*)/s).slice(0, 2))),
    home,
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
