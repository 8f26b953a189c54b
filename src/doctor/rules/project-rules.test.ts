import { beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../probe/types.js';
import { factsFor, h100Host } from '../testing/facts.js';
import type { DoctorFacts } from '../types.js';
import { cacheDirs } from './cache-dirs.js';
import { catalogAge } from './catalog-age.js';
import { diskFree } from './disk-free.js';
import { envCuda } from './env-cuda.js';
import { envImage, parseCudaImage } from './env-image.js';
import { envUser } from './env-user.js';
import { mirrorLeak } from './mirror-leak.js';
import { projectPlan } from './project-plan.js';
import { pythonVersion } from './python-version.js';
import { torchIndex } from './torch-index.js';
import { uvLock } from './uv-lock.js';
import { venv } from './venv.js';

let host: HostFacts;
beforeAll(async () => {
  host = await h100Host({ docker: true });
});

const withEnv = (patch: Record<string, string>, extra: Partial<DoctorFacts> = {}): DoctorFacts => {
  const base = factsFor(host, extra);
  return { ...base, files: { ...base.files, env: { ...base.files.env!, ...patch } } };
};
const withFiles = (patch: Partial<DoctorFacts['files']>): DoctorFacts => {
  const base = factsFor(host);
  return { ...base, files: { ...base.files, ...patch } };
};

describe('projectPlan', () => {
  it('shows the plan on success', () => {
    expect(projectPlan(factsFor(host))[0]).toMatchObject({
      severity: 'ok',
      title: 'plan: torch 2.14.1 (cu130) · Python 3.12 · nvidia/cuda:13.0.3-devel-ubuntu24.04',
    });
  });
  it('warns when the project installs CPU wheels on this GPU host, with the command that fixes it', () => {
    const base = factsFor(host);
    const plan = {
      ...base.plan!,
      warnings: [
        {
          id: 'cpu-wheels-on-gpu-host',
          message: "the project installs torch's CPU wheels (pyproject.toml:25): the 1 NVIDIA GPU of this host stays unused",
          fix: 'danlu init --backend cu130 routes torch to the cu130 wheels (torch 2.14.1) that fit this host',
          command: 'danlu init --backend cu130',
        },
      ],
    };
    const out = projectPlan({ ...base, plan });
    expect(out.map((x) => [x.id, x.severity])).toEqual([
      ['project-plan', 'ok'],
      ['cpu-wheels', 'warn'],
    ]);
    expect(out[1]!.fix).toEqual({
      description: 'route torch to the CUDA wheels that fit this host (pyproject.toml and .env)',
      command: 'danlu init --backend cu130',
      safe: false,
    });
  });

  it('reports unreadable files with file:line instead of stopping', () => {
    const out = projectPlan(
      withFiles({
        envError: '/p/.env:3:1: expected KEY=VALUE, a comment or a blank line, found "oops"',
        pyprojectError: '/p/pyproject.toml:2:5: invalid TOML: x',
      }),
    );
    expect(out.map((f) => [f.id, f.severity])).toEqual([
      ['env-syntax', 'error'],
      ['pyproject-syntax', 'error'],
    ]);
    expect(out[0]!.detail).toContain('/p/.env:3:1');
  });
});

describe('envUser', () => {
  it('is ok for .env written for this user', () => {
    expect(envUser(factsFor(host))).toEqual([expect.objectContaining({ id: 'env-user', severity: 'ok', title: '.env matches you: alice (1000:1000)' })]);
  });

  it('finds a wrong UID and offers the safe .env rewrite', () => {
    const [f] = envUser(withEnv({ USER_UID: '1234' }));
    expect(f).toMatchObject({ id: 'env-uid', severity: 'error', title: 'USER_UID=1234 in .env, but you are alice (1000:1000)' });
    expect(f!.detail).toContain('fatal: detected dubious ownership in repository');
    expect(f!.fix).toEqual({
      description: 'set USER_UID=1000 in .env (your uid), then rebuild with danlu up (it rebuilds when build args change)',
      safe: true,
      action: { kind: 'env-set', file: '/work/proj/.env', key: 'USER_UID', value: '1000' },
    });
  });

  it('finds a missing GID and a HOST_HOME from another machine', () => {
    const base = withEnv({ USER_GID: '', HOST_HOME: '/home/bob' });
    const facts = { ...base, caches: { ...base.caches, home: '/home/bob', homeExists: false } };
    const out = envUser(facts);
    expect(out.map((f) => [f.id, f.severity, f.title])).toEqual([
      ['env-gid', 'error', 'USER_GID is missing from .env'],
      ['env-host-home', 'error', 'HOST_HOME=/home/bob in .env does not exist here'],
    ]);
    expect(out[1]!.fix?.action).toEqual({ kind: 'env-set', file: '/work/proj/.env', key: 'HOST_HOME', value: '/home/alice' });
  });

  it('warns when .env is missing, quoting compose', () => {
    const [f] = envUser(withFiles({ envText: null, env: null }));
    expect(f).toMatchObject({ id: 'env-file', severity: 'warn', fix: { command: 'danlu init' } });
    expect(f!.detail).toContain('required variable USER_UID is missing a value: run danlu init to write .env');
  });
});

describe('envCuda', () => {
  it('passes an image within the driver', () => {
    expect(envCuda(factsFor(host))[0]).toMatchObject({ severity: 'ok', title: "image CUDA 13.0.3 ≤ the driver's CUDA 13.0" });
  });
  it('fails a consumer GPU with an image newer than the driver, quoting nvidia-container-cli', () => {
    const consumer = {
      ...host,
      nvidia: { ...host.nvidia!, gpus: [{ ...host.nvidia!.gpus[0]!, name: 'NVIDIA GeForce RTX 4090', class: 'consumer' as const }] },
    };
    const [f] = envCuda(withEnv({ CUDA_VERSION: '13.2.2' }, { host: consumer }));
    expect(f).toMatchObject({
      severity: 'error',
      title: "CUDA_VERSION=13.2.2 in .env is newer than the driver's CUDA 13.0",
      fix: { command: 'danlu init --cuda 13.0', safe: false },
    });
    expect(f!.detail).toContain('unsatisfied condition: cuda>=13.2, please update your driver to a newer version');
  });
  it('only warns for data-center GPUs (forward compatibility)', () => {
    expect(envCuda(withEnv({ CUDA_VERSION: '13.2.2' }))[0]).toMatchObject({ severity: 'warn' });
  });
});

describe('envImage', () => {
  it('parses mirror-prefixed nvidia/cuda tags', () => {
    expect(parseCudaImage('docker.m.daocloud.io/nvidia/cuda:12.8.1-devel-ubuntu24.04')).toEqual({ version: '12.8.1', flavour: 'devel', ubuntu: '24.04' });
    expect(parseCudaImage('ubuntu:24.04')).toBeNull();
  });
  it('warns about a tag NVIDIA does not publish, quoting docker pull', () => {
    const [f] = envImage(withEnv({ BASE_IMAGE: 'nvidia/cuda:11.0-base-ubuntu20.04'.replace('11.0', '11.0.3') }, { images: [] }));
    expect(f).toMatchObject({ id: 'env-base-image', severity: 'warn' });
    expect(f!.detail).toContain('manifest for nvidia/cuda:11.0.3-base-ubuntu20.04 not found: manifest unknown: manifest unknown');
  });
  it('says when the dev image is not built yet', () => {
    const out = envImage(factsFor(host, { images: [{ ref: 'danlu-dev:test', present: false }] }));
    expect(out[0]).toMatchObject({ id: 'env-dev-image', severity: 'info', fix: { command: 'danlu build' } });
  });
});

describe('cacheDirs', () => {
  const withOwner = (rel: string, uid: number, processUid: number) => {
    const base = factsFor(host, { processUid });
    const dirs = base.caches.dirs.map((d) => (d.rel === rel || d.rel.startsWith(`${rel}/`) ? { ...d, uid, gid: uid } : d));
    return { ...base, caches: { ...base.caches, dirs } };
  };

  it('is ok when the user owns every cache folder', () => {
    expect(cacheDirs(factsFor(host))[0]).toMatchObject({ severity: 'ok', title: 'cache folders under /home/alice belong to alice (1000:1000)' });
  });

  it('finds a root-owned folder once (its subfolders included) and fixes it safely under sudo', () => {
    const out = cacheDirs(withOwner('.cache/huggingface', 0, 0));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'cache-dir-owner', severity: 'error', title: '/home/alice/.cache/huggingface belongs to root, not alice' });
    expect(out[0]!.detail).toContain("PermissionError: [Errno 13] Permission denied: '/home/alice/.cache/huggingface'");
    expect(out[0]!.fix).toMatchObject({ safe: true, action: { kind: 'own-dirs', paths: ['/home/alice/.cache/huggingface'], uid: 1000, gid: 1000 } });
  });

  it('only prints the sudo chown when doctor runs as the user', () => {
    const [f] = cacheDirs(withOwner('.cache', 0, 1000));
    expect(f!.title).toBe('/home/alice/.cache belongs to root, not alice');
    expect(f!.fix).toEqual({
      description: 'give /home/alice/.cache back to alice (1000:1000)',
      command: 'sudo chown -R 1000:1000 /home/alice/.cache',
      safe: false,
    });
  });

  it('offers to create missing folders before dockerd creates them as root', () => {
    const base = factsFor(host);
    const dirs = base.caches.dirs.map((d) =>
      d.rel.startsWith('.cache/torch') || d.rel === '.cache/danlu/uv' ? { ...d, exists: false, uid: null, gid: null } : d,
    );
    const [f] = cacheDirs({ ...base, caches: { ...base.caches, dirs } });
    expect(f).toMatchObject({
      id: 'cache-dir-missing',
      severity: 'warn',
      title: '2 cache folders missing under /home/alice: dockerd would create them as root',
    });
    expect(f!.fix?.action).toEqual({
      kind: 'own-dirs',
      home: '/home/alice',
      paths: ['/home/alice/.cache/danlu/uv', '/home/alice/.cache/torch/hub'],
      uid: 1000,
      gid: 1000,
    });
  });
});

describe('torchIndex, pythonVersion, uvLock, venv, mirrorLeak, diskFree', () => {
  it('passes the healthy project', () => {
    const facts = factsFor(host);
    expect([torchIndex, pythonVersion, uvLock, mirrorLeak, diskFree].map((r) => r(facts)[0]!.severity)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(torchIndex(facts)[0]!.title).toBe('torch from https://download.pytorch.org/whl/cu130 (explicit, routed by [tool.uv.sources])');
  });

  it('warns when torch has no PyTorch index (the +cpu wheel)', () => {
    const [f] = torchIndex(withFiles({ pyproject: { project: { dependencies: ['torch'] } } }));
    expect(f).toMatchObject({ id: 'torch-index', severity: 'warn', fix: { command: 'danlu init' } });
    expect(f!.detail).toContain('ends in "+cpu"');
  });

  it('warns about a non-explicit index and a missing source', () => {
    const pyproject = { tool: { uv: { index: [{ name: 'pytorch', url: 'https://download.pytorch.org/whl/cu128' }] } } };
    expect(torchIndex(withFiles({ pyproject })).map((f) => f.id)).toEqual(['torch-source', 'torch-index-explicit']);
  });

  it('flags a .env PYTORCH_INDEX that disagrees with pyproject.toml', () => {
    const base = withEnv({ PYTORCH_INDEX: 'https://download.pytorch.org/whl/cu128' });
    const [f] = torchIndex(base);
    expect(f).toMatchObject({
      id: 'torch-index-env',
      severity: 'warn',
      title: 'PYTORCH_INDEX in .env is cu128, pyproject.toml routes torch to cu130',
      fix: { command: 'danlu init' },
    });
  });

  it('reads torch routed by extra (pytorch-cpu for cpu, pytorch-cu130 for cu130): no false mismatch', () => {
    const base = factsFor(host);
    const pyproject = {
      project: { dependencies: ['torch'] },
      tool: {
        uv: {
          index: [
            { name: 'pytorch-cpu', url: 'https://download.pytorch.org/whl/cpu', explicit: true },
            { name: 'pytorch-cu130', url: 'https://download.pytorch.org/whl/cu130', explicit: true },
          ],
          sources: {
            torch: [
              { index: 'pytorch-cpu', extra: 'cpu' },
              { index: 'pytorch-cu130', extra: 'gpu' },
            ],
          },
        },
      },
    };
    const facts = { ...base, files: { ...base.files, pyproject, env: { ...base.files.env!, PYTORCH_INDEX: 'https://download.pytorch.org/whl/cu130' } } };
    expect(base.plan!.torch.backend).toBe('cu130');
    expect(torchIndex(facts).map((f) => `${f.id} ${f.severity}`)).toEqual(['torch-index ok']);
  });

  it("a team's variants: the extra .env's TORCH_EXTRA names is the one compared", () => {
    const base = factsFor(host);
    const pyproject = {
      project: { dependencies: [], 'optional-dependencies': { cu130: ['torch'], cu118: ['torch'] } },
      tool: {
        uv: {
          index: [
            { name: 'pytorch-cu130', url: 'https://download.pytorch.org/whl/cu130', explicit: true },
            { name: 'pytorch-cu118', url: 'https://download.pytorch.org/whl/cu118', explicit: true },
          ],
          sources: {
            torch: [
              { index: 'pytorch-cu130', extra: 'cu130' },
              { index: 'pytorch-cu118', extra: 'cu118' },
            ],
          },
        },
      },
    };
    const env = (extra: string, backend: string) => ({
      ...base,
      files: { ...base.files, pyproject, env: { ...base.files.env!, TORCH_EXTRA: extra, PYTORCH_INDEX: `https://download.pytorch.org/whl/${backend}` } },
    });
    expect(torchIndex(env('cu130', 'cu130')).map((f) => `${f.id} ${f.severity}`)).toEqual(['torch-index ok']);
    // This machine's .env says cu118 but its index is cu130: the extra's index is the one compared.
    expect(torchIndex(env('cu118', 'cu130')).map((f) => f.id)).toContain('torch-index-env');
  });

  it('pins Python when .python-version is missing', () => {
    expect(pythonVersion(withFiles({ pythonVersion: null }))[0]).toMatchObject({ severity: 'warn', fix: { command: 'uv python pin 3.12' } });
  });

  it('finds a missing and a stale uv.lock', () => {
    expect(uvLock(withFiles({ uvLock: { exists: false, mtimeMs: null, pyprojectMtimeMs: 5 } }))[0]).toMatchObject({
      severity: 'warn',
      title: 'no uv.lock: the environment is not reproducible',
    });
    const [stale] = uvLock(withFiles({ uvLock: { exists: true, mtimeMs: 1000, pyprojectMtimeMs: 60_000 } }));
    expect(stale!.detail).toContain('The lockfile at `uv.lock` needs to be updated');
  });

  it('finds a .venv whose interpreter lives on the other side', () => {
    const [f] = venv(withFiles({ venv: { home: '/opt/danlu/python/bin', homeExists: false } }));
    expect(f).toMatchObject({ severity: 'warn', fix: { command: 'rm -rf .venv', safe: false } });
    expect(f!.detail).toContain('error: Failed to spawn: pytest');
  });

  it('finds mirrors in committed files, except a lock made with the mirror on purpose', () => {
    const hits = [
      { file: 'pyproject.toml', line: 12, url: 'https://mirrors.aliyun.com/pypi/simple/' },
      { file: 'uv.lock', line: 8, url: 'https://mirrors.aliyun.com/pypi/simple' },
    ];
    const [f] = mirrorLeak(withFiles({ mirrorHits: hits }));
    expect(f).toMatchObject({
      id: 'mirror-leak',
      severity: 'warn',
      title: 'mirror URLs in committed files: pyproject.toml, uv.lock',
      fix: { command: 'UV_DEFAULT_INDEX=https://pypi.org/simple uv lock' },
    });
    expect(f!.detail).toContain('pyproject.toml:12 (https://mirrors.aliyun.com/pypi/simple/)');
    const base = withFiles({ mirrorHits: hits });
    const chosen = mirrorLeak({ ...base, project: { ...base.project!, lockWithMirror: true } });
    expect(chosen.map((x) => [x.id, x.severity])).toEqual([
      ['mirror-leak', 'warn'],
      ['mirror-lock', 'info'],
    ]);
  });

  it('fails below 8 GiB free and warns below 20 GiB', () => {
    const disk = (gb: number) => diskFree(factsFor(host, { disk: { path: '/var/lib/docker', freeBytes: gb * 1024 ** 3, totalBytes: 1e12 } }))[0]!;
    expect(disk(3)).toMatchObject({ severity: 'error', title: 'only 3.0 GiB free under /var/lib/docker' });
    expect(disk(15)).toMatchObject({ severity: 'warn' });
    expect(disk(15).detail).toContain('no space left on device');
  });
});

describe('catalogAge', () => {
  const at = (asOf: string, today: string, name = 'embedded') =>
    catalogAge(factsFor(host, { catalog: { ...factsFor(host).catalog, asOf, name } as DoctorFacts['catalog'], today }))[0]!;
  it('passes within 90 days, naming the date', () => {
    expect(at('2026-12-02', '2027-03-01')).toMatchObject({ severity: 'ok', title: "knowledge as of 2026-12-02 (danlu's built-in catalog, 89 days old)" });
  });
  it('warns past 90 days, with the update command', () => {
    const r = at('2026-12-02', '2027-03-05');
    expect(r).toMatchObject({ severity: 'warn', title: "danlu's built-in catalog is 93 days old (as of 2026-12-02)" });
    expect(r.fix?.command).toBe('danlu catalog update');
  });
  it('judges a newer user catalog, the one the plan uses', () => {
    expect(at('2027-02-20', '2027-03-05', 'user')).toMatchObject({ severity: 'ok', title: expect.stringContaining('the user catalog') });
  });
});
