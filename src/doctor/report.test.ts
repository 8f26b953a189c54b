import { describe, expect, it } from 'vitest';
import { formatReport, reportJson, summaryLine } from './report.js';
import { runRules, summarize } from './run.js';
import { factsFor, h100Host } from './testing/facts.js';
import type { DoctorReport } from './types.js';

async function healthy(): Promise<DoctorReport> {
  const findings = runRules(factsFor(await h100Host({ docker: true })));
  return { findings, summary: summarize(findings) };
}

describe('formatReport', () => {
  it('fits a healthy H100 host on one screen, grouped by layer, without colour codes', async () => {
    const report = await healthy();
    expect(report.summary.error + report.summary.warn).toBe(0);
    const lines = formatReport(report, { dir: '/work/proj', deep: false, fixing: false });
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
    expect(lines.join('\n')).not.toMatch(/\x1b\[/);
    const headers = lines.filter((l) => /^[a-z]+$/.test(l));
    expect(headers).toEqual(['host', 'docker', 'gpu', 'network', 'project', 'container']);
    expect(lines.at(-1)).toBe('23 ok · 1 info · 0 errors  (--deep starts a real GPU container)');
  });

  it('prints detail and fix under a problem, and says which fixes --fix applies', async () => {
    const report = await healthy();
    const findings = report.findings.map((f) =>
      f.id === 'env-user'
        ? {
            ...f,
            severity: 'error' as const,
            title: 'USER_UID=1234 in .env',
            detail: 'wrong owner',
            fix: { description: 'set USER_UID=1000', safe: true, action: { kind: 'env-set' as const, file: '.env', key: 'USER_UID', value: '1000' } },
          }
        : f,
    );
    const text = formatReport({ findings, summary: summarize(findings) }, { dir: '/p', deep: true, fixing: false }).join('\n');
    expect(text).toContain('  ✗ USER_UID=1234 in .env\n      wrong owner\n      fix (--fix): set USER_UID=1000');
    expect(text).toContain('1 error  (`danlu doctor --fix` can fix 1 of these)');
  });
});

describe('reportJson', () => {
  it('has stable keys, null for an absent fix and no internal fix data', async () => {
    const report = await healthy();
    const json = reportJson(report);
    expect(Object.keys(json)).toEqual(['findings', 'summary']);
    expect(json.summary).toEqual({ ok: 23, info: 1, warn: 0, error: 0 });
    expect(json.findings[0]).toEqual({
      id: 'host-os',
      layer: 'host',
      severity: 'ok',
      title: 'Linux: Ubuntu 24.04 (x64)',
      detail: 'kernel 6.8.0-45-generic',
      fix: null,
    });
    const withFix = json.findings.find((f) => f.fix)!;
    expect(Object.keys(withFix.fix!)).toEqual(['command', 'description', 'safe']);
    expect(Object.keys(reportJson(report, []))).toEqual(['findings', 'summary', 'fixes']);
  });

  it('words the summary', () => {
    expect(summaryLine({ ok: 3, info: 0, warn: 1, error: 2 })).toBe('3 ok · 1 warning · 2 errors');
  });
});
