import { EXIT } from '../../lib/errors.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { out, painter, printJson } from '../output.js';
import { planJson, planSummary, solveLine } from '../plan-json.js';
import { PLAN_OPTIONS, planProject } from '../plan-project.js';

export default defineCommand({
  name: 'plan',
  summary: 'Show the versions danlu would choose for this project on this machine, each with its reason. Writes nothing.',
  usage: 'danlu plan [DIR] [--host FILE] [--explain] [--json]',
  maxOperands: 1,
  options: {
    ...PLAN_OPTIONS,
    explain: { type: 'boolean', description: 'print every decision with its reason and source' },
    ...COMMON_OPTIONS,
  },
  async run({ values, positionals }) {
    const { plan } = await planProject(positionals[0], values, { solve: true, json: Boolean(values.json) });
    if (values.json) {
      printJson(planJson(plan));
      return EXIT.ok;
    }
    const p = painter(process.stdout);
    out(`${p.bold('plan')}  ${planSummary(plan)}`);
    out(`  python ${plan.python} (requires-python ${plan.requiresPython})`);
    out(`  torch  ${plan.torch.version} from ${plan.torch.index} (${plan.torch.abi} ABI)`);
    out(`  image  ${plan.cuda.image}`);
    out(`  user   ${plan.user.containerName} ${plan.user.uid}:${plan.user.gid} · shm ${plan.shmSize} · mirrors ${plan.mirrors.preset}`);
    const solve = solveLine(plan);
    if (solve) out(`  solve  ${solve}`);
    for (const w of plan.warnings) out(`  ${p.yellow('warn')}   ${w.message}${w.fix ? `\n         fix: ${w.fix}` : ''}`);
    if (values.explain) {
      out('');
      out(p.bold('Why:'));
      for (const d of plan.decisions) {
        out(`  ${p.cyan(d.what)}: ${d.choice}`);
        out(`    ${d.why}`);
        out(p.dim(`    source: ${d.source}`));
      }
      if (plan.solve) {
        out('');
        out(p.bold('Solved with the project:'));
        out(`  ${plan.solve.summary}`);
        // Only a lock that held says nothing held torch or Python back; otherwise uv did not get that far.
        const solved = plan.solve.status === 'solved';
        const unknown = solved ? null : 'not known: uv did not lock the project (above)';
        out(
          `  torch:  ${plan.solve.torchBound ?? unknown ?? `the plan's torch ${plan.torch.version}: nothing in the project holds it back (the builds that run here: torch${plan.torch.hostFit ?? ' none'})`}`,
        );
        out(`  python: ${plan.solve.pythonBound ?? unknown ?? `Python ${plan.python}: every dependency installs on it`}`);
        for (const r of plan.solve.relaxed ?? []) out(`  pin:    ${r}`);
        for (const a of plan.solve.attempts) out(p.dim(`    uv lock  torch ${a.torch}, Python ${a.python}: ${a.outcome} (${(a.ms / 1000).toFixed(1)} s)`));
        for (const l of plan.solve.uvSaid) out(p.dim(`    uv: ${l}`));
      }
      out(p.dim(`\nCatalog: ${plan.catalog.name}, as of ${plan.catalog.asOf}.`));
    } else {
      out(p.dim('  (--explain for the reasons)'));
    }
    return EXIT.ok;
  },
});
