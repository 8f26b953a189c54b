import { spawnSync } from 'node:child_process';
import { readdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { composeConfig, findDockerCompose } from '../support/tools.js';
import { cleanup, danlu, HOST_FILES, jsonOut, read, snapshot, tempProject, write } from '../support/cli.js';

const CPU = ['--host', `${HOST_FILES}/cpu-only.json`];
const GPU = ['--host', `${HOST_FILES}/h100x2-ubuntu2404.json`];

function withProject<T>(files: Record<string, string>, fn: (dir: string) => T, name?: string): T {
  const dir = tempProject(files, name);
  try {
    return fn(dir);
  } finally {
    cleanup(dir);
  }
}

describe('idempotence', () => {
  it('a second run reports every file unchanged and writes nothing', () =>
    withProject({}, (dir) => {
      expect(danlu(['init', dir, '--yes', ...GPU]).code).toBe(0);
      const before = snapshot(dir);
      const second = jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU]));
      expect(second.files.map((f: { action: string }) => f.action)).toEqual(second.files.map(() => 'unchanged'));
      expect(snapshot(dir)).toEqual(before);
    }));

  it('a re-run says little: one line for the unchanged files, no note about its own pyproject.toml repeating the README', () =>
    withProject({ 'README.md': '# x\n\n```sh\npip install torch numpy tqdm\n```\n' }, (dir) => {
      const first = danlu(['init', dir, '--yes', ...CPU]);
      expect(first.code).toBe(0);
      const second = danlu(['init', dir, '--yes', ...CPU]);
      expect(second.code).toBe(0);
      expect(second.stderr).toMatch(/^ {2}unchanged 14 files$/m);
      expect(second.stderr).not.toMatch(/^ {2}unchanged +\S+\.\w+$/m);
      expect(second.stderr).not.toMatch(/more than once/);
      expect(second.stderr.split('\n').length).toBeLessThan(first.stderr.split('\n').length - 8);
    }));

  it("keeps a PyTorch mirror edited into .env's PYTORCH_INDEX, and pyproject.toml keeps the upstream index", () =>
    withProject({}, (dir) => {
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      const mirror = 'https://mirror.sjtu.edu.cn/pytorch-wheels';
      write(dir, '.env', read(dir, '.env').replace(/^PYTORCH_INDEX=.*$/m, `PYTORCH_INDEX=${mirror}/cpu`));
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      expect(read(dir, '.env')).toMatch(new RegExp(`^PYTORCH_INDEX=${mirror}/cpu$`, 'm'));
      expect(read(dir, '.env')).toMatch(/^DANLU_MIRROR_PRESET=custom$/m);
      expect(read(dir, 'pyproject.toml')).toContain('url = "https://download.pytorch.org/whl/cpu"');
      const m = jsonOut(danlu(['mirrors', dir, '--json']));
      expect(JSON.stringify(m)).toContain(mirror);
    }));

  it('keeps EXTRA_APT_PACKAGES and TZ edited in .env, and .env.example does not take them', () =>
    withProject({}, (dir) => {
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      write(
        dir,
        '.env',
        read(dir, '.env')
          .replace(/^EXTRA_APT_PACKAGES=.*$/m, 'EXTRA_APT_PACKAGES=ffmpeg libsndfile1')
          .replace(/^TZ=.*$/m, 'TZ=Asia/Shanghai'),
      );
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      expect(read(dir, '.env')).toMatch(/^EXTRA_APT_PACKAGES=("?)ffmpeg libsndfile1\1$/m);
      expect(read(dir, '.env')).toMatch(/^TZ=Asia\/Shanghai$/m);
      expect(read(dir, '.env.example')).not.toMatch(/ffmpeg|Shanghai/);
    }));

  it('says so when it replaces a SHM_SIZE in .env that docker would not understand', () =>
    withProject({}, (dir) => {
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      write(dir, '.env', read(dir, '.env').replace(/^SHM_SIZE=.*$/m, 'SHM_SIZE=lots'));
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.stderr).toMatch(/\.env SHM_SIZE=lots is not a size docker understands; replaced by \d+g/);
      expect(read(dir, '.env')).toMatch(/^SHM_SIZE=\d+g$/m);
    }));

  it('says so when it adds torch to a project that names it nowhere but imports it', () =>
    withProject({ 'requirements.txt': 'numpy\n', 'models/net.py': 'import os\nfrom torch import nn\n' }, (dir) => {
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.stderr).toMatch(
        /note {2}torch==\d+\.\d+\.\*, torchvision==0\.\d+\.\* added to \[project\] dependencies: the project names torch nowhere, but models\/net\.py imports torch/,
      );
      const again = danlu(['init', dir, '--yes', ...CPU]);
      expect(again.stderr).not.toMatch(/added to \[project\] dependencies/);
    }));

  it('a project that neither names nor imports torch gets none; the PyTorch index stays routed', () =>
    withProject({ 'requirements.txt': 'numpy\ntqdm\n', 'train.py': 'import numpy as np\n# import torch  (a comment is not an import)\n' }, (dir) => {
      const r = danlu(['init', dir, '--yes', ...GPU]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/note {2}no torch added: the project names torch nowhere and none of its Python files imports it/);
      expect(r.stderr).toMatch(/plan {2}no torch \(`uv add torch` takes 2\.\d+\.\d+, cu130\) · /);
      const py = parseToml(read(dir, 'pyproject.toml')) as any;
      expect(py.project.dependencies).toEqual(['numpy', 'tqdm']);
      expect(JSON.stringify(py['dependency-groups'])).not.toMatch(/torch/);
      // `uv add torch` lands on the planned build.
      expect(py.tool.uv.sources.torch[0].index).toBe('pytorch');
      expect(py.tool.uv.index[0].url).toBe('https://download.pytorch.org/whl/cu130');
      expect(jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU])).files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
    }));

  it('a published package keeps its metadata: the torch only its notebooks or a guide use goes to a group (F5)', () =>
    withProject(
      {
        'pyproject.toml':
          '[project]\nname = "mypkg"\nversion = "0.3.0"\ndependencies = ["numpy"]\n\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        'notebooks/demo.ipynb': JSON.stringify({ cells: [{ cell_type: 'code', source: ['import numpy as np\n', 'import torch\n'] }] }, null, 1),
      },
      (dir) => {
        const r = danlu(['init', dir, '--yes', ...GPU]);
        expect(r.code).toBe(0);
        expect(r.stderr).toMatch(/added to dependency group "environment": the project names torch nowhere, but notebooks\/demo\.ipynb imports torch/);
        const py = parseToml(read(dir, 'pyproject.toml')) as any;
        expect(py.project.dependencies).toEqual(['numpy']);
        expect(py['dependency-groups'].environment).toEqual([expect.stringMatching(/^torch==2\.\d+\.\*$/), expect.stringMatching(/^torchvision==0\.\d+\.\*$/)]);
        expect(jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU])).files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
      },
    ));

  it('a published package whose README installs torch: the README group has it, [project] stays as published (F5, second shape)', () =>
    withProject(
      {
        'setup.py': 'from setuptools import setup\nsetup(name="legacy-pkg", version="1.0", install_requires=["numpy"])\n',
        'README.md': '# legacy\n\n```bash\npip install torch torchvision\npip install -e .\n```\n',
      },
      (dir) => {
        const r = danlu(['init', dir, '--yes', '--json', ...GPU]);
        expect(r.code).toBe(0);
        const py = parseToml(read(dir, 'pyproject.toml')) as any;
        expect(JSON.stringify(py.project?.dependencies ?? [])).not.toMatch(/torch/);
        expect(py['dependency-groups'].readme).toEqual([expect.stringMatching(/^torch==2\.\d+\.\*$/), expect.stringMatching(/^torchvision==0\.\d+\.\*$/)]);
        expect(jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU])).files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
      },
    ));

  it('--json has the plan and one entry per file', () =>
    withProject({}, (dir) => {
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU]));
      expect(r.plan.torch).toMatchObject({ backend: 'cu130', index: 'https://download.pytorch.org/whl/cu130' });
      expect(r.plan.cuda.image).toBe('nvidia/cuda:13.0.3-devel-ubuntu24.04');
      expect(r.plan.python).toBe('3.12');
      expect(r.files.map((f: { path: string }) => f.path)).toEqual(
        expect.arrayContaining([
          '.devcontainer/Dockerfile',
          '.devcontainer/devcontainer.json',
          '.devcontainer/docker-compose.extend.yml',
          'docker-compose.yml',
          '.env',
          '.env.example',
          'pyproject.toml',
          '.python-version',
          '.gitignore',
          '.vscode/extensions.json',
          '.vscode/launch.json',
          '.vscode/settings.json',
        ]),
      );
      expect(new Set(r.files.map((f: { action: string }) => f.action))).toEqual(new Set(['created']));
    }));
});

describe('--dry-run', () => {
  it('prints a unified diff and writes nothing', () =>
    withProject({ 'train.py': 'print(1)\n' }, (dir) => {
      const before = snapshot(dir);
      const r = danlu(['init', dir, '--yes', '--dry-run', ...CPU]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--- /dev/null');
      expect(r.stdout).toContain('+++ b/.devcontainer/Dockerfile');
      expect(r.stdout).toMatch(/^\+\[\[tool\.uv\.index\]\]$/m);
      expect(snapshot(dir)).toEqual(before);
    }));

  it('shows only the change on an existing project', () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      write(dir, '.gitignore', 'data/\n');
      const r = danlu(['init', dir, '--yes', '--dry-run', ...CPU]);
      expect(r.stdout).toContain('+++ b/.gitignore');
      expect(r.stdout).not.toContain('Dockerfile');
      expect(read(dir, '.gitignore')).toBe('data/\n');
    }));
});

describe('user edits survive', () => {
  it(".env's own BASE_IMAGE / UV_IMAGE (a company image) are kept on a re-run and said; danlu's own follow the plan (L3)", () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      expect(danlu(['init', dir, '--yes', ...GPU]).code).toBe(0);
      const env = read(dir, '.env');
      const dev = /^DEV_IMAGE=(.*)$/m.exec(env)![1];
      write(
        dir,
        '.env',
        env.replace(/^BASE_IMAGE=.*$/m, 'BASE_IMAGE=registry.corp.example/ml/cuda:13.0-devel-corp').replace(/^UV_IMAGE=.*$/m, 'UV_IMAGE=local/uv-tools:0.13'),
      );
      const r = danlu(['init', dir, '--yes', '--json', ...GPU]);
      expect(r.code, r.stderr).toBe(0);
      const after = read(dir, '.env');
      expect(after).toMatch(/^BASE_IMAGE=registry\.corp\.example\/ml\/cuda:13\.0-devel-corp$/m);
      expect(after).toMatch(/^UV_IMAGE=local\/uv-tools:0\.13$/m);
      // Another base image is another dev image.
      expect(/^DEV_IMAGE=(.*)$/m.exec(after)![1]).not.toBe(dev);
      expect(jsonOut(r).plan.decisions).toContainEqual(
        expect.objectContaining({ what: 'base image', choice: 'registry.corp.example/ml/cuda:13.0-devel-corp (kept)' }),
      );
      // The committed default is still the planned image.
      expect(read(dir, '.devcontainer/Dockerfile')).toMatch(/^ARG BASE_IMAGE=nvidia\/cuda:13\.0\.\d+-devel-ubuntu24\.04$/m);
      // A value in danlu's own shape (an older plan's tag) is danlu's: it follows the plan.
      write(dir, '.env', after.replace(/^BASE_IMAGE=.*$/m, 'BASE_IMAGE=nvidia/cuda:12.1.1-devel-ubuntu22.04'));
      expect(danlu(['init', dir, '--yes', ...GPU]).code).toBe(0);
      expect(read(dir, '.env')).toMatch(/^BASE_IMAGE=nvidia\/cuda:13\.0\.\d+-devel-ubuntu24\.04$/m);
    }));

  it('pyproject.toml: comments, order, own dependencies and tables are kept', () =>
    withProject(
      {
        'pyproject.toml': `# my project\n[project]\nname = "my-model"  # keep me\nversion = "1.2.3"\ndependencies = [\n  "numpy>=1.24", # math\n  "einops",\n]\n\n[tool.ruff]\nline-length = 120\n`,
        'train.py': 'import torch\n',
      },
      (dir) => {
        expect(danlu(['init', dir, '--yes', ...GPU]).code).toBe(0);
        const text = read(dir, 'pyproject.toml');
        expect(text.startsWith('# my project\n[project]\nname = "my-model"  # keep me\n')).toBe(true);
        expect(text).toContain('"numpy>=1.24", # math');
        expect(text).toContain('[tool.ruff]\nline-length = 120');
        const py = parseToml(text) as any;
        expect(py.project.dependencies).toEqual(['numpy>=1.24', 'einops', 'torch==2.14.*', 'torchvision==0.29.*']);
        expect(py.tool.uv.index[0].url).toBe('https://download.pytorch.org/whl/cu130');
        // The user adds a dependency and a comment; the next run keeps both and changes nothing.
        write(dir, 'pyproject.toml', text.replace('"einops",', '"einops",\n  "timm", # vision models'));
        const edited = read(dir, 'pyproject.toml');
        const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU]));
        expect(again.files.find((f: { path: string }) => f.path === 'pyproject.toml').action).toBe('unchanged');
        expect(read(dir, 'pyproject.toml')).toBe(edited);
      },
    ));

  it("an existing torch index is the project's choice: kept, and --backend changes it", () =>
    withProject(
      {
        'pyproject.toml': `[project]\nname = "x"\nversion = "0.1.0"\ndependencies = ["torch==2.5.1"]\n\n[tool.uv.sources]\ntorch = [{ index = "pytorch", marker = "sys_platform == 'linux' or sys_platform == 'win32'" }]\n\n[[tool.uv.index]]\nname = "pytorch"\nurl = "https://download.pytorch.org/whl/cu121"\nexplicit = true\n`,
      },
      (dir) => {
        const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU]));
        expect(r.plan.torch).toMatchObject({ version: '2.5.1', backend: 'cu121' });
        expect(read(dir, 'pyproject.toml')).toContain('whl/cu121"');
        const changed = jsonOut(danlu(['init', dir, '--yes', '--json', '--backend', 'cu124', ...GPU]));
        expect(changed.plan.torch.backend).toBe('cu124');
        expect(read(dir, 'pyproject.toml')).toContain('whl/cu124"');
      },
    ));

  it('YAML: a mount added to the machine file and a comment in compose survive', () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...GPU]);
      const extend = read(dir, '.devcontainer/docker-compose.extend.yml').replace(
        '    ulimits:',
        '    # my datasets\n    volumes:\n      - /data/imagenet:/data/imagenet:ro\n    ulimits:',
      );
      write(dir, '.devcontainer/docker-compose.extend.yml', extend);
      const compose = read(dir, 'docker-compose.yml').replace('    init: true', '    init: true # tini reaps zombies');
      write(dir, 'docker-compose.yml', compose);
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...GPU]));
      const action = (p: string) => r.files.find((f: { path: string }) => f.path === p).action;
      expect(action('.devcontainer/docker-compose.extend.yml')).toBe('unchanged');
      expect(action('docker-compose.yml')).toBe('unchanged');
      expect(read(dir, '.devcontainer/docker-compose.extend.yml')).toBe(extend);
      expect(read(dir, 'docker-compose.yml')).toBe(compose);
      if (findDockerCompose()) {
        const merged = parseYaml(composeConfig(dir).stdout);
        expect(JSON.stringify(merged.services.devcontainer.volumes)).toContain('/data/imagenet');
      }
    }));

  it('YAML: a machine file that lost its GPU request gets it back, the user mount stays', () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      write(dir, '.devcontainer/docker-compose.extend.yml', '# mine\nservices:\n  devcontainer:\n    volumes:\n      - /data:/data\n');
      danlu(['init', dir, '--yes', ...GPU]);
      const text = read(dir, '.devcontainer/docker-compose.extend.yml');
      expect(text).toContain('# mine');
      const y = parseYaml(text);
      expect(y.services.devcontainer.volumes).toEqual(['/data:/data']);
      expect(y.services.devcontainer.deploy.resources.reservations.devices[0].driver).toBe('nvidia');
    }));

  it('JSONC: a setting with a comment added to .vscode/settings.json survives; missing keys are added', () =>
    withProject({ '.vscode/settings.json': '{\n  // my font\n  "editor.fontSize": 15,\n}\n' }, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      const text = read(dir, '.vscode/settings.json');
      expect(text).toContain('// my font');
      expect(text).toContain('"editor.fontSize": 15');
      expect(text).toContain('"python.terminal.activateEnvironment": false');
      const again = jsonOut(danlu(['init', dir, '--yes', '--json', ...CPU]));
      expect(again.files.find((f: { path: string }) => f.path === '.vscode/settings.json').action).toBe('unchanged');
    }));

  it('.env: own keys, comments and tunable values are kept; host facts follow the host', () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      const env = read(dir, '.env')
        .replace(/^SHM_SIZE=.*$/m, 'SHM_SIZE=48g')
        .replace(/^USER_UID=.*$/m, 'USER_UID=4242')
        .concat('# my key\nWANDB_PROJECT=demo\n');
      write(dir, '.env', env);
      danlu(['init', dir, '--yes', ...CPU]);
      const after = read(dir, '.env');
      expect(after).toMatch(/^SHM_SIZE=48g$/m);
      expect(after).toMatch(/^USER_UID=1001$/m);
      expect(after).toContain('# my key\nWANDB_PROJECT=demo\n');
    }));

  it('.gitignore gets only the missing lines', () =>
    withProject({ '.gitignore': 'data/\n.env\n' }, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      const lines = read(dir, '.gitignore').split('\n');
      expect(lines.filter((l) => l === '.env')).toHaveLength(1);
      expect(lines[0]).toBe('data/');
      expect(lines).toContain('.venv/');
    }));
});

describe('conflicts and --force', () => {
  it('an edited Dockerfile is a conflict, left alone; --force replaces it and keeps a backup', () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      const mine = `${read(dir, '.devcontainer/Dockerfile')}RUN echo mine\n`;
      write(dir, '.devcontainer/Dockerfile', mine);
      const r = danlu(['init', dir, '--yes', '--json', ...CPU]);
      expect(r.code).toBe(1);
      const out = jsonOut(r);
      expect(out.files.find((f: { path: string }) => f.path === '.devcontainer/Dockerfile')).toMatchObject({ action: 'conflict' });
      expect(read(dir, '.devcontainer/Dockerfile')).toBe(mine);

      const forced = jsonOut(danlu(['init', dir, '--yes', '--json', '--force', ...CPU]));
      const entry = forced.files.find((f: { path: string }) => f.path === '.devcontainer/Dockerfile');
      expect(entry.action).toBe('updated');
      expect(entry.backup).toMatch(/^\.danlu\/backup\/.+\/\.devcontainer\/Dockerfile$/);
      expect(read(dir, entry.backup)).toBe(mine);
      expect(read(dir, '.devcontainer/Dockerfile')).not.toContain('RUN echo mine');
    }));

  it('a foreign Dockerfile (not made by danlu) is not overwritten', () =>
    withProject({ '.devcontainer/Dockerfile': 'FROM python:3.12\n' }, (dir) => {
      const r = danlu(['init', dir, '--yes', ...CPU]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/conflict\s+\.devcontainer\/Dockerfile/);
      expect(read(dir, '.devcontainer/Dockerfile')).toBe('FROM python:3.12\n');
    }));

  it("a changed value in compose is a conflict naming the key; --force takes danlu's", () =>
    withProject({}, (dir) => {
      danlu(['init', dir, '--yes', ...CPU]);
      write(dir, 'docker-compose.yml', read(dir, 'docker-compose.yml').replace('shm_size: ${SHM_SIZE:-8g}', 'shm_size: 2g'));
      const r = jsonOut(danlu(['init', dir, '--yes', '--json', ...CPU]));
      const entry = r.files.find((f: { path: string }) => f.path === 'docker-compose.yml');
      expect(entry.action).toBe('conflict');
      expect(entry.conflicts.join()).toContain('services.devcontainer.shm_size');
      danlu(['init', dir, '--yes', '--force', ...CPU]);
      expect(read(dir, 'docker-compose.yml')).toContain('shm_size: ${SHM_SIZE:-8g}');
      expect(readdirSync(join(dir, '.danlu', 'backup'))).toHaveLength(1);
    }));
});

describe('bad input: exit 2, file:line:column, the folder byte for byte as it was', () => {
  const cases: { name: string; files: Record<string, string>; args?: string[]; message: RegExp }[] = [
    {
      name: 'malformed pyproject.toml',
      files: { 'pyproject.toml': '[project]\nname = "x"\nversion = = "1"\n' },
      message: /pyproject\.toml:3:\d+: invalid TOML/,
    },
    {
      name: 'malformed devcontainer.json',
      files: { '.devcontainer/devcontainer.json': '{\n  "service": "devcontainer",\n  "name": \n}\n' },
      message: /devcontainer\.json:4:1: invalid JSON/,
    },
    {
      name: 'malformed docker-compose.yml',
      files: { 'docker-compose.yml': 'services:\n  devcontainer:\n    image: [oops\n' },
      message: /docker-compose\.yml:\d+:\d+: invalid YAML/,
    },
    { name: 'malformed .env', files: { '.env': 'USER_UID=1000\nthis is not an assignment\n' }, message: /\.env:2:1: expected KEY=VALUE/ },
    {
      name: '.env with an unterminated quote',
      files: { '.env': 'USER_UID=1000\nexport FOO="unterminated\nBAR=1\n' },
      message: /\.env:2:12: unterminated " quote in the value of FOO/,
    },
    {
      name: 'malformed host file',
      files: { 'host.json': '{\n  "os": { "kind": "linux" },\n  "cpus": ,\n}\n' },
      args: ['--host', 'HOST'],
      message: /host\.json:3:\d+/,
    },
    { name: 'host file with a wrong type', files: { 'host.json': '{ "user": { "uid": "alice" } }\n' }, args: ['--host', 'HOST'], message: /user\.uid/ },
    { name: 'unknown CUDA version', files: {}, args: ['--cuda', '12.7'], message: /no nvidia\/cuda image tag for CUDA 12\.7/ },
    { name: 'bad --mirror', files: {}, args: ['--mirror', 'mars'], message: /--mirror mars: expected global, cn or auto/ },
  ];
  for (const c of cases) {
    it(c.name, () =>
      withProject(c.files, (dir) => {
        const before = snapshot(dir);
        const args = (c.args ?? CPU).map((a) => (a === 'HOST' ? join(dir, 'host.json') : a));
        const r = danlu(['init', dir, '--yes', ...(c.args ? args : CPU)]);
        expect(r.stderr).toMatch(c.message);
        expect(r.code).toBe(2);
        expect(snapshot(dir)).toEqual(before);
      }),
    );
  }

  it.skipIf(process.getuid?.() !== 0)("`sudo danlu init` in a user's folder: every file stays the user's, and their next run works", () =>
    withProject({ 'requirements.txt': 'numpy\n' }, (dir) => {
      chmodSync(join(dir, '..'), 0o755);
      spawnSync('chown', ['-R', '65534:65534', dir]);
      expect(danlu(['init', dir, '--yes', ...CPU]).code).toBe(0);
      const notTheirs = spawnSync('find', [dir, '-not', '-user', '65534'], { encoding: 'utf8' }).stdout.trim();
      expect(notTheirs).toBe('');
      const again = danlu(['init', dir, '--yes', '--shm', '8g', ...CPU], { asUser: 65534 });
      expect(again.stderr).not.toMatch(/permission denied/);
      expect(again.code).toBe(0);
    }),
  );

  it.skipIf(process.getuid?.() !== 0)('an unwritable folder: exit 2, nothing written', () =>
    withProject({ 'train.py': 'print(1)\n' }, (dir) => {
      chmodSync(join(dir, '..'), 0o755);
      chmodSync(dir, 0o555);
      const before = snapshot(dir);
      const r = danlu(['init', dir, '--yes', ...CPU], { asUser: 65534 });
      expect(r.stderr).toMatch(/cannot write .*permission denied; nothing was changed/);
      expect(r.code).toBe(2);
      expect(snapshot(dir)).toEqual(before);
    }),
  );

  it('a folder that does not exist', () => {
    const r = danlu(['init', '/nonexistent/danlu-x', '--yes', ...CPU]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such folder/);
  });

  it('an unknown flag', () => {
    const r = danlu(['init', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--frobnicate'/);
  });
});

describe('names with spaces, quotes, $ and non-ASCII', () => {
  const names = ['my project', "it's $HOME", '丹炉 实验', 'a"b'];
  for (const name of names) {
    it(`folder ${JSON.stringify(name)}`, () =>
      withProject(
        {},
        (dir) => {
          const r = danlu(['init', dir, '--yes', ...GPU]);
          expect(r.code).toBe(0);
          const py = parseToml(read(dir, 'pyproject.toml')) as any;
          // uv takes only a valid package name: the folder's, made one.
          expect(py.project.name).toMatch(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/);
          const slug = read(dir, '.env').match(/^COMPOSE_PROJECT_NAME=(.+)$/m)![1]!;
          expect(slug).toMatch(/^[a-z0-9][a-z0-9-]*$/);
          if (findDockerCompose()) expect(composeConfig(dir).code).toBe(0);
        },
        name,
      ));
  }

  for (const home of ["/home/José María's files", '/home/$weird home']) {
    it(`a home folder ${JSON.stringify(home)} and a user name that is not a Linux name`, () =>
      withProject({}, (dir) => {
        const host = join(dir, '..', 'host.json');
        write(join(dir, '..'), 'host.json', JSON.stringify({ user: { name: 'José María', uid: 1000, gid: 1000, home }, nvidia: null }));
        const r = danlu(['init', dir, '--yes', '--host', host]);
        expect(r.code).toBe(0);
        expect(read(dir, '.env')).toMatch(/^USER_NAME=josemaria$/m);
        if (findDockerCompose()) {
          const c = composeConfig(dir);
          expect(c.code).toBe(0);
          // `config` prints a compose file, where a literal $ is written $$.
          const sources = parseYaml(c.stdout).services.devcontainer.volumes.map((v: { source: string }) => v.source.replace(/\$\$/g, '$'));
          expect(sources).toContain(`${home}/.cache/danlu/uv`);
        }
      }));
  }

  it("a home with both ' and $ is refused before anything is written", () =>
    withProject({}, (dir) => {
      const host = join(dir, '..', 'host.json');
      write(join(dir, '..'), 'host.json', JSON.stringify({ user: { name: 'x', uid: 1000, gid: 1000, home: "/home/it's $x" }, nvidia: null }));
      const before = snapshot(dir);
      const r = danlu(['init', dir, '--yes', '--host', host]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/HOST_HOME .* cannot be written to \.env/);
      expect(snapshot(dir)).toEqual(before);
    }));
});
