import communityWheels from '../../catalog/data/flash-attn-community.json' with { type: 'json' };
import { CAUSAL_CONV1D_WHEELS, MAMBA_SSM_WHEELS, type DaoExtensionWheels } from '../../catalog/data/dao-extension-wheels.js';
import { OFFICIAL_FLASH_ATTN } from '../../catalog/data/flash-attn-official.js';
import type { Catalog } from '../../catalog/index.js';
import { compareDotted } from '../../lib/version.js';
import type { UpdatablePart } from '../../catalog/file.js';
import { readCatalogState, type CatalogState, type PartSource } from '../../catalog/load.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { err, out, painter, printJson } from '../output.js';

const PART_NAMES = ['torch', 'cuda-images', 'wheels', 'astral'] as const;

function wheelSummary(c: Catalog): string[] {
  if (c.wheels.rows.length === 0)
    return ['no fetched release assets: the flash-attn, mamba-ssm and causal-conv1d tables below are used (`danlu catalog update` adds the newest)'];
  const groups = new Map<string, { n: number; versions: Set<string> }>();
  for (const w of c.wheels.rows) {
    const key = `${w.channel} ${w.package}`;
    const g = groups.get(key) ?? { n: 0, versions: new Set<string>() };
    groups.set(key, g);
    g.n++;
    g.versions.add(w.version);
  }
  return [...groups.entries()].map(([k, g]) => `${k}: ${g.n} wheels, ${g.versions.size} versions`);
}

const span = (list: readonly string[]): string => {
  const sorted = [...list].sort(compareDotted);
  return sorted.length > 1 ? `${sorted[0]}–${sorted.at(-1)}` : (sorted[0] ?? 'none');
};

/** The prebuilt wheels the resolvers know without a catalog update: one line per release tag. */
function releaseWheels(t: DaoExtensionWheels | typeof OFFICIAL_FLASH_ATTN): string[] {
  return t.tags.map((tag) => {
    const cuda = Array.isArray(tag.cuda) ? (tag.cuda as readonly string[]) : Object.keys(tag.cuda);
    return `${tag.tag}: torch ${span(tag.torch)}, cu${cuda.join('/cu')}, Python ${span(tag.python)}`;
  });
}

function communitySummary(): string[] {
  const byPackage = new Map<string, { n: number; torch: Set<string> }>();
  for (const row of communityWheels.rows) {
    const [pkg = '', , torch = ''] = row.split('|');
    const g = byPackage.get(pkg) ?? { n: 0, torch: new Set<string>() };
    byPackage.set(pkg, g);
    g.n++;
    g.torch.add(torch);
  }
  return [...byPackage.entries()].map(([pkg, g]) => `${pkg === 'fa2' ? 'flash-attn 2' : 'flash-attn 3'}: ${g.n} wheels, torch ${span([...g.torch])}`);
}

/** The highest version of a list, labelled ("torch 2.15.0"). */
function newestOf(versions: readonly string[], label: string): string | null {
  const top = [...versions].sort(compareDotted).at(-1);
  return top ? `${label}${top}` : null;
}

function newestTag(t: { tags: readonly { tag: string }[] }, label: string): string | null {
  return newestOf(
    t.tags.map((x) => x.tag.replace(/^v/, '')),
    label,
  );
}

function originJson(source: PartSource | undefined) {
  if (!source || source.from === 'embedded') return { from: 'embedded' as const };
  return { from: 'user' as const, file: source.file, fetchedAt: source.fetchedAt, urls: source.urls };
}

function describe(state: CatalogState) {
  const c = state.catalog;
  const part = (
    name: string,
    key: UpdatablePart | null,
    t: { asOf: string; source: string; confidence: string },
    holds: string[],
    newest: string | null = null,
  ) => ({
    part: name,
    asOf: t.asOf,
    newest,
    source: t.source,
    confidence: t.confidence,
    holds,
    origin: originJson(key ? state.parts[key] : undefined),
  });
  return [
    part(
      'torch',
      'torch',
      c.torch,
      c.torch.releases.map((r) => `${r.version} [${r.backends.map((b) => b.name).join(' ')}]`),
      newestOf(
        c.torch.releases.map((r) => r.version),
        'torch ',
      ),
    ),
    part(
      'cuda-images',
      'cudaImages',
      c.cudaImages,
      c.cudaImages.rows.map((r) => `${r.version} (ubuntu ${r.ubuntu.join(', ')})`),
      newestOf(
        c.cudaImages.rows.map((r) => r.version),
        'CUDA ',
      ),
    ),
    part(
      'wheel-images',
      'wheelImage',
      c.wheelImage,
      c.wheelImage.rows.map((r) => `${r.backend} -> ${r.image}`),
    ),
    part('wheels', 'wheels', c.wheels, wheelSummary(c)),
    part('flash-attn-official', null, OFFICIAL_FLASH_ATTN, releaseWheels(OFFICIAL_FLASH_ATTN), newestTag(OFFICIAL_FLASH_ATTN, 'flash-attn ')),
    part('flash-attn-community', null, { asOf: communityWheels.asOf, source: communityWheels.source, confidence: 'S' }, communitySummary()),
    part('astral-indexes', 'astral', c.astral, [
      `${c.astral.base}/<${c.astral.channels.join('|')}>/`,
      ...c.astral.rows.map(
        (r) => `${r.package} ${r.version}+cu.${r.cuda}.torch.${r.torch}${r.python ? ` (cp${r.python.map((v) => v.replace('3.', '3')).join(' cp')})` : ''}`,
      ),
      ...c.astral.mirrors.map((m) => `mirror ${m.name}: ${m.base}/<channel>/`),
    ]),
    part('mamba-ssm-wheels', null, MAMBA_SSM_WHEELS, releaseWheels(MAMBA_SSM_WHEELS), newestTag(MAMBA_SSM_WHEELS, 'mamba-ssm ')),
    part('causal-conv1d-wheels', null, CAUSAL_CONV1D_WHEELS, releaseWheels(CAUSAL_CONV1D_WHEELS), newestTag(CAUSAL_CONV1D_WHEELS, 'causal-conv1d ')),
    part(
      'drivers',
      null,
      c.cudaFamilyDrivers,
      c.cudaFamilyDrivers.rows.map((r) => `CUDA ${r.major}.x >= ${r.linux}`),
    ),
    part(
      'toolkit-drivers',
      null,
      c.toolkitDrivers,
      c.toolkitDrivers.rows.map((r) => `${r.cuda} >= ${r.linux}`),
      newestOf(
        c.toolkitDrivers.rows.map((r) => r.cuda),
        'CUDA ',
      ),
    ),
    part(
      'gpus',
      null,
      c.gpus,
      c.gpus.rows.map((r) => `${r.family} ${r.computeCapability} ${r.class}`),
    ),
    part('tools', null, c.tools, [`uv ${c.tools.uv.version}`, `starship ${c.tools.starship.version}`], `uv ${c.tools.uv.version}`),
    part(
      'mirrors',
      null,
      c.mirrors,
      c.mirrors.presets.map((m) => `${m.name}: ${m.description}`),
    ),
  ];
}

async function show(json: boolean): Promise<number> {
  const state = await readCatalogState();
  const c = state.catalog;
  const parts = describe(state);
  const user = state.user;
  const userJson = {
    file: state.paths.file,
    state: user.state,
    ...(user.state === 'valid' ? { asOf: user.file.asOf, used: user.used } : {}),
    ...(user.state === 'invalid' ? { error: user.error } : {}),
  };
  if (user.state === 'invalid') {
    err(`danlu: warning: ignoring the user catalog ${state.paths.file}: ${user.error}; using the embedded catalog`);
  }
  if (json) {
    printJson({
      name: c.name,
      asOf: c.asOf,
      parts,
      active: { catalog: c.name, file: c.name === 'user' ? state.paths.file : null },
      userCatalog: userJson,
    });
    return EXIT.ok;
  }
  const p = painter(process.stdout);
  out(`${p.bold('catalog')} ${c.name}, as of ${c.asOf}`);
  out(
    p.dim(
      user.state === 'valid'
        ? `user catalog: ${state.paths.file} (as of ${user.file.asOf}; in use: ${user.used.length > 0 ? user.used.join(', ') : 'nothing, the embedded parts are newer'})`
        : user.state === 'invalid'
          ? `user catalog: ${state.paths.file} is ignored (${user.error})`
          : `user catalog: none (\`danlu catalog update\` writes ${state.paths.file})`,
    ),
  );
  for (const part of parts) {
    out(`\n${p.cyan(part.part)} ${p.dim(`(as of ${part.asOf}${part.newest ? `, newest ${part.newest}` : ''}, confidence ${part.confidence})`)}`);
    out(p.dim(`  source: ${part.source}`));
    if (part.origin.from === 'user') {
      out(p.dim(`  from: user catalog, fetched ${part.origin.fetchedAt ?? '?'}${part.origin.urls.length > 0 ? ` from ${part.origin.urls.join(', ')}` : ''}`));
    }
    out(`  ${part.holds.join(' · ')}`);
  }
  return EXIT.ok;
}

function parseOnly(value: string | undefined): (typeof PART_NAMES)[number][] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new DanluError('--only: expected a comma-separated list of parts', { hint: `parts: ${PART_NAMES.join(', ')}` });
  for (const n of names) {
    if (!(PART_NAMES as readonly string[]).includes(n)) {
      throw new DanluError(`--only: unknown part ${JSON.stringify(n)}`, { hint: `parts: ${PART_NAMES.join(', ')}` });
    }
  }
  return [...new Set(names)] as (typeof PART_NAMES)[number][];
}

function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value.trim());
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0) || seconds > 600) {
    throw new DanluError(`--timeout ${value}: expected seconds per request, more than 0 and at most 600`);
  }
  return Math.round(seconds * 1000);
}

async function update(values: { json?: boolean; only?: string; timeout?: string }): Promise<number> {
  const only = parseOnly(values.only);
  const timeoutMs = parseTimeout(values.timeout);
  const { updateUserCatalog } = await import('../../catalog/update/run.js');
  const { statusBoard } = await import('../../catalog/update/progress.js');
  const progress = statusBoard(process.stderr, !values.json && Boolean(process.stderr.isTTY));
  const report = await updateUserCatalog({
    ...(only ? { only } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    progress,
  });
  if (values.json) {
    printJson(report);
  } else {
    const p = painter(process.stdout);
    for (const s of report.sources) {
      const head = s.ok
        ? `${p.green('ok')}     ${s.source}: ${s.items} ${s.part === 'torch' ? 'releases' : s.part === 'cuda-images' ? 'CUDA versions' : 'wheels'}`
        : `${p.red('failed')} ${s.source}: ${s.error}`;
      out(head);
      for (const n of s.notes) out(p.dim(`         ${n}`));
    }
    const parts = Object.entries(report.parts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    if (report.catalog.written) {
      out(`\nWrote ${report.catalog.file} (as of ${report.catalog.asOf})${report.catalog.previous ? `; the previous one is ${report.catalog.previous}` : ''}.`);
      out(p.dim(`Parts: ${parts}.`));
    } else if (report.catalog.error) {
      out(`\n${p.red(report.catalog.error)}`);
    } else {
      out(`\nNothing was fetched; ${report.catalog.file} was not changed.`);
    }
    if (!report.ok) err('danlu: some sources failed: the parts they feed were kept as they were; run `danlu catalog update` again later');
  }
  return report.ok ? EXIT.ok : EXIT.failed;
}

export default defineCommand({
  name: 'catalog',
  summary:
    "Show what the knowledge catalog holds (PyTorch releases, CUDA images, flash-attn wheels, drivers, GPUs, mirrors), its date and where each part came from; `update` fetches the newest from the PyTorch indexes, Docker Hub, GitHub and Astral's GPU indexes.",
  usage: 'danlu catalog [--json]\n       danlu catalog update [--json] [--only torch,cuda-images,wheels,astral] [--timeout SEC]',
  options: {
    ...COMMON_OPTIONS,
    only: { type: 'string', value: 'PARTS', description: 'update: only these parts (torch, cuda-images, wheels, astral), comma-separated' },
    timeout: { type: 'string', value: 'SEC', description: 'update: give up on a request after SEC seconds (default 30)' },
  },
  details: `
\`danlu catalog update\` is the only command that uses the network. It writes the user catalog
($DANLU_CATALOG_DIR, else $XDG_CONFIG_HOME/danlu, else ~/.config/danlu: catalog.json, and the
one it replaces as catalog.prev.json). Sources that fail leave their parts as they were; exit 1
then. The planner uses each part of the user catalog that is newer than the embedded one.

Environment: HTTPS_PROXY / HTTP_PROXY / NO_PROXY; PYTORCH_MIRROR or DANLU_PYTORCH_INDEX_URL (a
simple-repository index laid out like download.pytorch.org/whl); DANLU_DOCKERHUB_URL;
DANLU_GITHUB_API_URL; GITHUB_TOKEN or GH_TOKEN (GitHub allows 60 requests an hour without);
DANLU_ASTRAL_INDEX_URL (Astral's GPU indexes or a mirror, laid out like wheels.astral.sh/simple);
DANLU_TORCH_VARIANTS (comma-separated variants to read instead of the known ones).`,
  async run({ values, positionals }) {
    const [sub, ...extra] = positionals;
    if (sub === undefined) {
      if (values.only !== undefined || values.timeout !== undefined) {
        throw new DanluError('--only and --timeout belong to `danlu catalog update`', { hint: 'danlu catalog update --only torch' });
      }
      return show(Boolean(values.json));
    }
    if (sub !== 'update') throw new DanluError(`catalog: unknown subcommand ${JSON.stringify(sub)}`, { hint: 'danlu catalog [update] [--json]' });
    if (extra.length > 0) throw new DanluError(`catalog update: unexpected argument ${JSON.stringify(extra[0])}`, { hint: 'see `danlu catalog --help`' });
    return update(values);
  },
});
