import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DanluError, EXIT, quoted, type Location } from '../../lib/errors.js';
import type { Warning } from '../../plan/types.js';
import type { HostFacts } from '../../probe/types.js';
import type { JobOptions } from '../../export/job.js';
import { renderK8s, type AccessMode } from '../../export/k8s.js';
import { DEFAULT_COMMAND } from '../../export/launch.js';
import { defaultRuntimeImage, isLocalRuntimeImage } from '../../export/runtime-image.js';
import { splitWords } from '../../export/shell-words.js';
import { renderSlurm, SLURM_RUNTIMES, type SlurmRuntime } from '../../export/slurm.js';
import { sizeJob, type ClusterShape } from '../../export/sizing.js';
import { parseSize } from '../../export/size.js';
import { readClusters, TEAM_HOSTS_DIR } from '../../host/team-hosts.js';
import { probeSlurm } from '../../probe/slurm.js';
import { realDeps } from '../../probe/index.js';
import { writeJobFile, type WrittenJob } from '../../export/write-out.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { err, out, painter, printJson } from '../output.js';
import { PLAN_OPTIONS, planProject } from '../plan-project.js';

const K8S_ONLY = ['namespace', 'operator', 'storage-class', 'hf-cache', 'hf-cache-size', 'uv-cache', 'uv-cache-size', 'access-mode', 'no-pvcs'] as const;
const SLURM_ONLY = ['partition', 'time', 'account', 'cache-root', 'code', 'runtime', 'venv', 'cluster'] as const;

export default defineCommand({
  name: 'export',
  summary: 'Write a cluster job for the project: a Kubernetes Job (or Indexed Job, or PyTorchJob) or a Slurm sbatch script, running the runtime image.',
  afterDashDash: 'command',
  usage:
    'danlu export k8s|slurm [DIR] [--gpus N] [--nodes N] [--image REF] [--out FILE] [--operator kubeflow] [--runtime pyxis|none] [--cluster NAME] [--json] [-- COMMAND...]',
  options: {
    gpus: { type: 'string', value: 'N', description: 'GPUs per node (default 1, or none on a slurm partition without GPUs; 0 for a CPU job)' },
    nodes: { type: 'string', value: 'N', description: 'nodes (default 1); more than one runs torchrun across them' },
    image: { type: 'string', value: 'REF', description: 'the runtime image the cluster pulls (what `danlu build --target runtime --push REF` pushed)' },
    out: { type: 'string', value: 'FILE', description: 'write to FILE (atomically) instead of printing; a FILE you edited is kept unless --force' },
    force: { type: 'boolean', description: 'with --out: replace a FILE you edited (or that danlu did not write), saving a backup first' },
    command: { type: 'string', value: 'CMD', description: "the job's command (default: uv run --frozen python train.py); or give it after --" },
    name: { type: 'string', value: 'NAME', description: 'job name (default: the project slug)' },
    cpus: { type: 'string', value: 'N', description: "CPUs per node (default: slurm, the job's share of a node of the cluster; else 8 per GPU, at least 4)" },
    memory: {
      type: 'string',
      value: 'SIZE',
      description: "memory per node (default: slurm, the job's share of a node of the cluster; else /dev/shm + 32g per GPU)",
    },
    proxy: { type: 'string', value: 'URL', description: 'HTTP(S) proxy for the job (never taken from your shell; a user:password is left out)' },
    'no-proxy': { type: 'string', value: 'LIST', description: 'hosts the job reaches without the proxy (with --proxy)' },
    host: PLAN_OPTIONS.host,
    shm: { type: 'string', value: 'SIZE', description: '/dev/shm per node, e.g. 32g (default: SHM_SIZE of .env, as for the dev container)' },
    mirror: PLAN_OPTIONS.mirror,
    namespace: { type: 'string', value: 'NS', description: 'k8s: the namespace of every object' },
    operator: { type: 'string', value: 'NAME', description: 'k8s: `kubeflow` writes a PyTorchJob for the Kubeflow training operator' },
    'storage-class': { type: 'string', value: 'NAME', description: 'k8s: storage class of the cache claims' },
    'hf-cache': { type: 'string', value: 'CLAIM', description: 'k8s: PersistentVolumeClaim of the Hugging Face cache (default danlu-hf-cache)' },
    'hf-cache-size': { type: 'string', value: 'SIZE', description: 'k8s: its size (default 200Gi)' },
    'uv-cache': { type: 'string', value: 'CLAIM', description: "k8s: PersistentVolumeClaim of uv's cache (default danlu-uv-cache)" },
    'uv-cache-size': { type: 'string', value: 'SIZE', description: 'k8s: its size (default 50Gi)' },
    'access-mode': { type: 'string', value: 'MODE', description: 'k8s: ReadWriteMany (default) or ReadWriteOnce (single-node storage)' },
    'no-pvcs': { type: 'boolean', description: 'k8s: the claims exist already; do not write PersistentVolumeClaim objects' },
    partition: { type: 'string', value: 'NAME', description: 'slurm: #SBATCH --partition' },
    time: { type: 'string', value: 'LIMIT', description: 'slurm: #SBATCH --time, e.g. 24:00:00' },
    account: { type: 'string', value: 'NAME', description: 'slurm: #SBATCH --account' },
    'cache-root': { type: 'string', value: 'DIR', description: 'slurm: host folder of the caches (default $HOME/.cache on the cluster)' },
    code: { type: 'string', value: 'FROM', description: 'slurm: `mount` the submit folder over the project (default) or run the `image` copy' },
    runtime: {
      type: 'string',
      value: 'NAME',
      description: 'slurm: `pyxis` runs the runtime image (default); `none` syncs the locked environment with uv on the nodes',
    },
    venv: {
      type: 'string',
      value: 'DIR',
      description: 'slurm, --runtime none: where the environment lives on the cluster (default $HOME/.cache/danlu/envs/NAME)',
    },
    cluster: { type: 'string', value: 'NAME', description: 'slurm: size the job for the cluster profile NAME (`danlu host add NAME` on its login node)' },
    ...COMMON_OPTIONS,
  },
  details: `
The job runs the runtime image: the dev image plus the locked environment and the project
(\`docker build -f .devcontainer/Dockerfile --target runtime .\`, what \`danlu build --target runtime\`
runs). Without --image the job names the local image danlu-run/<slug>:<hash>, which a cluster
cannot pull: push it and pass --image REF.

k8s: one Job; with --nodes > 1 an Indexed Job and a headless Service (torchrun with the node
rank from the completion index); with --operator kubeflow a PyTorchJob (Master + Workers).
nvidia.com/gpu limits, /dev/shm as a memory-backed emptyDir sized like shm_size, claims for
the Hugging Face and uv caches, the image user as runAsUser/fsGroup.
slurm: an sbatch script, one task per node, torchrun with the rendezvous on the first node.
--runtime pyxis (default) runs the runtime image through pyxis/enroot (--container-image,
--container-mounts, --container-workdir); --runtime none runs on the nodes themselves: uv syncs
the locked environment (uv.lock) into --venv, then the command runs in it. Either script checks
first that the cluster has what it needs (pyxis; uv and uv.lock) and stops with one line if not.
The job's GPUs, CPUs and memory: the options given, else its share of a node of the partition
(--partition, or the default one) as the cluster describes it: the profile --cluster NAME, else
\`sinfo\` when run on a login node, else the only cluster profile in .devcontainer/hosts; else
danlu's defaults. The script's header says which.

With more than one process, \`python SCRIPT ...\` runs under torchrun. Mirrors come from .env
(or --mirror); a proxy only from --proxy, never with its credentials.
--out FILE follows init's rule: a FILE danlu wrote and nobody edited is replaced; one you edited
(or that danlu did not write) is kept, exit 1, unless --force, which saves it under
.danlu/backup/ beside it first. FILE's folder must exist.
--json prints {"target", "kind", "name", "image", "nodes", "gpusPerNode", "runtime", "sizing", "out", "backup", "objects", "warnings", "text"}
(runtime and sizing: null for k8s; image: null for --runtime none).`,
  async run({ values, positionals, rest }) {
    const target = positionals[0];
    if (target !== 'k8s' && target !== 'slurm') {
      throw new DanluError(target ? `export ${target}: expected k8s or slurm` : 'export: which cluster? expected k8s or slurm', {
        hint: 'danlu export k8s --gpus 8, or danlu export slurm --nodes 2 --gpus 8',
      });
    }
    if (positionals.length > 2) throw new DanluError(`export: one project folder, found ${positionals.slice(1).join(' ')}`);
    const wrong = (target === 'k8s' ? SLURM_ONLY : K8S_ONLY).filter((k) => values[k] !== undefined);
    if (wrong.length > 0) throw new DanluError(`--${wrong[0]} is for \`danlu export ${target === 'k8s' ? 'slurm' : 'k8s'}\``);
    if (values.operator !== undefined && values.operator !== 'kubeflow') throw new DanluError(`--operator ${values.operator}: expected kubeflow`);
    if (values.code !== undefined && values.code !== 'mount' && values.code !== 'image') throw new DanluError(`--code ${values.code}: expected mount or image`);
    const accessMode = values['access-mode'];
    if (accessMode !== undefined && accessMode !== 'ReadWriteMany' && accessMode !== 'ReadWriteOnce') {
      throw new DanluError(`--access-mode ${accessMode}: expected ReadWriteMany or ReadWriteOnce`);
    }
    if (values.command !== undefined && rest.length > 0) throw new DanluError('give the command with --command or after --, not both');
    const runtime = (values.runtime ?? 'pyxis') as SlurmRuntime;
    if (!SLURM_RUNTIMES.includes(runtime)) throw new DanluError(`--runtime ${values.runtime}: expected ${SLURM_RUNTIMES.join(' or ')}`);
    if (runtime === 'none' && values.image !== undefined) throw new DanluError('--image goes with --runtime pyxis: --runtime none runs no image');

    const planned = await planProject(positionals[1], { host: values.host, shm: values.shm, mirror: values.mirror });
    const { plan, dir } = planned;
    const dotenv = planned.project.env;
    // .env's SHM_SIZE sizes /dev/shm here as in the dev container: a bad one is replaced, with init's warning.
    const warnings: Warning[] = plan.warnings.filter((w) => w.id === 'env-shm-invalid');

    const command = rest.length > 0 ? rest : values.command !== undefined ? splitWords(values.command) : DEFAULT_COMMAND;
    if (command === DEFAULT_COMMAND && !(await exists(join(dir, 'train.py')))) {
      warnings.push({
        id: 'no-train-py',
        message: `the default command runs train.py, and ${dir} has none`,
        fix: "name the job's command: --command 'uv run --frozen python -m mypkg.train' (or after --)",
      });
    }
    const container = target === 'k8s' || runtime === 'pyxis';
    const image = values.image ?? (container ? await defaultRuntimeImage(dir, plan, planned.catalog, dotenv) : '');
    if (container && isLocalRuntimeImage(image)) {
      warnings.push({
        id: 'image-not-pushed',
        message: `${image} exists only where it was built; the cluster cannot pull it`,
        fix:
          target === 'k8s'
            ? 'danlu build --target runtime --push REGISTRY/NAME:TAG, then export again with --image REGISTRY/NAME:TAG'
            : 'push it (danlu build --target runtime --push REGISTRY/NAME:TAG) and pass --image, or `enroot import -o IMAGE.sqsh dockerd://IMAGE` and pass --image /path/IMAGE.sqsh',
      });
    }
    const gpus = int(values.gpus, '--gpus');
    const cpus = int(values.cpus, '--cpus');
    const sizing =
      target === 'slurm'
        ? sizeJob(
            await clusterFor(dir, values.cluster, planned.host),
            {
              ...(values.partition !== undefined ? { partition: values.partition } : {}),
              wantGpus: plan.accelerator !== 'cpu',
              ...(gpus !== undefined ? { gpus } : {}),
              ...(cpus !== undefined ? { cpus } : {}),
              ...(values.memory !== undefined ? { memory: values.memory } : {}),
            },
            { bytes: parseSize(plan.shmSize, 'shm size'), text: plan.shmSize },
          )
        : null;
    const job: JobOptions = {
      gpus: sizing?.gpus ?? gpus ?? 1,
      nodes: int(values.nodes, '--nodes') ?? 1,
      image,
      command,
      user: {
        uid: int(dotenv.USER_UID, 'USER_UID', planned.project.envAt?.USER_UID) ?? plan.user.uid,
        gid: int(dotenv.USER_GID, 'USER_GID', planned.project.envAt?.USER_GID) ?? plan.user.gid,
      },
      lockWithMirror: plan.lockWithMirror,
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...((sizing?.cpus ?? cpus) !== undefined ? { cpus: (sizing?.cpus ?? cpus)! } : {}),
      ...((sizing?.memory ?? values.memory) !== undefined ? { memory: (sizing?.memory ?? values.memory)! } : {}),
      ...(values.proxy !== undefined ? { proxy: values.proxy } : {}),
      ...(values['no-proxy'] !== undefined ? { noProxy: values['no-proxy'] } : {}),
    };

    let text: string;
    let kind: string;
    let name: string;
    let objects: { kind: string; name: string }[] = [];
    let shownImage: string | null = image;
    if (target === 'k8s') {
      const r = renderK8s(plan, {
        ...job,
        ...(values.proxy !== undefined && values['no-proxy'] === undefined ? { noProxy: 'localhost,127.0.0.1,.svc,.cluster.local' } : {}),
        ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
        ...(values.operator === 'kubeflow' ? { operator: 'kubeflow' as const } : {}),
        ...(values['storage-class'] !== undefined ? { storageClass: values['storage-class'] } : {}),
        hfCache: { claim: values['hf-cache'] ?? 'danlu-hf-cache', size: values['hf-cache-size'] ?? '200Gi' },
        uvCache: { claim: values['uv-cache'] ?? 'danlu-uv-cache', size: values['uv-cache-size'] ?? '50Gi' },
        ...(accessMode !== undefined ? { accessMode: accessMode as AccessMode } : {}),
        pvcs: !values['no-pvcs'],
      });
      ({ text, kind } = r);
      name = r.spec.name;
      objects = r.objects.map((o) => ({ kind: o.kind, name: o.metadata?.name ?? '' }));
      warnings.push(...r.warnings);
    } else {
      const r = renderSlurm(plan, {
        ...job,
        runtime,
        ...(values.venv !== undefined ? { venv: values.venv } : {}),
        sizing: sizing!.says,
        ...(sizing!.partition !== undefined ? { partition: sizing!.partition } : {}),
        ...(values.time !== undefined ? { time: values.time } : {}),
        ...(values.account !== undefined ? { account: values.account } : {}),
        ...(values['cache-root'] !== undefined ? { cacheRoot: values['cache-root'] } : {}),
        code: (values.code as 'mount' | 'image' | undefined) ?? 'mount',
      });
      text = r.text;
      kind = 'sbatch';
      name = r.spec.name;
      shownImage = r.image;
      warnings.push(...r.warnings);
    }

    if (values.force && values.out === undefined) throw new DanluError('--force goes with --out FILE (it replaces a FILE you edited)');
    let written: WrittenJob | null = null;
    if (values.out !== undefined) {
      written = await writeJobFile(values.out, text, {
        force: values.force === true,
        example: target === 'k8s' ? 'job.yaml' : 'train.sbatch',
        ...(target === 'slurm' ? { mode: 0o755 } : {}),
      });
    }
    const outPath = written?.path ?? null;

    if (values.json) {
      printJson({
        target,
        kind,
        name,
        image: shownImage,
        nodes: job.nodes,
        gpusPerNode: job.gpus,
        runtime: target === 'slurm' ? runtime : null,
        sizing: sizing?.says ?? null,
        out: outPath,
        backup: written?.backup ?? null,
        objects,
        warnings,
        text,
      });
      return EXIT.ok;
    }
    const p = painter(process.stderr);
    if (outPath === null) out(text);
    for (const w of warnings) err(`${p.yellow('warn')}  ${w.message}${w.fix ? p.dim(`\n      fix: ${w.fix}`) : ''}`);
    if (written !== null) {
      const what = `(${kind}${target === 'k8s' ? `: ${objects.map((o) => o.kind).join(', ')}` : ''})`;
      err(written.action === 'unchanged' ? `${p.dim('unchanged')} ${written.path} ${what}` : `${p.green('wrote')} ${written.path} ${what}`);
      if (written.backup !== null) err(`      your previous file is saved as ${written.backup}`);
      err(target === 'k8s' ? `Next: kubectl apply -f ${values.out}` : `Next: sbatch ${values.out} (from the project folder on the cluster)`);
    }
    return EXIT.ok;
  },
});

/**
 * The cluster a Slurm job is sized for: the profile --cluster NAME; else this machine's own
 * cluster when sinfo answers (a login node); else the only cluster profile of the project.
 */
async function clusterFor(dir: string, name: string | undefined, host: HostFacts): Promise<ClusterShape | null> {
  const profiles = await readClusters(dir, host);
  const file = (n: string) => join(TEAM_HOSTS_DIR, `${n}.json`);
  if (name !== undefined) {
    const found = profiles.find((c) => c.name === name);
    if (!found) {
      throw new DanluError(
        `--cluster ${name}: ${file(name)} is not a cluster profile${profiles.length ? ` (there: ${profiles.map((c) => c.name).join(', ')})` : ''}`,
        {
          hint: `run \`danlu host add ${name}\` on the cluster's login node (where sinfo works) and copy ${file(name)} here`,
        },
      );
    }
    return { source: `the cluster profile ${name}`, slurm: found.slurm };
  }
  const here = await probeSlurm(realDeps());
  if (here.facts) return { source: 'sinfo on this machine', slurm: here.facts };
  if (profiles.length === 1) return { source: `the cluster profile ${profiles[0]!.name}`, slurm: profiles[0]!.slurm };
  return null;
}

/** A whole number from an option, or from a value of .env (`at`: where it is written). */
function int(text: string | undefined, what: string, at?: Location): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text.trim())) throw new DanluError(`${what} ${quoted(text)}: expected a whole number`, at ? { location: at } : {});
  return Number(text.trim());
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
