import { presetNamed, type MirrorKind } from '../catalog/mirrors.js';
import { ENV_MIRROR_KEYS, mirrorOfEnvValue } from '../project/dotenv.js';
import type { ProjectFacts } from '../project/types.js';
import { sourceBuildEnv, type WheelTarget } from '../wheels/index.js';
import type { PackagePlan } from './packages.js';
import { NCCL_CU118 } from './pyproject/plan-pyproject.js';
import type { Decision, MirrorPlan, PlanOptions, PlanStep } from './types.js';

/** The mirror preset (--mirror, else .env's), with the values already in .env kept. */
export function planMirrors(options: PlanOptions, env: Record<string, string>): PlanStep<MirrorPlan> {
  const probed = options.mirrorChoice;
  if (probed) return { value: { preset: probed.preset, urls: { ...probed.urls } }, decisions: probed.decisions, warnings: probed.warnings };
  const decisions: Decision[] = [];
  const presetName = options.mirror ?? (env.DANLU_MIRROR_PRESET === 'cn' ? 'cn' : 'global');
  const preset = presetNamed(presetName)!;
  const urls = { ...preset.choice };
  let custom = false;
  if (!options.mirror) {
    for (const [kind, key] of Object.entries(ENV_MIRROR_KEYS) as [MirrorKind, string][]) {
      if (!(key in env)) continue;
      const current = mirrorOfEnvValue(kind, env[key]);
      if (current !== urls[kind]) custom = true;
      urls[kind] = current;
    }
  }
  decisions.push({
    id: 'mirrors',
    what: 'mirrors',
    choice: custom ? `${presetName} with edits kept from .env` : presetName,
    why: options.mirror
      ? `--mirror ${options.mirror}: ${preset.description}`
      : custom
        ? 'values already in .env are kept (per-machine settings)'
        : `${preset.description}; per machine, in .env only`,
    source: 'catalog: mirror presets',
  });
  return { value: { preset: custom ? 'custom' : preset.name, urls }, decisions, warnings: [] };
}

/** torch's nvidia-nccl-cu11 replaced by a cu118 build: a cu118 torch on more than one GPU. */
export function planNccl(backend: string, gpuCount: number): PlanStep<boolean> {
  const ncclOverride = backend === 'cu118' && gpuCount > 1;
  const decisions: Decision[] = [];
  if (ncclOverride) {
    decisions.push({
      what: 'NCCL',
      choice: 'override nvidia-nccl-cu11 with a cu118 build',
      why: 'the nvidia-nccl-cu11 wheel torch depends on is built for cu110 and fails multi-GPU on CUDA 11.8',
      source: NCCL_CU118.source,
    });
  }
  return { value: ncclOverride, decisions, warnings: [] };
}

/** The build settings of the extensions built from source, per machine (its memory, its GPUs). */
export function planBuildEnv(packages: readonly PackagePlan[], project: ProjectFacts, target: WheelTarget): PlanStep<Record<string, string>> {
  const buildEnv = sourceBuildEnv(packages, project, target);
  const decisions: Decision[] = [];
  if (Object.keys(buildEnv).length > 0) {
    decisions.push({
      what: 'source builds',
      choice: Object.entries(buildEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      why: "the extensions the project builds from source: parallel jobs from this machine's memory, architectures from its GPUs; in the container environment of this machine (.devcontainer/docker-compose.extend.yml), not in pyproject.toml",
      source: 'rule: per-machine build settings',
    });
  }
  return { value: buildEnv, decisions, warnings: [] };
}
