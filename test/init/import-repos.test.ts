import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import communityWheels from '../../src/catalog/data/flash-attn-community.json' with { type: 'json' };
import { CAUSAL_CONV1D_WHEELS, MAMBA_SSM_WHEELS } from '../../src/catalog/data/dao-extension-wheels.js';
import { cleanup, danlu, HOST_FILES, jsonOut, read, REPO, tempProject } from '../support/cli.js';
import { uvParseProblems } from '../support/uv-pyproject.js';

/**
 * Every fixture repository through `danlu init` for an H100 host (driver 580): the generated
 * pyproject.toml parses, torch is routed to the planned PyTorch index (or the project's own),
 * a second run changes nothing, and key outcomes per repository hold.
 */
const REPOS = join(REPO, 'test', 'fixtures', 'repos');
const HOST = join(REPO, 'examples', 'hosts', 'h100-driver580.json');
const names = readdirSync(REPOS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

function initRepo(name: string, host = HOST) {
  const dir = tempProject({}, name);
  cpSync(join(REPOS, name), dir, { recursive: true });
  // The fixtures keep the README's install commands in INSTALL_COMMANDS.txt; a checkout has them
  // in its README or INSTALL.md, which is where the importer looks.
  const commands = join(dir, 'INSTALL_COMMANDS.txt');
  if (existsSync(commands)) {
    writeFileSync(join(dir, 'INSTALL.md'), `# Install\n\n\`\`\`sh\n${readFileSync(commands, 'utf8')}\n\`\`\`\n`);
    rmSync(commands);
  }
  const first = danlu(['init', dir, '--yes', '--json', '--host', host]);
  const second = danlu(['init', dir, '--yes', '--json', '--host', host]);
  return { dir, first, second };
}

describe('danlu init on every fixture repository', () => {
  it('has the 28 repositories', () => expect(names.length).toBeGreaterThanOrEqual(28));
  for (const name of names) {
    it(name, () => {
      const { dir, first, second } = initRepo(name);
      try {
        expect(first.stderr).not.toMatch(/internal error/);
        expect([0, 1]).toContain(first.code);
        const out = jsonOut(first);
        const text = read(dir, 'pyproject.toml');
        // What uv checks when it reads the file (uv's own schema, PEP 508/440/621/735).
        expect(uvParseProblems(text)).toEqual([]);
        const py = parseToml(text) as any;
        const torchSource = JSON.stringify(py.tool?.uv?.sources?.torch ?? null);
        // Routed to danlu's index, or to an index of the project's own.
        expect(torchSource).toMatch(/"index":"pytorch/);
        const index = py.tool.uv.index.find((i: { url: string }) => /download\.pytorch\.org/.test(i.url));
        expect(index.url).toMatch(/\/whl\/(cu\d+|cpu)$/);
        const again = jsonOut(second);
        expect(again.files.filter((f: { action: string }) => f.action !== 'unchanged')).toEqual([]);
        expect(out.import).not.toBeNull();
      } finally {
        cleanup(dir);
      }
    });
  }
});

describe('key outcomes', () => {
  const withRepo = <T>(name: string, fn: (dir: string, out: any, py: any) => T, host = HOST): T => {
    const { dir, first } = initRepo(name, host);
    try {
      return fn(dir, jsonOut(first), parseToml(read(dir, 'pyproject.toml')));
    } finally {
      cleanup(dir);
    }
  };

  it("Zonos on an H100: flash-attn, mamba-ssm and causal-conv1d from Astral's cu128 index, the builds for the planned torch", () =>
    withRepo('Zyphra__Zonos', (_dir, out, py) => {
      expect([out.plan.torch.version, out.plan.torch.backend]).toEqual(['2.11.0', 'cu128']);
      expect(py.tool.uv.index).toEqual(expect.arrayContaining([{ name: 'astral-cu128', url: 'https://wheels.astral.sh/simple/cu128/', explicit: true }]));
      for (const pkg of ['flash-attn', 'mamba-ssm', 'causal-conv1d']) {
        expect(py.tool.uv.sources[pkg]).toEqual([{ index: 'astral-cu128' }]);
        // The project's range is kept; the build for torch 2.11 + CUDA 12.8 is held by a constraint.
        expect(py.tool.uv['constraint-dependencies'].find((c: string) => c.startsWith(`${pkg}==`))).toMatch(/\+cu\.12\.8\.torch\.2\.11$/);
      }
      expect(out.files.filter((f: { action: string }) => f.action === 'conflict')).toEqual([]);
    }));

  it("Zonos on an RTX 3090 (driver 470): flash-attn, mamba-ssm and causal-conv1d become release wheels that exist; the project's no-isolation list is kept", () =>
    withRepo(
      'Zyphra__Zonos',
      (_dir, out, py) => {
        const fa = py.tool.uv.sources['flash-attn'][0];
        expect(fa.marker).toContain("python_version == '3.12'");
        const m = /releases\/download\/(v[\d.]+)\/flash_attn-([\w.]+)\+cu(\d+)torch([\d.]+)-(cp\d+)-/.exec(fa.url)!;
        expect(communityWheels.rows).toContain(`fa2|${m[2]}|${m[4]}|${m[3]}|${m[5]}|L|${m[1]}`);
        expect(out.plan.torch.version.startsWith(m[4])).toBe(true);
        // mamba-ssm>=2.2.4 and causal-conv1d>=1.5.0.post8 have release wheels for the planned torch (the planner
        // prefers a torch that has them), so they are URL sources and nothing compiles.
        const torchMinor = out.plan.torch.version.split('.').slice(0, 2).join('.');
        const cuda = /^cu(\d+?)\d$/.exec(out.plan.torch.backend)![1];
        const abi = out.plan.torch.abi === 'cxx11' ? 'TRUE' : 'FALSE';
        for (const [pkg, table] of [
          ['mamba-ssm', MAMBA_SSM_WHEELS],
          ['causal-conv1d', CAUSAL_CONV1D_WHEELS],
        ] as const) {
          const src = py.tool.uv.sources[pkg][0];
          expect(src.marker).toContain("python_version == '3.12'");
          const w = /releases\/download\/(v[\w.]+)\/(\w+)-([\w.]+)\+cu(\d+)torch([\d.]+)cxx11abi(TRUE|FALSE)-cp312-cp312-linux_x86_64\.whl$/.exec(src.url)!;
          expect(w, src.url).not.toBeNull();
          expect(src.url.startsWith(table.urlPattern.replace('{tag}/{file}', ''))).toBe(true);
          const tag = table.tags.find((t) => t.tag === w[1])!;
          expect(tag.version).toBe(w[3]);
          expect([w[2], w[4], w[5], w[6]]).toEqual([table.dist, cuda, torchMinor, abi]);
          expect(py.tool.uv['extra-build-dependencies']?.[pkg]).toBeUndefined();
        }
        // The project's own [tool.uv] no-build-isolation-package is kept as it was (a URL wheel does not build).
        expect(py.tool.uv['no-build-isolation-package']).toContain('mamba-ssm');
      },
      join(HOST_FILES, 'rtx3090-470.json'),
    ));

  it('flux: the `all` extra keeps its self references as written (their copies are for planning only)', () =>
    withRepo('black-forest-labs__flux', (_dir, out, py) => {
      expect(py.project['optional-dependencies'].all).toEqual(['flux[gradio]', 'flux[streamlit]', 'flux[torch]']);
      expect(py.project['optional-dependencies'].torch).toEqual(['torch == 2.6.0', 'torchvision']);
      // The planner still saw torch==2.6.0 through the `torch` extra.
      expect(out.plan.torch.version).toBe('2.6.0');
    }));

  it('nunchaku (the repository itself builds CUDA code, dynamic version): its own build gets the planned torch exactly', () =>
    withRepo('mit-han-lab__nunchaku', (_dir, out, py) => {
      // match-runtime needs static metadata, which a dynamic version is not (uv refuses it at lock).
      expect(py.tool.uv['extra-build-dependencies'].nunchaku).toEqual([`torch==${out.plan.torch.version}`]);
    }));

  it('CLIP: its requirements become dependencies, torch pinned to the plan', () =>
    withRepo('openai__CLIP', (_dir, out, py) => {
      expect(py.project.dependencies).toEqual(expect.arrayContaining(['ftfy', 'regex', 'tqdm', `torch${out.plan.torch.specifier}`]));
    }));

  it('gaussian-splatting: an old torch pin is reported and replaced; submodule packages are path sources built with the planned torch', () =>
    withRepo('graphdeco-inria__gaussian-splatting', (_dir, out, py) => {
      expect(out.plan.warnings.map((w: { id: string }) => w.id)).toContain('torch-pin-unknown');
      expect(py.project.dependencies).toContain(`torch${out.plan.torch.specifier}`);
      const paths = Object.entries(py.tool.uv.sources).filter(([, v]) => (v as { path?: string }).path);
      expect(paths.length).toBeGreaterThanOrEqual(2);
      // A submodule's setup.py has no static metadata, which match-runtime needs: the planned torch exactly.
      for (const [pkg] of paths) expect(py.tool.uv['extra-build-dependencies'][pkg]).toEqual([`torch==${out.plan.torch.version}`]);
      expect(out.import.submodules.length).toBeGreaterThan(0);
    }));

  it('mmpose: mmcv comes from the OpenMMLab page, and torch is one that page has wheels for', () =>
    withRepo('open-mmlab__mmpose', (_dir, out, py) => {
      const index = py.tool.uv.index.find((i: { url: string }) => /openmmlab/.test(i.url));
      expect(index).toMatchObject({ explicit: true, format: 'flat' });
      expect(index.url).toContain(`torch${out.plan.torch.version.split('.').slice(0, 2).join('.')}`);
    }));

  it('DeepSpeed: the conda CUDA 11.8 hint is followed and conda-only compilers are reported', () =>
    withRepo('microsoft__DeepSpeed', (_dir, out) => {
      expect(out.plan.torch.backend).toBe('cu118');
      expect(out.import.condaOnly.length).toBeGreaterThan(0);
    }));

  it('left-out lines are reported with a reason', () =>
    withRepo('Dao-AILab__flash-attention', (_dir, out) => {
      const left = out.import.report.filter((e: { kind: string }) => e.kind === 'left-out');
      expect(left.length).toBeGreaterThan(0);
      for (const e of left) expect(e.reason ?? e.became).toBeTruthy();
    }));
});
