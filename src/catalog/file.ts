import { BACKEND } from '../lib/py.js';
import type { CudaImageRow, WheelImageRow } from './cuda-images.js';
import type { TorchBackend, TorchMatrix, TorchRelease } from './torch.js';
import type { Confidence, Provenance, Table } from './types.js';
import type { WheelAsset } from './wheels.js';
import type { AstralIndexes, AstralRow } from './data/astral-wheels.js';

/**
 * The catalog as a file: the user catalog (`danlu catalog update`) and the embedded snapshot
 * (`npm run catalog:refresh`, src/catalog/snapshot.json) have this one format.
 */
export const CATALOG_SCHEMA = 1;
export const CATALOG_KIND = 'danlu-catalog';

/** The parts an update can fetch; every other part always comes from the embedded catalog. */
export const UPDATABLE_PARTS = ['torch', 'cudaImages', 'wheelImage', 'wheels', 'astral'] as const;
export type UpdatablePart = (typeof UPDATABLE_PARTS)[number];

export interface CatalogParts {
  torch: TorchMatrix;
  cudaImages: Table<CudaImageRow>;
  wheelImage: Table<WheelImageRow>;
  wheels: Table<WheelAsset>;
  astral: AstralIndexes;
}

/** Where a fetched part came from. Curated parts have none. */
export interface PartOrigin {
  /** ISO time of the fetch. */
  fetchedAt: string;
  urls: string[];
}

export interface CatalogFile {
  kind: typeof CATALOG_KIND;
  schema: typeof CATALOG_SCHEMA;
  /** The newest asOf of its parts (YYYY-MM-DD). */
  asOf: string;
  /** "danlu 0.1.0 catalog update", "scripts/refresh-catalog.mjs". */
  generatedBy: string;
  parts: Partial<CatalogParts>;
  origins: Partial<Record<UpdatablePart, PartOrigin>>;
}

export class CatalogFormatError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'CatalogFormatError';
  }
}

// ---------------------------------------------------------------------------------------------
// Validation: the user file is input like any other; a wrong one must never reach the planner.

type Obj = Record<string, unknown>;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function fail(path: string, message: string): never {
  throw new CatalogFormatError(path, message);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Obj;
}

function str(v: unknown, path: string, re?: RegExp): string {
  if (typeof v !== 'string') fail(path, 'expected a string');
  if (re && !re.test(v)) fail(path, `unexpected value ${JSON.stringify(v)}`);
  return v;
}

function optStr(v: unknown, path: string): string | undefined {
  return v === undefined ? undefined : str(v, path);
}

function strOrNull(v: unknown, path: string): string | null {
  return v === null ? null : str(v, path);
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'expected true or false');
  return v;
}

function arr<T>(v: unknown, path: string, item: (x: unknown, p: string) => T): T[] {
  if (!Array.isArray(v)) fail(path, 'expected an array');
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

const strings = (v: unknown, path: string) => arr(v, path, (x, p) => str(x, p));

function confidence(v: unknown, path: string): Confidence {
  if (v !== 'V' && v !== 'S' && v !== '?') fail(path, 'expected "V", "S" or "?"');
  return v;
}

function provenance(o: Obj, path: string): Provenance {
  return {
    source: str(o.source, `${path}.source`),
    asOf: str(o.asOf, `${path}.asOf`, DATE_RE),
    confidence: confidence(o.confidence, `${path}.confidence`),
  };
}

function tableOf<Row>(v: unknown, path: string, row: (x: unknown, p: string) => Row): Table<Row> {
  const o = obj(v, path);
  return { ...provenance(o, path), rows: arr(o.rows, `${path}.rows`, row) };
}

function backend(v: unknown, path: string): TorchBackend {
  const o = obj(v, path);
  const abi = o.abi;
  if (abi !== 'cxx11' && abi !== 'pre-cxx11') fail(`${path}.abi`, 'expected "cxx11" or "pre-cxx11"');
  const b: TorchBackend = {
    name: str(o.name, `${path}.name`, BACKEND),
    archs: strings(o.archs, `${path}.archs`),
    abi,
    confidence: confidence(o.confidence, `${path}.confidence`),
  };
  const ptx = optStr(o.ptx, `${path}.ptx`);
  if (ptx !== undefined) b.ptx = ptx;
  if (o.python !== undefined) b.python = strings(o.python, `${path}.python`);
  if (o.platforms !== undefined) b.platforms = strings(o.platforms, `${path}.platforms`);
  return b;
}

const VERSION_RE = /^\d+(\.\d+)*([a-z0-9.]*)$/i;

function release(v: unknown, path: string): TorchRelease {
  const o = obj(v, path);
  const r: TorchRelease = {
    version: str(o.version, `${path}.version`, VERSION_RE),
    released: str(o.released, `${path}.released`),
    python: strings(o.python, `${path}.python`),
    backends: arr(o.backends, `${path}.backends`, backend),
    pypiDefault: str(o.pypiDefault, `${path}.pypiDefault`),
    torchvision: str(o.torchvision, `${path}.torchvision`),
    torchaudio: strOrNull(o.torchaudio, `${path}.torchaudio`),
    xformers: strOrNull(o.xformers, `${path}.xformers`),
  };
  if (r.backends.length === 0) fail(`${path}.backends`, 'a release needs at least one backend');
  const notDefault = optStr(o.notDefault, `${path}.notDefault`);
  if (notDefault !== undefined) r.notDefault = notDefault;
  return r;
}

function torchMatrix(v: unknown, path: string): TorchMatrix {
  const o = obj(v, path);
  const releases = arr(o.releases, `${path}.releases`, release);
  if (releases.length === 0) fail(`${path}.releases`, 'expected at least one release');
  return { ...provenance(o, path), indexBase: str(o.indexBase, `${path}.indexBase`, /^https?:\/\//), releases };
}

function cudaImageRow(v: unknown, path: string): CudaImageRow {
  const o = obj(v, path);
  const row: CudaImageRow = {
    version: str(o.version, `${path}.version`, /^\d+\.\d+\.\d+$/),
    ubuntu: strings(o.ubuntu, `${path}.ubuntu`),
    supported: bool(o.supported, `${path}.supported`),
  };
  if (row.ubuntu.length === 0) fail(`${path}.ubuntu`, 'expected at least one Ubuntu release');
  if (o.arch !== undefined) row.arch = strings(o.arch, `${path}.arch`);
  return row;
}

function wheelImageRow(v: unknown, path: string): WheelImageRow {
  const o = obj(v, path);
  return { backend: str(o.backend, `${path}.backend`), image: str(o.image, `${path}.image`, /^\d+\.\d+\.\d+$/) };
}

function wheelAsset(v: unknown, path: string): WheelAsset {
  const o = obj(v, path);
  const channel = o.channel;
  if (channel !== 'official' && channel !== 'community') fail(`${path}.channel`, 'expected "official" or "community"');
  const abi = o.cxx11abi;
  if (abi !== null && typeof abi !== 'boolean') fail(`${path}.cxx11abi`, 'expected true, false or null');
  const w: WheelAsset = {
    package: str(o.package, `${path}.package`),
    version: str(o.version, `${path}.version`),
    url: str(o.url, `${path}.url`, /^https?:\/\//),
    filename: str(o.filename, `${path}.filename`, /\.whl$/),
    cuda: str(o.cuda, `${path}.cuda`),
    torch: str(o.torch, `${path}.torch`),
    cxx11abi: abi,
    python: str(o.python, `${path}.python`),
    platform: str(o.platform, `${path}.platform`),
    channel,
    release: str(o.release, `${path}.release`),
  };
  const sha = optStr(o.sha256, `${path}.sha256`);
  if (sha !== undefined) w.sha256 = sha;
  return w;
}

function origin(v: unknown, path: string): PartOrigin {
  const o = obj(v, path);
  return { fetchedAt: str(o.fetchedAt, `${path}.fetchedAt`), urls: strings(o.urls, `${path}.urls`) };
}

const PART_READERS: { [K in UpdatablePart]: (v: unknown, path: string) => CatalogParts[K] } = {
  torch: torchMatrix,
  cudaImages: (v, p) => tableOf(v, p, cudaImageRow),
  wheelImage: (v, p) => tableOf(v, p, wheelImageRow),
  wheels: (v, p) => tableOf(v, p, wheelAsset),
  astral: astralIndexes,
};

function astralRow(v: unknown, path: string): AstralRow {
  const o = obj(v, path);
  const python = o.python === null ? null : strings(o.python, `${path}.python`);
  return {
    package: str(o.package, `${path}.package`),
    version: str(o.version, `${path}.version`),
    cuda: str(o.cuda, `${path}.cuda`, /^\d+\.\d+$/),
    torch: str(o.torch, `${path}.torch`, /^\d+\.\d+$/),
    python,
    source: str(o.source, `${path}.source`),
  };
}

function astralIndexes(v: unknown, path: string): AstralIndexes {
  const t = tableOf(v, path, astralRow);
  const o = obj(v, path);
  const mirrors = Array.isArray(o.mirrors)
    ? o.mirrors.map((m, i) => {
        const mo = obj(m, `${path}.mirrors[${i}]`);
        return {
          name: str(mo.name, `${path}.mirrors[${i}].name`),
          base: str(mo.base, `${path}.mirrors[${i}].base`),
          source: str(mo.source, `${path}.mirrors[${i}].source`),
        };
      })
    : fail(`${path}.mirrors`, 'expected an array');
  return {
    asOf: t.asOf,
    confidence: t.confidence,
    source: t.source,
    base: str(o.base, `${path}.base`, /^https?:\/\//),
    channels: strings(o.channels, `${path}.channels`),
    mirrors,
    rows: t.rows,
  };
}

/** Checks every field; throws CatalogFormatError with the JSON path of the first problem. */
export function validateCatalogFile(value: unknown): CatalogFile {
  const o = obj(value, '$');
  if (o.kind !== CATALOG_KIND) fail('$.kind', `expected "${CATALOG_KIND}"`);
  if (typeof o.schema !== 'number') fail('$.schema', 'expected a number');
  if (o.schema > CATALOG_SCHEMA) fail('$.schema', `schema ${o.schema} was written by a newer danlu; this one reads schema ${CATALOG_SCHEMA}`);
  if (o.schema !== CATALOG_SCHEMA) fail('$.schema', `unsupported schema ${o.schema}`);
  const partsIn = obj(o.parts, '$.parts');
  const parts: Partial<CatalogParts> = {};
  for (const name of UPDATABLE_PARTS) {
    if (partsIn[name] === undefined) continue;
    (parts as Record<string, unknown>)[name] = PART_READERS[name](partsIn[name], `$.parts.${name}`);
  }
  for (const key of Object.keys(partsIn)) {
    if (!(UPDATABLE_PARTS as readonly string[]).includes(key)) fail(`$.parts.${key}`, 'unknown part');
  }
  const originsIn = o.origins === undefined ? {} : obj(o.origins, '$.origins');
  const origins: CatalogFile['origins'] = {};
  for (const name of UPDATABLE_PARTS) {
    if (originsIn[name] !== undefined) origins[name] = origin(originsIn[name], `$.origins.${name}`);
  }
  return {
    kind: CATALOG_KIND,
    schema: CATALOG_SCHEMA,
    asOf: str(o.asOf, '$.asOf', DATE_RE),
    generatedBy: str(o.generatedBy, '$.generatedBy'),
    parts,
    origins,
  };
}

/** Parses and validates the text of a catalog file. */
export function parseCatalogFile(text: string): CatalogFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CatalogFormatError('$', `not valid JSON (${(e as Error).message})`);
  }
  return validateCatalogFile(value);
}

// ---------------------------------------------------------------------------------------------
// Serialisation: JSON, indented, but anything that fits on one line stays on one line, so a
// table row is one line and a refresh of the embedded snapshot reads well as a diff.

const LINE = 140;

/** One-line JSON with a space after each comma and colon. */
function flat(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  const entries = Object.entries(value as Obj).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flat(v)}`).join(', ')}}`;
}

function format(value: unknown, indent: string): string {
  const line = flat(value);
  if (typeof value !== 'object' || value === null || indent.length + line.length <= LINE) return line;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${format(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Obj).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
}

export function stringifyCatalogFile(file: CatalogFile): string {
  return `${format(file, '')}\n`;
}

/** The newest YYYY-MM-DD of a list (ISO dates compare as strings). */
export function newestDate(dates: readonly string[]): string {
  return dates.reduce((a, b) => (b > a ? b : a), '0000-00-00');
}
