import { describe, expect, it } from 'vitest';
import { EMBEDDED_CATALOG } from '../catalog/index.js';
import { makePlan } from '../plan/make-plan.js';
import { hostProfile, projectFacts } from '../plan/testing/fixtures.js';
import type { Plan } from '../plan/types.js';
import { renderRuntimeStage } from './dockerfile.js';
import { renderSyncScript, syncArgs } from './sync-script.js';

const base = makePlan({
  host: hostProfile({ gpus: ['NVIDIA H100 80GB HBM3'], driver: '580.95.05', cuda: '13.0' }),
  project: projectFacts(),
  options: {},
  catalog: EMBEDDED_CATALOG,
});

function withSync(sync: Plan['pyproject']['sync']): Plan {
  return { ...base, pyproject: { ...base.pyproject, sync } };
}

/** The `uv sync` / `uv export` selections a file runs (what follows `--frozen`, up to the next option of its own). */
function selections(text: string): string[] {
  return [...text.matchAll(/uv (?:sync|export) --frozen (.*?)(?= --no-install-workspace| --no-emit-workspace| --no-emit-project| --inexact|$)/gm)].map((m) =>
    m[1]!.trim(),
  );
}

describe('one selection for the dev container and the runtime image (field test D1, D2)', () => {
  it('the field-test shape (D1): the README syncs extras: uv-sync.sh and every runtime step pass the same --extra list', () => {
    const plan = withSync({ extras: ['accel', 'webui'], groups: 'all' });
    const dev = selections(renderSyncScript(plan));
    const runtime = selections(renderRuntimeStage(plan));
    expect(dev).toEqual(['--all-groups --extra accel --extra webui', '--all-groups --extra accel --extra webui', '--all-groups --extra accel --extra webui']);
    expect(runtime).toEqual(Array(3).fill('--no-dev --all-groups --extra accel --extra webui'));
  });

  it('the field-test shape (D2): README-only packages (group readme) are in the runtime image: every group but dev', () => {
    const runtime = syncArgs({ extras: [], groups: 'all' }, false);
    expect(runtime).toBe('--no-dev --all-groups');
    expect(renderRuntimeStage(withSync({ extras: [], groups: 'all' }))).toMatch(/uv sync --frozen --no-dev --all-groups --no-install-workspace$/m);
  });

  it('a second shape: groups that conflict (the plan lists them) and a team torch variant: the runtime lists the same groups but dev, the same variant', () => {
    const sync: Plan['pyproject']['sync'] = {
      extras: ['train'],
      groups: ['dev', 'readme', 'docs'],
      variantExtra: { variable: 'TORCH_EXTRA', fallback: 'cu128' },
    };
    expect(syncArgs(sync)).toBe('--group dev --group readme --group docs --extra train --extra "${TORCH_EXTRA:-cu128}"');
    expect(syncArgs(sync, false)).toBe('--no-dev --group readme --group docs --extra train --extra "${TORCH_EXTRA:-cu128}"');
    const runtime = selections(renderRuntimeStage(withSync(sync)));
    expect(new Set(runtime)).toEqual(new Set([syncArgs(sync, false)]));
    expect(new Set(selections(renderSyncScript(withSync(sync))))).toEqual(new Set([syncArgs(sync)]));
  });
});
