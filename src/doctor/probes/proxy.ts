import { maskUrl } from '../../lib/secrets.js';
import type { DaemonExtra, ProxyFacts, ProxyLayer, ProxyValues } from '../types.js';
import type { DoctorDeps } from './deps.js';
import {
  NO_PROXY,
  firstOf,
  hasProxy,
  proxyFromAptConf,
  proxyFromClientConfig,
  proxyFromDaemonJson,
  proxyFromEnv,
  proxyFromSystemdUnit,
} from './proxy-parse.js';

const APT_CONF_DIR = '/etc/apt/apt.conf.d';
const SYSTEMD_DROPINS = '/etc/systemd/system/docker.service.d';
const DAEMON_JSON = '/etc/docker/daemon.json';

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const layer = (name: string, sources: string[], values: ProxyValues): ProxyLayer => ({
  layer: name,
  source: sources.length > 0 ? sources.join(', ') : 'not set',
  values,
});

/** Reads every file in `dir` whose name passes `keep`; returns [path, text] pairs in name order. */
async function readDir(deps: DoctorDeps, dir: string, keep: (name: string) => boolean): Promise<[string, string][]> {
  const names = (await deps.listDir(dir)).filter(keep).sort();
  const texts = await Promise.all(names.map((n) => deps.readFile(`${dir}/${n}`)));
  return names.flatMap((n, i) => (texts[i] === null || texts[i] === undefined ? [] : [[`${dir}/${n}`, texts[i]!] as [string, string]]));
}

function fromFiles(files: [string, string][], read: (text: string) => ProxyValues): { values: ProxyValues; sources: string[] } {
  const found = files.map(([path, text]) => ({ path, values: read(text) })).filter((f) => hasProxy(f.values) || f.values.noProxy);
  return { values: firstOf(...found.map((f) => f.values)), sources: found.map((f) => f.path) };
}

/**
 * The proxy at each layer that can have its own (pain point 12): the shell, apt, the Docker
 * daemon (systemd drop-ins, daemon.json), the Docker client (config.json) and compose build args.
 */
export async function probeProxy(deps: DoctorDeps, home: string, dotenv: Record<string, string> | null): Promise<ProxyFacts> {
  const dockerConfigDir = deps.env.DOCKER_CONFIG ?? `${home}/.docker`;
  const [aptFiles, aptMain, dropins, userDropins, daemonJson, rootlessJson, clientJson] = await Promise.all([
    readDir(deps, APT_CONF_DIR, (n) => !n.startsWith('.')),
    deps.readFile('/etc/apt/apt.conf'),
    readDir(deps, SYSTEMD_DROPINS, (n) => n.endsWith('.conf')),
    readDir(deps, `${home}/.config/systemd/user/docker.service.d`, (n) => n.endsWith('.conf')),
    deps.readFile(DAEMON_JSON),
    deps.readFile(`${home}/.config/docker/daemon.json`),
    deps.readFile(`${dockerConfigDir}/config.json`),
  ]);

  const shell = proxyFromEnv(deps.env);
  const shellSources = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'all_proxy', 'ALL_PROXY'].filter(
    (k) => (deps.env[k] ?? '').trim() !== '',
  );

  const apt = fromFiles([...aptFiles, ...(aptMain === null ? [] : [['/etc/apt/apt.conf', aptMain] as [string, string]])], proxyFromAptConf);

  const units = fromFiles([...dropins, ...userDropins], proxyFromSystemdUnit);
  const dj = proxyFromDaemonJson(parseJson(daemonJson));
  const rj = proxyFromDaemonJson(parseJson(rootlessJson));
  const daemonSources = [...units.sources];
  if (hasProxy(dj) || dj.noProxy) daemonSources.push(DAEMON_JSON);
  if (hasProxy(rj) || rj.noProxy) daemonSources.push(`${home}/.config/docker/daemon.json`);

  const client = proxyFromClientConfig(parseJson(clientJson));
  const clientPath = `${dockerConfigDir}/config.json`;

  // docker-compose.yml passes ${http_proxy:-} and friends: the shell wins over .env.
  const fromDotenv = dotenv ? proxyFromEnv(dotenv) : { ...NO_PROXY };
  const build = firstOf(shell, fromDotenv);
  const buildSources = hasProxy(shell) ? ['shell'] : hasProxy(fromDotenv) ? ['.env'] : [];

  const daemonFiles = layer('docker daemon', daemonSources, firstOf(units.values, dj, rj));
  const set = (names: string[]) => names.find((k) => (deps.env[k] ?? '').trim() !== '');
  return {
    shell: {
      ...layer('shell', shellSources, shell),
      vars: { http: set(['http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY']), https: set(['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) },
    },
    apt: layer('apt', apt.sources, apt.values),
    daemon: daemonFiles,
    daemonFiles,
    client: layer('docker client', hasProxy(client) || client.noProxy ? [clientPath] : [], client),
    build: layer('build args', buildSources, build),
  };
}

/** `docker info` shows the proxy the running daemon really uses; it beats the files. */
export function withDaemonView(proxy: ProxyFacts, daemon: DaemonExtra | null): ProxyFacts {
  if (!daemon) return proxy;
  return { ...proxy, daemon: { layer: 'docker daemon', source: '`docker info`', values: daemon.proxy } };
}

/**
 * Every layer's proxy URLs with their passwords masked (http://user:***@host): doctor's findings
 * and fix commands are printed, and never hold a password; whether there is one still shows.
 */
export function maskedProxies(proxy: ProxyFacts): ProxyFacts {
  const mask = (l: ProxyLayer): ProxyLayer => ({
    ...l,
    values: { ...l.values, http: l.values.http === null ? null : maskUrl(l.values.http), https: l.values.https === null ? null : maskUrl(l.values.https) },
  });
  return {
    shell: mask(proxy.shell),
    apt: mask(proxy.apt),
    daemon: mask(proxy.daemon),
    daemonFiles: mask(proxy.daemonFiles),
    client: mask(proxy.client),
    build: mask(proxy.build),
  };
}
