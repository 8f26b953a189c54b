import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, lockProject, pythonDirs } from '../../scripts/lib/uv-harness.mjs';
import { danlu, HOST_FILES, jsonOut, snapshot } from '../support/cli.js';

/**
 * A team's machines committed in .devcontainer/hosts: `init` on any of them plans one torch
 * build for all, so the committed files are the same; only .env is each machine's.
 */
const UV = process.env.DANLU_TEST_UV ?? '';
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');
const TEAM = { 'lab-h100': 'h100-580.json', rtx5090: 'rtx5090-570.json' } as const;

function teamCheckout(root: string, hosts: Record<string, string>): string {
  const dir = join(root, 'proj');
  mkdirSync(join(dir, '.devcontainer', 'hosts'), { recursive: true });
  spawnSync('sh', ['-c', `printf 'numpy\\ntorch\\ntorchvision\\n' > '${join(dir, 'requirements.txt')}'`]);
  for (const [name, file] of Object.entries(hosts)) copyFileSync(join(HOST_FILES, file), join(dir, '.devcontainer', 'hosts', `${name}.json`));
  return dir;
}

/** fn in a fresh temp folder, removed after. */
function withRoot(fn: (root: string) => void): void {
  const root = mkdtempSync(join(tmpdir(), 'danlu-team-'));
  try {
    fn(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** What a team commits: all but .env and the machine's own compose file (both in .gitignore). */
const committed = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).filter(([p]) => p !== '.env' && p !== '.devcontainer/docker-compose.extend.yml'));

describe("a team's hosts", () => {
  it('init on each machine of the set writes the same committed files, a torch build that runs on each, and its own .env', () => {
    const roots = Object.keys(TEAM).map(() => mkdtempSync(join(tmpdir(), 'danlu-team-')));
    try {
      const runs = Object.values(TEAM).map((file, i) => {
        const dir = teamCheckout(roots[i]!, TEAM);
        const r = jsonOut(danlu(['init', dir, '--yes', '--json', '--host', join(HOST_FILES, file)]));
        return { dir, plan: r.plan, files: snapshot(dir) };
      });
      expect(committed(runs[0]!.files)).toEqual(committed(runs[1]!.files));
      // The human output says whom the committed files are for.
      const human = danlu(['init', runs[0]!.dir, '--yes', '--host', join(HOST_FILES, TEAM['lab-h100'])]);
      expect(human.stderr).toMatch(/^ {2}team {2}torch \d+\.\d+\.\d+ \(cu\d+\) for lab-h100, rtx5090 \(\.devcontainer\/hosts\)$/m);
      expect(runs[0]!.files['.env']).not.toEqual(runs[1]!.files['.env']);
      for (const r of runs) {
        expect([r.plan.torch.version, r.plan.torch.backend]).toEqual([runs[0]!.plan.torch.version, runs[0]!.plan.torch.backend]);
        // One build fits both: no extras, no TORCH_EXTRA.
        expect([r.plan.torch.variants, r.plan.torch.extra]).toEqual([[], null]);
        const perHost = r.plan.decisions.filter((d: { what: string }) => d.what.startsWith('team host '));
        expect(perHost.map((d: { what: string }) => d.what)).toEqual(['team host lab-h100', 'team host rtx5090']);
        for (const d of perHost) expect(d.choice).not.toMatch(/does not run/);
        expect(r.plan.warnings.map((w: { id: string }) => w.id).filter((id: string) => id.startsWith('team-'))).toEqual([]);
      }
      // sm_120 needs cu128 or newer, the H100 alone would take cu130 with the newest torch: the set takes what runs on both.
      expect(runs[0]!.plan.torch.backend).toMatch(/^cu1(2[89]|3\d)$/);
    } finally {
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    }
  });

  it('no single build for H100/580, RTX 5090/570 and RTX 3090/470: one extra per CUDA variant, the same committed files on each, each .env its own', () => {
    const THREE = { ...TEAM, 'old-3090': 'rtx3090-470.json' } as const;
    const roots = Object.keys(THREE).map(() => mkdtempSync(join(tmpdir(), 'danlu-team-')));
    try {
      const runs = Object.entries(THREE).map(([name, file], i) => {
        const dir = teamCheckout(roots[i]!, THREE);
        const r = danlu(['init', dir, '--yes', '--json', '--host', join(HOST_FILES, file)]);
        expect(r.code, r.stderr).toBe(0);
        return { name, file, dir, plan: jsonOut(r).plan, files: snapshot(dir) };
      });
      for (const r of runs.slice(1)) expect(committed(r.files)).toEqual(committed(runs[0]!.files));
      const text = (f: string, r = runs[0]!) => readFileSync(join(r.dir, f), 'utf8');
      const py = parseToml(text('pyproject.toml')) as any;
      const extras = Object.keys(py.project['optional-dependencies']).sort();
      expect(extras).toEqual(['cu118', 'cu128']);
      expect(py.project.dependencies.some((d: string) => /^torch\b/.test(d))).toBe(false);
      expect(py.tool.uv.conflicts).toEqual([[{ extra: 'cu128' }, { extra: 'cu118' }]]);
      expect(py.tool.uv.sources.torch.map((s: { extra: string; index: string }) => [s.extra, s.index])).toEqual([
        ['cu128', 'pytorch-cu128'],
        ['cu118', 'pytorch-cu118'],
      ]);
      expect(text('.devcontainer/uv-sync.sh')).toMatch(/uv sync --frozen --all-groups --extra "\$\{TORCH_EXTRA:-cu128\}"/);
      const own = { 'lab-h100': 'cu128', rtx5090: 'cu128', 'old-3090': 'cu118' } as Record<string, string>;
      for (const r of runs) {
        // Each machine: its own extra and index in .env, and a build that runs there.
        expect(text('.env', r)).toMatch(new RegExp(`^TORCH_EXTRA=${own[r.name]}$`, 'm'));
        expect(text('.env', r)).toMatch(new RegExp(`^PYTORCH_INDEX=https://download\\.pytorch\\.org/whl/${own[r.name]}$`, 'm'));
        expect(r.plan.torch).toMatchObject({ version: runs[0]!.plan.torch.version, backend: own[r.name], extra: own[r.name] });
        expect(r.plan.warnings.map((w: { id: string }) => w.id).filter((id: string) => /^team-|torch-does-not-fit/.test(id))).toEqual([]);
        mkdirSync(join(r.dir, '..', 'alone'), { recursive: true });
        const alone = jsonOut(
          danlu(['plan', join(r.dir, '..', 'alone'), '--json', '--host', join(HOST_FILES, r.file), '--torch', r.plan.torch.version, '--backend', own[r.name]!]),
        );
        expect(alone.warnings.map((w: { id: string }) => w.id)).not.toContain('torch-does-not-fit-host');
      }
      // The 470 machine's image is within its driver; the committed default is the default variant's.
      expect(text('.env', runs[2])).toMatch(/^BASE_IMAGE=nvidia\/cuda:11\.8\.0-devel-/m);
      expect(text('.devcontainer/Dockerfile')).toMatch(/^ARG BASE_IMAGE=nvidia\/cuda:12\.8\.\d-devel-ubuntu24\.04$/m);
      // Again on a machine of the set: nothing changes, and no note about the variants it wrote itself.
      const again = danlu(['init', runs[2]!.dir, '--yes', '--host', join(HOST_FILES, 'rtx3090-470.json')]);
      expect(again.stderr).toMatch(/unchanged \d+ files/);
      expect(again.stderr).not.toMatch(/several PyTorch variants/);
      const explain = danlu(['plan', runs[2]!.dir, '--explain', '--host', join(HOST_FILES, 'rtx3090-470.json')]);
      expect(explain.stdout + explain.stderr).toMatch(/torch variants: cu128 \(lab-h100, rtx5090\); cu118 \(old-3090\)/);
    } finally {
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    }
  });

  it("a project whose own [project] dependencies list torch is told to move it into the variants' extras", () =>
    withRoot((root) => {
      const dir = teamCheckout(root, { ...TEAM, 'old-3090': 'rtx3090-470.json' });
      writeFileSync(
        join(dir, 'pyproject.toml'),
        '[project]\nname = "own"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.0", "numpy"]\n',
      );
      const r = jsonOut(danlu(['plan', dir, '--json', '--host', join(HOST_FILES, 'h100-580.json')]));
      expect(r.torch.variants.map((v: { extra: string }) => v.extra)).toEqual(['cu128', 'cu118']);
      expect(r.warnings.find((w: { id: string }) => w.id === 'team-variants-own-torch')?.message).toMatch(/lists torch>=2\.0 in \[project\] dependencies/);
    }));

  it('a set no torch release has a build for (a GTX 680, sm_30) says so, naming the host and what it would need', () =>
    withRoot((root) => {
      const dir = teamCheckout(root, TEAM);
      const k80 = {
        os: { kind: 'linux', distro: 'ubuntu', release: '22.04', arch: 'x64', kernel: '5.15.0' },
        cpus: 8,
        memoryBytes: 64 * 2 ** 30,
        wsl: null,
        nvidia: {
          driverVersion: '470.256.02',
          cudaVersion: '11.4',
          gpus: [{ index: 0, name: 'NVIDIA GeForce GTX 680', computeCapability: '3.0', memoryMiB: 2048 }],
        },
      };
      writeFileSync(join(dir, '.devcontainer', 'hosts', 'kepler.json'), JSON.stringify(k80));
      const r = jsonOut(danlu(['plan', dir, '--json', '--host', join(HOST_FILES, 'h100-580.json')]));
      const ids = r.warnings.map((w: { id: string }) => w.id);
      expect(ids).toContain('team-build-does-not-fit-kepler');
      expect(r.torch.variants).toEqual([]);
      expect(r.warnings.find((w: { id: string }) => w.id === 'team-build-does-not-fit-kepler').message).toMatch(/does not run on kepler \(.*sm_30.*\)$/);
      expect(r.warnings.find((w: { id: string }) => w.id === 'team-build-does-not-fit-kepler').fix).toMatch(/alone: torch \d+\.\d+\.\d+ (cu\d+|cpu)/);
    }));

  it('a machine outside the set is told how to join it; `danlu host add` writes its profile without personal data', () =>
    withRoot((root) => {
      const dir = teamCheckout(root, TEAM);
      const r = jsonOut(danlu(['plan', dir, '--json', '--host', join(HOST_FILES, 'v100-550.json')]));
      expect(r.warnings.find((w: { id: string }) => w.id === 'team-host-unknown').fix).toMatch(/danlu host add NAME/);
      const add = danlu(['host', 'add', 'this-box', '-C', dir]);
      expect(add.code).toBe(0);
      const profile = JSON.parse(readFileSync(join(dir, '.devcontainer', 'hosts', 'this-box.json'), 'utf8'));
      expect(Object.keys(profile).sort()).toEqual(['cpus', 'memoryBytes', 'nvidia', 'os', 'wsl']);
      expect(danlu(['host', 'add', '../escape', '-C', dir]).code).toBe(2);
    }));

  it("a cluster's login node profile (Slurm partitions, no GPU) plays no part in choosing torch", () =>
    withRoot((root) => {
      const login = {
        os: { kind: 'linux', distro: 'rocky', release: '9.4', arch: 'x64', kernel: '5.14.0' },
        cpus: 8,
        memoryBytes: 16 * 1024 ** 3,
        nvidia: null,
        wsl: null,
        slurm: {
          version: '23.02.7',
          partitions: [{ name: 'gpu', default: true, nodes: 12, cpus: 64, memoryMiB: 515000, gpus: 8, gpuTypes: ['a100'], timeLimit: '2-00:00:00' }],
        },
      };
      // Alone: the project is no team; planned for this machine (an H100), not "as CPU".
      const solo = teamCheckout(join(root, 'solo'), {});
      writeFileSync(join(solo, '.devcontainer', 'hosts', 'hpc.json'), JSON.stringify(login));
      const alone = jsonOut(danlu(['plan', solo, '--json', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]));
      expect(alone.decisions.find((d: { what: string }) => d.what === 'team hosts')).toBeUndefined();
      expect(alone.torch.backend).not.toBe('cpu');
      // Beside a team: the team's machines only.
      const team = teamCheckout(join(root, 'team'), TEAM);
      writeFileSync(join(team, '.devcontainer', 'hosts', 'hpc.json'), JSON.stringify(login));
      const both = jsonOut(danlu(['plan', team, '--json', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]));
      expect(both.decisions.find((d: { what: string }) => d.what === 'team hosts').choice).toBe('lab-h100, rtx5090');
      // A GPU server that also answers sinfo (a compute node) is a team machine all the same.
      const gpuNode = { ...JSON.parse(readFileSync(join(HOST_FILES, 'h100-580.json'), 'utf8')), slurm: login.slurm };
      writeFileSync(join(team, '.devcontainer', 'hosts', 'gpu-node.json'), JSON.stringify(gpuNode));
      const three = jsonOut(danlu(['plan', team, '--json', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]));
      expect(three.decisions.find((d: { what: string }) => d.what === 'team hosts').choice).toBe('gpu-node, lab-h100, rtx5090');
      // A broken partition list is an error at its place, like any host file.
      writeFileSync(
        join(solo, '.devcontainer', 'hosts', 'hpc.json'),
        JSON.stringify({ ...login, slurm: { partitions: [{ name: 'gpu', nodes: 1, cpus: 'many', memoryMiB: 1 }] } }),
      );
      const bad = danlu(['plan', solo, '--json', '--no-solve', '--host', join(HOST_FILES, 'h100-580.json')]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/hpc\.json:\d+:\d+.*slurm\.partitions\[0\]\.cpus/s);
    }));

  it('doctor on a machine outside the set says so, with the command that adds it', () =>
    withRoot((root) => {
      const dir = teamCheckout(root, TEAM);
      const r = danlu(['doctor', dir, '--json']);
      const f = JSON.parse(r.stdout).findings.find((x: { id: string }) => x.id === 'team-host');
      expect(f).toMatchObject({ severity: 'warn', fix: { command: 'danlu host add NAME' } });
    }));

  it.skipIf(!UV)(
    'the real uv locks the team plan, with one build and with one extra per variant',
    () =>
      withRoot((root) => {
        for (const [i, hosts] of [TEAM, { ...TEAM, 'old-3090': 'rtx3090-470.json' }].entries()) {
          const dir = teamCheckout(join(root, String(i)), hosts);
          expect(danlu(['init', dir, '--yes', '--host', join(HOST_FILES, 'rtx5090-570.json')]).code).toBe(0);
          mkdirSync(CACHE, { recursive: true });
          const lock = lockProject({ dir, uv: UV, pip: discoverPip(), cacheDir: CACHE, pythons: pythonDirs() });
          expect(lock.outcome, JSON.stringify(lock, null, 1)).toBe('locked');
          expect(lock.torch).toHaveLength(1);
        }
      }),
    600_000,
  );
});
