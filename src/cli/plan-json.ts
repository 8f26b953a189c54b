import { plansNoTorch } from '../plan/pyproject/plan-pyproject.js';
import { maskSecretsDeep } from '../lib/secrets.js';
import type { Plan } from '../plan/types.js';

/**
 * The documented, stable JSON shape of a plan (README: "JSON output"). Mirrors come from .env,
 * which may give them a user and a token: every URL's user info is masked.
 */
export function planJson(plan: Plan) {
  return maskSecretsDeep({
    project: plan.project,
    python: plan.python,
    pythonSource: plan.pythonSource,
    requiresPython: plan.requiresPython,
    accelerator: plan.accelerator,
    cuda: { version: plan.cuda.version, image: plan.cuda.image, ubuntu: plan.cuda.ubuntu },
    torch: {
      version: plan.torch.version,
      backend: plan.torch.backend,
      index: plan.torch.index,
      abi: plan.torch.abi,
      specifier: plan.torch.specifier,
      torchvision: plan.torch.torchvision,
      torchaudio: plan.torch.torchaudio,
      xformers: plan.torch.xformers,
      archs: plan.torch.archs,
      ptx: plan.torch.ptx,
      variants: plan.torch.variants,
      extra: plan.torch.extra,
      hostFit: plan.torch.hostFit,
    },
    gpus: plan.gpus.map((g) => ({
      index: g.index,
      name: g.name,
      computeCapability: g.computeCapability,
      memoryMiB: g.memoryMiB,
      class: g.class ?? 'unknown',
    })),
    gpuRequest: plan.gpu,
    user: { name: plan.user.containerName, uid: plan.user.uid, gid: plan.user.gid, home: plan.user.home },
    shmSize: plan.shmSize,
    mirrors: plan.mirrors,
    compilesCuda: plan.compilesCuda,
    ncclOverride: plan.ncclOverride,
    solve: plan.solve ?? null,
    warnings: plan.warnings,
    decisions: plan.decisions,
    catalog: plan.catalog,
  });
}

/** The joint solve in one line for people: how the plan was checked against the project's whole graph. */
export function solveLine(plan: Plan): string | null {
  const s = plan.solve;
  if (!s) return null;
  return s.summary;
}

export function planSummary(plan: Plan): string {
  const gpus = plan.gpus.length === 0 ? 'no GPU' : summarizeGpus(plan);
  // A project without torch: the build `uv add torch` would take, not one it installs.
  const torch = plansNoTorch(plan.decisions)
    ? `no torch (\`uv add torch\` takes ${plan.torch.version}, ${plan.torch.backend})`
    : `torch ${plan.torch.version} (${plan.torch.backend})`;
  return `${torch} · ${plan.cuda.image} · Python ${plan.python} · ${gpus}`;
}

function summarizeGpus(plan: Plan): string {
  const counts = new Map<string, number>();
  for (const g of plan.gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1);
  return [...counts].map(([name, n]) => `${n}× ${name.replace(/^NVIDIA /, '')}`).join(', ');
}
