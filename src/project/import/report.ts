import type { ImportOrigin, ImportResult } from './types.js';

const at = (o: ImportOrigin) => `${o.file}:${o.line}`;

/** One line of counts: what the import found. */
export function summarize(r: ImportResult): string {
  const groups = new Map<string, number>();
  for (const q of r.requirements) groups.set(q.group, (groups.get(q.group) ?? 0) + 1);
  const parts = [...groups].map(([g, n]) => `${n} ${g}`);
  const leftOut = r.report.filter((e) => e.kind === 'left-out').length;
  return [
    `${r.requirements.length} dependencies${parts.length ? ` (${parts.join(', ')})` : ''}`,
    `${r.requirements.filter((q) => q.source).length} with a git/URL/path source`,
    `${r.indexes.length} indexes`,
    `${r.cudaHints.length} CUDA hints`,
    `${r.buildTimeTorch.length} build-time torch`,
    `${leftOut} lines left out`,
    `${r.warnings.length} warnings`,
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
