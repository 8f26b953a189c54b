import { satisfiesOr } from '../lib/py.js';
import { MMCV_PAGES, PYG_PAGES } from '../catalog/data/special-packages.js';
import { minorOf } from '../catalog/torch.js';
import { backendCuda, compareDotted, majorOf } from '../lib/version.js';
import { extensionBuild, PKG_RESOURCES_SOURCE, pkgResourcesNote } from './build.js';
import type { Resolution, SpecialRequirement, WheelTarget } from './types.js';

/** PyG extension name -> the key of PYG_PAGES.packageMaxTorch. */
const PYG_NAMES: Record<string, string> = {
  'pyg-lib': 'pyg-lib',
  'torch-scatter': 'torch-scatter',
  'torch-sparse': 'torch-sparse',
  'torch-cluster': 'torch-cluster',
  'torch-spline-conv': 'torch-spline-conv',
};

/** The data.pyg.org page for the target, or why there is none. */
export function pygPage(name: string, target: WheelTarget): { url: string; torch: string } | { missing: string } {
  const key = PYG_NAMES[name] ?? name;
  const max = PYG_PAGES.packageMaxTorch[key];
  const minor = minorOf(target.torch);
  if (max && compareDotted(minor, max) > 0) return { missing: `${name} has wheels up to torch ${max}` };
  const row = PYG_PAGES.rows.find((r) => minorOf(r.torch) === minor);
  if (!row) return { missing: `data.pyg.org has no page for torch ${minor}` };
  if (!row.variants.includes(target.backend)) {
    return { missing: `data.pyg.org has torch-${row.torch} pages for ${row.variants.join(', ')}, not ${target.backend}` };
  }
  // A page exists for the X.Y.0 build and for the patch aliases the index script publishes.
  const page = target.torch === row.torch || row.aliases.includes(target.torch) ? target.torch : row.torch;
  return { url: `https://data.pyg.org/whl/torch-${page}+${target.backend}.html`, torch: page };
}

export function resolvePyg(req: SpecialRequirement, target: WheelTarget): Resolution {
  const page = pygPage(req.name, target);
  if ('url' in page) {
    return {
      kind: 'index',
      name: req.name,
      indexName: `pyg-${target.backend}`,
      url: page.url,
      format: 'flat',
      specifier: req.specifier,
      why:
        `PyPI has only ${req.name} source archives; the PyG page for torch ${page.torch}+${target.backend} has wheels built ` +
        `against that torch (local version +pt${minorOf(target.torch).replace('.', '')}${target.backend}).`,
      source: PYG_PAGES.source,
      confidence: 'S',
    };
  }
  const spec = extensionBuild(target, { gbPerJob: 3 });
  return {
    kind: 'build',
    name: req.name,
    specifier: req.specifier,
    ...spec,
    why: `No PyG wheel page fits (${page.missing}), so ${req.name} compiles from the PyPI sdist against the runtime torch.`,
    warning: `${req.name} builds from source for torch ${target.torch}+${target.backend}; recent torch_geometric works without it (pure-PyTorch fallbacks).`,
    source: PYG_PAGES.source,
    confidence: 'S',
  };
}

/** The OpenMMLab page for mmcv on the target: exact variant, else the same CUDA major. */
export function mmcvPage(target: WheelTarget, spec: string): { url: string; variant: string; version: string } | null {
  const minor = minorOf(target.torch);
  const cuda = backendCuda(target.backend);
  const rows = MMCV_PAGES.rows.filter((r) => r.torch === minor);
  const exact = rows.find((r) => r.variant === target.backend);
  const sameMajor = rows
    .filter((r) => cuda && r.variant !== 'cpu' && majorOf(backendCuda(r.variant) ?? '0') === majorOf(cuda) && compareDotted(backendCuda(r.variant)!, cuda) <= 0)
    .sort((a, b) => compareDotted(backendCuda(b.variant)!, backendCuda(a.variant)!));
  for (const row of [exact, ...sameMajor]) {
    if (!row) continue;
    const version = row.mmcv.find((v) => !spec || safeSatisfies(v, spec));
    if (version) {
      return { url: `https://download.openmmlab.com/mmcv/dist/${row.variant}/torch${row.torch}/index.html`, variant: row.variant, version };
    }
  }
  return null;
}

const safeSatisfies = (version: string, spec: string): boolean => satisfiesOr(version, spec, false);

export function resolveMmcv(req: SpecialRequirement, target: WheelTarget): Resolution {
  // mmcv's setup.py (1.x and 2.x) imports pkg_resources: every source build of it needs a setuptools that has it.
  if (req.name === 'mmcv-full') {
    const spec = extensionBuild(target, { variables: { MMCV_WITH_OPS: '1' }, pkgResources: true });
    return {
      kind: 'build',
      name: req.name,
      specifier: req.specifier,
      ...spec,
      why: `mmcv-full is the mmcv 1.x name; its prebuilt pages stop before torch 2.x, so it compiles with MMCV_WITH_OPS=1 against the runtime torch.${pkgResourcesNote(spec, target)}`,
      warning: 'mmcv-full (1.x) is unmaintained; OpenMMLab 2.x projects use mmcv>=2.0 instead.',
      source: `${MMCV_PAGES.source}; mmcv setup.py (from pkg_resources import ...); ${PKG_RESOURCES_SOURCE}`,
      confidence: '?',
    };
  }
  const page = mmcvPage(target, req.specifier);
  if (page) {
    const note = page.variant === target.backend ? '' : ` (built with ${page.variant}; same CUDA major as ${target.backend})`;
    return {
      kind: 'index',
      name: req.name,
      indexName: 'openmmlab',
      url: page.url,
      format: 'flat',
      specifier: req.specifier || `==${page.version}`,
      why: `OpenMMLab publishes mmcv ${page.version} wheels with compiled ops for torch ${minorOf(target.torch)}${note}; PyPI has only the sdist.`,
      source: MMCV_PAGES.source,
      confidence: page.variant === target.backend ? 'V' : '?',
    };
  }
  const spec = extensionBuild(target, { variables: { MMCV_WITH_OPS: '1' }, pkgResources: true });
  return {
    kind: 'build',
    name: req.name,
    specifier: req.specifier,
    ...spec,
    why:
      `OpenMMLab's prebuilt mmcv wheels stop at mmcv 2.2.0 for torch 2.4 (cu118/cu121); none fits torch ${target.torch}+${target.backend}` +
      `${req.specifier ? ` and mmcv${req.specifier}` : ''}, so it compiles its ops (MMCV_WITH_OPS=1) against the runtime torch.${pkgResourcesNote(spec, target)}`,
    warning: `mmcv compiles from source for torch ${target.torch} (long build; mmcv 2.2.0 predates this torch, so the build may need patches). Community wheels: https://miropsota.github.io/torch_packages_builder.`,
    source: `${MMCV_PAGES.source}; mmcv setup.py (from pkg_resources import ...); ${PKG_RESOURCES_SOURCE}`,
    confidence: 'S',
  };
}
