import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { danlu, jsonOut } from '../support/cli.js';

/** A PATH where `docker` hangs and nvidia-smi does not exist, like a host with a stuck daemon. */
function hungDockerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'danlu-hung-'));
  writeFileSync(join(dir, 'docker'), '#!/bin/sh\nsleep 30\n');
  chmodSync(join(dir, 'docker'), 0o755);
  return `${dir}:/usr/bin:/bin`;
}

describe('danlu host', () => {
  it('--json has the host-file shape and says what is missing', () => {
    const r = danlu(['host', '--json'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(0);
    const host = jsonOut(r);
    expect(Object.keys(host)).toEqual(expect.arrayContaining(['os', 'user', 'cpus', 'memoryBytes', 'nvidia', 'docker', 'wsl', 'source', 'notes']));
    expect(host.source).toBe('probe');
    expect(host.user.uid).toBe(process.getuid?.() ?? host.user.uid);
    expect(host.cpus).toBeGreaterThan(0);
    expect(host.nvidia).toBeNull();
    expect(host.notes.map((n: { what: string }) => n.what).join(' ')).toMatch(/nvidia-smi/);
  });

  it('a hung docker is reported as not answering, and does not hold the probe', () => {
    const started = Date.now();
    const r = danlu(['host', '--json'], { env: { PATH: hungDockerPath() } });
    const seconds = (Date.now() - started) / 1000;
    const host = jsonOut(r);
    expect(host.docker.daemon).toMatchObject({ ok: false });
    expect(host.docker.daemon.reason).toMatch(/timed out/);
    // The docker probes give up after 1.5 s; generous bound for a loaded CI machine.
    expect(seconds).toBeLessThan(4);
  });

  it('the human output names the missing pieces', () => {
    const r = danlu(['host'], { env: { PATH: '/nonexistent' } });
    expect(r.stdout).toMatch(/nvidia\s+none/);
    expect(r.stdout).toMatch(/docker\s+not installed/);
  });

  it('host --json output is accepted by init --host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'danlu-hostfile-'));
    const hostFile = join(dir, 'host.json');
    writeFileSync(hostFile, danlu(['host', '--json']).stdout);
    const r = danlu(['plan', join(dir), '--json', '--host', hostFile]);
    expect(r.code).toBe(0);
    expect(jsonOut(r).user.uid).toBe(process.getuid?.());
  });
});
