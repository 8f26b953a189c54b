import type { FixResult } from './fix.js';
import { safeFixes } from './fix.js';
import type { DoctorReport, Finding, Severity } from './types.js';
import { LAYERS } from './types.js';

/** The documented JSON of one finding: every key always present, `null` when empty. */
export function findingJson(f: Finding) {
  return {
    id: f.id,
    layer: f.layer,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    fix: f.fix ? { command: f.fix.command ?? null, description: f.fix.description, safe: f.fix.safe } : null,
  };
}

export function reportJson(report: DoctorReport, fixes?: readonly FixResult[]) {
  return {
    findings: report.findings.map(findingJson),
    summary: { ok: report.summary.ok, info: report.summary.info, warn: report.summary.warn, error: report.summary.error },
    ...(fixes ? { fixes: fixes.map((r) => ({ id: r.id, description: r.description, applied: r.applied, error: r.error })) } : {}),
  };
}

export interface Paint {
  bold: (s: string) => string;
  dim: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  cyan: (s: string) => string;
}

const plain: Paint = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s, cyan: (s) => s };

function mark(severity: Severity, p: Paint): string {
  switch (severity) {
    case 'ok':
      return p.green('✓');
    case 'info':
      return p.cyan('i');
    case 'warn':
      return p.yellow('!');
    case 'error':
      return p.red('✗');
  }
}

/** "3 ok · 1 info · 2 warnings · 1 error" */
export function summaryLine(s: Record<Severity, number>, p: Paint = plain): string {
  const parts = [`${s.ok} ok`];
  if (s.info) parts.push(`${s.info} info`);
  if (s.warn) parts.push(p.yellow(`${s.warn} warning${s.warn === 1 ? '' : 's'}`));
  parts.push(s.error ? p.red(`${s.error} error${s.error === 1 ? '' : 's'}`) : p.green('0 errors'));
  return parts.join(' · ');
}

/**
 * The human report, grouped by layer: one line per passing check, and for problems what was
 * seen and how to fix it. A healthy host fits one screen.
 */
export function formatReport(report: DoctorReport, opts: { dir: string; deep: boolean; fixing: boolean }, p: Paint = plain): string[] {
  const lines = [`${p.bold('danlu doctor')} ${p.dim(opts.dir)}`];
  for (const layer of LAYERS) {
    const here = report.findings.filter((f) => f.layer === layer);
    if (here.length === 0) continue;
    lines.push(p.bold(layer));
    for (const f of here) {
      lines.push(`  ${mark(f.severity, p)} ${f.title}`);
      if (f.severity === 'ok') continue;
      if (f.detail) lines.push(p.dim(`      ${f.detail}`));
      if (f.fix) {
        lines.push(`      ${p.cyan(f.fix.safe ? 'fix (--fix):' : 'fix:')} ${f.fix.description}`);
        if (f.fix.command) lines.push(`        $ ${f.fix.command}`);
      }
    }
  }
  const hints: string[] = [];
  const fixable = safeFixes(report.findings).length;
  if (fixable > 0 && !opts.fixing) hints.push(`\`danlu doctor --fix\` can fix ${fixable} of these`);
  if (!opts.deep) hints.push('--deep starts a real GPU container');
  lines.push(`${summaryLine(report.summary, p)}${hints.length ? p.dim(`  (${hints.join('; ')})`) : ''}`);
  return lines;
}
