import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { discoverPip, pythonDirs, uvEnv } from '../../scripts/lib/uv-harness.mjs';
import { ASTRAL_INDEXES } from '../../src/catalog/data/astral-wheels.js';
import { BIN, HOST_FILES } from '../support/cli.js';
import { solveEnv, UV } from './lock-suite.js';

/**
 * What danlu writes for special packages and for the two environments, judged by the real uv:
 * `danlu init` (its own solve with uv) on small invented projects in the field test's shapes,
 * each in a second shape of the same class. The torch builds they need are the ones the rest of
 * the suite already has in uv's cache (torch 2.10 for Python 3.11, the torch of the default plans).
 */
const CACHE = process.env.DANLU_TEST_UV_CACHE ?? join(tmpdir(), 'danlu-uv-cache');

function initSolved(files: Record<string, string>, host: string, check: (dir: string, plan: any) => void): void {
  const pip = discoverPip();
  const root = mkdtempSync(join(tmpdir(), 'danlu-special-'));
  const dir = join(root, 'demo');
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    mkdirSync(CACHE, { recursive: true });
    const r = spawnSync(process.execPath, [BIN, 'init', dir, '--yes', '--json', '--host', join(HOST_FILES, `${host}.json`)], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...solveEnv(pip, pythonDirs()) },
      timeout: 900_000,
    });
    const doc = JSON.parse(r.stdout);
    const said = JSON.stringify(doc.plan.solve, null, 1);
    expect(doc.plan.solve.status, said).toBe('solved');
    expect(existsSync(join(dir, 'uv.lock')), said).toBe(true);
    check(dir, doc.plan);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const locked = (dir: string) =>
  [...readFileSync(join(dir, 'uv.lock'), 'utf8').matchAll(/^\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => `${m[1]}==${m[2]}`);

describe.skipIf(!UV)('C3: a legacy setup.py build danlu configures locks with setuptools<81 (uv builds it to read its metadata)', () => {
  it('the field-test shape: mmcv-full 1.x pinned next to torch, Python from environment.yml', () => {
    initSolved(
      {
        'requirements.txt': 'torch==2.10.0\nmmcv-full==1.7.2\n',
        'environment.yml': 'name: demo\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - -r requirements.txt\n',
      },
      'h100-580',
      (dir) => {
        expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toMatch(
          /^mmcv-full = \["torch==2\.10\.0", "ninja", "packaging", "setuptools<81", "wheel"\]$/m,
        );
        expect(locked(dir)).toContain('mmcv-full==1.7.2');
      },
    );
  }, 900_000);

  it('a second shape: mmcv 2.x (no prebuilt page for this torch) in pyproject.toml, Python from .python-version', () => {
    initSolved(
      {
        'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch==2.10.0", "mmcv==2.1.0"]\n',
        '.python-version': '3.11\n',
      },
      'h100-580',
      (dir) => {
        expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toMatch(/^mmcv = \[.*"setuptools<81".*\]$/m);
        expect(locked(dir)).toContain('mmcv==2.1.0');
      },
    );
  }, 900_000);
});

/** The `uv sync` selection of a generated file (the dev container's script, or the runtime stage of the Dockerfile). */
function selection(text: string): string[] {
  const m = /^\s*(?:UV_DEFAULT_INDEX="[^"]*" )?uv sync --frozen (.*?)\s*$/m.exec(text);
  return m![1]!.split(/\s+/).filter((a) => a !== '--no-install-workspace' && a !== '--inexact');
}

/** The packages `uv export` lists for a selection of the locked project. */
function exported(dir: string, args: string[]): string[] {
  const pip = discoverPip();
  const r = spawnSync(UV, ['export', '--frozen', '--no-hashes', '--no-emit-project', '--format', 'requirements-txt', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: uvEnv({ pip, cacheDir: CACHE, pythons: pythonDirs() }),
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => /^[A-Za-z0-9]/.test(l))
    .map((l) => l.split(/\s|;/)[0]!);
}

describe.skipIf(!UV)('D2: the runtime image holds what the dev container holds, less the dev group', () => {
  const check = (dir: string, readmeOnly: string) => {
    const dockerfile = readFileSync(join(dir, '.devcontainer', 'Dockerfile'), 'utf8');
    const dev = exported(dir, selection(readFileSync(join(dir, '.devcontainer', 'uv-sync.sh'), 'utf8')));
    const runtime = exported(dir, selection(dockerfile.slice(dockerfile.indexOf('AS runtime'))));
    const devGroup = exported(dir, ['--only-group', 'dev']);
    expect(
      dev.some((p) => p.startsWith(readmeOnly)),
      dev.join('\n'),
    ).toBe(true);
    expect(
      runtime.some((p) => p.startsWith(readmeOnly)),
      runtime.join('\n'),
    ).toBe(true);
    // Nothing differs but the development tools (ipykernel and what only it needs).
    expect(runtime.every((p) => dev.includes(p))).toBe(true);
    for (const p of dev.filter((x) => !runtime.includes(x))) expect(devGroup, p).toContain(p);
    expect(dev.some((p) => p.startsWith('ipykernel=='))).toBe(true);
    expect(runtime.some((p) => p.startsWith('ipykernel=='))).toBe(false);
  };

  it('the field-test shape: requirements.txt, and pip install rich==13.7.1 in the README (group readme)', () => {
    initSolved(
      { 'requirements.txt': 'torch>=2.4\nnumpy\n', 'README.md': '# demo\n\n```bash\npip install -r requirements.txt\npip install rich==13.7.1\n```\n' },
      'h100-580',
      (dir) => check(dir, 'rich==13.7.1'),
    );
  }, 900_000);

  it('a second shape: a PEP 621 project with a group of its own; the README adds einops with uv pip install', () => {
    initSolved(
      {
        'pyproject.toml':
          '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = ["torch>=2.4", "numpy"]\n\n[dependency-groups]\nlint = ["ruff"]\n',
        'README.md': '# demo\n\n```bash\nuv pip install -e .\nuv pip install einops\n```\n',
      },
      'h100-580',
      (dir) => check(dir, 'einops=='),
    );
  }, 900_000);
});

/**
 * sageattention from Astral's GPU index, locked by the real uv: a stand-in index (python3's
 * http.server with PEP 691 pages, one wheel per channel labelled like Astral's)
 * is the catalog's Astral base (a user catalog, as `danlu catalog update` writes one; as new as
 * the embedded part, so it is the one used).
 */
describe.skipIf(!UV)("sageattention: Astral's build for the planned torch, locked", () => {
  /** A wheel for `channel` (cu128 -> +cu.12.8.torch.2.11) requiring that torch, as Astral's do. */
  function standInIndex(root: string): void {
    for (const [channel, cuda] of [
      ['cu128', '12.8'],
      ['cu130', '13.0'],
    ] as const) {
      const dir = join(root, 'simple', channel, 'sageattention');
      mkdirSync(dir, { recursive: true });
      const version = `2.2.0+cu.${cuda}.torch.2.11`;
      const file = `sageattention-${version}-py3-none-linux_x86_64.whl`;
      const py = [
        'import base64, hashlib, sys, zipfile',
        'out, ver = sys.argv[1:3]',
        'files = {"sageattention/__init__.py": "def sageattn(q, k, v, **kw):\\n    return q\\n",',
        '  f"sageattention-{ver}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: sageattention\\nVersion: {ver}\\nRequires-Dist: torch==2.11.*\\n",',
        '  f"sageattention-{ver}.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: false\\nTag: py3-none-linux_x86_64\\n"}',
        'rec = []',
        'with zipfile.ZipFile(out, "w") as z:',
        '    for p, t in files.items():',
        '        z.writestr(p, t)',
        '        rec.append(p + ",sha256=" + base64.urlsafe_b64encode(hashlib.sha256(t.encode()).digest()).rstrip(b"=").decode() + "," + str(len(t.encode())))',
        '    rec.append(f"sageattention-{ver}.dist-info/RECORD,,")',
        '    z.writestr(f"sageattention-{ver}.dist-info/RECORD", "\\n".join(rec) + "\\n")',
      ].join('\n');
      const made = spawnSync('python3', ['-c', py, join(dir, file), version], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
    }
  }

  it('plan, pyproject and uv.lock name the build for torch 2.11 and the CUDA of the plan', async () => {
    const root = mkdtempSync(join(tmpdir(), 'danlu-astral-'));
    standInIndex(root);
    // PEP 691 JSON pages with an upload time (the suite locks with an upload cutoff), and the files.
    const serve = [
      'import hashlib, http.server, json, os, sys',
      'root = sys.argv[1]',
      'class H(http.server.SimpleHTTPRequestHandler):',
      '    def __init__(self, *a, **k): super().__init__(*a, directory=root, **k)',
      '    def do_GET(self):',
      '        if not self.path.endswith("/"): return super().do_GET()',
      '        d = os.path.join(root, self.path.strip("/"))',
      '        if not os.path.isdir(d): return self.send_error(404)',
      '        files = [{"filename": f, "url": f, "hashes": {"sha256": hashlib.sha256(open(os.path.join(d, f), "rb").read()).hexdigest()}, "upload-time": "2026-01-01T00:00:00Z"} for f in sorted(os.listdir(d)) if f.endswith(".whl")]',
      '        body = json.dumps({"meta": {"api-version": "1.1"}, "name": os.path.basename(d), "files": files}).encode()',
      '        self.send_response(200); self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json"); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)',
      's = http.server.HTTPServer(("127.0.0.1", 0), H)',
      'print("port", s.server_address[1], flush=True)',
      's.serve_forever()',
    ].join('\n');
    const server = spawn('python3', ['-c', serve, root], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let seen = '';
        server.stdout.on('data', (d: Buffer) => {
          seen += d.toString();
          const m = /port (\d+)/.exec(seen);
          if (m) resolve(m[1]!);
        });
        server.on('exit', () => reject(new Error(`http.server exited: ${seen}`)));
      });
      const base = `http://127.0.0.1:${port}/simple`;
      const catalogDir = join(root, 'catalog');
      mkdirSync(catalogDir);
      const row = (cuda: string) => ({
        package: 'sageattention',
        version: '2.2.0',
        cuda,
        torch: '2.11',
        python: null,
        source: 'the stand-in index of this test',
      });
      writeFileSync(
        join(catalogDir, 'catalog.json'),
        JSON.stringify({
          kind: 'danlu-catalog',
          schema: 1,
          asOf: ASTRAL_INDEXES.asOf,
          generatedBy: 'test',
          parts: {
            astral: {
              asOf: ASTRAL_INDEXES.asOf,
              confidence: 'V',
              source: 'a stand-in index',
              base,
              channels: ['cu128', 'cu130'],
              mirrors: [],
              rows: [row('12.8'), row('13.0')],
            },
          },
          origins: {},
        }),
      );
      process.env.DANLU_CATALOG_DIR = catalogDir;
      initSolved({ 'requirements.txt': 'torch==2.11.0\nsageattention\n', '.python-version': '3.11\n' }, 'h100-580', (dir, plan) => {
        const cuda = /^cu(\d+)(\d)$/.exec(plan.torch.backend)!.slice(1).join('.');
        const pin = `2.2.0+cu.${cuda}.torch.2.11`;
        const pyproject = readFileSync(join(dir, 'pyproject.toml'), 'utf8');
        expect(pyproject).toContain(`"sageattention==${pin}"`);
        expect(pyproject).toContain(`url = "${base}/${plan.torch.backend}/"`);
        expect(locked(dir)).toContain(`sageattention==${pin}`);
        expect(locked(dir)).toContain('torch==2.11.0');
      });
    } finally {
      delete process.env.DANLU_CATALOG_DIR;
      server.kill();
      rmSync(root, { recursive: true, force: true });
    }
  }, 900_000);
});
