import type { Warning } from '../plan/types.js';

/** A word of a job's command: literal text, or (Slurm only) raw shell text that expands at run time. */
export type Word = string | { sh: string };

export const DEFAULT_COMMAND = ['uv', 'run', '--frozen', 'python', 'train.py'];

/** torchrun's flags; hyphenated names exist since torch 2.0, the underscored ones in every release. */
export function torchrunFlag(name: string, torchVersion: string): string {
  const major = Number(torchVersion.split('.')[0]);
  return major >= 2 ? `--${name}` : `--${name.replace(/-/g, '_')}`;
}

const PYTHON = /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/;
const TORCHRUN = /^(?:.*\/)?torchrun$/;
/** torchrun flags that mean the user laid out the processes already. */
const OWN_LAYOUT = /^--(nnodes|nproc[-_]per[-_]node|standalone|rdzv[-_]|node[-_]rank|master[-_]addr)/;

export interface Launched {
  argv: Word[];
  /** How the processes are started: directly, or by torchrun with danlu's flags. */
  launcher: 'direct' | 'torchrun';
}

/**
 * The job's command for a world of `procs` processes in all. One process: the command as it is.
 * More: `python SCRIPT ...` (alone or after `uv run ...`) becomes `torchrun FLAGS SCRIPT ...`,
 * `python -m MOD` becomes `torchrun FLAGS -m MOD`, and a bare `torchrun SCRIPT` gets the flags.
 * Anything else runs as it is, once per node, with the rendezvous in its environment.
 */
export function launch(argv: readonly string[], procs: number, torchrun: readonly Word[], warnings: Warning[], torch = true): Launched {
  if (procs <= 1) return { argv: [...argv], launcher: 'direct' };
  if (!torch) {
    // No torch in the environment, so no torchrun: each node runs the command once.
    warnings.push({
      id: 'command-not-launched',
      message: `the project does not use torch, so there is no torchrun to start ${procs} processes: the command runs once per node as it is; MASTER_ADDR and MASTER_PORT are in its environment`,
      fix: 'add torch to the project (`uv add torch`) for torchrun, or start the processes yourself',
    });
    return { argv: [...argv], launcher: 'direct' };
  }
  const i = argv.findIndex((w) => PYTHON.test(w) || TORCHRUN.test(w));
  const prefixOk = i === 0 || (i >= 2 && argv[0] === 'uv' && argv[1] === 'run');
  const asIs = (why: string): Launched => {
    warnings.push({
      id: 'command-not-launched',
      message: `${why}: the command runs once per node as it is; MASTER_ADDR and MASTER_PORT are in its environment`,
      fix: 'start it as `python SCRIPT ...` (or `uv run ... python SCRIPT ...`) and danlu runs it under torchrun',
    });
    return { argv: [...argv], launcher: 'direct' };
  };
  if (i < 0 || !prefixOk) return asIs(`danlu cannot tell how to start ${procs} processes for \`${argv.join(' ')}\``);
  const prefix = argv.slice(0, i);
  const rest = argv.slice(i + 1);
  if (TORCHRUN.test(argv[i]!)) {
    if (rest.some((w) => OWN_LAYOUT.test(w))) {
      warnings.push({
        id: 'torchrun-flags-kept',
        message: 'the command gives torchrun its own layout flags; they are kept as they are',
        fix: 'leave out --nnodes/--nproc-per-node/--rdzv-* and danlu fills them in for this job',
      });
      return { argv: [...argv], launcher: 'torchrun' };
    }
    return { argv: [...prefix, 'torchrun', ...torchrun, ...rest], launcher: 'torchrun' };
  }
  // python [-u] SCRIPT ... | python [-u] -m MODULE ...
  let j = 0;
  while (rest[j] === '-u') j++;
  if (rest[j] === '-m' && rest[j + 1]) {
    return { argv: [...prefix, 'torchrun', ...torchrun, '-m', ...rest.slice(j + 1)], launcher: 'torchrun' };
  }
  if (rest[j] === undefined || rest[j]!.startsWith('-')) {
    return asIs(`torchrun cannot pass Python the options of \`${argv.join(' ')}\``);
  }
  return { argv: [...prefix, 'torchrun', ...torchrun, ...rest.slice(j)], launcher: 'torchrun' };
}
