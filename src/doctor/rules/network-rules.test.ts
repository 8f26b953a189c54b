import { beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../probe/types.js';
import { NO_PROXY } from '../probes/proxy-parse.js';
import { maskedProxies } from '../probes/proxy.js';
import { runRules } from '../run.js';
import { factsFor, h100Host, noProxies } from '../testing/facts.js';
import type { DoctorFacts, ProxyFacts, ProxyValues } from '../types.js';
import { localhostProxy } from './localhost-proxy.js';
import { noProxy } from './no-proxy.js';
import { proxyLayers } from './proxy-layers.js';

let host: HostFacts;
beforeAll(async () => {
  host = await h100Host({ docker: true });
});

type Layers = Partial<Record<keyof ProxyFacts, Partial<ProxyValues> & { source?: string }>>;

function withProxies(layers: Layers, extra: Partial<DoctorFacts> = {}): DoctorFacts {
  const proxy = noProxies();
  for (const [k, v] of Object.entries(layers) as [keyof ProxyFacts, Partial<ProxyValues> & { source?: string }][]) {
    const { source, ...values } = v;
    proxy[k] = { ...proxy[k], source: source ?? k, values: { ...NO_PROXY, ...values } };
  }
  return factsFor(extra.host ?? host, { ...extra, proxy });
}

const corp = { http: 'http://proxy.corp:3128', https: 'http://proxy.corp:3128', noProxy: 'localhost,127.0.0.1' };

describe('proxyLayers', () => {
  it('is ok with no proxy anywhere', () => {
    expect(proxyLayers(withProxies({}))).toEqual([
      expect.objectContaining({ severity: 'ok', title: 'no proxy configured (shell, apt, Docker daemon, Docker client)' }),
    ]);
  });

  it('is ok when every layer uses the same proxy', () => {
    const [f] = proxyLayers(withProxies({ shell: corp, daemon: corp, build: corp }));
    expect(f).toMatchObject({ severity: 'ok', title: 'proxy http://proxy.corp:3128 in shell, docker daemon, build args' });
  });

  it('warns when the shell has a proxy and the daemon has none, with a systemd drop-in to copy', () => {
    const [f] = proxyLayers(withProxies({ shell: corp, build: corp }));
    expect(f).toMatchObject({ id: 'proxy-daemon', severity: 'warn', title: 'your shell uses a proxy, the Docker daemon does not' });
    expect(f!.detail).toContain('Client.Timeout exceeded');
    expect(f!.fix?.safe).toBe(false);
    expect(f!.fix?.command).toContain('Environment="HTTP_PROXY=http://proxy.corp:3128"');
    expect(f!.fix?.command).toContain('/etc/systemd/system/docker.service.d/http-proxy.conf');
    expect(f!.fix?.command).toContain('sudo systemctl restart docker');
  });

  it('never prints a proxy password: the drop-in command reads it from the shell variable, and only root reads the file', () => {
    const withPassword = { http: 'http://u:secretPX2@127.0.0.1:9', https: 'http://u:secretPX@127.0.0.1:9', noProxy: 'localhost' };
    const facts = withProxies({ shell: withPassword, build: withPassword });
    facts.proxy.shell.vars = { http: 'HTTP_PROXY', https: 'https_proxy' };
    facts.proxy = maskedProxies(facts.proxy);
    const findings = runRules(facts).filter((x) => x.layer === 'network');
    expect(JSON.stringify(findings)).not.toContain('secretPX');
    const f = findings.find((x) => x.id === 'proxy-daemon')!;
    expect(f.detail).toContain('Shell: http://u:***@127.0.0.1:9.');
    expect(f.fix?.command).toContain(`'[Service]\\nEnvironment="HTTP_PROXY=%s" "HTTPS_PROXY=%s"`);
    expect(f.fix?.command).toContain('"$HTTP_PROXY" "$https_proxy" | sudo tee /etc/systemd/system/docker.service.d/http-proxy.conf >/dev/null');
    expect(f.fix?.command).toContain('sudo chmod 600 /etc/systemd/system/docker.service.d/http-proxy.conf');
    expect(f.fix?.command).not.toContain('***');
  });

  it('asks for a restart when the drop-in exists but docker info shows no proxy', () => {
    const facts = withProxies({ shell: corp, build: corp, daemonFiles: { ...corp, source: '/etc/systemd/system/docker.service.d/http-proxy.conf' } });
    facts.proxy.daemon = { ...facts.proxy.daemon, source: '`docker info`' };
    const [f] = proxyLayers(facts);
    expect(f).toMatchObject({
      id: 'proxy-daemon',
      title: 'the Docker daemon does not use the proxy in its configuration yet',
      fix: { command: 'sudo systemctl daemon-reload && sudo systemctl restart docker' },
    });
  });

  it('lists every layer when the proxies differ', () => {
    const out = proxyLayers(
      withProxies({
        shell: corp,
        daemon: { http: 'http://10.0.0.1:8080' },
        client: { http: 'http://proxy.corp:3128/', source: '/home/alice/.docker/config.json' },
      }),
    );
    const f = out.find((x) => x.id === 'proxy-mismatch')!;
    expect(f).toMatchObject({ severity: 'warn', title: 'the proxy differs between layers (2 different values)' });
    expect(f.detail).toContain('docker daemon: http://10.0.0.1:8080');
    expect(f.detail).toContain('docker client: http://proxy.corp:3128/ (/home/alice/.docker/config.json)');
  });

  it('does not ask Docker Desktop users for a systemd drop-in', () => {
    const desktop = { ...host, docker: { ...host.docker!, desktop: true } };
    expect(proxyLayers(withProxies({ shell: corp, build: corp }, { host: desktop })).map((f) => f.id)).toEqual(['proxy-layers']);
  });
});

describe('noProxy', () => {
  it('wants localhost in NO_PROXY wherever a proxy is set, and a sane noProxy in config.json', () => {
    const [f] = noProxy(withProxies({ shell: corp, client: { http: corp.http, source: 'config.json' } }));
    expect(f).toMatchObject({ id: 'no-proxy', severity: 'warn', title: 'NO_PROXY does not cover localhost in: docker client' });
    expect(f!.fix?.description).toContain('"noProxy": "localhost,127.0.0.1,::1,host.docker.internal"');
  });
  it('passes when every layer exempts localhost, and stays silent without proxies', () => {
    expect(noProxy(withProxies({ shell: corp, daemon: corp }))[0]).toMatchObject({ severity: 'ok' });
    expect(noProxy(withProxies({}))).toEqual([]);
  });
});

describe('localhostProxy', () => {
  const local = { http: 'http://127.0.0.1:7890', https: 'http://127.0.0.1:7890', noProxy: 'localhost' };

  it('fails a 127.0.0.1 proxy in WSL2 NAT mode, quoting WSL', () => {
    const wsl: HostFacts = { ...host, os: { ...host.os, kind: 'wsl2' }, wsl: { dxg: true, libDir: true, networkingMode: 'nat' } };
    const out = localhostProxy(withProxies({ shell: local }, { host: wsl }));
    expect(out[0]).toMatchObject({
      id: 'wsl-localhost-proxy',
      severity: 'error',
      title: 'proxy http://127.0.0.1:7890 is WSL itself, not Windows (WSL2 NAT mode)',
    });
    expect(out[0]!.detail).toContain(
      'wsl: A localhost proxy configuration was detected but not mirrored into WSL. WSL in NAT mode does not support localhost proxies.',
    );
    expect(out[0]!.fix?.description).toContain('networkingMode=mirrored');
  });

  it('accepts it in mirrored mode but warns that builds get 127.0.0.1', () => {
    const wsl: HostFacts = { ...host, os: { ...host.os, kind: 'wsl2' }, wsl: { dxg: true, libDir: true, networkingMode: 'mirrored' } };
    const out = localhostProxy(withProxies({ shell: local, build: local }, { host: wsl }));
    expect(out.map((f) => f.id)).toEqual(['container-localhost-proxy']);
    expect(out[0]!.detail).toContain('proxyconnect tcp: dial tcp 127.0.0.1:7890: connect: connection refused');
    expect(out[0]!.fix?.description).toContain('http://host.docker.internal:7890');
  });

  it('is silent for a proxy on another host', () => {
    expect(localhostProxy(withProxies({ shell: corp, build: corp, client: corp }))).toEqual([]);
  });
});
