import { describe, expect, it } from 'vitest';
import {
  BASE_NO_PROXY,
  parseDefaultGateway,
  parseProxyUrl,
  parseResolvNameserver,
  proxySettings,
  redactProxyUrl,
  resolveProxy,
} from '../../src/network/proxy.js';
import { proxyFromAptConf, proxyFromClientConfig, proxyFromDaemonJson, proxyFromSystemdUnit } from '../../src/doctor/probes/proxy-parse.js';

const linux = { os: 'linux' as const };
const wslNat = { os: 'wsl2' as const, wslNetworkingMode: 'nat', hostname: 'winbox', gateway: '172.22.16.1' };

describe('resolveProxy', () => {
  it('keeps a proxy that is not on loopback as it is, everywhere', () => {
    const r = resolveProxy('http://proxy.corp:3128', linux);
    expect(r.hostUrl).toBe('http://proxy.corp:3128');
    expect(r.containerUrl).toBe('http://proxy.corp:3128');
    expect(r.warnings).toEqual([]);
  });

  it('on plain Linux, containers reach a 127.0.0.1 proxy through the Docker bridge, with a warning', () => {
    const r = resolveProxy('127.0.0.1:7890', linux);
    expect(r.hostUrl).toBe('http://127.0.0.1:7890');
    expect(r.containerUrl).toBe('http://172.17.0.1:7890');
    expect(r.warnings.join('\n')).toMatch(/containers and builds get 172\.17\.0\.1:7890/);
  });

  it('under WSL2 NAT a 127.0.0.1 proxy is the Windows host: <hostname>.local for WSL, <hostname> for containers', () => {
    const r = resolveProxy('http://127.0.0.1:7890', wslNat);
    expect(r.hostUrl).toBe('http://winbox.local:7890');
    expect(r.containerUrl).toBe('http://winbox:7890');
    expect(r.warnings[0]).toMatch(/WSL2 NAT: 127\.0\.0\.1 inside WSL is WSL itself, not Windows; using winbox\.local/);
  });

  it('under WSL2 NAT without a host name, the gateway (which changes at reboot)', () => {
    const r = resolveProxy('http://localhost:7890', { ...wslNat, hostname: null });
    expect(r.hostUrl).toBe('http://172.22.16.1:7890');
    expect(r.warnings[0]).toMatch(/changes at every reboot/);
  });

  it('under WSL2 mirrored networking 127.0.0.1 works in WSL itself', () => {
    const r = resolveProxy('http://127.0.0.1:7890', { ...wslNat, wslNetworkingMode: 'mirrored' });
    expect(r.hostUrl).toBe('http://127.0.0.1:7890');
    expect(r.containerUrl).toBe('http://winbox:7890');
  });

  it('keeps localhost, service names and private networks direct', () => {
    const r = resolveProxy('http://proxy.corp:3128', linux, ['.corp.example', 'localhost']);
    const list = r.noProxy.split(',');
    for (const e of ['localhost', '127.0.0.1', '::1', 'host.docker.internal', 'devcontainer', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '.local'])
      expect(list).toContain(e);
    expect(list.at(-1)).toBe('.corp.example');
    expect(list.filter((e) => e === 'localhost')).toHaveLength(1);
    expect(list.slice(0, BASE_NO_PROXY.length)).toEqual([...BASE_NO_PROXY]);
  });
});

describe('credentials', () => {
  it('are masked in everything shown', () => {
    expect(redactProxyUrl('http://alice:s3cret@proxy:3128')).toBe('http://alice:***@proxy:3128');
    expect(redactProxyUrl('http://token@proxy:3128')).toBe('http://***@proxy:3128');
    const s = proxySettings('http://alice:s3cret@proxy.corp:3128', linux, { redact: true });
    expect(JSON.stringify(s.layers)).not.toContain('s3cret');
    expect(s.shown.given).toBe('http://alice:***@proxy.corp:3128');
    expect(s.credentials).toBe(true);
    expect(s.layers.apt).toContain('Acquire::http::Proxy "http://alice:***@proxy.corp:3128";');
  });

  it('refuses characters that a shell, a unit file or apt.conf would read otherwise', () => {
    expect(() => parseProxyUrl('http://a:b$c@proxy:1')).toThrow(/not allowed/);
    expect(() => parseProxyUrl('http://a:b"c@proxy:1')).toThrow(/not allowed/);
    expect(() => parseProxyUrl('ftp://proxy:1')).toThrow(/not supported/);
    expect(() => parseProxyUrl('http://proxy:1/path')).toThrow(/no path/);
    try {
      parseProxyUrl('http://a:se$cret@proxy:1');
    } catch (e) {
      expect((e as Error).message).not.toContain('se$cret');
    }
  });
});

describe('layers', () => {
  const s = proxySettings('http://127.0.0.1:7890', wslNat, { aptDirect: ['mirrors.bfsu.edu.cn'] });

  it('shell: both cases', () => {
    expect(s.layers.shell).toContain('export http_proxy="http://winbox.local:7890"');
    expect(s.layers.shell).toContain('export HTTPS_PROXY="$https_proxy"');
    expect(s.layers.shell).toContain(`export no_proxy="${s.noProxy}"`);
  });

  it("every layer reads back, with the doctor's parsers, as what was meant", () => {
    expect(proxyFromAptConf(s.layers.apt)).toEqual({ http: 'http://winbox.local:7890', https: 'http://winbox.local:7890', noProxy: null });
    expect(s.layers.apt).toContain('Acquire::https::Proxy::mirrors.bfsu.edu.cn "DIRECT";');
    expect(proxyFromSystemdUnit(s.layers.systemd)).toEqual({ http: 'http://winbox.local:7890', https: 'http://winbox.local:7890', noProxy: s.noProxy });
    expect(proxyFromDaemonJson(s.layers.daemonJson)).toEqual({ http: 'http://winbox.local:7890', https: 'http://winbox.local:7890', noProxy: s.noProxy });
    expect(proxyFromClientConfig(s.layers.clientConfig)).toEqual({ http: 'http://winbox:7890', https: 'http://winbox:7890', noProxy: s.noProxy });
    expect(s.layers.composeBuildArgs).toMatchObject({ HTTP_PROXY: 'http://winbox.local:7890', no_proxy: s.noProxy });
  });
});

describe('WSL host address helpers', () => {
  it('read the gateway and the nameserver', () => {
    expect(parseDefaultGateway('default via 172.22.16.1 dev eth0 proto kernel\n172.22.16.0/20 dev eth0')).toBe('172.22.16.1');
    expect(parseDefaultGateway('')).toBeNull();
    expect(parseResolvNameserver('# generated by WSL\nnameserver 172.22.16.1\nnameserver 8.8.8.8\n')).toBe('172.22.16.1');
  });
});
