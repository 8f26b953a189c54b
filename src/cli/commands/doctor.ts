import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { applyFixes, safeFixes, type FixResult } from '../../doctor/fix.js';
import { realDoctorDeps } from '../../doctor/probes/deps.js';
import { formatReport, reportJson } from '../../doctor/report.js';
import { runDoctor } from '../../doctor/run.js';
import type { DoctorReport, Finding } from '../../doctor/types.js';
import { DanluError, EXIT } from '../../lib/errors.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { err, out, painter, printJson, spinner } from '../output.js';
import { canPrompt } from '../prompts.js';

async function confirmFixes(fixes: readonly Finding[]): Promise<boolean> {
  const clack = await import('@clack/prompts');
  clack.note(fixes.map((f) => `• ${f.fix!.description}`).join('\n'), 'danlu doctor --fix', { output: process.stderr });
  const answer = await clack.confirm({
    message: `Apply ${fixes.length === 1 ? 'this fix' : `these ${fixes.length} fixes`}?`,
    initialValue: true,
    output: process.stderr,
  });
  return !clack.isCancel(answer) && answer === true;
}

async function projectDir(arg: string | undefined): Promise<string> {
  const dir = resolve(arg ?? '.');
  const s = await stat(dir).catch(() => null);
  if (!s) throw new DanluError(`no such folder: ${dir}`);
  if (!s.isDirectory()) throw new DanluError(`not a folder: ${dir}`);
  return dir;
}

export default defineCommand({
  name: 'doctor',
  summary:
    'Check this machine and the project for what breaks GPU dev environments: driver, Docker, NVIDIA runtime, proxies, .env, caches, the running container.',
  usage: 'danlu doctor [DIR] [--json] [--fix [--yes]] [--deep]',
  options: {
    fix: { type: 'boolean', description: 'apply the safe, local fixes (cache folders, .env values) after asking' },
    yes: { type: 'boolean', short: 'y', description: 'with --fix: do not ask' },
    deep: { type: 'boolean', description: 'also start a GPU container: docker run --gpus all <image> nvidia-smi (never pulls)' },
    ...COMMON_OPTIONS,
  },
  details: `
Every check runs at once, each with a time-out: a hung daemon or a slow nvidia-smi costs seconds, not minutes.
Host-level fixes (NVIDIA Container Toolkit, daemon proxy, docker group) are printed as commands, never run.

--json prints {"findings": [{"id", "layer", "severity": ok|info|warn|error, "title", "detail",
"fix": {"command", "description", "safe"} | null}], "summary": {"ok", "info", "warn", "error"}}
(with --fix also "fixes": [{"id", "description", "applied", "error"}]).
Exit codes: 0 no errors, 1 errors found, 2 bad usage.`,
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new DanluError(`doctor takes one folder, got ${positionals.length}: ${positionals.join(' ')}`);
    if (values.yes && !values.fix) throw new DanluError('--yes goes with --fix', { hint: 'danlu doctor --fix --yes' });
    const dir = await projectDir(positionals[0]);
    const deep = Boolean(values.deep);
    const spin = spinner('checking the host, Docker and the project', !values.json && Boolean(process.stderr.isTTY));
    let { report } = await runDoctor(realDoctorDeps(), { dir, deep });
    spin.stop();

    let fixes: FixResult[] | undefined;
    if (values.fix) {
      const pending = safeFixes(report.findings);
      let go = Boolean(values.yes);
      if (!go && pending.length > 0 && canPrompt({ json: values.json })) go = await confirmFixes(pending);
      if (go && pending.length > 0) {
        fixes = await applyFixes(report.findings);
        ({ report } = await runDoctor(realDoctorDeps(), { dir, deep }));
      } else {
        const why = values.yes ? 'nothing to do' : 'not applied: confirm interactively or pass --yes';
        fixes = pending.map((f) => ({ id: f.id, description: f.fix!.description, applied: false, error: why }));
      }
    }

    if (values.json) printJson(reportJson(report, fixes));
    else printHuman(report, fixes, { dir, deep, fixing: Boolean(values.fix) });
    return report.summary.error > 0 ? EXIT.failed : EXIT.ok;
  },
});

function printHuman(report: DoctorReport, fixes: FixResult[] | undefined, o: { dir: string; deep: boolean; fixing: boolean }): void {
  const p = painter(process.stdout);
  if (fixes && fixes.length > 0) {
    const pe = painter(process.stderr);
    const dryRun = fixes.every((f) => !f.applied && f.error?.startsWith('not applied'));
    if (dryRun) err(pe.bold('Would fix (nothing changed; run `danlu doctor --fix --yes` to apply):'));
    for (const f of fixes) {
      if (f.applied) err(`  ${pe.green('fixed')}  ${f.description}`);
      else if (f.error?.startsWith('not applied')) err(`  ${pe.dim('would')}  ${f.description}`);
      else err(`  ${pe.red('failed')} ${f.description}: ${f.error}`);
    }
    if (!dryRun) err(pe.dim('Checked again after fixing:'));
  } else if (fixes && fixes.length === 0) {
    err('Nothing doctor can fix by itself; the commands below are yours to run.');
  }
  for (const line of formatReport(report, { dir: o.dir, deep: o.deep, fixing: o.fixing }, p)) out(line);
}
