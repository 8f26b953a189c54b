import { misleadingPypiName } from '../../catalog/data/pypi-names.js';
import { formatRequirement } from './pep508.js';
import type { Spec } from './spec.js';
import type { Group, ImportOrigin, ImportResult, ImportedRequirement, ReportEntry, ReportKind, RequirementSource } from './types.js';
import { cudaOfBackend } from './url.js';
import { BACKEND } from '../../lib/py.js';

/** The report line each requirement came from (to annotate it when sources are attached or requirements merged). */
export const reportOf = new WeakMap<ImportedRequirement, ReportEntry>();

/** Adds one report line. */
export function record(out: ImportResult, origin: ImportOrigin, text: string, kind: ReportKind, became: string, reason?: string): ReportEntry {
  const entry: ReportEntry = { origin: { ...origin }, text: text.trim(), became, kind };
  if (reason) entry.reason = reason;
  out.report.push(entry);
  return entry;
}

export function leftOut(out: ImportResult, origin: ImportOrigin, text: string, reason: string): void {
  void record(out, origin, text, 'left-out', 'left out', reason);
}

export function ignored(out: ImportResult, origin: ImportOrigin, text: string, reason: string): void {
  void record(out, origin, text, 'ignored', 'nothing', reason);
}

export function warn(out: ImportResult, id: string, message: string, origin?: ImportOrigin, pkg?: string): void {
  out.warnings.push({ id, message, ...(origin ? { origin: { ...origin } } : {}), ...(pkg ? { package: pkg } : {}) });
}

export function describeSource(s: RequirementSource): string {
  switch (s.kind) {
    case 'git': {
      const ref = s.rev ? `@${s.rev}` : s.branch ? ` branch ${s.branch}` : s.tag ? ` tag ${s.tag}` : '';
      return `git ${s.url}${ref}${s.subdirectory ? ` (subdirectory ${s.subdirectory})` : ''}`;
    }
    case 'url':
      return `URL ${s.url}`;
    case 'path':
      return `local path ${s.path}${s.editable ? ' (editable)' : ''}`;
  }
}

/** PyTorch-style local labels that name a CUDA variant. */

function noteWarningId(note: string): string | null {
  if (/ is never /.test(note)) return 'marker-never-true';
  if (/for Windows|for macOS|not Linux/.test(note)) return 'wheel-platform';
  if (/taken from the/.test(note)) return null;
  return 'requirement-note';
}

export interface AddOptions {
  origin: ImportOrigin;
  /** The input line as written (for the report). */
  text: string;
  group: Group;
  /** Default: 'dependency-group' for dev, 'extra' for other groups. */
  groupKind?: 'extra' | 'dependency-group';
  constraint?: boolean;
  notes?: string[];
}

/** Turns a parsed spec into an ImportedRequirement, with its report line, hints and warnings. */
export function addSpec(out: ImportResult, given: Spec & { name: string }, opts: AddOptions): ImportedRequirement {
  // A name PyPI serves as a stand-in that fails to install (sklearn): the real package, unpinned.
  const stand = given.source ? undefined : misleadingPypiName(given.name);
  const spec = stand
    ? { ...given, name: stand.package, specifier: '', notes: [...given.notes, `${given.name}${given.specifier} is ${stand.package}: ${stand.why}`] }
    : given;
  const req: ImportedRequirement = {
    name: spec.name,
    raw: formatRequirement(spec),
    specifier: spec.specifier,
    extras: spec.extras,
    marker: spec.marker,
    group: opts.group,
    origin: { ...opts.origin },
  };
  if (opts.group !== 'main') req.groupKind = opts.groupKind ?? (opts.group === 'dev' ? 'dependency-group' : 'extra');
  if (spec.source) req.source = spec.source;
  if (spec.localVersion !== undefined) req.localVersion = spec.localVersion;
  if (spec.nameGuessed) req.nameGuessed = true;
  const notes = [...spec.notes, ...(opts.notes ?? [])];
  let became = `${req.raw}`;
  if (spec.source) became += ` from ${describeSource(spec.source)}`;
  if (spec.localVersion !== undefined) {
    became += `; local version +${spec.localVersion} dropped`;
    if (BACKEND.test(spec.localVersion)) {
      const cuda = cudaOfBackend(spec.localVersion);
      out.cudaHints.push({ backend: spec.localVersion, ...(cuda ? { cuda } : {}), origin: { ...opts.origin }, text: opts.text.trim() });
      became += ` (CUDA hint ${spec.localVersion})`;
    }
  }
  const cudaName = /-cu(\d{2})\d?$|^cupy-cuda(\d{2})\d?x?$/.exec(spec.name);
  if (cudaName) {
    const major = String(Number(cudaName[1] ?? cudaName[2]));
    out.cudaHints.push({ cuda: major, origin: { ...opts.origin }, text: opts.text.trim() });
    became += ` (CUDA hint ${major}: built for CUDA ${major})`;
  }
  const py = /^cp(\d)(\d+)$/.exec(spec.wheel?.python ?? '');
  // A wheel of an optional set, or one built for another accelerator (`+xpu`, `+rocm6.2`), says
  // nothing about the Python of the main environment.
  const url = spec.source?.kind === 'url' ? decodeURIComponent(spec.source.url) : '';
  const otherAccelerator = /\+(xpu|rocm[\d.]*)[-.]/i.test(url);
  if (py && (opts.group !== 'main' || otherAccelerator)) {
    became += ` (wheel for Python ${py[1]}.${py[2]})`;
  } else if (py) {
    out.pythonHints.push({ version: `${py[1]}.${py[2]}`, origin: { ...opts.origin }, text: opts.text.trim() });
    became += ` (wheel for Python ${py[1]}.${py[2]})`;
  }
  for (const note of spec.notes) {
    const id = noteWarningId(note);
    if (id) warn(out, id, `${req.name}: ${note}`, opts.origin);
  }
  let kind: ReportKind;
  if (opts.constraint) {
    out.constraints.push(req);
    kind = 'dependency';
    became = `constraint ${became} (limits versions, adds nothing)`;
  } else {
    out.requirements.push(req);
    kind = spec.source ? 'source' : opts.group === 'dev' ? 'dev' : 'dependency';
    became = opts.group === 'main' ? `dependency ${became}` : opts.group === 'dev' ? `dev dependency ${became}` : `dependency ${became} in group ${opts.group}`;
  }
  reportOf.set(req, record(out, opts.origin, opts.text, kind, became, notes.length ? notes.join('; ') : undefined));
  return req;
}
