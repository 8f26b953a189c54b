import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { PodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Service } from 'kubernetes-models/v1/Service';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderK8s, type K8sOptions } from '../../src/export/k8s.js';
import { DanluError } from '../../src/lib/errors.js';
import { fixturePlan, GOLDEN, IMAGE, k8sOptions, SHAPES } from './support.js';

const plan = await fixturePlan();

const options = (over: Partial<K8sOptions> = {}): K8sOptions => k8sOptions(plan, over);

/** The documents of a manifest stream, as kubectl would read them. */
function documents(text: string): any[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) expect(d.errors).toEqual([]);
  return docs.map((d) => d.toJS());
}

/** Fields of the kubeflow.org/v1 PyTorchJob CRD (training-operator manifests/base/crds/kubeflow.org_pytorchjobs.yaml). */
const PYTORCHJOB_FIELDS = {
  top: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  spec: ['elasticPolicy', 'nprocPerNode', 'pytorchReplicaSpecs', 'runPolicy'],
  replica: ['replicas', 'restartPolicy', 'template'],
  runPolicy: ['activeDeadlineSeconds', 'backoffLimit', 'cleanPodPolicy', 'managedBy', 'schedulingPolicy', 'suspend', 'ttlSecondsAfterFinished'],
};

/** Validates one object against the Kubernetes API schemas (kubernetes-models); throws on the first error. */
function validate(o: any): void {
  switch (`${o.apiVersion} ${o.kind}`) {
    case 'batch/v1 Job':
      new Job(o).validate();
      return;
    case 'v1 Service':
      new Service(o).validate();
      return;
    case 'v1 PersistentVolumeClaim':
      new PersistentVolumeClaim(o).validate();
      return;
    case 'kubeflow.org/v1 PyTorchJob': {
      // No maintained model exists for the CRD: its own fields are checked against the CRD's
      // schema here, and the pod templates (where nearly everything is) with kubernetes-models.
      const keys = (x: object, allowed: string[], where: string) =>
        expect(
          Object.keys(x).filter((k) => !allowed.includes(k)),
          `unknown fields in ${where}`,
        ).toEqual([]);
      keys(o, PYTORCHJOB_FIELDS.top, 'PyTorchJob');
      keys(o.spec, PYTORCHJOB_FIELDS.spec, 'spec');
      keys(o.spec.runPolicy, PYTORCHJOB_FIELDS.runPolicy, 'spec.runPolicy');
      expect(['None', 'Running', 'All']).toContain(o.spec.runPolicy.cleanPodPolicy);
      expect(typeof o.spec.nprocPerNode).toBe('string');
      expect(Object.keys(o.spec.pytorchReplicaSpecs).every((k) => k === 'Master' || k === 'Worker')).toBe(true);
      expect(o.spec.pytorchReplicaSpecs.Master.replicas).toBe(1);
      for (const [type, r] of Object.entries<any>(o.spec.pytorchReplicaSpecs)) {
        keys(r, PYTORCHJOB_FIELDS.replica, `pytorchReplicaSpecs.${type}`);
        expect(Number.isInteger(r.replicas) && r.replicas >= 1).toBe(true);
        expect(['Always', 'OnFailure', 'Never', 'ExitCode']).toContain(r.restartPolicy);
        new PodTemplateSpec(r.template).validate();
        // The operator injects its environment (MASTER_ADDR, RANK...) into the container named pytorch.
        expect(r.template.spec.containers[0].name).toBe('pytorch');
      }
      return;
    }
    default:
      throw new Error(`unexpected object ${o.apiVersion} ${o.kind}`);
  }
}

function podTemplates(o: any): any[] {
  if (o.kind === 'Job') return [o.spec.template];
  if (o.kind === 'PyTorchJob') return Object.values<any>(o.spec.pytorchReplicaSpecs).map((r) => r.template);
  return [];
}

const KINDS = [
  { name: 'job', operator: undefined },
  { name: 'pytorchjob', operator: 'kubeflow' as const },
];

describe.each(KINDS)('k8s $name', ({ operator }) => {
  describe.each(SHAPES)('$id', (shape) => {
    const r = renderK8s(plan, options({ gpus: shape.gpus, nodes: shape.nodes, ...(operator ? { operator } : {}) }));
    const objects = documents(r.text);
    const job = objects.find((o) => o.kind === 'Job' || o.kind === 'PyTorchJob');
    const kind = operator ? 'pytorchjob' : shape.nodes > 1 ? 'indexedjob' : 'job';

    it('matches its golden file', async () => {
      await expect(r.text).toMatchFileSnapshot(join(GOLDEN, `k8s-${kind}-${shape.id}.yaml`));
    });

    it('validates against the Kubernetes API schemas', () => {
      for (const o of objects) validate(o);
      expect(objects.map((o) => o.kind)).toEqual([
        'PersistentVolumeClaim',
        'PersistentVolumeClaim',
        ...(kind === 'indexedjob' ? ['Service'] : []),
        operator ? 'PyTorchJob' : 'Job',
      ]);
    });

    it('asks for the GPUs, /dev/shm sized like shm_size, the caches and the image user', () => {
      for (const t of podTemplates(job)) {
        const c = t.spec.containers[0];
        expect(c.image).toBe(IMAGE);
        expect(c.resources.limits['nvidia.com/gpu']).toBe(shape.gpus);
        expect(t.spec.volumes.find((v: any) => v.name === 'dshm').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '64Gi' });
        expect(c.volumeMounts).toContainEqual({ name: 'dshm', mountPath: '/dev/shm' });
        // Memory-backed emptyDir counts against the memory limit: the limit leaves room above it.
        expect(c.resources.limits.memory).toBe(`${64 + 32 * shape.gpus}Gi`);
        expect(t.spec.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, runAsNonRoot: true });
        const claims = t.spec.volumes.filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.persistentVolumeClaim.claimName);
        expect(claims).toEqual(['danlu-hf-cache', 'danlu-uv-cache']);
        const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.name, m.mountPath]));
        const env = Object.fromEntries(c.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
        expect(env.HF_HOME).toBe(mounts['hf-cache']);
        expect(env.UV_CACHE_DIR).toBe(mounts['uv-cache']);
        expect(env.HF_ENDPOINT).toBe('https://huggingface.co');
        expect(c.workingDir).toBe('/workspace/vision-demo');
        for (const m of c.volumeMounts) expect(t.spec.volumes.map((v: any) => v.name)).toContain(m.name);
        expect(t.spec.restartPolicy).toBe('Never');
      }
    });

    it('launches one process per GPU, with every $(VAR) of the command defined', () => {
      for (const t of podTemplates(job)) {
        const c = t.spec.containers[0];
        const cmd: string[] = c.command;
        if (shape.gpus * shape.nodes === 1) expect(cmd).toEqual(['uv', 'run', '--frozen', 'python', 'train.py']);
        else {
          expect(cmd.slice(0, 4)).toEqual(['uv', 'run', '--frozen', 'torchrun']);
          expect(cmd.at(-1)).toBe('train.py');
          expect(cmd).not.toContain('python');
        }
        // Kubernetes expands $(VAR) only for variables the container defines (or the operator injects).
        const defined = new Set([...c.env.map((e: any) => e.name), ...(operator ? ['RANK', 'MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE'] : [])]);
        const refs = cmd.flatMap((w) => [...w.matchAll(/\$\(([A-Z_]+)\)/g)].map((m) => m[1]));
        for (const ref of refs) expect(defined, `$(${ref})`).toContain(ref);
        if (shape.nodes === 1) expect(cmd).toContain(shape.gpus > 1 ? '--standalone' : 'train.py');
      }
    });

    if (kind === 'indexedjob') {
      it('an Indexed Job: one pod per node, found through the headless Service', () => {
        const svc = objects.find((o) => o.kind === 'Service');
        expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
        expect(svc.spec.clusterIP).toBe('None');
        expect(svc.spec.publishNotReadyAddresses).toBe(true);
        const t = job.spec.template;
        expect(t.spec.subdomain).toBe(svc.metadata.name);
        for (const [k, v] of Object.entries(svc.spec.selector)) expect(t.metadata.labels[k]).toBe(v);
        const env = Object.fromEntries(t.spec.containers[0].env.map((e: any) => [e.name, e]));
        // Pod i of an Indexed Job is <job>-i; <job>-0.<service> is the first one.
        expect(env.MASTER_ADDR.value).toBe(`${job.metadata.name}-0.${svc.metadata.name}`);
        expect(env.NODE_RANK.valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        expect(t.spec.containers[0].command).toEqual(
          expect.arrayContaining(['--nnodes=$(NNODES)', '--nproc-per-node=$(NPROC_PER_NODE)', '--node-rank=$(NODE_RANK)', '--master-addr=$(MASTER_ADDR)']),
        );
      });
    }

    if (operator) {
      it('a PyTorchJob: a Master and nodes - 1 Workers, torchrun with the rank the operator sets', () => {
        const specs = job.spec.pytorchReplicaSpecs;
        expect(specs.Master.replicas).toBe(1);
        expect(specs.Worker?.replicas ?? 0).toBe(shape.nodes - 1);
        expect(job.spec.nprocPerNode).toBe(String(shape.gpus));
        if (shape.nodes > 1) expect(specs.Master.template.spec.containers[0].command).toContain('--node-rank=$(RANK)');
      });
    }
  });
});

describe('k8s options', () => {
  it('the validator is live: a broken manifest fails', () => {
    const [, , o] = documents(renderK8s(plan, options()).text);
    o.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'] = 'eight';
    expect(() => validate(o)).toThrow();
    const [, , p] = documents(renderK8s(plan, options()).text);
    p.spec.template.spec.restartPolicy = 'Sometimes';
    expect(() => validate(p)).toThrow();
  });

  it('namespace, storage class, claim names and sizes, ReadWriteOnce, no claim objects', () => {
    const objs = documents(
      renderK8s(
        plan,
        options({
          namespace: 'ml',
          storageClass: 'nfs-client',
          accessMode: 'ReadWriteOnce',
          hfCache: { claim: 'hf', size: '1Ti' },
          uvCache: { claim: 'uv', size: '20g' },
        }),
      ).text,
    );
    for (const o of objs) expect(o.metadata.namespace).toBe('ml');
    expect(objs[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } }, storageClassName: 'nfs-client' });
    expect(objs[1].spec.resources.requests.storage).toBe('20Gi');
    const none = documents(renderK8s(plan, options({ pvcs: false })).text);
    expect(none.map((o) => o.kind)).toEqual(['Job']);
    expect(none[0].spec.template.spec.volumes.map((v: any) => v.persistentVolumeClaim?.claimName).filter(Boolean)).toEqual([
      'danlu-hf-cache',
      'danlu-uv-cache',
    ]);
  });

  it('refuses ReadWriteOnce claims for pods on several nodes, and names that are not DNS labels', () => {
    expect(() => renderK8s(plan, options({ nodes: 2, gpus: 8, accessMode: 'ReadWriteOnce' }))).toThrow(DanluError);
    expect(() => renderK8s(plan, options({ name: 'My_Job' }))).toThrow(DanluError);
    expect(() => renderK8s(plan, options({ namespace: 'ML' }))).toThrow(DanluError);
    expect(() => renderK8s(plan, options({ hfCache: { claim: 'hf', size: 'big' } }))).toThrow(DanluError);
  });

  it('mirrors from the plan; a proxy only when given, without its credentials', async () => {
    const cn = await fixturePlan({ mirror: 'cn' });
    const r = renderK8s(cn, options({ proxy: 'http://alice:s3cret@10.0.0.1:7890', noProxy: 'localhost,.svc' }));
    expect(r.text).not.toContain('s3cret');
    expect(r.warnings.map((w) => w.id)).toContain('proxy-credentials-dropped');
    const env = Object.fromEntries(documents(r.text)[2].spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      HF_ENDPOINT: 'https://hf-mirror.com',
      HF_HUB_DISABLE_XET: '1',
      PYPI_MIRROR: 'https://mirrors.aliyun.com/pypi/simple/',
      UV_DEFAULT_INDEX: 'https://pypi.org/simple',
      https_proxy: 'http://10.0.0.1:7890',
      HTTPS_PROXY: 'http://10.0.0.1:7890',
      no_proxy: 'localhost,.svc',
    });
    const locked = renderK8s(cn, options({ lockWithMirror: true }));
    expect(locked.text).toContain('value: https://mirrors.aliyun.com/pypi/simple/');
    expect(renderK8s(plan, options()).text).not.toMatch(/proxy/i);
  });

  it('a root image user runs as root, with a warning; a CPU job asks for no GPU', () => {
    const root = renderK8s(plan, options({ user: { uid: 0, gid: 0 } }));
    expect(root.warnings.map((w) => w.id)).toContain('job-runs-as-root');
    const pod = documents(root.text)[2].spec.template.spec;
    expect(pod.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0 });
    const cpu = documents(renderK8s(plan, options({ gpus: 0 })).text)[2].spec.template.spec;
    expect(cpu.containers[0].resources.limits).toEqual({ memory: '96Gi' });
    expect(cpu.tolerations).toBeUndefined();
  });

  it('cpus, memory and shm follow the options and the plan', async () => {
    const small = await fixturePlan({ shm: '16g' });
    const r = renderK8s(small, options({ gpus: 2, cpus: 12, memory: '100g' }));
    const t = documents(r.text)[2].spec.template.spec;
    expect(t.containers[0].resources).toEqual({ requests: { cpu: 12, memory: '100Gi' }, limits: { memory: '100Gi', 'nvidia.com/gpu': 2 } });
    expect(t.volumes[0].emptyDir.sizeLimit).toBe('16Gi');
    const tight = renderK8s(small, options({ memory: '8g' }));
    expect(tight.warnings.map((w) => w.id)).toContain('memory-below-shm');
  });
});
