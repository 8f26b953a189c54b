import type { Plan } from '../plan/types.js';

/**
 * The uv sync / uv export selection the plan made (plan.pyproject.sync: its groups, the extras
 * the README installs, a team's torch variant), for the dev container (`dev`: uv-sync.sh) and
 * for the runtime image (the Dockerfile's runtime stage) alike: both render this one list.
 *
 * The runtime image holds what the dev container holds except the `dev` group (danlu's and the
 * project's development tools: ipykernel, pytest), so `--no-dev` with every other group. The
 * packages only the README installs live in the `readme` group, not in [project] dependencies:
 * those are the package's published metadata (a wheel built from the project would require
 * them), and the README did not make them requirements of the package; the runtime selects the
 * group instead, so a job on the cluster imports what the dev container imports. Groups the
 * README syncs (`uv sync --group X`) come along the same way.
 */
export function syncArgs(sync: Plan['pyproject']['sync'], dev = true): string {
  const groups =
    sync.groups === 'all'
      ? dev
        ? ['--all-groups']
        : ['--no-dev', '--all-groups']
      : [...(dev ? [] : ['--no-dev']), ...sync.groups.filter((g) => dev || g !== 'dev').flatMap((g) => ['--group', g])];
  const variant = sync.variantExtra ? ['--extra', `"\${${sync.variantExtra.variable}:-${sync.variantExtra.fallback}}"`] : [];
  return [...groups, ...sync.extras.flatMap((e) => ['--extra', e]), ...variant].join(' ');
}
