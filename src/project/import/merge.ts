import { satisfiesOr } from '../../lib/py.js';
import { compare, validRange } from '@renovatebot/pep440';
import { reportOf, warn } from './emit.js';
import { formatRequirement } from './pep508.js';
import { appendResult, emptyResult, type ImportOrigin, type ImportResult, type ImportedRequirement } from './types.js';

/** How much a source of requirements is trusted: lower wins a conflict. Install guides only add. */
export const RANK = { pyproject: 0, requirements: 1, conda: 1, setup: 2, guide: 3 } as const;

const where = (o: ImportOrigin) => `${o.file}:${o.line}`;

function cmp(a: string, b: string): number | null {
  try {
    return compare(a, b);
  } catch {
    return null;
  }
}

/** A range that does not parse admits anything here (nothing is dropped on a bad clause). */
const safeSatisfies = (version: string, range: string): boolean => satisfiesOr(version, range, true);

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)(.+)$/;

/**
 * The intersection of two PEP 440 specifiers, kept readable: an exact pin that satisfies the
 * other side wins; otherwise the highest lower bound and the lowest upper bound, plus every
 * `~=`, `!=` and wildcard clause. `conflict` when no version can satisfy both.
 */
export function intersectSpecifiers(a: string, b: string): { specifier: string; conflict: boolean } {
  const clauses = [...new Set([...a.split(','), ...b.split(',')].filter((c) => c !== ''))];
  const parsed = clauses.map((c) => CLAUSE.exec(c)).filter((m): m is RegExpExecArray => m !== null);
  const pins = parsed.filter((m) => m[1] === '===' || (m[1] === '==' && !m[2]!.endsWith('.*')));
  if (pins.length) {
    const pin = pins[0]!;
    const conflict = parsed.some((m) => m !== pin && (m[1] === '===' ? m[2] !== pin[2] : !safeSatisfies(pin[2]!, m[0])));
    return { specifier: pin[0], conflict };
  }
  let lower: RegExpExecArray | null = null;
  let upper: RegExpExecArray | null = null;
  const others: string[] = [];
  for (const m of parsed) {
    const [op, v] = [m[1]!, m[2]!];
    if (op === '>=' || op === '>') {
      const c = lower ? cmp(v, lower[2]!) : 1;
      if (c === null) others.push(m[0]);
      else if (c > 0 || (c === 0 && op === '>')) lower = m;
    } else if (op === '<=' || op === '<') {
      const c = upper ? cmp(v, upper[2]!) : -1;
      if (c === null) others.push(m[0]);
      else if (c < 0 || (c === 0 && op === '<')) upper = m;
    } else others.push(m[0]);
  }
  const specifier = [lower?.[0], upper?.[0], ...others].filter((c): c is string => !!c).join(',');
  let conflict = false;
  if (lower && upper) {
    const c = cmp(lower[2]!, upper[2]!);
    conflict = c !== null && (c > 0 || (c === 0 && !(lower[1] === '>=' && upper[1] === '<=')));
  }
  try {
    if (!validRange(specifier)) return { specifier: a, conflict: true };
  } catch {
    return { specifier: a, conflict: true };
  }
  return { specifier, conflict };
}

export interface MergePart {
  result: ImportResult;
  /** RANK of the file the part came from. */
  rank: number;
}

function keyOf(r: ImportedRequirement): string {
  return `${r.name}\0${r.marker ?? ''}\0${r.group}`;
}

function mergeInto(out: ImportResult, kept: { req: ImportedRequirement; rank: number }, b: ImportedRequirement, rank: number): void {
  const a = kept.req;
  (a.alsoIn ??= []).push({ ...b.origin });
  a.extras = [...new Set([...a.extras, ...b.extras])].sort();
  if (b.localVersion !== undefined) a.localVersion ??= b.localVersion;
  if (!b.nameGuessed) delete a.nameGuessed;
  if (b.source && !a.source) a.source = b.source;
  else if (b.source && a.source && JSON.stringify(a.source) !== JSON.stringify(b.source)) {
    warn(
      out,
      'conflicting-sources',
      `${a.name}: different sources in ${where(a.origin)} and ${where(b.origin)}; kept the one from ${where(a.origin)}`,
      b.origin,
    );
  }
  const entry = reportOf.get(b);
  if (entry) entry.became += ` (merged with ${where(a.origin)})`;
  if (a.specifier === b.specifier || b.specifier === '') {
    // the same: merged without a warning (see mergeResults)
  } else if (rank >= RANK.guide && kept.rank < RANK.guide) {
    warn(
      out,
      'guide-differs',
      `${a.name}: the install guide has ${b.raw} (${where(b.origin)}), ${where(a.origin)} has ${a.raw}; kept ${where(a.origin)}`,
      b.origin,
    );
  } else if (a.specifier === '') {
    warn(out, 'merged-specifiers', `${a.name}: unpinned (${where(a.origin)}) and ${b.specifier} (${where(b.origin)}) merged into ${b.specifier}`, b.origin);
    a.specifier = b.specifier;
  } else {
    const r = intersectSpecifiers(a.specifier, b.specifier);
    if (r.conflict) {
      warn(
        out,
        'conflicting-pins',
        `${a.name}: ${a.specifier} (${where(a.origin)}) and ${b.specifier} (${where(b.origin)}) cannot both hold; kept ${a.specifier} from ${where(a.origin)}`,
        b.origin,
      );
    } else {
      warn(
        out,
        'merged-specifiers',
        `${a.name}: ${a.specifier} (${where(a.origin)}) and ${b.specifier} (${where(b.origin)}) merged into ${r.specifier}`,
        b.origin,
      );
      a.specifier = r.specifier;
    }
  }
  a.raw = formatRequirement(a);
}

/** The same package pinned incompatibly in two groups: uv resolves all groups together unless told they conflict. */
function warnGroupConflicts(out: ImportResult): void {
  const byName = new Map<string, ImportedRequirement[]>();
  for (const r of out.requirements) {
    if (!r.specifier) continue;
    const key = `${r.name}\0${r.marker ?? ''}`;
    const list = byName.get(key);
    if (list) list.push(r);
    else byName.set(key, [r]);
  }
  for (const list of byName.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i]!, list[j]!];
        if (a.group === b.group || !intersectSpecifiers(a.specifier, b.specifier).conflict) continue;
        warn(
          out,
          'conflicting-groups',
          `${a.name}: ${a.specifier} in group ${a.group} (${where(a.origin)}) and ${b.specifier} in group ${b.group} (${where(b.origin)}) cannot be installed together; uv resolves every group at once unless [tool.uv] conflicts says otherwise`,
          b.origin,
          a.name,
        );
      }
    }
  }
}

function dedupe<T>(list: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Merges the results of several files into one: the same package (same marker and group)
 * from several places becomes one requirement, its specifiers intersected (a conflict keeps
 * the stronger file's and warns); install guides only add packages and never override a
 * manifest. Nothing is dropped: every merge is a warning or a note in the report.
 */
export function mergeResults(parts: MergePart[]): ImportResult {
  const out = emptyResult();
  for (const p of parts) appendResult(out, { ...p.result, requirements: [], constraints: [] });
  const ordered = parts.map((p, i) => ({ ...p, i })).sort((x, y) => x.rank - y.rank || x.i - y.i);
  for (const list of ['requirements', 'constraints'] as const) {
    const byKey = new Map<string, { req: ImportedRequirement; rank: number }>();
    for (const p of ordered) {
      for (const r of p.result[list]) {
        const kept = byKey.get(keyOf(r));
        if (kept) mergeInto(out, kept, r, p.rank);
        else {
          const copy: ImportedRequirement = { ...r, extras: [...r.extras], origin: { ...r.origin } };
          const entry = reportOf.get(r);
          if (entry) reportOf.set(copy, entry);
          byKey.set(keyOf(r), { req: copy, rank: p.rank });
          out[list].push(copy);
        }
      }
    }
  }
  // The same package with the same (or no) specifier in several files is not news: a README
  // repeating requirements.txt, or danlu's own pyproject.toml on a re-run. The report line of
  // each merged-away requirement says where it went.
  warnGroupConflicts(out);
  const o = (x: { origin?: ImportOrigin }) => (x.origin ? where(x.origin) : '');
  out.cudaHints = dedupe(out.cudaHints, (h) => `${h.cuda}|${h.backend}|${o(h)}`);
  out.pythonHints = dedupe(out.pythonHints, (h) => `${h.specifier}|${h.version}|${o(h)}`);
  out.buildTimeTorch = dedupe(out.buildTimeTorch, (h) => `${h.name}|${h.why}|${o(h)}`);
  out.noBuildIsolation = dedupe(out.noBuildIsolation, (h) => `${h.name}|${o(h)}`);
  out.condaOnly = dedupe(out.condaOnly, (c) => c.name);
  out.aptPackages = dedupe(out.aptPackages, (a) => a.name);
  out.selectedExtras = dedupe(out.selectedExtras, (e) => e.name);
  out.selfInstalls = dedupe(out.selfInstalls, (s) => where(s));
  out.warnings = dedupe(out.warnings, (w) => `${w.id}|${w.message}|${o(w)}`);
  const indexes = new Map<string, ImportResult['indexes'][number]>();
  for (const idx of out.indexes) {
    const k = `${idx.kind}|${idx.url.replace(/\/+$/, '')}`;
    const seen = indexes.get(k);
    if (!seen) indexes.set(k, { ...idx, ...(idx.packages ? { packages: [...idx.packages] } : {}) });
    else if (idx.packages?.length) seen.packages = dedupe([...(seen.packages ?? []), ...idx.packages], (p) => JSON.stringify(p));
  }
  out.indexes = [...indexes.values()];
  const variants = [...new Set(out.cudaHints.map((h) => h.backend).filter((b): b is string => !!b))];
  if (variants.length > 1) {
    const firstOf = (b: string) => out.cudaHints.find((h) => h.backend === b)!.origin;
    warn(
      out,
      'several-variants',
      `the inputs name several PyTorch variants: ${variants.map((b) => `${b} (${where(firstOf(b))})`).join(', ')}; the plan picks one`,
    );
  }
  return out;
}
