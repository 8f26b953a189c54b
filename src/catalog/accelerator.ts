import { isCudaBackend } from '../lib/py.js';

/**
 * What a plan runs its tensors on. A closed set: adding a member (ROCm, XPU) makes the compiler
 * list every place that has to learn it, because each vendor fact lives in ACCELERATORS, keyed by
 * this type, and nowhere else.
 */
export type Accelerator = 'cuda' | 'cpu';

/** Everything that differs between accelerators, in the files danlu writes and the checks it runs. */
export interface AcceleratorSpec {
  /** The dev image's base for a toolkit version (null: none) and an Ubuntu release. */
  baseImage: (toolkit: string | null, ubuntu: string) => string;
  /** Whether the base image carries a compiler for extensions (nvcc): `devel`, else `none`. */
  flavour: 'devel' | 'none';
  /** The container variable that selects the devices it sees; null: it sees none. */
  visibleDevices: string | null;
  /** Variables the vendor's container runtime reads, set in the image. */
  imageEnv: Readonly<Record<string, string>>;
  /** compose's device reservation (`deploy.resources.reservations.devices[].driver`); null: no device request. */
  composeDriver: string | null;
  /** The Kubernetes extended resource of one device (also the key of the GPU nodes' taint). */
  k8sResource: string | null;
  /** The variable a torch extension build reads its device architectures from. */
  archListVariable: string | null;
  /** A command that lists the devices, run in a container (`doctor --deep`). */
  deviceProbe: readonly string[] | null;
}

export const ACCELERATORS: Record<Accelerator, AcceleratorSpec> = {
  cuda: {
    baseImage: (toolkit, ubuntu) => `nvidia/cuda:${toolkit}-devel-ubuntu${ubuntu}`,
    flavour: 'devel',
    visibleDevices: 'NVIDIA_VISIBLE_DEVICES',
    imageEnv: { NVIDIA_DRIVER_CAPABILITIES: 'compute,video,utility' },
    composeDriver: 'nvidia',
    k8sResource: 'nvidia.com/gpu',
    archListVariable: 'TORCH_CUDA_ARCH_LIST',
    deviceProbe: ['nvidia-smi', '-L'],
  },
  cpu: {
    baseImage: (_toolkit, ubuntu) => `ubuntu:${ubuntu}`,
    flavour: 'none',
    visibleDevices: null,
    imageEnv: {},
    composeDriver: null,
    k8sResource: null,
    archListVariable: null,
    deviceProbe: null,
  },
};

/** The accelerator of a PyTorch wheel variant: cu128 -> cuda; cpu (and anything danlu does not build for) -> cpu. */
export function acceleratorOf(backend: string): Accelerator {
  return isCudaBackend(backend) ? 'cuda' : 'cpu';
}
