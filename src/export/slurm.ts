import { DanluError } from '../lib/errors.js';
import type { Plan, Warning } from '../plan/types.js';
import { VERSION } from '../lib/product.js';
import { withHeader } from '../render/header.js';
import { syncArgs } from '../render/sync-args.js';
import { wrapWords } from '../lib/wrap.js';
import { describeShape, jobSpec, CACHE_MOUNTS, type JobOptions, type JobSpec } from './job.js';
import { launch, torchrunFlag, type Word } from './launch.js';
import { dqEscape, shQuote } from './shell-words.js';
import { slurmMemory } from './size.js';
import { hasUserInfo, stripUserInfo } from '../lib/secrets.js';

/**
 * How the job's processes get the project's environment: `pyxis` runs them in the runtime image
 * (srun --container-image, from the pyxis/enroot plugins); `none` runs them on the node itself,
 * in the locked environment uv syncs there first (clusters without a container runtime).
 */
export type SlurmRuntime = 'pyxis' | 'none';
export const SLURM_RUNTIMES: readonly SlurmRuntime[] = ['pyxis', 'none'];

export interface SlurmOptions extends JobOptions {
  runtime: SlurmRuntime;
  /** runtime none: where the environment lives on the cluster (default $HOME/.cache/danlu/envs/SLUG). */
  venv?: string;
  /** One sentence on where the job's size comes from (a cluster profile, sinfo, the defaults). */
  sizing?: string;
  partition?: string;
  /** Wall-clock limit as sbatch takes it (`24:00:00`, `2-00:00:00`). */
  time?: string;
  account?: string;
  /** Host folder holding huggingface/ and uv/ (default `$HOME/.cache` on the cluster). */
  cacheRoot?: string;
  /** `mount`: the submit folder is mounted over the project in the image (default); `image`: the image's copy runs. */
  code: 'mount' | 'image';
}

export interface SlurmExport {
  spec: JobSpec;
  /** The image as pyxis takes it; null without a container. */
  image: string | null;
  text: string;
  warnings: Warning[];
}

/**
 * The image for `srun --container-image`: pyxis takes an enroot URI, `[USER@][REGISTRY#]IMAGE[:TAG]`
 * (a `#` between registry and image, no `docker://`), or the path of a squashfs file.
 */
export function pyxisImage(ref: string): string {
  const r = ref.replace(/^docker:\/\//, '');
  if (/^(\/|\.\.?\/)/.test(r) || /\.(sqsh|squashfs)$/.test(r) || r.includes('#')) return r;
  const slash = r.indexOf('/');
  if (slash > 0) {
    const first = r.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') return `${first}#${r.slice(slash + 1)}`;
  }
  return r;
}

const SBATCH_VALUE = /^[A-Za-z0-9_.:@%+=,/-]+$/;

function sbatchValue(value: string, what: string): string {
  if (!SBATCH_VALUE.test(value)) throw new DanluError(`${what} ${JSON.stringify(value)}: unexpected characters for an #SBATCH line`);
  return value;
}

const PATHISH = /^[^\n"`$\\]+$/;

/** A folder for the job as the user wrote it; `$HOME`/`${HOME}` at its start expands on the cluster. */
function clusterPath(value: string, what: string): string {
  const home = /^(\$HOME|\$\{HOME\})(\/|$)/.exec(value);
  const rest = home ? value.slice(home[1]!.length) : value;
  if (!PATHISH.test(rest) || (!home && !rest.startsWith('/'))) {
    throw new DanluError(`${what} ${JSON.stringify(value)}: expected an absolute path on the cluster (it may start with $HOME)`);
  }
  return `${home ? '$HOME' : ''}${dqEscape(rest)}`;
}

/**
 * An sbatch script, one task per node: in the runtime image through pyxis, or (runtime none) on
 * the node in the environment uv syncs from the lock; torchrun across the nodes. Each runtime
 * checks first that the cluster has what it needs and stops with one line if not; pure.
 */
export function renderSlurm(plan: Plan, o: SlurmOptions): SlurmExport {
  const warnings: Warning[] = [];
  const container = o.runtime === 'pyxis';
  const spec = jobSpec(plan, o, warnings);
  // Without a container the job runs as the submitting user: the image user does not matter.
  if (!container) warnings.splice(0, warnings.length, ...warnings.filter((w) => w.id !== 'job-runs-as-root'));
  const image = container ? pyxisImage(spec.image) : null;
  if (image !== null && !/^[A-Za-z0-9_.:@#/+-]+$/.test(image))
    throw new DanluError(`--image ${JSON.stringify(spec.image)}: not an image reference or a file path`);
  if (o.cacheRoot !== undefined && container && /[,:\n]/.test(o.cacheRoot)) {
    throw new DanluError(`--cache-root ${JSON.stringify(o.cacheRoot)}: pyxis mount lists cannot hold commas or colons`);
  }
  if (!container && o.code === 'image') throw new DanluError('--code image runs the copy in the runtime image: it needs --runtime pyxis');
  if (container && o.venv !== undefined) throw new DanluError('--venv is where uv syncs the environment on the node: it goes with --runtime none');

  const flag = (n: string) => torchrunFlag(n, spec.torchVersion);
  const multi = spec.nodes > 1;
  const torchrun: Word[] = multi
    ? [
        { sh: `${flag('nnodes')}="$SLURM_NNODES"` },
        `${flag('nproc-per-node')}=${spec.procsPerNode}`,
        { sh: `${flag('rdzv-id')}="$SLURM_JOB_ID"` },
        `${flag('rdzv-backend')}=c10d`,
        { sh: `${flag('rdzv-endpoint')}="$MASTER_ADDR:$MASTER_PORT"` },
      ]
    : [flag('standalone'), `${flag('nproc-per-node')}=${spec.procsPerNode}`];
  const launched = launch(spec.command, spec.nodes * spec.procsPerNode, torchrun, warnings, spec.torch);
  const command = launched.argv.map((w) => (typeof w === 'string' ? shQuote(w) : w.sh)).join(' ');

  const sbatch: [string, string][] = [
    ['job-name', spec.name],
    ['nodes', String(spec.nodes)],
    ['ntasks-per-node', '1'],
    ...(spec.gpusPerNode > 0 ? [['gpus-per-node', String(spec.gpusPerNode)] as [string, string]] : []),
    ['cpus-per-task', String(spec.cpus)],
    ['mem', slurmMemory(spec.memoryBytes)],
    ...(o.partition ? [['partition', sbatchValue(o.partition, '--partition')] as [string, string]] : []),
    ...(o.account ? [['account', sbatchValue(o.account, '--account')] as [string, string]] : []),
    ...(o.time ? [['time', sbatchValue(o.time, '--time')] as [string, string]] : []),
    ['output', '%x-%j.out'],
  ];
  const cacheRoot =
    o.cacheRoot === undefined ? 'CACHE_ROOT="${DANLU_CACHE_ROOT:-$HOME/.cache}"' : `CACHE_ROOT="\${DANLU_CACHE_ROOT:-${dqEscape(o.cacheRoot)}}"`;
  const rendezvous = multi
    ? [
        '',
        '# Rendezvous on the first node of the allocation (awk reads the whole list: head would',
        "# close the pipe early, and scontrol's SIGPIPE fails the script under pipefail).",
        'MASTER_ADDR="$(scontrol show hostnames "$SLURM_JOB_NODELIST" | awk \'NR == 1\')"',
        'MASTER_PORT="$((20000 + SLURM_JOB_ID % 20000))"',
        'export MASTER_ADDR MASTER_PORT',
      ]
    : [];
  const what = container
    ? 'It runs in the runtime image, through pyxis/enroot'
    : 'It runs on the nodes, in the environment uv syncs from uv.lock (no container)';
  const head = [
    // The version's length varies: it stays out of the wrapped text.
    `Generated by danlu ${VERSION}: a Slurm job for ${spec.project} (${describeShape(spec)}).`,
    ...wrapWords(`${what}. Submit it from the project folder: sbatch FILE`.split(' '), 96),
    ...wrapWords((o.sizing ?? 'Sized by the options given.').split(' '), 96),
  ];
  const body = container
    ? pyxisBody(spec, image!, o, cacheRoot, rendezvous, multi, command)
    : nodeBody(plan, spec, o, cacheRoot, rendezvous, multi, command, warnings);
  const lines = ['#!/bin/bash', ...sbatch.map(([k, v]) => `#SBATCH --${k}=${v}`), 'set -euo pipefail', '', ...body];
  // The hash line tells a later `export --out` that the file is danlu's and unedited (replaced) or not (kept).
  return { spec, image, text: withHeader(`${lines.join('\n')}\n`, '#', head), warnings };
}

/** The job's environment as export lines; the caches as the runtime sees them. */
function envLines(spec: JobSpec, caches: { huggingface: string; uv: string }): string[] {
  return spec.env.map(([k, v]) =>
    k === 'HF_HOME' ? `export HF_HOME=${caches.huggingface}` : k === 'UV_CACHE_DIR' ? `export UV_CACHE_DIR=${caches.uv}` : `export ${k}=${shQuote(v)}`,
  );
}

function pyxisBody(spec: JobSpec, image: string, o: SlurmOptions, cacheRoot: string, rendezvous: string[], multi: boolean, command: string): string[] {
  const mounts = [
    `$CACHE_ROOT/huggingface:${CACHE_MOUNTS.huggingface}`,
    `$CACHE_ROOT/uv:${CACHE_MOUNTS.uv}`,
    ...(o.code === 'mount' ? [`$CODE_DIR:${spec.workdir}`] : []),
  ];
  return [
    "# pyxis gives srun --container-image; a cluster without it would stop the job with srun's",
    '# "unrecognized option" (grep reads all of the help: -q would close the pipe early).',
    "if ! srun --help 2>&1 | grep -e '--container-image' >/dev/null; then",
    '  echo "danlu: this cluster\'s srun has no --container-image: pyxis is not installed; export the job with --runtime none (uv on the nodes, no container), or ask the admins for pyxis/enroot" >&2',
    '  exit 2',
    'fi',
    '',
    '# The runtime image (danlu build --target runtime --push REF) as pyxis names it,',
    '# [USER@][REGISTRY#]IMAGE[:TAG], or a squashfs file (enroot import); DANLU_IMAGE overrides it.',
    `IMAGE="\${DANLU_IMAGE:-${dqEscape(image)}}"`,
    '# Host folders: the caches (on a file system every node sees) and the code.',
    cacheRoot,
    ...(o.code === 'mount' ? ['CODE_DIR="${DANLU_CODE_DIR:-$SLURM_SUBMIT_DIR}"'] : []),
    'mkdir -p "$CACHE_ROOT/huggingface" "$CACHE_ROOT/uv"',
    '',
    "# The container gets the job's environment (the image's own variables win);",
    "# a host Python's settings must not leak in.",
    'unset PYTHONPATH PYTHONHOME',
    ...envLines(spec, { huggingface: CACHE_MOUNTS.huggingface, uv: CACHE_MOUNTS.uv }),
    ...rendezvous,
    '',
    "# srun of Slurm 22.05 to 23.02 does not read SLURM_CPUS_PER_TASK: the step gets the job's CPUs this way.",
    'if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export SRUN_CPUS_PER_TASK="$SLURM_CPUS_PER_TASK"; fi',
    'srun --container-image="$IMAGE" \\',
    `  --container-mounts="${mounts.join(',')}" \\`,
    `  --container-workdir=${shQuote(spec.workdir)} \\`,
    ...(multi ? ['  --kill-on-bad-exit=1 \\'] : []),
    `  ${command}`,
  ];
}

function nodeBody(
  plan: Plan,
  spec: JobSpec,
  o: SlurmOptions,
  cacheRoot: string,
  rendezvous: string[],
  multi: boolean,
  command: string,
  warnings: Warning[],
): string[] {
  const venv = o.venv === undefined ? `$HOME/.cache/danlu/envs/${spec.name}` : clusterPath(o.venv, '--venv');
  // The Python mirror (from .env) may carry a user and a token: a job script is shared, so they stay out.
  const mirror = plan.mirrors.urls.python;
  const python = mirror ? stripUserInfo(mirror) : null;
  if (mirror && hasUserInfo(mirror)) {
    warnings.push({
      id: 'mirror-credentials-dropped',
      message: `the Python mirror's user name and password were left out (UV_PYTHON_INSTALL_MIRROR ${python}): credentials never go into a job script`,
      fix: 'pass them at run time, from the environment you submit in',
    });
  }
  return [
    '# The project (pyproject.toml, uv.lock) and its environment, in folders every node sees;',
    '# DANLU_CODE_DIR, DANLU_VENV, DANLU_CACHE_ROOT and DANLU_UV override them at submit time.',
    'CODE_DIR="${DANLU_CODE_DIR:-$SLURM_SUBMIT_DIR}"',
    `VENV="\${DANLU_VENV:-${venv}}"`,
    cacheRoot,
    'UV="$(command -v "${DANLU_UV:-uv}" || true)"',
    '',
    '# What the job needs, checked before it starts: uv on the node and the locked project.',
    'if [ -z "$UV" ]; then',
    '  echo "danlu: uv is not on this node\'s PATH: install it for your user (python3 -m pip install --user uv) or set DANLU_UV=/path/to/uv" >&2',
    '  exit 2',
    'fi',
    'if [ ! -f "$CODE_DIR/uv.lock" ]; then',
    '  echo "danlu: $CODE_DIR has no uv.lock: submit from the project folder (or set DANLU_CODE_DIR), after danlu init" >&2',
    '  exit 2',
    'fi',
    'cd "$CODE_DIR"',
    'mkdir -p "$CACHE_ROOT/huggingface" "$CACHE_ROOT/uv"',
    '',
    "# The job's environment; a Python or conda environment of the login shell must not leak in.",
    'unset PYTHONPATH PYTHONHOME CONDA_PREFIX',
    ...envLines(spec, { huggingface: '"$CACHE_ROOT/huggingface"', uv: '"$CACHE_ROOT/uv"' }),
    ...(python ? [`export UV_PYTHON_INSTALL_MIRROR=${shQuote(python)}`] : []),
    'export UV_PROJECT_ENVIRONMENT="$VENV"',
    '',
    "# The locked environment, synced once, here on the job's first node (uv fetches the Python",
    '# of .python-version if the node has none); every node then runs it as it is.',
    `"$UV" sync --frozen ${syncArgs(plan.pyproject.sync, false)}`.trimEnd(),
    'export UV_NO_SYNC=1 VIRTUAL_ENV="$VENV" PATH="$VENV/bin:${UV%/*}:$PATH"',
    ...rendezvous,
    '',
    "# srun of Slurm 22.05 to 23.02 does not read SLURM_CPUS_PER_TASK: the step gets the job's CPUs this way.",
    'if [ -n "${SLURM_CPUS_PER_TASK:-}" ]; then export SRUN_CPUS_PER_TASK="$SLURM_CPUS_PER_TASK"; fi',
    ...(multi ? ['srun --kill-on-bad-exit=1 \\', `  ${command}`] : [`srun ${command}`]),
  ];
}
