import type { Catalog } from '../catalog/index.js';
import type { HostFacts } from '../probe/types.js';
import type { ProjectFacts } from '../project/types.js';
import { mergeConflicts, planAlternatives, planSolvedAlternatives } from './alternatives.js';
import { assemblePlan } from './assemble.js';
import { planPython } from './choose-python.js';
import { collector } from './collect.js';
import { planImage, userImagesOf } from './container.js';
import { planBuildEnv, planMirrors, planNccl } from './environment.js';
import { planGpuRequest, planHostGpus } from './host-gpus.js';
import { aptPackagesOf, planSpecialPackages, wheelTargetOf } from './packages.js';
import { planPyprojectFile, requiresPythonOf } from './pyproject-file.js';
import { planPythonSourceStep } from './python-source.js';
import { planContainerUser, planShm } from './resources.js';
import { planTeam } from './team.js';
import { planTorchBuild, torchPlanOf } from './torch-build.js';
import { planTorchRequest } from './torch-request.js';
import type { Plan, PlanOptions } from './types.js';

export interface PlanInput {
  host: HostFacts;
  project: ProjectFacts;
  options: PlanOptions;
  catalog: Catalog;
}

export { ENV_MIRROR_KEYS } from '../project/dotenv.js';

/**
 * The plan for this machine, step by step; each step's decisions and warnings are appended in
 * the order the steps run (the CLI's output and `plan --explain` show them in that order).
 */
export function makePlan({ host, project: given, options: asked, catalog }: PlanInput): Plan {
  // Alternatives uv found in an earlier run (still in the file) are taken again, with this run's.
  const earlier = given.earlierConflicts ?? [];
  const options: PlanOptions =
    earlier.length > 0 ? { ...asked, solved: { ...asked.solved, conflicts: mergeConflicts(earlier, asked.solved?.conflicts ?? []) } } : asked;
  const steps = collector();
  const gpus = steps.take(planHostGpus(host, options, catalog));
  // One requirements file per accelerator: the one for this machine is the project's.
  const byFile = steps.take(planAlternatives(given, { gpus: gpus.gpuSel.selected.length, driverCuda: gpus.driverCuda }));
  // Extras uv found cannot be installed with the ones this machine installs: theirs decide nothing.
  const project = steps.take(planSolvedAlternatives(byFile, options.solved?.conflicts ?? []));
  const team = steps.take(planTeam(host, options.team, catalog));
  const request = steps.take(planTorchRequest({ host, project, options, catalog, team, gpus }));
  const build = steps.take(planTorchBuild({ catalog, host, options, team, gpus, request }));
  const { torch } = build;
  const python = steps.take(planPython(torch.release, project, options, request.projectPython));
  const special = steps.take(planSpecialPackages({ project, request, torch, python }));
  const image = steps.take(planImage({ catalog, host, options, gpus, torch, split: build.split, compiles: special.compiles }));
  const gpu = steps.take(planGpuRequest(gpus.gpuSel));
  const shmSize = steps.take(planShm(options.shm, project.env.SHM_SIZE, host.memoryBytes));
  const mirrors = steps.take(planMirrors(options, project.env));
  const pythonSource = steps.take(planPythonSourceStep(image.cuda.ubuntu, python, mirrors));
  const user = steps.take(planContainerUser(options.user, host));
  const ncclOverride = steps.take(planNccl(torch.backend.name, gpus.gpuSel.selected.length));
  const userImages = steps.take(userImagesOf(project.env));
  const lockWithMirror = options.lockWithMirror ?? project.lockWithMirror ?? false;
  const requiresPython = requiresPythonOf(project, python, torch.release.python);
  const torchPlan = torchPlanOf({ catalog, project, options, request, build });
  const aptPackages = aptPackagesOf(project, special.packages);
  // Pins tied to a torch the plan replaced are written as lower bounds, like the solve's.
  const relax = [...(options.solved?.relax ?? []), ...special.relax.filter((r) => !options.solved?.relax?.some((x) => x.name === r.name))];
  const pyproject = steps.take(
    planPyprojectFile({
      host,
      project,
      options: relax.length > 0 ? { ...options, solved: { ...options.solved, relax } } : options,
      python,
      requiresPython,
      torch: torchPlan,
      packages: special.packages,
      ncclOverride,
      aptPackages,
      lockWithMirror,
    }),
  );
  // Source builds run on this machine, with its image's nvcc: for its own GPUs, not the team's.
  const ownGpus = gpus.gpuSel.selected.map((g) => ({ computeCapability: g.computeCapability }));
  const buildEnv = steps.take(planBuildEnv(special.packages, project, { ...wheelTargetOf(request.wheelBase, python, torch), gpus: ownGpus }));
  const parts = {
    python,
    pythonSource,
    requiresPython,
    cuda: image.cuda,
    torch: torchPlan,
    committed: image.committed,
    gpus: gpus.gpuSel.selected,
    gpu,
    user,
    shmSize,
    mirrors,
    userImages,
    compilesCuda: special.compiles.value,
    aptPackages,
    packages: special.packages,
    machine: request.machine,
    ncclOverride,
    buildEnv,
    lockWithMirror,
    pyproject,
  };
  return assemblePlan({ host, project, options, catalog, parts, steps });
}
