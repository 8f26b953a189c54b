import { basename } from 'node:path';
import { EXTENSION_MODULES } from '../../catalog/data/special-package-facts.js';
import { firstLine } from '../../probe/deps.js';
import { SERVICE } from '../../render/compose.js';
import type { ContainerFacts } from '../types.js';
import type { DoctorDeps } from './deps.js';
import { dockerCommand } from '../../probe/docker.js';
import { ACCELERATORS } from '../../catalog/accelerator.js';

const PS_TIMEOUT_MS = 2000;
const SHM_TIMEOUT_MS = 3000;
const GPU_TIMEOUT_MS = 4000;
/** Importing torch takes seconds; this is the one check allowed that long, and only with a container up. */
export const TORCH_TIMEOUT_MS = 8000;

/**
 * Packages whose import loads a compiled extension built against one torch (pain point 7):
 * importing the package is what fails with "undefined symbol" when the wheel does not match.
 * The special-package table names them (`importName`).
 */
export const EXTENSION_PACKAGES = EXTENSION_MODULES;

export const TORCH_PY = [
  'import json, importlib, importlib.util',
  'try:',
  '    import torch',
  '    d = {"version": torch.__version__, "cuda": torch.version.cuda, "available": bool(torch.cuda.is_available())}',
  'except Exception as e:',
  '    d = {"error": type(e).__name__ + ": " + str(e)}',
  'print("DANLU_TORCH " + json.dumps(d), flush=True)',
  // One line per extension, flushed, so a slow import (triton...) that hits the time limit
  // still leaves torch's answer and the extensions before it.
  'if "error" not in d:',
  `    for name in ${JSON.stringify(EXTENSION_PACKAGES)}:`,
  '        if importlib.util.find_spec(name) is None:',
  '            continue',
  '        print("DANLU_TRY " + name, flush=True)',
  '        try:',
  '            importlib.import_module(name)',
  '            r = None',
  '        except Exception as e:',
  '            r = type(e).__name__ + ": " + (str(e).strip().splitlines() or [""])[-1][:400]',
  '        print("DANLU_EXT " + json.dumps([name, r]), flush=True)',
].join('\n');

/** uv when the image has it (the project's environment), else the image's python3. */
const TORCH_SH = 'if command -v uv >/dev/null 2>&1; then exec uv run --no-sync python -c "$0"; else exec python3 -c "$0"; fi';

/** The compose project name as compose derives it: COMPOSE_PROJECT_NAME, else the folder name. */
export function composeProjectName(dir: string, env: NodeJS.ProcessEnv, dotenv: Record<string, string> | null): string {
  const named = env.COMPOSE_PROJECT_NAME?.trim() || dotenv?.COMPOSE_PROJECT_NAME?.trim();
  if (named) return named;
  return basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
}

/** `df -Pk /dev/shm`: the size column of the last line, in bytes. */
export function parseDfSizeBytes(stdout: string): number | null {
  const last = stdout.trim().split(/\r?\n/).pop() ?? '';
  const kb = Number(last.trim().split(/\s+/)[1]);
  return Number.isFinite(kb) && kb > 0 ? kb * 1024 : null;
}

export function parseTorchLine(output: string, timedOutAfterMs?: number): ContainerFacts['torch'] {
  const lines = output.split(/\r?\n/);
  const line = lines.find((l) => l.startsWith('DANLU_TORCH '));
  if (!line) {
    if (timedOutAfterMs !== undefined) return { version: null, cuda: null, available: null, error: `timed out after ${timedOutAfterMs / 1000} s` };
    const tail = output.trim().split(/\r?\n/).slice(-2).join(' ').trim();
    return { version: null, cuda: null, available: null, error: tail || 'no output' };
  }
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(line.slice('DANLU_TORCH '.length)) as Record<string, unknown>;
  } catch {
    return { version: null, cuda: null, available: null, error: `unreadable: ${line}` };
  }
  if (typeof d.error === 'string') return { version: null, cuda: null, available: null, error: d.error };
  const extensions: Record<string, string | null> = {};
  let trying: string | null = null;
  for (const l of lines) {
    if (l.startsWith('DANLU_TRY ')) trying = l.slice('DANLU_TRY '.length).trim();
    if (!l.startsWith('DANLU_EXT ')) continue;
    try {
      const [name, error] = JSON.parse(l.slice('DANLU_EXT '.length)) as [unknown, unknown];
      if (typeof name === 'string') extensions[name] = typeof error === 'string' ? error : null;
      if (name === trying) trying = null;
    } catch {
      /* a line cut short */
    }
  }
  // The import that was running when the time limit struck.
  if (trying && timedOutAfterMs !== undefined)
    extensions[trying] = `TimeoutError: importing ${trying} took longer than the ${timedOutAfterMs / 1000} s the check allows`;
  return {
    version: typeof d.version === 'string' ? d.version : null,
    cuda: typeof d.cuda === 'string' ? d.cuda : null,
    available: typeof d.available === 'boolean' ? d.available : null,
    error: null,
    extensions,
  };
}

const none = (error: string | null): ContainerFacts => ({ running: false, id: null, error, shmBytes: null, gpu: null, torch: null });

/** Checks inside the project's running dev container (found by its compose labels); nothing is started. */
export async function probeContainer(deps: DoctorDeps, dir: string, dotenv: Record<string, string> | null): Promise<ContainerFacts> {
  const project = composeProjectName(dir, deps.env, dotenv);
  const docker = dockerCommand(deps.env);
  const ps = await deps.exec(
    docker,
    ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${SERVICE}`],
    { timeoutMs: PS_TIMEOUT_MS },
  );
  if (ps.missing) return none('docker not found');
  if (ps.code !== 0) return none(ps.timedOut ? 'docker ps timed out' : firstLine(ps.stderr) || `docker ps failed (exit ${ps.code})`);
  const id = firstLine(ps.stdout);
  if (!id) return none(null);

  const [shm, gpu, torch] = await Promise.all([
    deps.exec(docker, ['exec', id, 'df', '-Pk', '/dev/shm'], { timeoutMs: SHM_TIMEOUT_MS }),
    deps.exec(docker, ['exec', id, ...ACCELERATORS.cuda.deviceProbe!], { timeoutMs: GPU_TIMEOUT_MS }),
    deps.exec(docker, ['exec', id, 'sh', '-c', TORCH_SH, TORCH_PY], { timeoutMs: TORCH_TIMEOUT_MS }),
  ]);
  const gpuText = `${gpu.stdout}\n${gpu.stderr}`.trim();
  return {
    running: true,
    id,
    error: null,
    shmBytes: shm.code === 0 ? parseDfSizeBytes(shm.stdout) : null,
    gpu: gpu.timedOut
      ? { ok: false, output: `nvidia-smi did not answer within ${GPU_TIMEOUT_MS / 1000} s` }
      : { ok: gpu.code === 0 && /^GPU \d+:/m.test(gpu.stdout), output: gpuText },
    torch: parseTorchLine(`${torch.stdout}\n${torch.stderr}`, torch.timedOut ? TORCH_TIMEOUT_MS : undefined),
  };
}
