import { compare as pepCompare } from '@renovatebot/pep440';
import { NUNCHAKU_RELEASES, VLLM_TORCH, type NunchakuRow, type VllmTorchRow } from '../catalog/data/special-packages.js';
import { minorOf } from '../catalog/torch.js';
import { runsOn, smName } from '../catalog/gpu-arch.js';
import { backendCuda, compareDotted, majorOf } from '../lib/version.js';
import { gpuCapabilities } from './build.js';
import { wheelMarker } from './flash-attn.js';
import type { Confidence } from '../catalog/types.js';
import type { Resolution, SpecialRequirement, WheelTarget } from './types.js';
import { isCudaBackend } from '../lib/py.js';

/** "==0.10.0" -> "0.10.0"; null for anything that is not one exact version. */
export function exactPin(spec: string): string | null {
  const m = /^===?\s*([0-9][0-9A-Za-z.+!-]*)$/.exec(spec.trim());
  return m && !m[1]!.includes('*') ? m[1]! : null;
}

function pep(a: string, b: string): number {
  try {
    return pepCompare(a, b);
  } catch {
    return compareDotted(a, b);
  }
}

/**
 * The torch a vLLM release pins: a row for that version, or the torch of both neighbouring
 * rows when they agree (then `?`). Null when unknown.
 */
export function vllmTorch(version: string): { torch: string; confidence: Confidence; source: string } | null {
  const rows = [...VLLM_TORCH.rows].sort((a, b) => pep(a.vllm, b.vllm));
  const hit = rows.find((r) => pep(r.vllm, version) === 0);
  if (hit) return hit;
  let below: VllmTorchRow | undefined;
  let above: VllmTorchRow | undefined;
  for (const r of rows) {
    if (pep(r.vllm, version) < 0) below = r;
    else if (!above) above = r;
  }
  if (below && above && below.torch === above.torch) {
    return { torch: below.torch, confidence: '?', source: `between ${below.source} and ${above.source}` };
  }
  return null;
}

/** Known vLLM releases built for a torch, newest first. */
export function vllmFor(torch: string): string[] {
  return VLLM_TORCH.rows
    .filter((r) => r.torch === torch)
    .map((r) => r.vllm)
    .sort((a, b) => pep(b, a));
}

const VLLM_NOTES = [
  "vLLM's PyPI wheel is built for one CUDA (13.0 from v0.20.0); other variants: https://wheels.vllm.ai/<version>/<variant> or the GitHub release assets.",
  'uv --torch-backend does not pick the vLLM variant; the torch index of the plan does not serve vllm.',
  'vLLM wheels are manylinux_2_35: glibc >= 2.35 (Ubuntu 22.04 or newer).',
];

export function resolveVllm(req: SpecialRequirement, target: WheelTarget): Resolution {
  if (!isCudaBackend(target.backend)) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `vLLM's wheels are CUDA builds; the plan's torch is ${target.backend}.`,
      fix: 'Plan an NVIDIA GPU, or build vLLM for CPU from source following its CPU installation guide.',
      source: 'vLLM docs/getting_started/installation',
      confidence: 'V',
    };
  }
  const pin = exactPin(req.specifier);
  const known = pin ? vllmTorch(pin) : null;
  if (pin && known && known.torch !== target.torch) {
    const alternatives = vllmFor(target.torch);
    return {
      kind: 'conflict',
      name: req.name,
      message: `vllm ${pin} pins torch==${known.torch}, but the plan uses torch ${target.torch}; uv cannot install both.`,
      fix:
        `Plan torch ${known.torch} (--torch ${known.torch}) if it runs on these GPUs` +
        (alternatives.length > 0 ? `, or move to vllm ${alternatives[0]}, which is built for torch ${target.torch}.` : '.'),
      source: `${known.source} (${VLLM_TORCH.source})`,
      confidence: known.confidence,
      torch: known.torch,
    };
  }
  const builtFor = vllmFor(target.torch);
  const why = pin
    ? known
      ? `vllm ${pin} pins torch==${known.torch}, the plan's torch, so the PyPI wheel fits.`
      : `danlu does not know which torch vllm ${pin} pins; uv reports a conflict at lock time if it is not ${target.torch}.`
    : `vLLM pins one exact torch per release; uv picks the newest vllm whose pin is torch ${target.torch}` +
      (builtFor.length > 0 ? ` (known: ${builtFor.join(', ')}).` : ', if one exists.');
  return {
    kind: 'pypi',
    name: req.name,
    specifier: req.specifier,
    notes: VLLM_NOTES,
    why,
    source: VLLM_TORCH.source,
    confidence: known ? known.confidence : '?',
  };
}

/** The nunchaku release wheel for the target, or why none fits. */
export function nunchakuWheel(target: WheelTarget, spec: string): { row: NunchakuRow; cuda: string; url: string; filename: string } | { missing: string } {
  const torch = minorOf(target.torch);
  const cuda = backendCuda(target.backend);
  if (!cuda) return { missing: `nunchaku is CUDA-only (plan: ${target.backend})` };
  if (target.platform !== 'linux_x86_64') return { missing: `nunchaku's release wheels are for Linux x86_64 only (this machine: ${target.platform})` };
  const pin = exactPin(spec);
  const rows = [...NUNCHAKU_RELEASES.rows].sort((a, b) => pep(b.version, a.version));
  for (const row of rows) {
    if (pin && pep(row.version, pin) !== 0) continue;
    if (!row.python.includes(target.python) || row.exclude?.some((e) => e.torch === torch && e.python === target.python)) continue;
    // A build with CUDA X.Y runs with a torch of the same major and an equal or newer minor runtime.
    const built = (row.torch[torch] ?? []).filter((c) => majorOf(c) === majorOf(cuda) && compareDotted(c, cuda) <= 0).sort((a, b) => compareDotted(b, a))[0];
    if (!built) continue;
    const cp = `cp${target.python.replace('.', '')}`;
    const local = row.naming === 'cuda-torch' ? `cu${built}torch${torch}` : `torch${torch}`;
    const filename = `nunchaku-${row.version}+${local}-${cp}-${cp}-linux_x86_64.whl`;
    const url = `https://github.com/${NUNCHAKU_RELEASES.repo}/releases/download/v${row.version}/${filename}`;
    return { row, cuda: built, url, filename };
  }
  const have = rows.map((r) => `${r.version}: torch ${Object.keys(r.torch).join('/')}`).join('; ');
  return { missing: `no nunchaku release wheel for torch ${torch} + CUDA ${cuda} + Python ${target.python}${pin ? ` at ${pin}` : ''} (${have})` };
}

export function resolveNunchaku(req: SpecialRequirement, target: WheelTarget): Resolution {
  const { ccs } = gpuCapabilities(target);
  const unsupported = ccs.filter((cc) => !runsOn(cc, NUNCHAKU_RELEASES.archs, null));
  const source = NUNCHAKU_RELEASES.source;
  if (unsupported.length > 0 && unsupported.length === ccs.length) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `nunchaku's kernels are built for SM 75/80/86/89/120/121 only; this machine has ${unsupported.map(smName).join(', ')}.`,
      fix: 'Run nunchaku on a Turing/Ampere/Ada/Blackwell-consumer GPU, or use the unquantized model on this one.',
      source,
      confidence: 'V',
    };
  }
  const w = nunchakuWheel(target, req.specifier);
  if ('missing' in w) {
    return {
      kind: 'conflict',
      name: req.name,
      message: `PyPI's "nunchaku" is an unrelated project, and there is ${w.missing}.`,
      fix: 'Plan a torch that a nunchaku release is built for (see the releases of nunchaku-ai/nunchaku), or build it from the repository.',
      source,
      confidence: 'S',
    };
  }
  return {
    kind: 'wheel',
    name: req.name,
    version: w.row.version,
    url: w.url,
    filename: w.filename,
    marker: wheelMarker(target.python, target.platform),
    origin: 'official',
    why:
      `PyPI's "nunchaku" is an unrelated project; the real one ships GitHub release wheels, and ${w.row.version} has one for ` +
      `torch ${minorOf(target.torch)} built with CUDA ${w.cuda}.`,
    source,
    confidence: 'S',
    ...(unsupported.length > 0 ? { warning: `nunchaku does not run on ${unsupported.map(smName).join(', ')}.` } : {}),
  };
}
