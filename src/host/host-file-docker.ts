import { ENGINES, type EngineKind } from '../catalog/engine.js';
import type { DockerDaemonFacts, DockerFacts } from '../probe/types.js';
import { has, type JsonDoc, type JsonObject, type JsonPath } from './json-fields.js';

const VERSION = /^v?\d+(\.\d+)*([0-9A-Za-z.+~-]*)$/;
const ENGINE = new RegExp(`^(${Object.keys(ENGINES).join('|')})$`);

/**
 * The `docker` object of a host file. Absent fields are "not known": versions null, features
 * false, and a daemon that is not claimed to work.
 */
export function readDocker(d: JsonDoc, o: JsonObject): DockerFacts {
  const at = (...k: (string | number)[]): JsonPath => ['docker', ...k];
  const version = (v: unknown, path: JsonPath) => (v === null ? null : d.matching(v, path, VERSION, 'a version like "27.3.1" or null'));
  const opt = <T>(obj: JsonObject, key: string, read: (v: unknown) => T, fallback: T): T => (has(obj, key) ? read(obj[key]) : fallback);
  const flag = (key: string) => opt(o, key, (v) => d.boolean(v, at(key)), false);

  let daemon: DockerDaemonFacts = { ok: false, version: null, reason: 'not described in the host file' };
  if (has(o, 'daemon')) {
    const dm = d.object(o.daemon, at('daemon'));
    const ok = opt(dm, 'ok', (v) => d.boolean(v, at('daemon', 'ok')), false);
    daemon = {
      ok,
      version: opt(dm, 'version', (v) => version(v, at('daemon', 'version')), null),
      reason: opt(dm, 'reason', (v) => d.stringOrNull(v, at('daemon', 'reason')), ok ? null : 'not described in the host file'),
    };
  }
  let compose: DockerFacts['compose'] = { v2: null, v1: null };
  if (has(o, 'compose')) {
    const c = d.object(o.compose, at('compose'));
    compose = {
      v2: opt(c, 'v2', (v) => version(v, at('compose', 'v2')), null),
      v1: opt(c, 'v1', (v) => version(v, at('compose', 'v1')), null),
    };
  }
  const engine = has(o, 'engine') ? (d.matching(o.engine, at('engine'), ENGINE, `one of ${Object.keys(ENGINES).join(', ')}`) as EngineKind) : undefined;
  return {
    ...(engine ? { engine } : {}),
    client: opt(o, 'client', (v) => version(v, at('client')), null),
    daemon,
    compose,
    nvidiaRuntime: flag('nvidiaRuntime'),
    cdi: flag('cdi'),
    rootless: flag('rootless'),
    desktop: flag('desktop'),
    snap: flag('snap'),
    inDockerGroup: opt(o, 'inDockerGroup', (v) => (v === null ? null : d.boolean(v, at('inDockerGroup'))), null),
    nvidiaCtk: opt(o, 'nvidiaCtk', (v) => version(v, at('nvidiaCtk')), null),
  };
}
