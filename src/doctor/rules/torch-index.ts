import type { Finding, Rule } from '../types.js';
import { findings, manual } from './finding.js';
import { backendAtUrlEnd } from '../../lib/py.js';

const f = findings('project');
/** A PyTorch wheel index: PyTorch's own, a mirror's copy, or any `/whl/<variant>` folder. */
const isPytorchIndex = (url: string) => /download\.pytorch\.org\/whl\/|\/pytorch-wheels\//.test(url) || backendAtUrlEnd(url) !== null;

type Table = Record<string, unknown>;
const backendOf = (url: unknown): string | null => (typeof url === 'string' ? backendAtUrlEnd(url) : null);
const table = (v: unknown): Table => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : {});

/** torch comes from an explicit PyTorch index that [tool.uv.sources] routes it to (pain points 1, 26). */
export const torchIndex: Rule = ({ files, project, plan }): Finding[] => {
  if (files.pyprojectError) return [];
  if (!files.pyproject) {
    return [
      f.warn(
        'pyproject',
        'no pyproject.toml: nothing pins torch or its CUDA variant',
        '',
        manual('create it with the torch index for this host', 'danlu init'),
      ),
    ];
  }
  const dependsOnTorch = project?.requirements.some((r) => r.name === 'torch') ?? false;
  if (!dependsOnTorch) return [f.info('torch-index', 'pyproject.toml does not depend on torch', '', manual('add torch with the right index', 'danlu init'))];
  const uv = table(table(files.pyproject.tool).uv);
  const indexes = (Array.isArray(uv.index) ? uv.index : []).map(table).filter((i) => typeof i.url === 'string' && isPytorchIndex(i.url as string));
  const sources = table(uv.sources);
  const torchSources = ([] as unknown[]).concat(sources.torch ?? []).map(table);
  // Routing by extra or group (pytorch-cpu for `cpu`, pytorch-cu128 for `cu128`): every routed
  // index counts, and the one of the plan's variant (or .env's) is the one compared.
  const routedAll = indexes.filter((i) => torchSources.some((s) => s.index === i.name));
  const wanted = [plan?.torch.backend, backendOf(files.env?.PYTORCH_INDEX)].filter(Boolean);
  // A team's variants: .env's TORCH_EXTRA names this machine's extra, whose source decides.
  const extra = files.env?.TORCH_EXTRA;
  const byExtra = extra ? torchSources.find((s) => s.extra === extra) : undefined;
  const routed = (byExtra && routedAll.find((i) => i.name === byExtra.index)) ?? routedAll.find((i) => wanted.includes(backendOf(i.url))) ?? routedAll[0];
  const out: Finding[] = [];
  if (indexes.length === 0) {
    out.push(
      f.warn(
        'torch-index',
        "no PyTorch index in pyproject.toml: uv installs PyPI's default torch build",
        'That build follows whatever CUDA upstream chose, or is CPU-only: "torch.cuda.is_available()" returns False and torch.__version__ ends in "+cpu".',
        manual(`add [[tool.uv.index]] for ${plan?.torch.index ?? 'https://download.pytorch.org/whl/cuXXX'} with explicit = true`, 'danlu init'),
      ),
    );
    return out;
  }
  if (!routed) {
    out.push(
      f.warn(
        'torch-source',
        'no [tool.uv.sources] entry routes torch to the PyTorch index',
        'An explicit index is only used for packages that name it; torch then comes from PyPI.',
        manual('add torch = [{ index = "pytorch", marker = "sys_platform == \'linux\' or sys_platform == \'win32\'" }]', 'danlu init'),
      ),
    );
  }
  const loose = indexes.filter((i) => i.explicit !== true);
  if (loose.length > 0) {
    out.push(
      f.warn(
        'torch-index-explicit',
        `the PyTorch index ${String(loose[0]!.name ?? loose[0]!.url)} is not explicit = true`,
        'uv may then take ordinary packages from its stale copies: resolution fails for things like "requests>=2.32.2".',
        manual('set explicit = true on that [[tool.uv.index]]'),
      ),
    );
  }
  const pyBackend = backendOf(routed?.url);
  const envBackend = backendOf(files.env?.PYTORCH_INDEX);
  if (pyBackend && envBackend && pyBackend !== envBackend) {
    out.push(
      f.warn(
        'torch-index-env',
        `PYTORCH_INDEX in .env is ${envBackend}, pyproject.toml routes torch to ${pyBackend}`,
        `.devcontainer/uv-sync.sh installs through PYTORCH_INDEX (${files.env!.PYTORCH_INDEX}) when a PyPI mirror is set, so the container can get other wheels than uv.lock names.`,
        manual('write .env and pyproject.toml from one plan again', 'danlu init'),
      ),
    );
  }
  if (pyBackend && plan && plan.torch.backend !== pyBackend) {
    out.push(
      f.warn(
        'torch-index-plan',
        `pyproject.toml routes torch to ${pyBackend}, the plan for this host uses ${plan.torch.backend}`,
        '',
        manual('plan again; an explicit --backend keeps your choice', 'danlu init'),
      ),
    );
  }
  if (out.length === 0) out.push(f.ok('torch-index', `torch from ${String(routed!.url)} (explicit, routed by [tool.uv.sources])`));
  return out;
};
