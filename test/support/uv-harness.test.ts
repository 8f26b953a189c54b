import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
// @ts-expect-error: a plain .mjs module without types
import { causeLines, classifyLock, discoverPip, localPyprojects, lockProject, pipSettings } from '../../scripts/lib/uv-harness.mjs';
// @ts-expect-error: a plain .mjs module without types
import { projectSources, pythonDirs, pytorchIndexMap, readLock, setAside, uvEnv } from '../../scripts/lib/uv-harness.mjs';

// The index URLs below are placeholders: the harness reads the real one from pip at run time.
const PYPI = 'https://index.invalid/simple';

describe("pip's settings", () => {
  it('reads pip config list, later files and PIP_* variables winning as in pip', () => {
    const list = [
      "global.cert='/etc/ssl/certs/ca-certificates.crt'",
      "global.index-url='https://global.invalid/simple'",
      "user.index-url='https://user.invalid/simple'",
      ":env:.default-timeout='180'",
      "global.extra-index-url='https://a.invalid/simple https://b.invalid/simple'",
    ].join('\n');
    expect(pipSettings(list, {})).toEqual({
      indexUrl: 'https://user.invalid/simple',
      extraIndexUrls: ['https://a.invalid/simple', 'https://b.invalid/simple'],
      cert: '/etc/ssl/certs/ca-certificates.crt',
    });
    expect(pipSettings(list, { PIP_INDEX_URL: 'https://env.invalid/simple', PIP_CERT: '/tmp/ca.pem' })).toMatchObject({
      indexUrl: 'https://env.invalid/simple',
      cert: '/tmp/ca.pem',
    });
    expect(pipSettings('', {}).indexUrl).toBeUndefined();
  });

  it('hands uv that index, the certificate, the frozen date and no config or downloads of its own', () => {
    const env = uvEnv({
      pip: { indexUrl: PYPI, cert: '/tmp/ca.pem' },
      cacheDir: '/tmp/c',
      pythons: ['/py/3.12/bin'],
      indexMap: ['pytorch=x'],
      env: { PATH: '/usr/bin', UV_INDEX_URL: 'stale' },
    });
    expect(env).toMatchObject({
      UV_DEFAULT_INDEX: PYPI,
      SSL_CERT_FILE: '/tmp/ca.pem',
      UV_CACHE_DIR: '/tmp/c',
      UV_PYTHON_DOWNLOADS: 'never',
      UV_INDEX: 'pytorch=x',
      PATH: '/py/3.12/bin:/usr/bin',
    });
    expect(env.UV_EXCLUDE_NEWER).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(env.UV_INDEX_URL).toBeUndefined();
    // The project's own [tool.uv] and .python-version count: no UV_NO_CONFIG, only no user config.
    expect(env.UV_NO_CONFIG).toBeUndefined();
    expect(env.XDG_CONFIG_HOME).toMatch(/danlu-uv-config-/);
  });
});

const PYPROJECT = `[project]
name = "p"
version = "0.1.0"
dependencies = ["torch==2.9.*", "clip", "foo @ https://files.example.org/foo-1.0-py3-none-any.whl"]

[tool.uv.sources]
torch = [{ index = "pytorch", marker = "sys_platform == 'linux'" }]
flash-attn = [{ url = "https://github.com/o/r/releases/download/v1/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl", marker = "python_version == '3.12'" }]
clip = { git = "https://github.com/openai/CLIP.git" }
mmcv = [{ index = "openmmlab" }]

[[tool.uv.index]]
name = "pytorch"
url = "https://download.pytorch.org/whl/cu130"
explicit = true

[[tool.uv.index]]
name = "openmmlab"
url = "https://download.openmmlab.com/mmcv/dist/cu121/torch2.4/index.html"
format = "flat"
explicit = true
`;

describe('the project file', () => {
  it('maps only the PyTorch wheel server indexes onto PyPI', () => {
    expect(pytorchIndexMap(PYPROJECT, PYPI)).toEqual([`pytorch=${PYPI}`]);
  });

  it('knows every host a source names', () => {
    const hosts = projectSources(PYPROJECT).sources.map((s: { host: string }) => s.host);
    expect(new Set(hosts)).toEqual(new Set(['download.pytorch.org', 'github.com', 'download.openmmlab.com', 'files.example.org']));
  });

  it('sets aside the sources of a host: the requirements that need them go with them', () => {
    const py = parseToml(setAside(PYPROJECT, ['github.com', 'files.example.org'])) as any;
    expect(Object.keys(py.tool.uv.sources).sort()).toEqual(['mmcv', 'torch']);
    expect(py.project.dependencies).toEqual(['torch==2.9.*']);
    const noMmlab = parseToml(setAside(PYPROJECT, ['download.openmmlab.com'])) as any;
    expect(noMmlab.tool.uv.index.map((i: { name: string }) => i.name)).toEqual(['pytorch']);
    expect(noMmlab.tool.uv.sources.mmcv).toBeUndefined();
  });
});

// uv 0.13's own words for each way a lock ends.
const DNS = (url: string) =>
  `error: Failed to download \`flash-attn @ ${url}\`\n  Caused by: Request failed after 3 retries in 4.5s\n  Caused by: Failed to fetch: ${url}\n  Caused by: error sending request for url (${url})\n  Caused by: client error (Connect)\n  Caused by: dns error\n  Caused by: failed to lookup address information: Name or service not known\n`;

describe('how uv lock ended', () => {
  it('locked', () => expect(classifyLock(0, 'Resolved 65 packages in 1.2s\n', { pypiHost: 'index.invalid' })).toEqual({ outcome: 'locked' }));

  it('unreachable: a network failure that names only hosts other than the PyPI index', () => {
    const v = classifyLock(1, DNS('https://github.com/o/r/releases/download/v1/x.whl'), { pypiHost: 'index.invalid' });
    expect(v.outcome).toBe('unreachable');
    expect(v.hosts).toEqual(['github.com']);
    const git = classifyLock(
      1,
      "error: Git operation failed\n  Caused by: failed to clone into: /c/git-v0/db/1\n  Caused by: process didn't exit successfully: `/usr/bin/git fetch ...` (exit status: 128)\n--- stderr\nfatal: unable to access 'https://github.com/openai/CLIP.git/': Could not resolve host: github.com\n",
      { pypiHost: 'index.invalid' },
    );
    expect(git).toMatchObject({ outcome: 'unreachable', hosts: ['github.com'] });
  });

  it("failed: PyPI itself unreachable, or no solution, with uv's own lines", () => {
    expect(classifyLock(1, DNS('https://index.invalid/simple/torch/'), { pypiHost: 'index.invalid' }).outcome).toBe('failed');
    const text =
      "Using CPython 3.12.1 interpreter at: /py/bin/python3.12\n  × No solution found when resolving dependencies:\n  ╰─▶ Because gradio>=5.5.0 depends on Python>=3.10 and your project depends on gradio>=5.5.0, we can conclude that your project's requirements are unsatisfiable.\n";
    const v = classifyLock(1, text, { pypiHost: 'index.invalid' });
    expect(v.outcome).toBe('failed');
    expect(v.message[0]).toMatch(/No solution found/);
    expect(causeLines(text).some((l: string) => l.includes('Using CPython'))).toBe(false);
  });

  it('reads the package count and the torch versions of a lock', () => {
    const lock =
      'version = 1\n\n[[package]]\nname = "numpy"\nversion = "2.1.0"\nsource = { registry = "x" }\n\n[[package]]\nname = "torch"\nversion = "2.14.1"\nsource = { registry = "x" }\n';
    expect(readLock(lock)).toEqual({ packages: 2, torch: ['2.14.1'] });
  });
});

describe('the set-aside reaches every pyproject.toml the lock reads', () => {
  const files = (tree: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'danlu-harness-'));
    for (const [p, t] of Object.entries(tree)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), t);
    }
    return dir;
  };

  it('workspace members (globs) and local path packages, transitively', () => {
    const dir = files({
      'pyproject.toml':
        '[project]\nname = "root"\nversion = "0"\ndependencies = ["tool", "kern"]\n[tool.uv.workspace]\nmembers = ["apps/*"]\n[tool.uv.sources]\ntool = { workspace = true }\nkern = { path = "vendor/kern" }\n',
      'apps/tool/pyproject.toml': '[project]\nname = "tool"\nversion = "0"\ndependencies = ["somekernel @ git+https://github.com/example-org/somekernel"]\n',
      'apps/readme.txt': 'not a member\n',
      'vendor/kern/pyproject.toml': '[project]\nname = "kern"\nversion = "0"\ndependencies = ["inner"]\n[tool.uv.sources]\ninner = { path = "../inner" }\n',
      'vendor/inner/pyproject.toml': '[project]\nname = "inner"\nversion = "0"\n',
    });
    try {
      expect(localPyprojects(dir).sort()).toEqual(['apps/tool', 'vendor/inner', 'vendor/kern']);
      const member = parseToml(setAside(readFileSync(join(dir, 'apps/tool/pyproject.toml'), 'utf8'), ['github.com'])) as any;
      expect(member.project.dependencies).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const UV = process.env.DANLU_TEST_UV ?? '';
  it.skipIf(!UV)(
    'a git URL at an unreachable host inside a workspace member: set aside there, and the rest locks',
    () => {
      const dir = files({
        'pyproject.toml':
          '[project]\nname = "root"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = ["tool", "six"]\n[tool.uv.workspace]\nmembers = ["apps/tool"]\n[tool.uv.sources]\ntool = { workspace = true }\n',
        'apps/tool/pyproject.toml':
          '[project]\nname = "tool"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = ["somekernel @ git+https://github.com/example-org/somekernel"]\n[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n',
        'apps/tool/tool/__init__.py': '',
      });
      try {
        const before = readFileSync(join(dir, 'apps/tool/pyproject.toml'), 'utf8');
        const r = lockProject({
          dir,
          uv: UV,
          pip: discoverPip(),
          cacheDir: process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache'),
          pythons: pythonDirs(),
        });
        expect(r.outcome, JSON.stringify(r)).toBe('unreachable');
        expect(r.hosts).toEqual(['github.com']);
        expect(r.aside.outcome, JSON.stringify(r)).toBe('locked');
        // The member's file is the project's again afterwards.
        expect(readFileSync(join(dir, 'apps/tool/pyproject.toml'), 'utf8')).toBe(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    300_000,
  );
});
