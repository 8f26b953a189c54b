import { join } from 'node:path';
import { EMBEDDED_CATALOG } from '../../src/catalog/index.js';
import { readHostFile } from '../../src/host/host-file.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { hostProfile } from '../../src/plan/testing/fixtures.js';
import type { K8sOptions } from '../../src/export/k8s.js';
import { DEFAULT_COMMAND } from '../../src/export/launch.js';
import type { Plan, PlanOptions } from '../../src/plan/types.js';
import { readProject } from '../../src/project/read-project.js';
import { HOST_FILES, REPO } from '../support/cli.js';

/** The fixed inputs of the export tests: a small project and a two-H100 host (alice, 1000:1000, 512 GiB). */
export const PROJECT = join(REPO, 'test', 'fixtures', 'export', 'project');
export const HOST = join(HOST_FILES, 'h100x2-ubuntu2404.json');
export const GOLDEN = join(REPO, 'test', 'fixtures', 'export');
export const IMAGE = 'registry.example.com/lab/vision-demo:0.1.0';

/** The plan the CLI makes for PROJECT with --host HOST, built without probing this machine. */
export async function fixturePlan(options: PlanOptions = {}, env: Record<string, string> = {}): Promise<Plan> {
  const host = await readHostFile(HOST, hostProfile({}));
  const project = await readProject(PROJECT);
  return makePlan({ host, project: { ...project, env: { ...project.env, ...env } }, options, catalog: EMBEDDED_CATALOG });
}

/** The shapes every target is tested with. */
export const SHAPES = [
  { id: '1gpu', gpus: 1, nodes: 1 },
  { id: '8gpu', gpus: 8, nodes: 1 },
  { id: '2x8gpu', gpus: 8, nodes: 2 },
] as const;

/** The options `danlu export k8s` passes by default (one GPU, one node, the claims), for a plan's user. */
export function k8sOptions(plan: Plan, over: Partial<K8sOptions> = {}): K8sOptions {
  return {
    gpus: 1,
    nodes: 1,
    image: IMAGE,
    command: DEFAULT_COMMAND,
    user: { uid: plan.user.uid, gid: plan.user.gid },
    lockWithMirror: false,
    hfCache: { claim: 'danlu-hf-cache', size: '200Gi' },
    uvCache: { claim: 'danlu-uv-cache', size: '50Gi' },
    pvcs: true,
    ...over,
  };
}
