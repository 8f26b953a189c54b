/** The only module that talks to @clack/prompts, so tests and non-interactive runs never reach it. */

export function canPrompt(flags: { yes?: boolean; json?: boolean; dryRun?: boolean }): boolean {
  if (flags.yes || flags.json || flags.dryRun) return false;
  if (process.env.CI && process.env.CI !== 'false') return false;
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

export async function confirmPlan(summary: string[], question: string): Promise<'yes' | 'no' | 'cancelled'> {
  const clack = await import('@clack/prompts');
  clack.note(summary.join('\n'), 'danlu plan', { output: process.stderr });
  const answer = await clack.confirm({ message: question, initialValue: true, output: process.stderr });
  if (clack.isCancel(answer)) {
    clack.cancel('Cancelled.', { output: process.stderr });
    return 'cancelled';
  }
  return answer === true ? 'yes' : 'no';
}
