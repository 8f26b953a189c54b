import { describe, expect, it } from 'vitest';
import { fakeDoctorDeps } from './fake-doctor-deps.js';
import {
  isLoopback,
  normalizeProxy,
  noProxyEntries,
  proxyFromAptConf,
  proxyFromClientConfig,
  proxyFromDaemonJson,
  proxyFromEnv,
  proxyFromSystemdUnit,
  proxyHost,
} from './proxy-parse.js';
import { probeProxy, withDaemonView } from './proxy.js';

describe('proxy parsers', () => {
  it('reads shell variables, lower case first, all_proxy as a fallback', () => {
    expect(proxyFromEnv({ HTTP_PROXY: 'http://UP:1', http_proxy: 'http://low:1', ALL_PROXY: 'socks5://all:9', NO_PROXY: 'localhost' })).toEqual({
      http: 'http://low:1',
      https: 'socks5://all:9',
      noProxy: 'localhost',
    });
  });

  it('reads apt.conf lines and blocks, ignoring comments and DIRECT', () => {
    const text = [
      '// Acquire::http::Proxy "http://commented:1";',
      'Acquire::http::Proxy "http://apt.corp:3142";',
      'Acquire { https::Proxy "http://apt.corp:3143"; ftp::Proxy "x"; }',
      'Acquire::http::Proxy::download.example.com "DIRECT";',
    ].join('\n');
    expect(proxyFromAptConf(text)).toEqual({ http: 'http://apt.corp:3142', https: 'http://apt.corp:3143', noProxy: null });
  });

  it('reads systemd drop-ins, quoted and unquoted', () => {
    const unit = '[Service]\nEnvironment="HTTP_PROXY=http://p:3128" "NO_PROXY=localhost,127.0.0.1"\nEnvironment=HTTPS_PROXY=http://p:3129\n';
    expect(proxyFromSystemdUnit(unit)).toEqual({ http: 'http://p:3128', https: 'http://p:3129', noProxy: 'localhost,127.0.0.1' });
  });

  it('reads daemon.json proxies and the client config.json', () => {
    expect(proxyFromDaemonJson({ proxies: { 'http-proxy': 'http://d:1', 'no-proxy': '*.corp' } })).toEqual({
      http: 'http://d:1',
      https: null,
      noProxy: '*.corp',
    });
    expect(proxyFromClientConfig({ proxies: { default: { httpProxy: 'http://c:1', httpsProxy: 'http://c:2', noProxy: 'localhost' } } })).toEqual({
      http: 'http://c:1',
      https: 'http://c:2',
      noProxy: 'localhost',
    });
    expect(proxyFromClientConfig({ auths: {} })).toEqual({ http: null, https: null, noProxy: null });
  });

  it('compares, splits and recognises loopback proxies', () => {
    expect(normalizeProxy('HTTP://user:pw@proxy:3128/')).toBe('http://xxxxx@proxy:3128');
    expect(proxyHost('127.0.0.1:7890')).toBe('127.0.0.1');
    expect(isLoopback(proxyHost('http://localhost:7890'))).toBe(true);
    expect(isLoopback(proxyHost('http://[::1]:7890'))).toBe(true);
    expect(isLoopback(proxyHost('http://10.0.0.2:7890'))).toBe(false);
    expect(noProxyEntries(' localhost, .corp ,,')).toEqual(['localhost', '.corp']);
  });
});

describe('probeProxy', () => {
  it('reads each layer from its own files, and build args follow the shell', async () => {
    const deps = fakeDoctorDeps({
      env: { PATH: '/usr/bin', https_proxy: 'http://shell:7890', no_proxy: 'localhost' },
      files: {
        '/etc/apt/apt.conf.d/95proxy': 'Acquire::http::Proxy "http://apt:3142";\n',
        '/etc/systemd/system/docker.service.d/http-proxy.conf': '[Service]\nEnvironment="HTTPS_PROXY=http://daemon:3128"\n',
        '/home/alice/.docker/config.json': JSON.stringify({ proxies: { default: { httpsProxy: 'http://client:3128' } } }),
      },
      dirs: { '/etc/apt/apt.conf.d': ['95proxy', '20auto-upgrades'], '/etc/systemd/system/docker.service.d': ['http-proxy.conf'] },
    });
    const p = await probeProxy(deps, '/home/alice', { http_proxy: 'http://dotenv:1' });
    expect(p.shell).toMatchObject({ source: 'https_proxy, no_proxy', values: { http: null, https: 'http://shell:7890', noProxy: 'localhost' } });
    expect(p.apt).toMatchObject({ source: '/etc/apt/apt.conf.d/95proxy', values: { http: 'http://apt:3142' } });
    expect(p.daemon).toMatchObject({ source: '/etc/systemd/system/docker.service.d/http-proxy.conf', values: { https: 'http://daemon:3128' } });
    expect(p.client).toMatchObject({ source: '/home/alice/.docker/config.json', values: { https: 'http://client:3128' } });
    expect(p.build).toMatchObject({ source: 'shell', values: { http: 'http://dotenv:1', https: 'http://shell:7890' } });
  });

  it('lets `docker info` speak for the running daemon', async () => {
    const p = await probeProxy(fakeDoctorDeps({ files: { '/etc/docker/daemon.json': '{"proxies":{"https-proxy":"http://file:1"}}' } }), '/home/alice', null);
    expect(p.daemon.values.https).toBe('http://file:1');
    const seen = withDaemonView(p, {
      rootDir: null,
      cgroupDriver: null,
      operatingSystem: null,
      registryMirrors: [],
      proxy: { http: null, https: null, noProxy: null },
    });
    expect(seen.daemon).toMatchObject({ source: '`docker info`', values: { https: null } });
    expect(seen.daemonFiles.values.https).toBe('http://file:1');
  });
});
