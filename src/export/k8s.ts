import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { Document } from 'yaml';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { DanluError } from '../lib/errors.js';
import type { Plan, Warning } from '../plan/types.js';
import { VERSION } from '../lib/product.js';
import { withHeader } from '../render/header.js';
import { describeShape, jobSpec, CACHE_MOUNTS, RDZV_PORT, type JobOptions, type JobSpec } from './job.js';
import { launch, torchrunFlag } from './launch.js';
import { k8sQuantity, parseSize } from './size.js';
import { ACCELERATORS } from '../catalog/accelerator.js';

/** kubeflow.org/v1 PyTorchJob (training operator); its pod templates are core/v1 ones. */
export interface PyTorchJob {
  apiVersion: 'kubeflow.org/v1';
  kind: 'PyTorchJob';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    nprocPerNode?: string;
    runPolicy?: { backoffLimit?: number; cleanPodPolicy?: 'None' | 'Running' | 'All' };
    pytorchReplicaSpecs: Partial<
      Record<'Master' | 'Worker', { replicas: number; restartPolicy: 'Never' | 'OnFailure' | 'Always' | 'ExitCode'; template: IPodTemplateSpec }>
    >;
  };
}

export type K8sObject = IPersistentVolumeClaim | IService | IJob | PyTorchJob;

export type AccessMode = 'ReadWriteMany' | 'ReadWriteOnce';

export interface K8sOptions extends JobOptions {
  namespace?: string;
  /** `kubeflow`: a PyTorchJob for the training operator instead of a batch/v1 Job. */
  operator?: 'kubeflow';
  storageClass?: string;
  /** PersistentVolumeClaims of the caches: names and sizes. */
  hfCache: { claim: string; size: string };
  uvCache: { claim: string; size: string };
  /** Default: ReadWriteMany (the caches are shared by every pod, on every node). */
  accessMode?: AccessMode;
  /** Emit the PersistentVolumeClaim objects (false: the claims exist already). */
  pvcs: boolean;
}

export interface K8sExport {
  kind: 'Job' | 'IndexedJob' | 'PyTorchJob';
  spec: JobSpec;
  objects: K8sObject[];
  text: string;
  warnings: Warning[];
}

/** The operator's conventions: container `pytorch`, port `pytorchjob-port`, MASTER_ADDR/MASTER_PORT/RANK set. */
const KUBEFLOW_CONTAINER = 'pytorch';
const KUBEFLOW_PORT = 23456;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkLabel(value: string, what: string): void {
  if (!DNS_LABEL.test(value) || value.length > 63) {
    throw new DanluError(`${what} ${JSON.stringify(value)}: expected a DNS label (lower-case letters, digits, dashes; at most 63)`);
  }
}

/** Job, Indexed Job (+ headless Service) or PyTorchJob, with the cache claims; pure. */
export function renderK8s(plan: Plan, o: K8sOptions): K8sExport {
  const warnings: Warning[] = [];
  const spec = jobSpec(plan, o, warnings);
  const kind = o.operator === 'kubeflow' ? 'PyTorchJob' : spec.nodes > 1 ? 'IndexedJob' : 'Job';
  const accessMode = o.accessMode ?? 'ReadWriteMany';
  if (o.namespace) checkLabel(o.namespace, '--namespace');
  for (const c of [o.hfCache, o.uvCache]) {
    checkLabel(c.claim, 'claim name');
    parseSize(c.size, 'cache size');
  }
  if (accessMode === 'ReadWriteOnce' && spec.nodes > 1) {
    throw new DanluError(`--access-mode ReadWriteOnce: pods on ${spec.nodes} nodes cannot all mount a ReadWriteOnce claim`, {
      hint: 'use ReadWriteMany storage (NFS, CephFS, a cloud file system) for multi-node jobs',
    });
  }
  const labels = { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/created-by': 'danlu' };
  const meta = (name: string) => ({ name, ...(o.namespace ? { namespace: o.namespace } : {}), labels });

  const objects: K8sObject[] = [];
  if (o.pvcs) {
    for (const c of [o.hfCache, o.uvCache]) {
      objects.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: c.claim, ...(o.namespace ? { namespace: o.namespace } : {}), labels: { 'app.kubernetes.io/created-by': 'danlu' } },
        spec: {
          accessModes: [accessMode],
          resources: { requests: { storage: k8sQuantity(parseSize(c.size)) } },
          ...(o.storageClass ? { storageClassName: o.storageClass } : {}),
        },
      });
    }
  }

  const flag = (n: string) => torchrunFlag(n, spec.torchVersion);
  const procs = spec.nodes * spec.procsPerNode;
  const rdzvEnv: IEnvVar[] = [];
  let torchrun: string[];
  if (spec.nodes === 1) {
    torchrun = [flag('standalone'), `${flag('nproc-per-node')}=${spec.procsPerNode}`];
  } else if (kind === 'PyTorchJob') {
    // The operator sets MASTER_ADDR, MASTER_PORT and RANK (the node's rank) in each pod.
    torchrun = [
      `${flag('nnodes')}=${spec.nodes}`,
      `${flag('nproc-per-node')}=${spec.procsPerNode}`,
      `${flag('node-rank')}=$(RANK)`,
      `${flag('master-addr')}=$(MASTER_ADDR)`,
      `${flag('master-port')}=$(MASTER_PORT)`,
    ];
  } else {
    // Indexed Job: pod i is <job>-i, reachable as <job>-i.<service> through the headless Service.
    rdzvEnv.push(
      { name: 'MASTER_ADDR', value: `${spec.name}-0.${spec.name}` },
      { name: 'MASTER_PORT', value: String(RDZV_PORT) },
      { name: 'NNODES', value: String(spec.nodes) },
      { name: 'NPROC_PER_NODE', value: String(spec.procsPerNode) },
      { name: 'NODE_RANK', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    );
    torchrun = [
      `${flag('nnodes')}=$(NNODES)`,
      `${flag('nproc-per-node')}=$(NPROC_PER_NODE)`,
      `${flag('node-rank')}=$(NODE_RANK)`,
      `${flag('master-addr')}=$(MASTER_ADDR)`,
      `${flag('master-port')}=$(MASTER_PORT)`,
    ];
  }
  const launched = launch(spec.command, procs, torchrun, warnings, spec.torch);

  // The device resource (and the taint GPU nodes carry) of the plan's accelerator; a CPU plan
  // asked for GPUs (warned: cpu-torch-on-gpus) gets them as NVIDIA's, as Slurm's gres does.
  const resource = ACCELERATORS[spec.accelerator].k8sResource ?? ACCELERATORS.cuda.k8sResource;
  const gpuLimit: Record<string, number> = spec.gpusPerNode > 0 && resource ? { [resource]: spec.gpusPerNode } : {};
  const memory = k8sQuantity(spec.memoryBytes);
  const container = (name: string, ports: IContainer['ports']): IContainer => ({
    name,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    workingDir: spec.workdir,
    command: launched.argv.map(String),
    env: [...spec.env.map(([n, value]) => ({ name: n, value })), ...rdzvEnv],
    ...(ports ? { ports } : {}),
    resources: {
      requests: { cpu: spec.cpus, memory },
      limits: { memory, ...gpuLimit },
    },
    volumeMounts: [
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'hf-cache', mountPath: CACHE_MOUNTS.huggingface },
      { name: 'uv-cache', mountPath: CACHE_MOUNTS.uv },
    ],
  });
  const podSpec = (c: IContainer, extra: Partial<IPodSpec> = {}): IPodSpec => ({
    restartPolicy: 'Never',
    ...extra,
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    securityContext: {
      runAsUser: spec.user.uid,
      runAsGroup: spec.user.gid,
      ...(spec.user.uid !== 0 ? { runAsNonRoot: true, fsGroup: spec.user.gid, fsGroupChangePolicy: 'OnRootMismatch' as const } : {}),
    },
    ...(spec.gpusPerNode > 0 && resource ? { tolerations: [{ key: resource, operator: 'Exists' as const, effect: 'NoSchedule' as const }] } : {}),
    containers: [c],
    volumes: [
      // DataLoader workers pass batches through /dev/shm; a container's default is 64 MiB.
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8sQuantity(spec.shmBytes) } },
      { name: 'hf-cache', persistentVolumeClaim: { claimName: o.hfCache.claim } },
      { name: 'uv-cache', persistentVolumeClaim: { claimName: o.uvCache.claim } },
    ],
  });
  const template = (c: IContainer, extra: Partial<IPodSpec> = {}): IPodTemplateSpec => ({ metadata: { labels }, spec: podSpec(c, extra) });

  if (kind === 'PyTorchJob') {
    const ports = [{ name: 'pytorchjob-port', containerPort: KUBEFLOW_PORT }];
    const replica = (replicas: number) => ({ replicas, restartPolicy: 'Never' as const, template: template(container(KUBEFLOW_CONTAINER, ports)) });
    objects.push({
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: meta(spec.name),
      spec: {
        nprocPerNode: String(spec.procsPerNode),
        runPolicy: { backoffLimit: 0, cleanPodPolicy: 'None' },
        pytorchReplicaSpecs: { Master: replica(1), ...(spec.nodes > 1 ? { Worker: replica(spec.nodes - 1) } : {}) },
      },
    });
  } else if (kind === 'IndexedJob') {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(spec.name),
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: labels,
        ports: [{ name: 'rdzv', port: RDZV_PORT, targetPort: RDZV_PORT }],
      },
    });
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(spec.name),
      spec: {
        completionMode: 'Indexed',
        completions: spec.nodes,
        parallelism: spec.nodes,
        backoffLimit: 0,
        template: template(container('train', [{ name: 'rdzv', containerPort: RDZV_PORT }]), { subdomain: spec.name }),
      },
    });
  } else {
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(spec.name),
      spec: { backoffLimit: 0, template: template(container('train', undefined)) },
    });
  }

  const what =
    kind === 'PyTorchJob'
      ? 'a PyTorchJob (Kubeflow training operator)'
      : kind === 'IndexedJob'
        ? 'an Indexed Job and its headless Service (the rendezvous)'
        : 'a Job';
  const head = [
    `Generated by danlu ${VERSION}: ${what} of ${spec.project}, ${describeShape(spec)}, NVIDIA device plugin.`,
    `Image: ${spec.image} (danlu build --target runtime). Apply: kubectl apply -f FILE`,
    `Caches: PersistentVolumeClaims ${o.hfCache.claim} and ${o.uvCache.claim} (${accessMode}), shared by every job.`,
  ];
  // The hash line tells a later `export --out` that the file is danlu's and unedited (replaced) or not (kept).
  const text = withHeader(objects.map((obj) => new Document(obj, { aliasDuplicateObjects: false }).toString({ lineWidth: 0 })).join('---\n'), '#', head);
  return { kind, spec, objects, text, warnings };
}
