import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../../catalog/index.js';
import type { HostFacts } from '../../probe/types.js';
import { emptyResult, type ImportedRequirement, type ImportResult } from '../../project/import/types.js';
import type { ProjectFacts } from '../../project/types.js';
import { makePlan } from '../make-plan.js';
import { hostProfile, projectFacts } from '../testing/fixtures.js';
import type { Decision, Plan, PlanOptions } from '../types.js';
import { NCCL_CU118, NO_TORCH, ownEntries, pinEdits, plansNoTorch, TORCH_INDEX_NAME, TORCH_MARKER } from './plan-pyproject.js';

/**
 * What the planner decides pyproject.toml gets (plan/pyproject), for a given project and host:
 * P1 a project that names torch nowhere gets the planned torch and torchvision when it uses torch (or is
 *    new), in a dependency group when it publishes its own package; one without torch gets none
 * P2 torch and its companions are always routed to the plan's PyTorch index ([tool.uv.sources] and
 *    [[tool.uv.index]]), unless the project routes torch itself
 * P3 the project's own torch entry: kept when the plan keeps its pin; otherwise a conflict, or rewritten
 *    in place when the user asked for another torch (--torch: pins 'follow'); an unpinned one is
 *    written pinned (other files) or held by a constraint (its own pyproject.toml)
 * P4 special packages: a prebuilt wheel is a URL source; a source build gets the planned torch as an
 *    extra build dependency; one that cannot run on the GPUs is left out
 * P5 extras whose pins exclude each other are declared as uv conflicts; uv-sync.sh installs the first
 * P6 a team no single build fits: one extra per CUDA variant, conflicting, each with its own index
 */

const H100 = { name: 'NVIDIA H100 80GB HBM3', computeCapability: '9.0' };
const h100 = hostProfile({ gpus: [H100], driver: '580.159.04', cuda: '13.0' });
const PYTORCH = (backend: string) => `https://download.pytorch.org/whl/${backend}`;
const LOCK_ENV = "sys_platform == 'linux' and platform_machine == 'x86_64' and python_version == '3.12'";
const routed = [{ index: TORCH_INDEX_NAME, marker: TORCH_MARKER }];

/** A requirement as the importers read it (`group`: main, or the extra it is in). */
function req(raw: string, origin: { file: string; line: number } = { file: 'requirements.txt', line: 1 }, group = 'main'): ImportedRequirement {
  const m = /^([A-Za-z0-9._-]+)\s*([^;]*)$/.exec(raw)!;
  return {
    name: m[1]!.toLowerCase(),
    raw,
    specifier: m[2]!.trim(),
    extras: [],
    marker: null,
    group,
    ...(group === 'main' ? {} : { groupKind: 'extra' as const }),
    origin,
  };
}

/** A project whose files list `reqs` (the planner reads them twice: as requirements, and as imported). */
function withRequirements(reqs: ImportedRequirement[], over: Partial<ProjectFacts> = {}, imported: Partial<ImportResult> = {}): Partial<ProjectFacts> {
  return {
    requirements: reqs.map((r) => ({ name: r.name, raw: r.raw, specifier: r.specifier, origin: r.origin })),
    imported: { ...emptyResult(), requirements: reqs, ...imported },
    ...over,
  };
}

/** A project whose pyproject.toml lists `torch` as its only dependency. */
function ownTorch(entry: string): Partial<ProjectFacts> {
  const r = req(entry, { file: 'pyproject.toml', line: 5 });
  return withRequirements([r], {
    ...(r.specifier ? { torchPin: { specifier: r.specifier, origin: r.origin } } : {}),
    pyprojectData: { project: { name: 'demo', dependencies: [entry] } },
  });
}

const gtx1080ti = hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti'], driver: '580.95.05', cuda: '13.0' });
const rtx5090 = hostProfile({ gpus: ['NVIDIA GeForce RTX 5090'], driver: '580.95.05', cuda: '13.0' });
const team = [
  { name: 'old', host: gtx1080ti },
  { name: 'new', host: rtx5090 },
];

interface Case {
  name: string;
  host?: HostFacts;
  project: Partial<ProjectFacts>;
  options?: PlanOptions;
  /** Matched against plan.pyproject (arrays whole, objects by the keys given). */
  pyproject: Record<string, unknown>;
  /** Decisions that must be there, by what and choice (and id where other code looks it up). */
  decisions?: Partial<Decision>[];
  /** Exactly these warnings, by id. */
  warnings?: string[];
  /** What toMatchObject cannot say: keys that must be absent, values computed from the plan. */
  check?: (plan: Plan) => void;
  rule: string;
}

const cases: Case[] = [
  {
    name: 'a project whose code never imports torch gets none, but torch stays routed',
    project: { torchImport: null, hasCode: true },
    pyproject: { dependencies: [], groups: {}, torchSources: { torch: routed, torchvision: routed }, index: { name: 'pytorch', url: PYTORCH('cu130') } },
    decisions: [{ id: 'torch-in-dependencies', choice: NO_TORCH }],
    check: (plan) => {
      expect(plansNoTorch(plan.decisions)).toBe(true);
      expect(plan.pyproject.managed.dependencies).toBeUndefined();
    },
    rule: 'P1+P2: `uv add torch` later takes the planned build',
  },
  {
    name: 'a project whose train.py imports torch gets the planned torch, routed to the PyTorch index',
    project: { torchImport: 'train.py', hasCode: true },
    pyproject: {
      dependencies: ['torch==2.14.*', 'torchvision==0.29.*'],
      torchSources: { torch: routed, torchvision: routed, torchaudio: routed, xformers: routed },
      torchRouting: 'danlu',
      index: { name: 'pytorch', url: PYTORCH('cu130'), explicit: true, onOtherUrl: 'conflict' },
      managed: { dependencies: ['torch==2.14.*', 'torchvision==0.29.*'], index: PYTORCH('cu130') },
      pins: [],
    },
    decisions: [{ id: 'torch-in-dependencies', choice: 'torch==2.14.*, torchvision==0.29.*', source: 'train.py' }],
    check: (plan) => expect(plansNoTorch(plan.decisions)).toBe(false),
    rule: 'P1+P2',
  },
  {
    name: 'a new project (no code, no dependencies) starts with torch',
    project: { torchImport: null, hasCode: false },
    pyproject: { dependencies: ['torch==2.14.*', 'torchvision==0.29.*'] },
    check: (plan) => expect(plan.decisions.find((d) => d.id === 'torch-in-dependencies')!.why).toMatch(/the project is new/),
    rule: 'P1',
  },
  {
    name: 'a published package gets torch in dependency group "environment", its metadata untouched',
    project: { torchImport: 'src/demo/model.py', hasCode: true, publishesPackage: true },
    pyproject: { dependencies: [], groups: { environment: ['torch==2.14.*', 'torchvision==0.29.*'] } },
    decisions: [{ id: 'torch-in-dependencies', choice: 'torch==2.14.*, torchvision==0.29.* in dependency group "environment"' }],
    rule: 'P1',
  },
  {
    name: 'a re-run keeps the torch danlu added earlier, as the same decision (not news)',
    project: {
      torchImport: null,
      hasCode: true,
      pyprojectData: {
        project: { name: 'demo', dependencies: ['torch==2.14.*', 'torchvision==0.29.*'] },
        tool: { danlu: { managed: { dependencies: ['torch==2.14.*', 'torchvision==0.29.*'] } } },
      },
    },
    pyproject: { dependencies: ['torch==2.14.*', 'torchvision==0.29.*'] },
    decisions: [{ what: 'torch in dependencies (kept)' }],
    check: (plan) => expect(plan.decisions.some((d) => d.id === 'torch-in-dependencies')).toBe(false),
    rule: 'P1: init reports only new decisions',
  },
  {
    name: "the project's exact pin torch==2.1.2 is kept, with its CUDA variant's index",
    project: ownTorch('torch==2.1.2'),
    pyproject: { dependencies: ['torch==2.1.2'], pins: [], index: { url: PYTORCH('cu121') }, constraints: ['torch==2.1.*'] },
    rule: 'P3: the lock is held to the planned minor',
  },
  {
    name: '--torch 2.9 over an exact pin of pyproject.toml (pins kept): a conflict, reported, the file left alone',
    project: ownTorch('torch==2.1.2'),
    options: { torch: '2.9' },
    pyproject: {
      pins: [{ name: 'torch', from: 'torch==2.1.2', to: 'torch==2.9.*', action: 'conflict' }],
      constraints: ['torch==2.9.*'],
      index: { url: PYTORCH('cu130'), onOtherUrl: 'conflict' },
    },
    rule: 'P3',
  },
  {
    name: '--torch 2.9 as the CLI passes it (pins follow, index replaced): the pin is rewritten in place',
    project: ownTorch('torch==2.1.2'),
    options: { torch: '2.9', pins: 'follow', replaceIndex: true },
    pyproject: {
      pins: [{ name: 'torch', from: 'torch==2.1.2', to: 'torch==2.9.*', specifier: '==2.9.*', action: 'rewrite' }],
      constraints: [],
      index: { url: PYTORCH('cu130'), onOtherUrl: 'replace' },
    },
    rule: 'P3: the rewritten entry is the planned minor, no constraint needed',
  },
  {
    name: 'unpinned torch in pyproject.toml stays as written, held by a constraint',
    project: ownTorch('torch'),
    pyproject: {
      dependencies: ['torch==2.14.*'],
      pins: [{ name: 'torch', from: 'torch', specifier: '==2.14.*', action: 'constrain' }],
      constraints: ['torch==2.14.*'],
      managed: { 'constraint-dependencies': ['torch==2.14.*'] },
    },
    check: (plan) => expect(plan.pyproject.managed.dependencies).toBeUndefined(),
    rule: 'P3',
  },
  {
    name: 'flash-attn on an H100: a prebuilt wheel as a URL source, torch chosen so one exists',
    project: withRequirements([req('torch'), req('flash-attn', { file: 'requirements.txt', line: 2 })]),
    pyproject: {
      dependencies: ['torch==2.13.*', 'flash-attn'],
      sources: { 'flash-attn': [{ url: expect.stringMatching(/\/flash_attn-[\d.]+\+cu130torch2\.13-cp312-cp312-linux_x86_64\.whl$/), marker: LOCK_ENV }] },
      buildDependencies: {},
      pins: [{ name: 'torch', from: 'torch', to: 'torch==2.13.*', action: 'write' }],
    },
    check: (plan) => expect(plan.pyproject.dependencies).not.toContain('torchvision==0.29.*'),
    rule: 'P4; P3: an unpinned torch of requirements.txt is written pinned; no torchvision added: the project names torch',
  },
  {
    name: 'flash-attn==2.0.4 (no wheel): built from source with the planned torch exactly',
    project: withRequirements([req('torch'), req('flash-attn==2.0.4', { file: 'requirements.txt', line: 2 })]),
    pyproject: { dependencies: ['torch==2.14.*', 'flash-attn==2.0.4'], sources: {} },
    // The resolver names Astral's index as an unverified alternative.
    warnings: ['package-flash-attn'],
    check: (plan) => {
      expect(plan.packages.find((p) => p.name === 'flash-attn')!.resolution.kind).toBe('build');
      // An sdist built by setup.py has no static metadata: uv refuses match-runtime, so the version itself.
      expect(plan.pyproject.buildDependencies['flash-attn']).toEqual(expect.arrayContaining([`torch==${plan.torch.version}`, 'ninja']));
    },
    rule: 'P4',
  },
  {
    name: "basicsr (an sdist that imports torch to build): the environment's torch, and its metadata given",
    project: withRequirements([req('torch'), req('basicsr', { file: 'requirements.txt', line: 2 })]),
    pyproject: {
      buildDependencies: { basicsr: [{ requirement: 'torch', 'match-runtime': true }, 'numpy', 'cython'] },
      dependencyMetadata: [{ name: 'basicsr', version: '1.4.2', 'requires-dist': expect.arrayContaining(['torch>=1.7']) }],
    },
    decisions: [{ what: 'basicsr build', choice: 'torch, numpy, cython' }],
    rule: 'catalog build-needs: uv locks without building it',
  },
  {
    name: 'flash-attn on a V100 (sm_70 has no kernels): left out of pyproject.toml, with a warning',
    host: hostProfile({ gpus: ['Tesla V100-SXM2-32GB'], driver: '580.95.05', cuda: '13.0' }),
    project: withRequirements([req('torch'), req('flash-attn', { file: 'requirements.txt', line: 2 })]),
    pyproject: { dependencies: ['torch==2.14.*'], sources: {}, buildDependencies: {} },
    warnings: ['package-conflict-flash-attn'],
    rule: 'P4',
  },
  {
    name: 'two extras pinning numpy apart, both installed by the README: a uv conflict, the first installed',
    project: withRequirements(
      [req('torch'), req('numpy==1.26.4', { file: 'requirements-a.txt', line: 1 }, 'a'), req('numpy==2.1.0', { file: 'requirements-b.txt', line: 1 }, 'b')],
      {},
      {
        selectedExtras: [
          { name: 'a', origin: { file: 'README.md', line: 3 } },
          { name: 'b', origin: { file: 'README.md', line: 4 } },
        ],
      },
    ),
    pyproject: {
      extras: { a: ['numpy==1.26.4'], b: ['numpy==2.1.0'] },
      conflicts: [[{ extra: 'a' }, { extra: 'b' }]],
      sync: { extras: ['a'], groups: 'all' },
    },
    decisions: [
      { what: 'conflicting extras', choice: 'a / b' },
      { what: 'installed extras', choice: 'a' },
    ],
    warnings: ['extra-not-installed-b'],
    rule: 'P5',
  },
  {
    name: "a team of a GTX 1080 Ti (cu126 only) and an RTX 5090 (cu128+): one extra per CUDA variant; this machine's is cu126",
    host: gtx1080ti,
    project: {},
    options: { team },
    pyproject: {
      dependencies: [],
      extras: { cu130: ['torch==2.14.*', 'torchvision==0.29.*'], cu126: ['torch==2.14.*', 'torchvision==0.29.*'] },
      conflicts: [[{ extra: 'cu130' }, { extra: 'cu126' }]],
      torchSources: {
        torch: [
          { index: 'pytorch-cu130', extra: 'cu130', marker: TORCH_MARKER },
          { index: 'pytorch-cu126', extra: 'cu126', marker: TORCH_MARKER },
        ],
      },
      index: { name: 'pytorch-cu130', url: PYTORCH('cu130') },
      extraIndexes: [{ name: 'pytorch-cu126', url: PYTORCH('cu126'), explicit: true }],
      sync: { variantExtra: { variable: 'TORCH_EXTRA', fallback: 'cu130' } },
    },
    decisions: [{ what: 'torch extras', choice: 'cu130, cu126' }],
    check: (plan) => {
      expect([plan.torch.backend, plan.torch.extra]).toEqual(['cu126', 'cu126']);
      // One index per variant: none of them is "the" index danlu manages.
      expect(plan.pyproject.managed.index).toBeUndefined();
    },
    rule: 'P6: the committed default has the most hosts, then the newest backend',
  },
  {
    name: "the project's requires-python is kept; danlu writes and manages its own only when there is none",
    project: { requiresPython: '>=3.10' },
    pyproject: { project: { requiresPython: '>=3.10' }, environments: [LOCK_ENV] },
    check: (plan) => {
      expect(plan.pyproject.managed['requires-python']).toBeUndefined();
      const fresh = makePlan({ host: h100, project: projectFacts(), options: {}, catalog: EMBEDDED_CATALOG });
      expect([fresh.pyproject.project.requiresPython, fresh.pyproject.managed['requires-python']]).toEqual(['>=3.12', '>=3.12']);
    },
    rule: 'requires-python',
  },
  {
    name: 'CUDA 11.8 with two GPUs: NCCL overridden by its cu118 rebuild',
    host: hostProfile({ gpus: ['NVIDIA GeForce GTX 1080 Ti', 'NVIDIA GeForce GTX 1080 Ti'], driver: '470.199.02', cuda: '11.4' }),
    project: {},
    pyproject: {
      dependencies: ['torch==2.7.*', 'torchvision==0.22.*', 'nvidia-nccl-cu11>=2.27.6'],
      overrides: [NCCL_CU118.requirement],
      sources: { 'nvidia-nccl-cu11': { url: NCCL_CU118.url } },
    },
    warnings: ['driver-minor-compat'],
    rule: 'seed appendix',
  },
];

describe('planPyproject through makePlan', () => {
  for (const c of cases) {
    it(`${c.name} [${c.rule}]`, () => {
      const plan = makePlan({ host: c.host ?? h100, project: projectFacts(c.project), options: c.options ?? {}, catalog: EMBEDDED_CATALOG });
      expect(plan.pyproject).toMatchObject(c.pyproject);
      for (const d of c.decisions ?? []) expect(plan.decisions).toContainEqual(expect.objectContaining(d));
      expect(plan.warnings.map((w) => w.id).sort()).toEqual([...(c.warnings ?? [])].sort());
      c.check?.(plan);
    });
  }

  it("a project that routes torch to its own index keeps its routing; the plan's index is not managed", () => {
    const project = ownTorch('torch>=2.5');
    const plan = makePlan({
      host: h100,
      project: projectFacts({
        ...project,
        backendPin: { backend: 'cu128', origin: { file: 'pyproject.toml', line: 9 } },
        pyprojectData: {
          project: { name: 'demo', dependencies: ['torch>=2.5'] },
          tool: { uv: { sources: { torch: [{ index: 'mine' }] }, index: [{ name: 'mine', url: PYTORCH('cu128'), explicit: true }] } },
        },
      }),
      options: {},
      catalog: EMBEDDED_CATALOG,
    });
    expect(plan.pyproject.torchRouting).toBe('project');
    expect(plan.pyproject.managed.index).toBeUndefined();
    expect(plan.decisions).toContainEqual(expect.objectContaining({ what: 'torch routing', choice: "the project's own" }));
    // --backend / --torch (replaceIndex) take the routing back.
    const replaced = makePlan({
      host: h100,
      project: projectFacts({
        ...project,
        pyprojectData: { project: { name: 'demo', dependencies: ['torch>=2.5'] }, tool: { uv: { sources: { torch: [{ index: 'mine' }] } } } },
      }),
      options: { backend: 'cu130', replaceIndex: true },
      catalog: EMBEDDED_CATALOG,
    });
    expect(replaced.pyproject.torchRouting).toBe('danlu');
  });
});

describe('pinEdits: what happens to an entry of the project the plan moves', () => {
  const moved = { name: 'torch', from: 'torch==2.1.2', to: 'torch==2.9.*', specifier: '==2.9.*', why: 'fits' };
  const own = (...entries: string[]) => ownEntries({ project: { dependencies: entries } });

  it('a requirement only other files name is written as planned', () => {
    expect(pinEdits([moved], own(), {})).toEqual([{ ...moved, action: 'write' }]);
  });

  it("a range of the project's that admits the planned build is held by a constraint, one that does not is a conflict", () => {
    expect(pinEdits([moved], own('torch>=2.0'), {}).map((e) => [e.from, e.to, e.action])).toEqual([['torch>=2.0', 'torch==2.9.*', 'constrain']]);
    expect(pinEdits([moved], own('torch<2.5'), {}).map((e) => e.action)).toEqual(['conflict']);
  });

  it('each entry keeps its own extras and marker; an entry for another platform or a direct URL is left as written', () => {
    const edits = pinEdits(
      [moved],
      own(
        "torch[opt]==2.1.2 ; sys_platform == 'linux'",
        "torch==2.1.2 ; sys_platform == 'darwin'",
        'torch @ https://example.org/torch-2.6.0+xpu-cp312-linux_x86_64.whl',
      ),
      { pins: 'follow' },
    );
    // The marker as PEP 508 normalizes it (double quotes).
    expect(edits.map((e) => [e.to, e.action])).toEqual([['torch[opt]==2.9.* ; sys_platform == "linux"', 'rewrite']]);
  });
});

describe("a team's source builds", () => {
  it("are configured for this machine's GPUs (its image's nvcc builds them), not the whole team's", () => {
    const project = projectFacts({ compilesCuda: { value: true, why: 'setup.py builds a CUDAExtension' } });
    const old = makePlan({ host: gtx1080ti, project, options: { team }, catalog: EMBEDDED_CATALOG });
    const fresh = makePlan({ host: rtx5090, project, options: { team }, catalog: EMBEDDED_CATALOG });
    expect(old.buildEnv.TORCH_CUDA_ARCH_LIST).toBe('6.1');
    expect(fresh.buildEnv.TORCH_CUDA_ARCH_LIST).toBe('12.0');
  });
});
