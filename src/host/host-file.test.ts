import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DanluError, describeError } from '../lib/errors.js';
import { fixture } from '../probe/fake-deps.js';
import type { HostFacts } from '../probe/types.js';
import { decodeHostFileBytes, parseHostFile, readHostFile } from './host-file.js';

const DEFAULTS: HostFacts = {
  os: { kind: 'macos', distro: null, release: null, arch: 'arm64', kernel: '24.1.0' },
  user: { name: 'me', uid: 501, gid: 20, home: '/Users/me' },
  cpus: 8,
  memoryBytes: 17179869184,
  nvidia: null,
  docker: null,
  wsl: null,
  timezone: 'Europe/Paris',
  source: 'probe',
  notes: [{ what: 'nvidia-smi', message: 'nvidia-smi not found' }],
};

/** The error parseHostFile throws for `text`. */
function errorOf(text: string): DanluError {
  try {
    parseHostFile(text, 'server.json', DEFAULTS);
  } catch (err) {
    if (err instanceof DanluError) return err;
    throw err;
  }
  throw new Error('expected parseHostFile to throw');
}

describe('parseHostFile: valid files', () => {
  it('reads a full hand-written file, filling class from the catalog', () => {
    const host = parseHostFile(fixture('host-files/rtx4090-ubuntu2204.json'), 'server.json', DEFAULTS);
    expect(host).toEqual({
      os: { kind: 'linux', distro: 'ubuntu', release: '22.04', arch: 'arm64', kernel: null },
      user: { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' },
      cpus: 16,
      memoryBytes: 68719476736,
      nvidia: {
        driverVersion: '535.104.05',
        cudaVersion: '12.2',
        source: 'file',
        gpus: [{ index: 0, name: 'NVIDIA GeForce RTX 4090', computeCapability: '8.9', memoryMiB: 24564, class: 'consumer' }],
      },
      docker: null,
      wsl: null,
      timezone: 'Europe/Paris',
      source: 'file',
      notes: [],
    });
  });

  it('takes absent keys from the defaults and fills compute capability by name', () => {
    const host = parseHostFile('{"nvidia": {"driverVersion": "550.54.15", "gpus": [{"name": "NVIDIA A100-SXM4-80GB"}]}}', 'h.json', DEFAULTS);
    expect(host.os).toBe(DEFAULTS.os);
    expect(host.user).toBe(DEFAULTS.user);
    expect([host.cpus, host.memoryBytes, host.timezone]).toEqual([8, 17179869184, 'Europe/Paris']);
    expect(host.nvidia).toEqual({
      driverVersion: '550.54.15',
      cudaVersion: null,
      source: 'file',
      gpus: [{ index: 0, name: 'NVIDIA A100-SXM4-80GB', computeCapability: '8.0', memoryMiB: null, class: 'datacenter' }],
    });
    expect(host.source).toBe('file');
    expect(host.notes).toEqual([]);
  });

  it('keeps defaults.nvidia when the key is absent, and null when it is null', () => {
    const withGpu: HostFacts = { ...DEFAULTS, nvidia: { driverVersion: '580.1', cudaVersion: '13.0', gpus: [] } };
    expect(parseHostFile('{}', 'h.json', withGpu).nvidia).toBe(withGpu.nvidia);
    expect(parseHostFile('{"nvidia": null}', 'h.json', withGpu).nvidia).toBeNull();
  });

  it('merges a partial user and treats a different OS kind as sharing nothing but arch', () => {
    const host = parseHostFile('{"user": {"uid": 1001}, "os": {"kind": "wsl2", "distro": "Ubuntu"}}', 'h.json', DEFAULTS);
    expect(host.user).toEqual({ name: 'me', uid: 1001, gid: 20, home: '/Users/me' });
    expect(host.os).toEqual({ kind: 'wsl2', distro: 'ubuntu', release: null, arch: 'arm64', kernel: null });
    expect(host.wsl).toEqual({ dxg: true, libDir: true, networkingMode: null });
  });

  it('accepts comments, trailing commas, a BOM and UTF-16LE bytes from PowerShell', () => {
    expect(parseHostFile('\uFEFF{ // a comment\n "cpus": 4,\n}', 'h.json', DEFAULTS).cpus).toBe(4);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"cpus": 2}', 'utf16le')]);
    expect(parseHostFile(decodeHostFileBytes(utf16), 'h.json', DEFAULTS).cpus).toBe(2);
  });

  it('reads a partial docker object with unknowns as null/false', () => {
    const host = parseHostFile('{"docker": {"client": "27.3.1", "daemon": {"ok": true, "version": "27.3.1"}, "nvidiaRuntime": true}}', 'h.json', DEFAULTS);
    expect(host.docker).toEqual({
      client: '27.3.1',
      daemon: { ok: true, version: '27.3.1', reason: null },
      compose: { v2: null, v1: null },
      nvidiaRuntime: true,
      cdi: false,
      rootless: false,
      desktop: false,
      snap: false,
      inDockerGroup: null,
      nvidiaCtk: null,
    });
  });

  it('reads the engine a probe recorded, and refuses one danlu does not know, at its place', () => {
    expect(parseHostFile('{"docker": {"engine": "docker"}}', 'h.json', DEFAULTS).docker?.engine).toBe('docker');
    expect(parseHostFile('{"docker": {}}', 'h.json', DEFAULTS).docker?.engine).toBeUndefined();
    const err = errorOf('{"docker": {\n  "engine": "lxc"}}');
    expect(err.location).toMatchObject({ line: 2 });
    expect(err.message).toMatch(/one of docker/);
  });
});

describe('parseHostFile: round trip of `danlu host --json`', () => {
  const probed: HostFacts = {
    os: { kind: 'wsl2', distro: 'ubuntu', release: '22.04', arch: 'x64', kernel: '5.15.153.1-microsoft-standard-WSL2' },
    user: { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice' },
    cpus: 32,
    memoryBytes: 135148564480,
    nvidia: {
      driverVersion: '560.94',
      cudaVersion: '12.6',
      source: 'nvidia-smi',
      gpus: [
        { index: 0, name: 'NVIDIA GeForce RTX 4090', computeCapability: '8.9', memoryMiB: 24564, class: 'consumer', brand: 'GeForce', uuid: 'GPU-5f3c' },
        { index: 1, name: 'NVIDIA GeForce RTX 3090', computeCapability: '8.6', memoryMiB: null, class: 'consumer', brand: null, uuid: null },
      ],
    },
    docker: {
      engine: 'docker',
      client: '27.2.0',
      daemon: { ok: false, version: null, reason: 'permission denied: permission denied while trying to connect' },
      compose: { v2: '2.29.2-desktop.2', v1: '1.29.2' },
      nvidiaRuntime: false,
      cdi: true,
      rootless: false,
      desktop: true,
      snap: false,
      inDockerGroup: false,
      nvidiaCtk: '1.16.2',
    },
    wsl: { dxg: true, libDir: true, networkingMode: 'mirrored' },
    timezone: 'Asia/Shanghai',
    source: 'probe',
    notes: [{ what: 'docker daemon', message: 'docker daemon permission denied' }],
  };

  it('gives back the same facts, now from a file', () => {
    expect(parseHostFile(JSON.stringify(probed, null, 2), 'server.json', DEFAULTS)).toStrictEqual({ ...probed, source: 'file' });
  });

  it('round-trips a host without GPU, Docker or WSL', () => {
    const bare: HostFacts = { ...probed, os: { ...probed.os, kind: 'linux' }, nvidia: null, docker: null, wsl: null, timezone: null, notes: [] };
    expect(parseHostFile(JSON.stringify(bare), 'server.json', DEFAULTS)).toStrictEqual({ ...bare, source: 'file' });
  });
});

describe('parseHostFile: errors', () => {
  it('points at the JSON syntax error', () => {
    const err = errorOf('{\n  "cpus": 16\n  "memoryBytes": 1\n}');
    expect(err.code).toBe(2);
    expect(err.message).toBe("invalid JSON: expected ','");
    expect(err.location).toEqual({ file: 'server.json', line: 3, column: 3 });
    expect(describeError(err)).toBe("server.json:3:3: invalid JSON: expected ','");
  });

  it('points at an unclosed object and an empty file', () => {
    expect(errorOf('{"os": {"kind": "linux"}').location).toMatchObject({ line: 1, column: 25 });
    expect(errorOf('').message).toMatch(/^invalid JSON/);
    expect(errorOf('[1, 2]').message).toBe('(top level): expected an object, got an array');
  });

  it('names the JSON path and the line of a wrong value', () => {
    const text = '{\n  "nvidia": {\n    "driverVersion": "535.104.05",\n    "gpus": [\n      {"name": "RTX 4090", "computeCapability": 89}\n    ]\n  }\n}';
    const err = errorOf(text);
    expect(err.message).toBe('nvidia.gpus[0].computeCapability: expected a string like "8.9", got 89');
    const column = text.split('\n')[4]!.indexOf('89') + 1;
    expect(column).toBe(49);
    expect(err.location).toEqual({ file: 'server.json', line: 5, column });
  });

  it.each([
    ['{"user": {"uid": -1}}', 'user.uid: expected a non-negative integer, got -1'],
    ['{"user": {"gid": 1.5}}', 'user.gid: expected a non-negative integer, got 1.5'],
    ['{"nvidia": {"driverVersion": "latest"}}', 'nvidia.driverVersion: expected a driver version like "535.104.05", got "latest"'],
    ['{"nvidia": {"driverVersion": "535.1", "cudaVersion": 12.2}}', 'nvidia.cudaVersion: expected a CUDA version like "12.2" or null, got 12.2'],
    ['{"os": {"kind": "bsd"}}', 'os.kind: expected one of "linux", "wsl2", "macos", "windows", "other", got "bsd"'],
    ['{"cpus": 0}', 'cpus: expected a positive integer, got 0'],
    ['{"nvidia": {"driverVersion": "535.1", "gpus": {}}}', 'nvidia.gpus: expected an array, got an object'],
    ['{"docker": {"desktop": "yes"}}', 'docker.desktop: expected true or false, got "yes"'],
  ])('%s -> %s', (text, message) => {
    expect(errorOf(text).message).toBe(message);
  });

  it.each([
    ['a line break', 'H100\nBASE_IMAGE=attacker/evil:latest'],
    ['an escape sequence', 'H100\u001b[2J\u001b]0;pwn\u0007'],
    ['a C1 control', 'H100\u009b2J'],
    ['a tab', 'H100\tX'],
  ])('refuses a text value with %s, at its line and column', (_what, name) => {
    const text = `{\n  "nvidia": {"driverVersion": "580.65.06", "gpus": [\n    {"name": ${JSON.stringify(name)}}\n  ]}\n}`;
    const err = errorOf(text);
    expect(err.code).toBe(2);
    expect(err.message).toMatch(/^nvidia\.gpus\[0\]\.name: expected a non-empty string without control characters/);
    expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(err.location).toEqual({ file: 'server.json', line: 3, column: 14 });
  });

  it('refuses control characters in every text value, the time zone included', () => {
    expect(describeError(errorOf('{"timezone": "Asia/Shanghai\\nX=1"}'))).toMatch(/^server\.json:1:14: timezone: expected .* without control characters/);
    expect(errorOf('{"user": {"home": "/home/a\\u001b[2J"}}').message).toMatch(/^user\.home: /);
    expect(errorOf('{"notes": [{"what": "x", "message": "a\\rb"}]}').message).toMatch(/^notes\[0\]\.message: /);
  });

  it('bounds what no machine reports: long text, thousands of GPUs, huge numbers', () => {
    expect(errorOf(`{"nvidia": {"driverVersion": "580.65.06", "gpus": [{"name": "${'H'.repeat(10_000)}"}]}}`).message).toBe(
      'nvidia.gpus[0].name: expected a non-empty string of at most 4096 characters, got 10000',
    );
    const gpus = Array.from({ length: 1000 }, () => '{"name": "H100"}').join(',');
    expect(errorOf(`{"nvidia": {"driverVersion": "580.65.06", "gpus": [${gpus}]}}`).message).toBe(
      'nvidia.gpus: expected at most 256 GPUs in one machine, got 1000',
    );
    expect(errorOf('{"nvidia": {"driverVersion": "99999999999999999999.1"}}').message).toMatch(/^nvidia\.driverVersion: expected a driver version/);
    expect(errorOf('{"cpus": 1e400}').message).toBe('cpus: expected a positive integer, got a number out of range');
    expect(errorOf('{"cpus": 100000000}').message).toBe('cpus: expected a positive integer of at most 65536, got 100000000');
    expect(errorOf('{"user": {"uid": 4294967296}}').message).toMatch(/^user\.uid: expected a non-negative integer of at most 4294967294/);
  });

  it('locates a missing required key at its object', () => {
    const err = errorOf('{\n  "nvidia": {"gpus": []}\n}');
    expect(err.message).toMatch(/^nvidia\.driverVersion: expected a driver version/);
    expect(err.location).toMatchObject({ line: 2, column: 13 });
  });
});

describe('readHostFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-host-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses a file, naming it in errors', async () => {
    const path = join(dir, 'server.json');
    writeFileSync(path, '{"cpus": 12}');
    expect((await readHostFile(path, DEFAULTS)).cpus).toBe(12);
    writeFileSync(path, '{"cpus": }');
    await expect(readHostFile(path, DEFAULTS)).rejects.toMatchObject({ location: { file: path, line: 1, column: 10 } });
  });

  it('reads at most 16 MiB: a larger file (or /dev/zero) is a located error, not read whole', async () => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    await expect(readHostFile(path, DEFAULTS)).rejects.toMatchObject({
      message: 'a host file is at most 16 MiB, and this one is larger',
      location: { file: path },
    });
    await expect(readHostFile('/dev/zero', DEFAULTS)).rejects.toMatchObject({ location: { file: '/dev/zero' } });
  });

  it('fails with "cannot read host file" when the file is missing', async () => {
    const path = join(dir, 'missing.json');
    await expect(readHostFile(path, DEFAULTS)).rejects.toThrow(`cannot read host file ${path} (ENOENT)`);
    await expect(readHostFile(path, DEFAULTS)).rejects.toBeInstanceOf(DanluError);
  });
});
