import { applyFiles } from '../../apply/index.js';
import type { FileResult } from '../../apply/types.js';
import { EXIT } from '../../lib/errors.js';
import { renderFiles } from '../../render/index.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { err, out, painter, printJson } from '../output.js';
import { planJson, planSummary } from '../plan-json.js';
import { PLAN_OPTIONS, planProject } from '../plan-project.js';
import { canPrompt, confirmPlan } from '../prompts.js';
import { summarize } from '../../project/import/report.js';

/** Warnings that say the planned environment cannot run on the machine it is planned for. */
const WONT_RUN = new Set(['torch-does-not-fit-host', 'image-newer-than-driver']);

export default defineCommand({
  name: 'init',
  summary: 'Generate or update the GPU dev environment of a project (Dockerfile, compose, .env, devcontainer, pyproject).',
  usage: 'danlu init [DIR] [options]',
  maxOperands: 1,
  options: {
    ...PLAN_OPTIONS,
    yes: { type: 'boolean', short: 'y', description: 'do not ask; use the plan as it is' },
    'dry-run': { type: 'boolean', description: 'print a unified diff of every change and write nothing' },
    force: { type: 'boolean', description: "replace files you edited with danlu's version (a backup goes to .danlu/backup/)" },
    'no-lock': { type: 'boolean', description: 'do not write the uv.lock the solve made (the container locks at the first `danlu up`)' },
    ...COMMON_OPTIONS,
  },
  details: `
Files: .devcontainer/{Dockerfile,devcontainer.json,docker-compose.extend.yml,uv-sync.sh},
docker-compose.yml, .env, .env.example, pyproject.toml, .python-version, .gitignore, .dockerignore,
.vscode/{extensions,launch,settings}.json. Running init again changes only what the plan changed;
files you edited are reported as conflicts and left alone unless --force.

--json prints {"plan": {...}, "files": [{"path", "action": created|updated|unchanged|conflict}]}.
With uv on PATH (or DANLU_UV), the plan is solved with the project's whole dependency graph
(the real \`uv lock\` in a scratch copy) and init writes the uv.lock it made; --no-solve plans
from the catalog alone, --no-lock writes no uv.lock.

Exit codes: 0 done, 1 conflicts left unresolved, a plan that cannot run on this machine, or a
project uv could not lock (files written), 2 bad input (nothing written).`,
  async run({ values, positionals }) {
    const planned = await planProject(positionals[0], values, { solve: true, json: Boolean(values.json) });
    const { plan, dir } = planned;
    const dryRun = Boolean(values['dry-run']);
    const p = painter(process.stderr);

    const specs = renderFiles(plan, planned.catalog);
    // The lock uv made when it solved the plan: installed exactly by `danlu up` and VS Code.
    if (planned.lock !== null && !values['no-lock']) {
      const lock = planned.lock;
      specs.push({ path: 'uv.lock', format: 'value', text: lock, same: (existing) => existing === lock, replace: true });
    }
    if (canPrompt({ yes: values.yes, json: values.json, dryRun })) {
      // What would change, shown before the question (the same merge as the write, not written).
      const preview = await applyFiles(dir, specs, { force: Boolean(values.force), dryRun: true });
      const changing = preview.files.filter((f) => f.action === 'created' || f.action === 'updated');
      const lines = [
        `torch   ${plan.torch.version} from ${plan.torch.index}`,
        `image   ${plan.cuda.image}`,
        `python  ${plan.python}`,
        `user    ${plan.user.containerName} ${plan.user.uid}:${plan.user.gid}, shm ${plan.shmSize}, GPUs ${plan.gpu.enabled ? (plan.gpu.devices === 'all' ? `all (${plan.gpus.length})` : plan.gpu.devices.join(',')) : 'none'}`,
        `mirrors ${plan.mirrors.preset}`,
        ...plan.warnings.map((w) => `! ${w.message}`),
        'Flags change any of these: --torch --backend --cuda --python --gpus --mirror --user --shm',
        ...(changing.length > 0
          ? [
              '',
              ...(['created', 'updated'] as const).flatMap((a) => {
                const list = changing.filter((f) => f.action === a).map((f) => f.path);
                return list.length ? [`${a === 'created' ? 'creates' : 'changes'} ${list.join(', ')}`] : [];
              }),
            ]
          : []),
      ];
      const answer = await confirmPlan(lines, `Write the environment files into ${dir}?`);
      if (answer !== 'yes') {
        // Not a success: `danlu init && danlu up` must stop here.
        err('Nothing written.');
        return answer === 'cancelled' ? 130 : EXIT.failed;
      }
    }

    const imported = planned.project.imported ?? null;
    const outcome = await applyFiles(dir, specs, { force: Boolean(values.force), dryRun });
    const conflicts = outcome.files.filter((f) => f.action === 'conflict');

    const pins = plan.pyproject.pins;
    // A plan that cannot run on the target machine (a kept pin the driver cannot run, an image
    // it will not start) is written, as asked, but the run ends with problems (exit 1).
    const wontRun = plan.warnings.filter((w) => WONT_RUN.has(w.id) && !/forward compatibility/.test(w.message));
    const unsolved = plan.solve?.status === 'failed';
    const failed = conflicts.length > 0 || wontRun.length > 0 || unsolved;
    if (values.json) {
      printJson({
        plan: planJson(plan),
        files: outcome.files,
        import: imported,
        pins,
        journal: { recovered: outcome.recovered, ignored: outcome.journalIgnored },
        dryRun,
        ...(dryRun ? { diff: outcome.diff } : {}),
      });
      return failed ? EXIT.failed : EXIT.ok;
    }
    if (dryRun) {
      if (outcome.diff) out(outcome.diff);
      err(p.dim(`dry run: ${outcome.files.filter((f) => f.action === 'created' || f.action === 'updated').length} file(s) would change; nothing written`));
    }
    err(`${p.bold('danlu init')} ${dir}`);
    if (outcome.recovered.length > 0) err(`  ${p.yellow('note')}  finished an interrupted write of an earlier run: ${outcome.recovered.join(', ')}`);
    if (outcome.journalIgnored.length > 0)
      err(
        `  ${p.yellow('warn')}  .danlu/journal.json names files danlu does not write here (${outcome.journalIgnored.slice(0, 3).join(', ')}${outcome.journalIgnored.length > 3 ? ', ...' : ''}): ignored and removed; a repository should not ship it`,
      );
    err(`  ${p.cyan('plan')}  ${planSummary(plan)}`);
    if (plan.solve) {
      const color = plan.solve.status === 'solved' ? p.cyan : plan.solve.status === 'failed' ? p.red : p.yellow;
      err(`  ${color('solve')} ${plan.solve.summary}`);
      if (plan.solve.torchBound) err(p.dim(`        ${plan.solve.torchBound}`));
      if (plan.solve.pythonBound) err(p.dim(`        ${plan.solve.pythonBound}`));
      for (const r of plan.solve.relaxed ?? []) err(`  ${p.yellow('note')}  ${r}`);
      if (plan.solve.status === 'failed') for (const l of plan.solve.uvSaid.slice(0, 8)) err(p.dim(`        uv: ${l}`));
    }
    // Planned for a team's machines (.devcontainer/hosts): say for which, since it is not this one alone.
    const team = plan.decisions.find((d) => d.id === 'team-hosts');
    if (team) err(`  ${p.cyan('team')}  torch ${plan.torch.version} (${plan.torch.backend}) for ${team.choice} (.devcontainer/hosts)`);
    // A dependency file that is there but was not read (a link out of the project, too big) is never dropped silently.
    for (const f of (imported?.files ?? []).filter((x) => x.role === 'skipped' && x.reason?.startsWith('could not be read')))
      err(`  ${p.yellow('warn')}  ${f.file} ${f.reason}: its requirements are not in the environment`);
    if (imported && (imported.requirements.length > 0 || imported.report.length > 0)) {
      const read = imported.files.filter((f) => f.role === 'imported').map((f) => f.file);
      err(`  ${p.cyan('read')}  ${read.join(', ') || 'nothing'}: ${summarize(imported)}`);
      // A clash of pins the plan then replaces (triton: the one torch needs) is no longer one.
      const replanned = new Set(pins.filter((e) => e.action === 'rewrite' || e.action === 'write').map((e) => e.name));
      // Several CUDA variants are what a team's plan with one extra per variant writes: no news.
      const teamVariants = plan.torch.variants.length > 1;
      // Alternative requirement files (one per accelerator): their clashes and variants are not news once one is chosen.
      const alternatives = plan.warnings.some((w) => w.id === 'alternatives-left-out');
      const seen = new Set<string>();
      const notes = imported.warnings.filter(
        (w) =>
          // The same words for several lines (a Windows wheel URL per extra) are said once.
          !seen.has(w.message) &&
          Boolean(seen.add(w.message)) &&
          !(w.id === 'conflicting-groups' && w.package && replanned.has(w.package)) &&
          !((teamVariants || alternatives) && w.id === 'several-variants') &&
          !(alternatives && w.id === 'conflicting-groups') &&
          // The plan's warning says it, with each index's name.
          w.id !== 'credentials-left-out',
      );
      // Which of the variants the files name this machine takes (a third one, when none fits).
      // Packages the plan leaves out on this machine (flash-attn on a V100) went to no group.
      const leftOut = new Set(plan.packages.filter((x) => x.resolution.kind === 'conflict' && x.resolution.leaveOut).map((x) => x.name));
      const guideOnly = (w: (typeof notes)[number]) => {
        const [head, list] = w.message.split(/: (?=[^:]*$)/);
        const kept = (list ?? '').split(', ').filter((n) => n && !leftOut.has(n));
        return kept.length > 0 ? `${head}: ${kept.join(', ')}` : null;
      };
      const said = (w: (typeof notes)[number]) =>
        w.id === 'several-variants'
          ? `${w.message.replace(/; the plan picks one$/, '')}; this machine takes ${plan.torch.backend}`
          : w.id === 'guide-only-packages'
            ? guideOnly(w)
            : w.message;
      for (const w of notes.slice(0, 5)) {
        const text = said(w);
        if (text !== null) err(`  ${p.yellow('note')}  ${text}`);
      }
      // A variant the project's files name that the plan did not follow is said, not only in --explain.
      for (const d of plan.decisions.filter((x) => x.id === 'cuda-variant-hint' && x.choice.startsWith('not followed')))
        err(`  ${p.yellow('note')}  ${d.choice.replace(/^not followed \((.*)\)$/, '$1')} not followed: ${d.why}`);
      if (notes.length > 5) err(p.dim(`        and ${notes.length - 5} more: \`danlu import\` shows every line and what it became`));
    }
    for (const w of plan.warnings) err(`  ${p.yellow('warn')}  ${w.message}${w.fix ? p.dim(`\n        fix: ${w.fix}`) : ''}`);
    const added = plan.decisions.find((d) => d.id === 'torch-in-dependencies');
    if (added)
      err(
        `  ${p.yellow('note')}  ${
          added.choice === 'none added'
            ? `no torch added: ${added.why}`
            : / in dependency group /.test(added.choice)
              ? `${added.choice.replace(/ in dependency group /, ' added to dependency group ')}: ${added.why}`
              : `${added.choice} added to [project] dependencies: ${added.why}`
        }`,
      );
    // Files left as they were are one line (all of them on a re-run); --json lists each.
    const same = outcome.files.filter((f) => f.action === 'unchanged');
    if (same.length > 3) err(`  ${p.dim(`${'unchanged'.padEnd(9)} ${same.length} files`)}`);
    for (const f of outcome.files) {
      if (same.length > 3 && f.action === 'unchanged') continue;
      err(fileLine(f, p, dryRun));
      // What happened to the project's own torch-family pins.
      if (f.path !== 'pyproject.toml') continue;
      const lines = f.action === 'created' ? pins.map((r) => `pin ${r.from} -> ${r.to} (${r.why})`) : (f.notes ?? []).filter((n) => n.startsWith('pin '));
      for (const line of lines) err(p.dim(`            ${line}`));
    }
    if (outcome.backupDir) err(`  ${p.dim(`backups of replaced files: ${outcome.backupDir}`)}`);
    if (!dryRun) {
      err('');
      if (conflicts.length > 0) err(`${conflicts.length} file(s) kept as you edited them; \`danlu init --force\` replaces them (with a backup).`);
      if (wontRun.length > 0)
        err(`${p.red('The environment as planned will not run on this machine')} (see the warnings above); the files are written as the project asks.`);
      if (unsolved)
        err(
          `${p.red('uv could not lock the project as planned')} (uv's words above); the files are written, without uv.lock: fix what uv names, then \`danlu init\` again.`,
        );
      if (!failed) err('Next: `danlu up` then `danlu shell` (or open the folder in VS Code: Reopen in Container).');
    }
    return failed ? EXIT.failed : EXIT.ok;
  },
});

function fileLine(f: FileResult, p: ReturnType<typeof painter>, dryRun: boolean): string {
  const verb = dryRun && (f.action === 'created' || f.action === 'updated') ? `would be ${f.action}` : f.action;
  const color = f.action === 'conflict' ? p.red : f.action === 'unchanged' ? p.dim : p.green;
  let line = `  ${color(verb.padEnd(9))} ${f.path}`;
  if (f.conflicts?.length) line += p.dim(`\n            ${f.conflicts.join('\n            ')}`);
  return line;
}
