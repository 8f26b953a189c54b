import { hasProxy, normalizeProxy } from '../probes/proxy-parse.js';
import type { DoctorFacts, Finding, ProxyLayer, Rule } from '../types.js';
import { findings, manual } from './finding.js';

const f = findings('network');

/** The layers a proxy must be set in separately; apt is included when it has one. */
export function activeLayers(facts: DoctorFacts): ProxyLayer[] {
  const p = facts.proxy;
  return [p.shell, p.apt, p.daemon, p.client, p.build].filter((l) => hasProxy(l.values));
}

const describe = (l: ProxyLayer): string => `${l.layer}: ${l.values.https ?? l.values.http} (${l.source})`;

const DROPIN = '/etc/systemd/system/docker.service.d/http-proxy.conf';

/**
 * The drop-in that gives the daemon the shell's proxy. A proxy with a password is never written
 * into the command: printf reads it from the shell variable it came from (`$HTTPS_PROXY`), tee
 * prints nothing, and the file is readable by root only.
 */
export function daemonDropinCommand(http: string, https: string, vars: { http?: string | undefined; https?: string | undefined } = {}): string {
  // An `@` in a proxy URL is user info, with a scheme or without (user:password@proxy:3128).
  const secret = http.includes('@') || https.includes('@');
  if (!secret) {
    return [
      'sudo mkdir -p /etc/systemd/system/docker.service.d',
      `printf '[Service]\\nEnvironment="HTTP_PROXY=${http}" "HTTPS_PROXY=${https}" "NO_PROXY=localhost,127.0.0.1,::1"\\n' | sudo tee ${DROPIN}`,
      'sudo systemctl daemon-reload',
      'sudo systemctl restart docker',
    ].join(' && ');
  }
  const ref = (name: string | undefined, fallback: string) => `"$${name ?? fallback}"`;
  const httpsRef = ref(vars.https ?? vars.http, 'HTTPS_PROXY');
  const httpRef = vars.http ? ref(vars.http, 'HTTP_PROXY') : httpsRef;
  return [
    'sudo mkdir -p /etc/systemd/system/docker.service.d',
    `printf '[Service]\\nEnvironment="HTTP_PROXY=%s" "HTTPS_PROXY=%s" "NO_PROXY=localhost,127.0.0.1,::1"\\n' ${httpRef} ${httpsRef} | sudo tee ${DROPIN} >/dev/null`,
    `sudo chmod 600 ${DROPIN}`,
    'sudo systemctl daemon-reload',
    'sudo systemctl restart docker',
  ].join(' && ');
}

/** Proxies at each layer (shell, apt, daemon, client, build args) and where they disagree (pain point 12). */
export const proxyLayers: Rule = (facts): Finding[] => {
  const p = facts.proxy;
  const layers = activeLayers(facts);
  if (layers.length === 0) return [f.ok('proxy-layers', 'no proxy configured (shell, apt, Docker daemon, Docker client)')];
  const out: Finding[] = [];
  const desktop = facts.host.docker?.desktop ?? false;
  const dockerThere = facts.host.docker !== null;
  const shellProxy = p.shell.values.https ?? p.shell.values.http;
  if (shellProxy && dockerThere && !desktop && !hasProxy(p.daemon.values)) {
    const restartOnly = hasProxy(p.daemonFiles.values) && p.daemon.source === '`docker info`';
    out.push(
      restartOnly
        ? f.warn(
            'proxy-daemon',
            'the Docker daemon does not use the proxy in its configuration yet',
            `${p.daemonFiles.source} sets one, but \`docker info\` shows none: the daemon was not restarted.`,
            manual('reload and restart the daemon', 'sudo systemctl daemon-reload && sudo systemctl restart docker'),
          )
        : f.warn(
            'proxy-daemon',
            'your shell uses a proxy, the Docker daemon does not',
            `\`docker pull\` ignores shell variables and fails with \`Get "https://registry-1.docker.io/v2/": … Client.Timeout exceeded\`. Shell: ${shellProxy}.`,
            manual('give the daemon the proxy with a systemd drop-in', daemonDropinCommand(p.shell.values.http ?? shellProxy, shellProxy, p.shell.vars)),
          ),
    );
  }
  const distinct = new Set(layers.map((l) => normalizeProxy(l.values.https ?? l.values.http!)));
  if (distinct.size > 1) {
    out.push(
      f.warn(
        'proxy-mismatch',
        `the proxy differs between layers (${distinct.size} different values)`,
        layers.map(describe).join('; '),
        manual('use one proxy everywhere, or make sure each one works from where it is used (the daemon and builds run outside your shell)'),
      ),
    );
  }
  if (out.length === 0) {
    out.push(f.ok('proxy-layers', `proxy ${[...distinct][0]} in ${layers.map((l) => l.layer).join(', ')}`));
  }
  return out;
};
