import type { ImportOrigin, ImportResult } from './types.js';

const at = (o: ImportOrigin) => `${o.file}:${o.line}`;

/** One line of counts: what the import found. */
export function summarize(r: ImportResult): string {
  const groups = new Map<string, number>();
  for (const q of r.requirements) groups.set(q.group, (groups.get(q.group) ?? 0) + 1);
  // The main ones and the first few others; a project with hundreds of extras (one per torch and
  // CUDA) gets their count, not a screen of names.
  const all = [...groups].map(([g, n]) => `${n} ${g}`);
  const parts = all.length > 8 ? [...all.slice(0, 6), `${all.length - 6} more extras and groups`] : all;
  const leftOut = r.report.filter((e) => e.kind === 'left-out').length;
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  // The dependencies always; the rest only when there is something to say.
  const rest: [number, string][] = [
    [r.requirements.filter((q) => q.source).length, 'with a git/URL/path source'],
    [r.indexes.length, count(r.indexes.length, 'index', 'indexes').replace(/^\d+ /, '')],
    [r.cudaHints.length, count(r.cudaHints.length, 'CUDA hint').replace(/^\d+ /, '')],
    [r.buildTimeTorch.length, 'need torch to build'],
    [leftOut, count(leftOut, 'line left out', 'lines left out').replace(/^\d+ /, '')],
    [r.warnings.length, count(r.warnings.length, 'warning').replace(/^\d+ /, '')],
  ];
  return [
    `${count(r.requirements.length, 'dependency', 'dependencies')}${parts.length ? ` (${parts.join(', ')})` : ''}`,
    ...rest.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`),
  ].join(', ');
}

/** The migration report as text: files, every input line and what it became, warnings, summary. */
export function formatReport(r: ImportResult): string {
  const out: string[] = [];
  if (r.files.length) {
    out.push('Files:');
    for (const f of r.files) out.push(`  ${f.role === 'imported' ? 'read   ' : 'skipped'} ${f.file}  (${f.reason})`);
  }
  out.push('Lines:');
  const fileOrder = new Map<string, number>();
  for (const e of r.report) if (!fileOrder.has(e.origin.file)) fileOrder.set(e.origin.file, fileOrder.size);
  const sorted = r.report
    .map((e, i) => ({ e, i }))
    .sort((a, b) => fileOrder.get(a.e.origin.file)! - fileOrder.get(b.e.origin.file)! || a.e.origin.line - b.e.origin.line || a.i - b.i)
    .map((x) => x.e);
  for (const e of sorted) {
    out.push(`  ${at(e.origin)}  ${e.text}`);
    out.push(`      -> [${e.kind}] ${e.became}${e.reason ? ` (${e.reason})` : ''}`);
  }
  if (r.warnings.length) {
    out.push('Warnings:');
    for (const w of r.warnings) out.push(`  ${w.origin ? `${at(w.origin)}: ` : ''}${w.message} [${w.id}]`);
  }
  out.push(`Summary: ${summarize(r)}`);
  return out.join('\n');
}
