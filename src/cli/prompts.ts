/** The only module that talks to @clack/prompts, so tests and non-interactive runs never reach it. */
import { Writable } from 'node:stream';

export function canPrompt(flags: { yes?: boolean; json?: boolean; dryRun?: boolean }): boolean {
  if (flags.yes || flags.json || flags.dryRun) return false;
  if (process.env.CI && process.env.CI !== 'false') return false;
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/**
 * Where the prompts draw: stderr. clack lays its text out to the terminal's width, and a
 * terminal that reports 0 columns (a serial console, a PTY nobody sized) would get one
 * character per line: such a terminal is taken as 80 columns wide.
 */
function promptOutput(): Writable {
  const stderr = process.stderr;
  if (stderr.columns > 0) return stderr;
  const sized = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stderr.write(chunk);
      done();
    },
  });
  Object.defineProperties(sized, {
    isTTY: { value: stderr.isTTY },
    columns: { get: () => (stderr.columns > 0 ? stderr.columns : 80) },
    rows: { get: () => (stderr.rows > 0 ? stderr.rows : 24) },
  });
  stderr.on('resize', () => sized.emit('resize'));
  return sized;
}

/**
 * Ctrl-D (end of input) answers like Ctrl-C: cancelled. Without this, Node's line reader closes
 * on Ctrl-D, the question never gets an answer, and the process ends with the cursor hidden.
 */
function cancelAtEndOfInput(clack: typeof import('@clack/prompts')): { signal: AbortSignal; done: () => void } {
  clack.updateSettings({ aliases: { '\x04': 'cancel' } });
  const ended = new AbortController();
  const abort = () => ended.abort();
  process.stdin.once('end', abort);
  process.stdin.once('close', abort);
  const done = () => {
    process.stdin.off('end', abort);
    process.stdin.off('close', abort);
  };
  return { signal: ended.signal, done };
}

export async function confirmPlan(summary: string[], question: string): Promise<'yes' | 'no' | 'cancelled'> {
  const clack = await import('@clack/prompts');
  const output = promptOutput();
  const endOfInput = cancelAtEndOfInput(clack);
  clack.note(summary.join('\n'), 'danlu plan', { output });
  const answer = await clack.confirm({ message: question, initialValue: true, output, signal: endOfInput.signal }).finally(endOfInput.done);
  if (clack.isCancel(answer)) {
    clack.cancel('Cancelled.', { output });
    return 'cancelled';
  }
  return answer === true ? 'yes' : 'no';
}
