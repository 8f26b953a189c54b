import { CANONICAL, MIRRORS, type MirrorKind } from '../../catalog/mirrors.js';
import { DanluError, describeError } from '../../lib/errors.js';
import { ENV_MIRROR_KEYS, mirrorOfEnvValue, parseEnv } from '../../project/dotenv.js';
import { parseTomlStrict } from '../../project/toml.js';
import { EXTEND_FILE } from '../../render/compose.js';
import { parse as parseYaml } from 'yaml';
import type { ProjectFileFacts } from '../types.js';
import type { DoctorDeps } from './deps.js';

/** Files a project commits; per-machine mirrors must not end up in them. */
export const COMMITTED_FILES = [
  'pyproject.toml',
  'uv.lock',
  'docker-compose.yml',
  '.devcontainer/Dockerfile',
  '.devcontainer/devcontainer.json',
  '.env.example',
] as const;

const describe = (e: unknown): string => (e instanceof DanluError ? describeError(e) : (e as Error).message);

/** Host names of known mirrors, plus custom mirror values from .env. */
export function mirrorHosts(dotenv: Record<string, string> | null): string[] {
  const hosts = new Set<string>();
  const add = (url: string | null | undefined) => {
    const t = (url ?? '').trim();
    if (!t) return;
    if (Object.values(CANONICAL).some((c) => c.replace(/\/+$/, '') === t.replace(/\/+$/, ''))) return;
    const host = /^[a-z]+:\/\//i.test(t) ? t.replace(/^[a-z]+:\/\//i, '').split('/')[0]! : t.split('/')[0]!;
    if (host?.includes('.')) hosts.add(host.toLowerCase());
  };
  for (const c of MIRRORS.candidates) add(c.url);
  for (const [kind, key] of Object.entries(ENV_MIRROR_KEYS) as [MirrorKind, string][]) add(mirrorOfEnvValue(kind, dotenv?.[key]) ?? undefined);
  return [...hosts];
}

/** The first line of `text` naming each host; one hit per host per file. */
export function findMirrorHits(file: string, text: string, hosts: readonly string[]): ProjectFileFacts['mirrorHits'] {
  const lines = text.split(/\r?\n/);
  const hits: ProjectFileFacts['mirrorHits'] = [];
  for (const host of hosts) {
    const at = lines.findIndex((l) => l.toLowerCase().includes(host));
    if (at >= 0) {
      const url = new RegExp(`[a-z]*:?/*${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"',]*`, 'i').exec(lines[at]!)?.[0] ?? host;
      hits.push({ file, line: at + 1, url });
    }
  }
  return hits.sort((a, b) => a.line - b.line);
}

/** `home = /usr/bin` from pyvenv.cfg. */
export function venvHome(cfg: string): string | null {
  const m = /^\s*home\s*=\s*(.+?)\s*$/m.exec(cfg);
  return m ? m[1]! : null;
}

/** The project's files as they are, without running anything; errors are kept as data. */
export async function probeProjectFiles(deps: DoctorDeps, dir: string): Promise<ProjectFileFacts> {
  const at = (p: string) => `${dir}/${p}`;
  const [envText, pyprojectText, pythonVersion, lockStat, pyStat, venvCfg, extendText, ...committed] = await Promise.all([
    deps.readFile(at('.env')),
    deps.readFile(at('pyproject.toml')),
    deps.readFile(at('.python-version')),
    deps.stat(at('uv.lock')),
    deps.stat(at('pyproject.toml')),
    deps.readFile(at('.venv/pyvenv.cfg')),
    deps.readFile(at(EXTEND_FILE)),
    ...COMMITTED_FILES.map((f) => deps.readFile(at(f))),
  ]);

  let env: Record<string, string> | null = null;
  let envError: string | null = null;
  if (envText !== null) {
    try {
      env = parseEnv(envText, at('.env'));
    } catch (e) {
      envError = describe(e);
    }
  }
  let pyproject: Record<string, unknown> | null = null;
  let pyprojectError: string | null = null;
  if (pyprojectText !== null) {
    try {
      pyproject = parseTomlStrict(pyprojectText, at('pyproject.toml'));
    } catch (e) {
      pyprojectError = describe(e);
    }
  }

  let venv: ProjectFileFacts['venv'] = null;
  if (venvCfg !== null) {
    const home = venvHome(venvCfg);
    venv = { home, homeExists: home === null ? true : (await deps.stat(home)) !== null };
  }

  const hosts = mirrorHosts(env);
  const mirrorHits = COMMITTED_FILES.flatMap((f, i) => (committed[i] ? findMirrorHits(f, committed[i]!, hosts) : []));

  return {
    envPath: at('.env'),
    envText,
    env,
    envError,
    pyprojectText,
    pyproject,
    pyprojectError,
    pythonVersion: pythonVersion?.trim() || null,
    uvLock: { exists: lockStat !== null, mtimeMs: lockStat?.mtimeMs ?? null, pyprojectMtimeMs: pyStat?.mtimeMs ?? null },
    venv,
    mirrorHits,
    extendRequestsGpus: extendRequestsGpus(extendText ?? null),
  };
}

/** Whether the machine's compose file reserves GPU devices for the dev container (bad YAML: no). */
export function extendRequestsGpus(text: string | null): boolean {
  if (!text) return false;
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch {
    return false;
  }
  const devices = (data as { services?: { devcontainer?: { deploy?: { resources?: { reservations?: { devices?: unknown } } } } } })?.services?.devcontainer
    ?.deploy?.resources?.reservations?.devices;
  return Array.isArray(devices) && devices.length > 0;
}
