import type { ImportResult, ImportedRequirement } from './import/types.js';
import type { Origin, ProjectFacts, Requirement } from './types.js';
import { backendOfIndexUrl, isCudaBackend } from '../lib/py.js';

/** The variants danlu plans for: CUDA and CPU (ROCm, XPU are named elsewhere, never planned). */
const cudaOrCpu = (b: string) => b === 'cpu' || isCudaBackend(b);

/** What the planner needs from an import: pins, hints and build needs, each with its origin. */
export interface ImportFacts {
  requirements: Requirement[];
  torchPin: ProjectFacts['torchPin'];
  backendPin: ProjectFacts['backendPin'];
  backendHint: ProjectFacts['backendHint'];
  pythonHint: ProjectFacts['pythonHint'];
  compiles: { value: boolean; why: string } | null;
  aptPackages: string[];
}

const origin = (o: { file: string; line: number }): Origin => ({ file: o.file, line: o.line });

/** "11.8" -> "cu118"; "12" alone names no variant. */
function cudaToBackend(cuda: string): string | null {
  const m = /^(\d+)\.(\d)/.exec(cuda);
  return m ? `cu${m[1]}${m[2]}` : null;
}

/**
 * The project's torch: its main dependencies', else one of what the environment installs with
 * them (a dependency group: the README's lines, `environment`; an extra the README selects). A
 * torch in an extra nothing selects (one per torch release or vendor: `intel-gpu-torch260`) is
 * that extra's, not the project's.
 */
function mainTorch(reqs: ImportedRequirement[], selected: ReadonlySet<string>): ImportedRequirement | undefined {
  const torch = reqs.filter((r) => r.name === 'torch');
  return torch.find((r) => r.group === 'main') ?? torch.find((r) => r.groupKind !== 'extra' || selected.has(r.group));
}

/**
 * The facts the other files give. `alternatives`: extras and groups the project declares it never
 * installs together ([tool.uv] conflicts) and this machine does not install: their pins speak for
 * those environments, not for the one planned here.
 */
export function factsFromImport(result: ImportResult, alternatives: ReadonlySet<string> = new Set()): ImportFacts {
  const planned = result.requirements.filter((r) => !alternatives.has(r.group));
  const requirements: Requirement[] = planned.map((r) => ({
    name: r.name,
    raw: r.raw,
    specifier: r.specifier,
    origin: origin(r.origin),
  }));
  const torch = mainTorch(planned, new Set(result.selectedExtras.map((e) => e.name)));
  const torchPin = torch?.specifier ? { specifier: torch.specifier, origin: origin(torch.origin) } : null;
  // A +cuXXX label is a pin when it is the kept requirement's own (`torch==2.1.2+cu121` in a
  // requirements file); one an install guide's line brings (a README's pip line, merged into a
  // range from requirements.txt) is one way among several: a hint, which a host it does not fit overrides.
  const ownLabel = torch?.localVersion && cudaOrCpu(torch.localVersion) && torch.raw.includes(`+${torch.localVersion}`);
  const fromGuide = torch ? /\.(md|markdown|rst|mdx)$|(^|\/)(readme|install)[^/]*$/i.test(torch.origin.file) : false;
  const backendPin = ownLabel && !fromGuide ? { backend: torch!.localVersion!, origin: origin(torch!.origin) } : null;

  // Softer: a PyTorch index the files name, then CUDA hints (conda pytorch-cuda, cudatoolkit...).
  // The label came from the line that wrote it: the kept requirement's own, else the line of
  // another file merged into it (a README's `torch==2.8.0+cu128`), whose CUDA hint says where.
  const labelAt = (backend: string) =>
    torch!.raw.includes(`+${backend}`)
      ? torch!.origin
      : (result.cudaHints.find((h) => h.backend === backend && h.text.includes(`+${backend}`))?.origin ?? torch!.origin);
  let backendHint: ImportFacts['backendHint'] =
    torch?.localVersion && cudaOrCpu(torch.localVersion) && !backendPin ? { backend: torch.localVersion, origin: origin(labelAt(torch.localVersion)) } : null;
  const several = result.warnings.some((w) => w.id === 'several-variants');
  if (!several) {
    const index = result.indexes.find((i) => cudaOrCpu(backendOfIndexUrl(i.url) ?? ''));
    if (index && !backendHint) backendHint = { backend: backendOfIndexUrl(index.url)!, origin: origin(index.origin) };
    for (const h of result.cudaHints) {
      if (backendHint) break;
      const backend = h.backend ?? (h.cuda ? cudaToBackend(h.cuda) : null);
      if (backend && cudaOrCpu(backend)) backendHint = { backend, origin: origin(h.origin) };
    }
  }
  const py = result.pythonHints.find((h) => h.version) ?? null;
  const pythonHint = py?.version ? { version: py.version, origin: origin(py.origin) } : null;

  const compilesWhy = [
    ...result.buildTimeTorch.map((b) => `${b.name ?? 'the project'} needs torch to build (${b.why})`),
    ...result.noBuildIsolation.map(
      (b) => `${b.name && b.name !== '*' ? b.name : 'the project'} is built without build isolation (${b.origin.file}:${b.origin.line})`,
    ),
  ];
  const apt = new Set<string>();
  for (const a of result.aptPackages) apt.add(a.name);
  for (const c of result.condaOnly) if (c.equivalent?.apt) for (const name of c.equivalent.apt.split(/\s+/)) if (name) apt.add(name);
  return {
    requirements,
    torchPin,
    backendPin,
    backendHint,
    pythonHint,
    compiles: compilesWhy.length > 0 ? { value: true, why: compilesWhy[0]! } : null,
    aptPackages: [...apt].sort(),
  };
}
