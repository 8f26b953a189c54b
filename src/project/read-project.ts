import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DanluError } from '../lib/errors.js';
import { backendAtUrlEnd, backendOfLocal, packageNameFrom } from '../lib/py.js';
import { readOwnProjectFile, readProjectFile } from '../lib/read-file.js';
import { conflictKey, earlierConflicts, isManagedEntry, managedOf } from './managed.js';
import { envLocations, parseEnv } from './dotenv.js';
import { parseTomlStrict, requirementName } from './toml.js';
import { factsFromImport } from './from-import.js';
import { importProject } from './import/import-project.js';
import { publishesPackage } from './import/project-layout.js';
import type { ImportResult } from './import/types.js';
import { normalizeName, slugify, type Origin, type ProjectFacts, type Requirement } from './types.js';

/** Line numbers of offsets in one text: the line starts are found once, each lookup is a binary search. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line of an offset. */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The line where `needle` first occurs. */
  lineOf(needle: string): number | undefined {
    const at = this.text.indexOf(needle);
    return at < 0 ? undefined : this.lineAt(at);
  }
}

function specifierOf(raw: string): string {
  const name = /^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?/.exec(raw)?.[0] ?? '';
  return raw
    .slice(name.length)
    .split(';')[0]!
    .trim()
    .replace(/^\((.*)\)$/, '$1');
}

function requirementsOf(data: Record<string, unknown>, text: string, file: string, skip: ReadonlySet<string> = new Set()): Requirement[] {
  const project = data.project as Record<string, unknown> | undefined;
  const lists: unknown[][] = [];
  // The torch entries danlu itself added are its own output, not the project's input.
  const managed = managedOf(data);
  const theirs = (list: unknown[]) => list.filter((d) => typeof d !== 'string' || !isManagedEntry(managed, 'dependencies', d));
  if (Array.isArray(project?.dependencies)) lists.push(theirs(project.dependencies));
  const optional = project?.['optional-dependencies'];
  if (optional && typeof optional === 'object')
    for (const [k, v] of Object.entries(optional)) if (Array.isArray(v) && !skip.has(normalizeName(k))) lists.push(theirs(v));
  const groups = data['dependency-groups'];
  if (groups && typeof groups === 'object')
    for (const [k, v] of Object.entries(groups)) if (Array.isArray(v) && !skip.has(normalizeName(k))) lists.push(theirs(v));
  const out: Requirement[] = [];
  // Linear in the file: each entry is looked for after the previous one (lists are written in
  // order), and from the start only when it is not found there.
  const index = new LineIndex(text);
  let from = 0;
  for (const list of lists) {
    for (const raw of list) {
      if (typeof raw !== 'string') continue;
      const name = requirementName(raw);
      if (!name) continue;
      let at = raw === '' ? -1 : text.indexOf(raw, from);
      if (at < 0) at = text.indexOf(raw);
      else from = at + raw.length;
      out.push({ name, raw, specifier: specifierOf(raw), origin: { file, line: at < 0 ? undefined : index.lineAt(at) } });
    }
  }
  return out;
}

/** The CUDA variant the project's pyproject already routes torch to. */
function backendFromIndex(data: Record<string, unknown>, text: string, file: string): { backend: string; origin: Origin } | null {
  const uv = (data.tool as Record<string, unknown> | undefined)?.uv as Record<string, unknown> | undefined;
  const indexes = Array.isArray(uv?.index) ? (uv!.index as Record<string, unknown>[]) : [];
  const sources = (uv?.sources ?? {}) as Record<string, unknown>;
  const torchSource = sources.torch;
  const torchIndexNames = new Set<string>();
  for (const s of Array.isArray(torchSource) ? torchSource : [torchSource]) {
    if (s && typeof s === 'object' && typeof (s as Record<string, unknown>).index === 'string') {
      torchIndexNames.add((s as Record<string, unknown>).index as string);
    }
  }
  // Several variants (cpu and cu128 behind extras): the CUDA one is the GPU environment.
  const candidates = indexes
    .filter((i) => typeof i.url === 'string' && backendAtUrlEnd(i.url as string) !== null)
    .sort((a, b) => Number(/\/cpu\/?$/.test(a.url as string)) - Number(/\/cpu\/?$/.test(b.url as string)));
  const pick = candidates.find((i) => torchIndexNames.has(String(i.name))) ?? candidates.find((i) => i.name === 'pytorch') ?? candidates[0];
  if (!pick) return null;
  // The index danlu itself routes torch to is its own output, not the project's choice of variant.
  if (pick.url === managedOf(data).index) return null;
  const backend = backendAtUrlEnd(pick.url as string)!;
  return { backend, origin: { file, line: new LineIndex(text).lineOf(pick.url as string) } };
}

/**
 * A project already in uv's multi-backend shape: torch routed per extra to one index each
 * (`{ index = "torch-cuda", extra = "cuda" }`). The extras are the project's backends; the one
 * the README syncs (else the CUDA one) is its torch: its pin and its index's variant.
 */
export function multiBackendOf(data: Record<string, unknown>, text: string, file: string, selected: readonly string[]): ProjectFacts['multiBackend'] {
  const uv = (data.tool as Record<string, unknown> | undefined)?.uv as Record<string, unknown> | undefined;
  const route = (uv?.sources as Record<string, unknown> | undefined)?.torch;
  if (!Array.isArray(route)) return null;
  const byExtra = new Map<string, string>();
  for (const r of route) {
    const e = r as Record<string, unknown>;
    if (typeof e?.extra === 'string' && typeof e.index === 'string') byExtra.set(e.extra, e.index);
  }
  if (byExtra.size < 2) return null;
  const indexes = Array.isArray(uv?.index) ? (uv!.index as Record<string, unknown>[]) : [];
  const backendOf = (extra: string) => {
    const url = indexes.find((i) => i.name === byExtra.get(extra))?.url;
    return typeof url === 'string' ? backendAtUrlEnd(url) : null;
  };
  const extras = [...byExtra.keys()];
  // Several the README installs (one line per machine kind): a CUDA one first, the newest CUDA.
  const cudaOf = (e: string) => Number(/^cu(\d+)/.exec(backendOf(e) ?? '')?.[1] ?? -1);
  const named = extras.filter((e) => selected.includes(e)).sort((a, b) => cudaOf(b) - cudaOf(a));
  const chosen = named[0] ?? [...extras].sort((a, b) => cudaOf(b) - cudaOf(a)).find((e) => cudaOf(e) >= 0) ?? null;
  let torch: { specifier: string; backend: string | null; origin: Origin } | null = null;
  if (chosen) {
    const optional = (data.project as Record<string, unknown> | undefined)?.['optional-dependencies'] as Record<string, unknown> | undefined;
    const list = Array.isArray(optional?.[chosen]) ? (optional![chosen] as unknown[]) : [];
    const raw = list.find((d): d is string => typeof d === 'string' && requirementName(d) === 'torch');
    if (raw) {
      const spec = specifierOf(raw);
      torch = {
        specifier: spec.replace(/\+[A-Za-z0-9.]+/g, ''),
        backend: backendOfLocal(spec) ?? backendOf(chosen),
        origin: { file, line: new LineIndex(text).lineOf(raw) },
      };
    }
  }
  return { extras, selected: chosen, torch };
}

/** Requirements from pyproject first; the other files add what pyproject does not name. */
function mergeByName(own: Requirement[], more: Requirement[]): Requirement[] {
  const seen = new Set(own.map((r) => r.name));
  return [...own, ...more.filter((r) => !seen.has(r.name))];
}

/** [tool.danlu] apt-packages: system packages the project needs in its image. */
function danluApt(danlu: Record<string, unknown>): string[] {
  const list = danlu['apt-packages'];
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && /^[a-z0-9][a-z0-9+.-]*$/.test(x)) : [];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** CUDA code in the project: setup files that build torch extensions, or .cu sources near the top. */
async function detectCompile(dir: string, pyprojectText: string | null): Promise<{ value: boolean; why: string }> {
  for (const file of ['setup.py', 'setup.cfg']) {
    const text = readProjectFile(dir, file).text;
    if (text && /CUDAExtension|cpp_extension|BuildExtension/.test(text)) {
      return { value: true, why: `${file} builds torch CUDA extensions` };
    }
  }
  if (pyprojectText && /CUDAExtension|cpp_extension|scikit-build|cmake/i.test(pyprojectText.split('[tool.danlu]')[0]!)) {
    return { value: true, why: 'pyproject.toml builds native code' };
  }
  const seen = await findCuda(dir, 2);
  return seen ? { value: true, why: `CUDA sources in the project (${seen})` } : { value: false, why: 'no CUDA sources or extension builds found' };
}

async function findCuda(dir: string, depth: number, rel = ''): Promise<string | null> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(dir, rel), { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) if (e.isFile() && /\.(cu|cuh)$/.test(e.name)) return join(rel, e.name);
  if (depth === 0) return null;
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || ['node_modules', 'venv', '__pycache__', 'build', 'dist'].includes(e.name)) continue;
    const found = await findCuda(dir, depth - 1, join(rel, e.name));
    if (found) return found;
  }
  return null;
}

/** An import of torch or of a framework built on it, at the start of a line (a notebook's JSON string too). */
const TORCH_IMPORT = /(?:^[ \t]*"?|\\n|\[")[ \t]*(?:import|from)[ \t]+(?:torch|torchvision|torchaudio|lightning|pytorch_lightning)\b/m;
const SKIP_DIRS = new Set(['node_modules', 'venv', '__pycache__', 'build', 'dist', 'site-packages']);

/**
 * The first Python file or notebook of the project that imports torch: a bounded walk (depth 5,
 * 1,000 entries, the first 16 KiB of each file: imports come first) that follows no link, so it stays in the project.
 */
async function findTorchImport(dir: string): Promise<{ file: string | null; code: boolean }> {
  let budget = 1000;
  let code = false;
  const walk = async (rel: string, depth: number): Promise<string | null> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch {
      return null;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (--budget < 0) return null;
      if (!e.isFile() || !/\.(py|ipynb)$/.test(e.name)) continue;
      const file = join(rel, e.name);
      code = true;
      const head = await readHead(join(dir, file), 16384);
      if (head !== null && TORCH_IMPORT.test(head)) return file;
    }
    if (depth === 0) return null;
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || SKIP_DIRS.has(e.name)) continue;
      const found = await walk(join(rel, e.name), depth - 1);
      if (found) return found;
    }
    return null;
  };
  const file = await walk('', 5);
  return { file, code };
}

async function readHead(path: string, bytes: number): Promise<string | null> {
  const handle = await open(path, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** "Programming Language :: Python :: 3.X" classifiers of pyproject.toml, else of setup.py / setup.cfg (as text). */
async function pythonClassifiers(dir: string, project: Record<string, unknown>): Promise<string[]> {
  const minors = (texts: string[]) => [...new Set(texts.flatMap((t) => [...t.matchAll(/Programming Language :: Python :: (3\.\d+)\b/g)].map((m) => m[1]!)))];
  if (Array.isArray(project.classifiers)) return minors(project.classifiers.filter((c): c is string => typeof c === 'string'));
  const texts: string[] = [];
  for (const f of ['setup.py', 'setup.cfg']) {
    const t = readProjectFile(dir, f).text;
    if (t) texts.push(t);
  }
  return minors(texts);
}

/** What the project's own pyproject.toml says, before the other files are added to it. */
export interface OwnFacts {
  /** Requirements of the main dependencies and of the extras and groups this machine may install. */
  requirements: Requirement[];
  /** The project's declared alternatives ([tool.uv] conflicts) this machine does not install. */
  alternatives: string[];
  torchPin: ProjectFacts['torchPin'];
  backendPin: ProjectFacts['backendPin'];
  compile: { value: boolean; why: string };
  apt: string[];
}

/**
 * Extras and groups the project's own `[tool.uv] conflicts` names: environments it declares are
 * never installed together (uv locks each apart). Normalized names.
 */
export function declaredAlternatives(data: Record<string, unknown>): string[] {
  const uv = (data.tool as Record<string, unknown> | undefined)?.uv as Record<string, unknown> | undefined;
  const sets = Array.isArray(uv?.conflicts) ? (uv.conflicts as unknown[]) : [];
  // The sets danlu added (its groups apart from the alternatives) are not the project's.
  const danlus = new Set(managedOf(data).conflicts ?? []);
  const out = new Set<string>();
  for (const set of sets) {
    if (!Array.isArray(set) || danlus.has(conflictKey(set) ?? '')) continue;
    for (const item of set) {
      if (!item || typeof item !== 'object') continue;
      const o = item as Record<string, unknown>;
      for (const key of ['extra', 'group']) if (typeof o[key] === 'string') out.add(normalizeName(o[key] as string));
    }
  }
  return [...out];
}

/**
 * What pyproject.toml itself says this machine installs: its requirements, its alternatives, and
 * its torch and CUDA variant pins. `selected`: the extras the README installs; `notInstalled`:
 * further extras or groups this machine does not install (alternatives uv found with the plan).
 */
export function pinsOfOwn(
  data: Record<string, unknown>,
  pyprojectText: string | null,
  selected: readonly string[],
  multiBackend: ProjectFacts['multiBackend'],
  notInstalled: readonly string[] = [],
): Pick<OwnFacts, 'requirements' | 'alternatives' | 'torchPin' | 'backendPin'> {
  // Alternatives the project declares ([tool.uv] conflicts): the plan is for what this machine
  // installs, so the pins of the others (an extra that needs another torch) decide nothing here.
  // An extra the README installs is installed, and a backend extra is planned as one.
  const gone = new Set(notInstalled.map(normalizeName));
  const installs = new Set(selected.map(normalizeName).filter((n) => !gone.has(n)));
  const alternatives = [
    ...new Set([...declaredAlternatives(data).filter((n) => !installs.has(n) && !(multiBackend?.extras ?? []).map(normalizeName).includes(n)), ...gone]),
  ];
  const requirements = pyprojectText ? requirementsOf(data, pyprojectText, 'pyproject.toml', new Set(alternatives)) : [];
  let backendPin: ProjectFacts['backendPin'] = pyprojectText ? backendFromIndex(data, pyprojectText, 'pyproject.toml') : null;
  let torchPin: ProjectFacts['torchPin'] = null;
  // The project's torch is the one of what the environment installs: its dependencies, its
  // groups, the extras its README selects; a torch in another extra (one per torch release or
  // vendor: `intel-gpu-torch260`) is that extra's.
  const optional = (data.project as Record<string, unknown> | undefined)?.['optional-dependencies'];
  const unselected =
    optional && typeof optional === 'object'
      ? Object.keys(optional)
          .map(normalizeName)
          .filter((n) => !installs.has(n))
      : [];
  const installed =
    pyprojectText && unselected.length > 0 ? requirementsOf(data, pyprojectText, 'pyproject.toml', new Set([...alternatives, ...unselected])) : requirements;
  const torch = installed.find((r) => r.name === 'torch' && r.specifier !== '');
  if (torch) {
    const local = backendOfLocal(torch.specifier);
    torchPin = { specifier: torch.specifier.replace(/\+[A-Za-z0-9.]+/g, ''), origin: torch.origin };
    if (local && !backendPin) backendPin = { backend: local, origin: torch.origin };
  }
  if (multiBackend?.torch) {
    torchPin = { specifier: multiBackend.torch.specifier, origin: multiBackend.torch.origin };
    if (multiBackend.torch.backend) backendPin = { backend: multiBackend.torch.backend, origin: multiBackend.torch.origin };
  }
  return { requirements, alternatives, torchPin, backendPin };
}

/** The facts that come from pyproject.toml and the other files together. */
function combined(own: OwnFacts, imported: ImportResult | null) {
  const fromImport = imported ? factsFromImport(imported, new Set(own.alternatives)) : null;
  const requirements = fromImport ? mergeByName(own.requirements, fromImport.requirements) : own.requirements;
  const names = new Set(requirements.map((r) => normalizeName(r.name)));
  return {
    requirements,
    torchPin: own.torchPin ?? fromImport?.torchPin ?? null,
    backendPin: own.backendPin ?? fromImport?.backendPin ?? null,
    compilesCuda: own.compile.value ? own.compile : (fromImport?.compiles ?? own.compile),
    backendHint: fromImport?.backendHint ?? null,
    pythonHint: fromImport?.pythonHint ?? null,
    aptPackages: [...new Set([...(fromImport?.aptPackages ?? []), ...own.apt])].sort(),
    imported,
    needs: { torchaudio: names.has('torchaudio'), xformers: names.has('xformers') },
  };
}

/** The same project with another reading of its other files (one of its alternative requirement files chosen). */
export function withImported<T extends ProjectFacts>(facts: T, imported: ImportResult): T {
  if (!facts.ownFacts) return facts;
  return { ...facts, ...combined(facts.ownFacts, imported) };
}

/** Reads what the project already says, without running any of its code. Bad files stop with file:line. */
export async function readProject(
  dir: string,
  options: { importRepo?: boolean } = {},
): Promise<ProjectFacts & { lockWithMirror: boolean | null; hasReadme: boolean }> {
  const dirStat = await stat(dir).catch(() => null);
  if (!dirStat) throw new DanluError(`no such folder: ${dir}`);
  if (!dirStat.isDirectory()) throw new DanluError(`not a folder: ${dir}`);
  const pyPath = join(dir, 'pyproject.toml');
  // The files danlu also writes are read strictly: inside the project, UTF-8, or an error.
  const pyprojectText = readOwnProjectFile(dir, 'pyproject.toml');
  const data = pyprojectText === null ? {} : parseTomlStrict(pyprojectText, pyPath);
  const project = (data.project ?? {}) as Record<string, unknown>;
  const folder = basename(dir);
  const own = typeof project.name === 'string' && project.name.trim() ? project.name.trim() : null;

  // The other files of the repository: requirements, conda, setup files, README install lines.
  const imported = options.importRepo === false ? null : await importProject(dir);
  const packageName = own ?? packageNameFrom(imported?.packageMetadata?.name ?? folder);
  // uv's multi-backend shape: the backend extra the README syncs is the project's torch.
  const multiBackend = pyprojectText
    ? multiBackendOf(
        data,
        pyprojectText,
        'pyproject.toml',
        (imported?.selectedExtras ?? []).map((e) => e.name),
      )
    : null;
  const ownFacts: OwnFacts = {
    ...pinsOfOwn(
      data,
      pyprojectText,
      (imported?.selectedExtras ?? []).map((e) => e.name),
      multiBackend,
    ),
    compile: await detectCompile(dir, pyprojectText),
    apt: [],
  };

  // A .python-version danlu wrote (its record says which) is the plan's, not the project's pin.
  const pythonFile = readOwnProjectFile(dir, '.python-version')?.trim() || null;
  const ownPython = pythonFile !== null && pythonFile === managedOf(data)['python-version'];
  const pythonVersion = ownPython ? null : pythonFile;
  const envPath = join(dir, '.env');
  const envText = readOwnProjectFile(dir, '.env');
  const env = envText === null ? {} : parseEnv(envText, envPath);
  const envAt = envText === null ? {} : envLocations(envText, envPath);
  const danlu = ((data.tool as Record<string, unknown> | undefined)?.danlu ?? {}) as Record<string, unknown>;
  ownFacts.apt = danluApt(danlu);
  const readme = await readFile(join(dir, 'README.md'), 'utf8').then(
    () => true,
    () => false,
  );

  return {
    dir,
    // The package name: [project].name, else setup.py's (static) name, else the folder's, made a
    // valid package name. The slug (compose project, workspace path) follows that name from the
    // first run on, so the [project] danlu writes does not rename the environment the next time.
    name: packageName,
    slug: slugify(packageName),
    pyprojectText,
    pyprojectData: pyprojectText === null ? null : data,
    // requires-python danlu wrote for its planned Python is its own, not the project's.
    requiresPython:
      typeof project['requires-python'] === 'string' && project['requires-python'] !== managedOf(data)['requires-python']
        ? (project['requires-python'] as string)
        : null,
    pythonVersion,
    pythonPlanned: ownPython ? pythonFile : null,
    earlierConflicts: earlierConflicts(data),
    env,
    envAt,
    pythonClassifiers: await pythonClassifiers(dir, project),
    ...combined(ownFacts, imported),
    ownFacts,
    multiBackend,
    lockWithMirror: typeof danlu['lock-with-mirror'] === 'boolean' ? (danlu['lock-with-mirror'] as boolean) : null,
    hasReadme: readme || (await exists(join(dir, 'README.md'))),
    ...(await findTorchImport(dir).then((t) => ({ torchImport: t.file, hasCode: t.code }))),
    publishesPackage: publishesPackage(data, (await exists(join(dir, 'setup.py'))) || (await exists(join(dir, 'setup.cfg')))),
  };
}
