import { requirementName } from '../../project/toml.js';
import { TORCH_FAMILY } from '../../lib/py.js';
import type { Decision, TorchVariant } from '../types.js';
import { TORCH_MARKER, TORCH_ROUTED } from './plan-pyproject.js';
import type { PyprojectPlan, TomlValue } from './types.js';

/** The variable of each machine's .env that names its variant's extra (uv-sync.sh reads it). */
export const TORCH_EXTRA_VAR = 'TORCH_EXTRA';

export const variantIndexName = (v: TorchVariant) => `pytorch-${v.backend}`;

/**
 * uv's pattern for one lock over several CUDA variants: torch and its companions move from the
 * main dependencies into one extra per variant; the extras conflict (uv locks each fork apart);
 * the sources route each extra to its own PyTorch index. The first variant is the default.
 */
/** `planned`: the torch entries the plan writes when the main dependencies hold none (the extras do already). */
export function splitByVariant(
  p: PyprojectPlan,
  variants: readonly TorchVariant[],
  planned: readonly string[],
): { pyproject: PyprojectPlan; decision: Decision } {
  const inMain = p.dependencies.filter((d) => TORCH_FAMILY.has(requirementName(d) ?? ''));
  const family = inMain.length > 0 ? inMain : [...planned];
  const extras = { ...p.extras };
  for (const v of variants) extras[v.extra] = [...family];
  // uv refuses a source for an extra that does not list the package: only what moved is routed.
  const moved = new Set(family.map((d) => requirementName(d)));
  const torchSources: Record<string, TomlValue> = {};
  for (const pkg of TORCH_ROUTED.filter((n) => moved.has(n)))
    torchSources[pkg] = variants.map((v) => ({ index: variantIndexName(v), extra: v.extra, marker: TORCH_MARKER }));
  const [first, ...rest] = variants;
  const pyproject: PyprojectPlan = {
    ...p,
    dependencies: p.dependencies.filter((d) => !inMain.includes(d)),
    extras,
    conflicts: [...p.conflicts, variants.map((v) => ({ extra: v.extra }))],
    torchSources,
    torchRouting: 'danlu',
    index: { ...p.index, name: variantIndexName(first!), url: first!.index },
    extraIndexes: [...p.extraIndexes, ...rest.map((v) => ({ name: variantIndexName(v), url: v.index, explicit: true }))],
    sync: { ...p.sync, variantExtra: { variable: TORCH_EXTRA_VAR, fallback: first!.extra } },
  };
  return {
    pyproject,
    decision: {
      what: 'torch extras',
      choice: variants.map((v) => v.extra).join(', '),
      why: `${family.map((d) => requirementName(d)).join(', ')} in one extra per CUDA variant, each from its PyTorch index, declared as conflicting so one uv.lock holds them all; uv-sync.sh installs the extra ${TORCH_EXTRA_VAR} in .env names (${first!.extra} when unset)`,
      source: "uv docs: 'Using uv with PyTorch', configuring accelerator optional dependencies",
    },
  };
}
