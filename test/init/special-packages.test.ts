import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, read, snapshot, tempProject } from '../support/cli.js';

/**
 * What danlu writes for special packages and for the environment, on the field test's classes
 * (B8, C2-C5, D1-D3, F3): each in the shape the field test found and in a second shape of the
 * same class, as small invented projects.
 */
const host = (name: string) => ['--host', join(HOST_FILES, `${name}.json`)];

function init(files: Record<string, string>, hostName: string, run: (dir: string, out: any) => void): void {
  const dir = tempProject(files, 'demo');
  try {
    const r = danlu(['init', dir, '--yes', '--json', ...host(hostName)]);
    expect(r.code, r.stderr).toBe(0);
    run(dir, jsonOut(r));
  } finally {
    cleanup(dir);
  }
}

const toml = (dir: string): any => parseToml(read(dir, 'pyproject.toml'));
/** Every dependency string of pyproject.toml: main, extras and groups. */
function allDeps(dir: string): string[] {
  const t = toml(dir);
  return [
    ...(t.project?.dependencies ?? []),
    ...Object.values<string[]>(t.project?.['optional-dependencies'] ?? {}).flat(),
    ...Object.values<string[]>(t['dependency-groups'] ?? {}).flat(),
  ];
}

describe('C3: legacy setup.py builds get setuptools<81 in their own build entry', () => {
  it('the field-test shape: mmcv-full 1.7.1 with torch 2.0.1 and Python 3.9 (environment.yml)', () => {
    init(
      {
        'requirements.txt': 'torch==2.0.1\nmmcv-full==1.7.1\n',
        'environment.yml': 'name: demo\ndependencies:\n  - python=3.9\n  - pip\n  - pip:\n    - -r requirements.txt\n',
      },
      'h100-580',
      (dir) => {
        const t = toml(dir);
        expect(t.tool.uv['extra-build-dependencies']['mmcv-full']).toEqual(['torch==2.0.1', 'ninja', 'packaging', 'setuptools<81', 'wheel']);
        // Held in that package's entry only: other builds keep whatever setuptools they ask for.
        expect(t.tool.uv['build-constraint-dependencies']).toBeUndefined();
      },
    );
  });

  it('a second shape: deepspeed 0.12.6 with torch 2.1.2 in pyproject.toml (torch 2.1 imports pkg_resources)', () => {
    init(
      {
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch==2.1.2", "deepspeed==0.12.6", "numpy<2"]\n',
      },
      'h100-580',
      (dir) => {
        expect(toml(dir).tool.uv['extra-build-dependencies'].deepspeed).toContain('setuptools<81');
      },
    );
  });
});

describe('C4: flash-attn on Volta is left out of the environment, as xformers is', () => {
  it('the field-test shape: torch>=2.4, xformers and flash-attn in requirements.txt on 4x V100', () => {
    init({ 'requirements.txt': 'torch>=2.4\nxformers\nflash-attn\n' }, 'v100-550', (dir, out) => {
      expect(allDeps(dir).filter((d) => /^(flash-attn|xformers)/.test(d))).toEqual([]);
      expect(read(dir, 'pyproject.toml')).not.toMatch(/flash-attn/);
      expect(read(dir, '.devcontainer/docker-compose.extend.yml')).not.toMatch(/FLASH_ATTN|MAX_JOBS/);
      const said = out.plan.warnings.map((w: { message: string }) => w.message).join('\n');
      expect(said).toMatch(/FlashAttention-2 runs on Ampere .* left out of the environment/);
    });
  });

  it('a second shape: flash-attn only from a README line with --no-build-isolation: not in any group', () => {
    init(
      {
        'requirements.txt': 'torch>=2.4\n',
        'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install flash-attn --no-build-isolation\n```\n',
      },
      'v100-550',
      (dir) => {
        expect(allDeps(dir).filter((d) => d.startsWith('flash-attn'))).toEqual([]);
        expect(read(dir, '.devcontainer/docker-compose.extend.yml')).not.toMatch(/FLASH_ATTN|MAX_JOBS/);
      },
    );
  });

  // Needs src/plan/pyproject/from-import.ts to skip left-out packages where it adds build
  // dependencies for --no-build-isolation lines (see the report): enable then.
  it('... and no configured build of it either ([tool.uv.extra-build-dependencies])', () => {
    init(
      {
        'requirements.txt': 'torch>=2.4\n',
        'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install flash-attn --no-build-isolation\n```\n',
      },
      'v100-550',
      (dir) => expect(read(dir, 'pyproject.toml')).not.toMatch(/flash-attn/),
    );
  });
});

describe('C5: a second init plans what the first did (danlu reads its own routed pins back as the same build)', () => {
  const twice = (files: Record<string, string>, hostName: string, check: (dir: string) => void) => {
    init(files, hostName, (dir) => {
      check(dir);
      const before = snapshot(dir);
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...host(hostName)]));
      expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged').map((f: { path: string }) => f.path)).toEqual([]);
      expect(again.plan.warnings.map((w: { id: string }) => w.id)).not.toContain('package-flash-attn');
      expect(snapshot(dir)).toEqual(before);
    });
  };

  it("the field-test shape: torch==2.11.0 and the README's flash-attn --no-build-isolation on an H100", () => {
    twice(
      {
        'requirements.txt': 'torch==2.11.0\n',
        'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install flash-attn --no-build-isolation\n```\n',
      },
      'h100-580',
      (dir) => {
        expect(toml(dir)['dependency-groups'].readme).toEqual(['flash-attn==2.8.3.post1+cu.13.0.torch.2.11']);
        expect(read(dir, '.devcontainer/docker-compose.extend.yml')).not.toMatch(/FLASH_ATTN|MAX_JOBS/);
      },
    );
  });

  it('a second shape: mamba-ssm and causal-conv1d in requirements.txt on an RTX 5090 (both routed to Astral cu128)', () => {
    twice({ 'requirements.txt': 'torch==2.11.0\nmamba-ssm\ncausal-conv1d>=1.4\n' }, 'rtx5090-570', (dir) => {
      expect(toml(dir).project.dependencies).toEqual(
        expect.arrayContaining(['mamba-ssm==2.3.2.post1+cu.12.8.torch.2.11', 'causal-conv1d==1.6.2.post1+cu.12.8.torch.2.11']),
      );
    });
  });
});

/** The `uv sync` selections of uv-sync.sh and of the Dockerfile's runtime stage. */
function selections(dir: string): { dev: string[]; runtime: string[] } {
  const grab = (text: string) =>
    [...text.matchAll(/uv (?:sync|export) --frozen (.*?)(?= --no-install-workspace| --no-emit-workspace| --no-emit-project| --inexact|$)/gm)].map((m) =>
      m[1]!.trim(),
    );
  const dockerfile = read(dir, '.devcontainer/Dockerfile');
  return { dev: grab(read(dir, '.devcontainer/uv-sync.sh')), runtime: grab(dockerfile.slice(dockerfile.indexOf('AS runtime'))) };
}

describe('D1: what the README syncs reaches uv-sync.sh and the runtime image alike', () => {
  const pyproject =
    '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[project.optional-dependencies]\naccel = ["rich"]\nwebui = ["click"]\n';

  it('the field-test shape: uv sync --extra accel', () => {
    init({ 'pyproject.toml': pyproject, 'README.md': '# demo\n\n```bash\nuv sync --extra accel\n```\n' }, 'h100-580', (dir) => {
      const s = selections(dir);
      expect(new Set(s.dev)).toEqual(new Set(['--all-groups --extra accel']));
      expect(new Set(s.runtime)).toEqual(new Set(['--no-dev --all-groups --extra accel']));
    });
  });

  it('a second shape: pip install -e ".[webui]"', () => {
    init({ 'pyproject.toml': pyproject, 'README.md': '# demo\n\n```bash\npip install -e ".[webui]"\n```\n' }, 'h100-580', (dir) => {
      const s = selections(dir);
      expect(new Set(s.dev)).toEqual(new Set(['--all-groups --extra webui']));
      expect(new Set(s.runtime)).toEqual(new Set(['--no-dev --all-groups --extra webui']));
    });
  });

  // Needs src/plan/pyproject/plan-pyproject.ts to expand the README's --all-extras ("*") into
  // every extra (see the report): enable then.
  it('uv sync --all-extras installs every extra, in both', () => {
    init({ 'pyproject.toml': pyproject, 'README.md': '# demo\n\n```bash\nuv sync --all-extras\n```\n' }, 'h100-580', (dir) => {
      const s = selections(dir);
      expect(new Set(s.dev)).toEqual(new Set(['--all-groups --extra accel --extra webui']));
      expect(new Set(s.runtime)).toEqual(new Set(['--no-dev --all-groups --extra accel --extra webui']));
    });
  });
});

describe('D2: README-only packages are in the runtime image too', () => {
  it('the field-test shape: pip install rich==13.7.1 in the README goes to group readme, which the runtime installs', () => {
    init(
      { 'requirements.txt': 'torch>=2.4\nnumpy\n', 'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install rich==13.7.1\n```\n' },
      'h100-580',
      (dir) => {
        expect(toml(dir)['dependency-groups'].readme).toEqual(['rich==13.7.1']);
        const s = selections(dir);
        expect(new Set(s.runtime)).toEqual(new Set(['--no-dev --all-groups']));
        expect(new Set(s.dev)).toEqual(new Set(['--all-groups']));
      },
    );
  });

  it('a second shape: a project with its own groups; the README adds a package with uv pip install', () => {
    init(
      {
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4"]\n\n[dependency-groups]\nlint = ["ruff"]\n',
        'README.md': '# demo\n\n```bash\nuv pip install -e .\nuv pip install einops\n```\n',
      },
      'rtx3090-470',
      (dir) => {
        expect(toml(dir)['dependency-groups'].readme).toEqual(['einops']);
        expect(new Set(selections(dir).runtime)).toEqual(new Set(['--no-dev --all-groups']));
      },
    );
  });
});

describe('D3: a local CUDA extension gets the per-machine build settings', () => {
  // Needs src/plan/make-plan.ts to call sourceBuildEnv (src/wheels/build.ts) with the target when
  // the project compiles CUDA (see the report): enable then.
  it('the field-test shape: pip install ./my_ext (CUDAExtension in its setup.py)', () => {
    init(
      {
        'requirements.txt': 'torch>=2.4\n',
        'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install ./my_ext\n```\n',
        'my_ext/setup.py':
          'from setuptools import setup\nfrom torch.utils.cpp_extension import CUDAExtension, BuildExtension\nsetup(name="my_ext", ext_modules=[CUDAExtension("my_ext._C", ["ext.cu"])], cmdclass={"build_ext": BuildExtension})\n',
      },
      'h100-580',
      (dir) => {
        expect(read(dir, '.devcontainer/docker-compose.extend.yml')).toMatch(/MAX_JOBS: "\d+"\n\s+TORCH_CUDA_ARCH_LIST: "9\.0"/);
      },
    );
  });

  it('a second shape: the project itself is the extension (setup.py at the root) on a V100 box', () => {
    init(
      {
        'requirements.txt': 'numpy\n',
        'setup.py':
          'from setuptools import setup\nfrom torch.utils.cpp_extension import BuildExtension, CUDAExtension\nsetup(name="demo", version="0.1", ext_modules=[CUDAExtension("demo._C", ["csrc/a.cu"])], cmdclass={"build_ext": BuildExtension})\n',
      },
      'v100-550',
      (dir) => {
        expect(read(dir, '.devcontainer/docker-compose.extend.yml')).toMatch(/TORCH_CUDA_ARCH_LIST: "7\.0"/);
      },
    );
  });
});

describe('B8: openai-clip is kept; clip from git is never added next to it', () => {
  it('the field-test shape: dependencies = ["torch", "openai-clip"] in pyproject.toml', () => {
    init(
      { 'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch", "openai-clip"]\n' },
      'h100-580',
      (dir) => {
        expect(toml(dir).project.dependencies).toEqual(['torch', 'openai-clip']);
        expect(toml(dir).tool.uv.sources.clip).toBeUndefined();
        expect(read(dir, 'pyproject.toml')).not.toMatch(/openai\/CLIP/);
      },
    );
  });

  it('a second shape: openai_clip==1.0.1 in requirements.txt', () => {
    init({ 'requirements.txt': 'torch>=2.4\nopenai_clip==1.0.1\n' }, 'rtx3090-470', (dir) => {
      const deps = allDeps(dir);
      expect(deps.filter((d) => /clip/i.test(d))).toEqual(['openai-clip==1.0.1']);
      expect(read(dir, 'pyproject.toml')).not.toMatch(/github\.com\/openai\/CLIP/);
    });
  });
});

describe('C2: a wheel the repository does not hold is left out of the lock, with the command that adds it', () => {
  it('the field-test shape: pip install wheels/foo_tools-0.1-py3-none-any.whl in the README', () => {
    init(
      {
        'requirements.txt': 'rich\n',
        'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install wheels/foo_tools-0.1-py3-none-any.whl\n```\n',
      },
      'h100-580',
      (dir) => {
        expect(read(dir, 'pyproject.toml')).not.toMatch(/foo[-_]tools/);
        const r = danlu(['import', dir]);
        expect(r.stdout).toMatch(
          /left out \(wheels\/foo_tools-0\.1-py3-none-any\.whl is not in the repository; once it exists: uv add --group readme \.\/wheels\/foo_tools-0\.1-py3-none-any\.whl\)/,
        );
      },
    );
  });

  it('a second shape: a local wheel named in requirements.txt', () => {
    init({ 'requirements.txt': 'numpy\n./third_party/fastkern-0.3.0-py3-none-any.whl\n' }, 'rtx3090-470', (dir, out) => {
      expect(read(dir, 'pyproject.toml')).not.toMatch(/fastkern/);
      expect(existsSync(join(dir, 'third_party'))).toBe(false);
      const said = JSON.stringify(out);
      expect(said).toMatch(/uv add \.\/third_party\/fastkern-0\.3\.0-py3-none-any\.whl/);
    });
  });
});

describe('F3: plan --explain says where each fact comes from in words a user can follow', () => {
  it('the field-test shape: deepspeed and bitsandbytes on a V100', () => {
    const dir = tempProject({ 'requirements.txt': 'torch>=2.4\ndeepspeed\nbitsandbytes\n' }, 'demo');
    try {
      const r = danlu(['plan', dir, '--explain', ...host('v100-550')]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/: \?|DS flags|exact CUDA list/);
      expect(r.stdout).toMatch(/deepspeed\.ai\/tutorials\/advanced-install/);
    } finally {
      cleanup(dir);
    }
  });

  it('a second shape: ktransformers, flash-attn and mmcv-full on an RTX 3090 (every special source without placeholders)', () => {
    const dir = tempProject({ 'requirements.txt': 'torch>=2.4\nktransformers\nflash-attn\nmmcv-full\n' }, 'demo');
    try {
      const r = danlu(['plan', dir, '--explain', ...host('rtx3090-470')]);
      expect(r.code, r.stderr).toBe(0);
      const sources = r.stdout.split('\n').filter((l) => /^\s+source: /.test(l));
      for (const s of sources) expect(s).not.toMatch(/: \?|, S$|\?$/);
    } finally {
      cleanup(dir);
    }
  });
});

describe("a frozen environment's builds for its own torch follow the torch the plan takes", () => {
  it('field-test shape: a conda export with torch 1.12 (+cu113), flash-attn 0.2.0, xformers 0.0.13 and a triton dev build, on an H100', () => {
    init(
      {
        'environment.yaml':
          'name: vc\nchannels:\n  - defaults\ndependencies:\n  - python=3.8.16=h7a1cb2a_3\n  - pip=23.0.1=py38h06a4308_0\n  - pip:\n    - torch==1.12.0+cu113\n    - flash-attn==0.2.0\n    - xformers==0.0.13\n    - triton==2.0.0.dev20221120\n    - einops==0.4.1\n',
      },
      'h100-580',
      (dir, out) => {
        const ids = out.plan.warnings.map((w: { id: string }) => w.id);
        expect(ids).toEqual(expect.arrayContaining(['pin-with-old-torch-flash-attn', 'pin-with-old-torch-xformers', 'pin-with-old-torch-triton']));
        const said = out.plan.warnings.find((w: { id: string }) => w.id === 'pin-with-old-torch-flash-attn').message;
        expect(said).toMatch(/flash-attn==0\.2\.0 \(environment\.yaml:9\) goes with torch==1\.12\.0 \(environment\.yaml:8\)/);
        const deps = allDeps(dir);
        expect(deps.some((d) => /^flash-attn==0\.2\.0/.test(d))).toBe(false);
        // A package not built for one torch keeps the environment's pin.
        expect(deps).toContain('einops==0.4.1');
        // flash-attn is a prebuilt wheel for the planned torch, not a build of 0.2.0.
        expect(out.plan.decisions.find((d: { what: string }) => d.what === 'flash-attn')?.choice).toMatch(/prebuilt/);
      },
    );
  });

  it('second shape: a requirements freeze (torch==1.10.0, torch-scatter==2.0.9); a torch pin the plan keeps keeps the others', () => {
    init({ 'requirements.txt': 'torch==1.10.0\ntorch-scatter==2.0.9\nnumpy==1.21.2\n' }, 'h100-580', (_dir, out) => {
      expect(out.plan.warnings.map((w: { id: string }) => w.id)).toContain('pin-with-old-torch-torch-scatter');
    });
    init({ 'requirements.txt': 'torch==2.4.1\nflash-attn==2.6.3\n' }, 'h100-580', (dir, out) => {
      expect(out.plan.warnings.map((w: { id: string }) => w.id).filter((i: string) => i.startsWith('pin-with-old-torch'))).toEqual([]);
      expect(allDeps(dir).some((d) => d.startsWith('flash-attn==2.6.3'))).toBe(true);
    });
  });
});
