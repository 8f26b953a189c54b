import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { styleText } from 'node:util';
import { EXIT } from '../lib/errors.js';
import { fsErrorReason } from '../lib/fs-errors.js';
import { maskSecrets } from '../lib/secrets.js';

type Style = Parameters<typeof styleText>[0];

/** Colour only for a terminal, and never with NO_COLOR or TERM=dumb (FORCE_COLOR forces it). */
export function colorEnabled(stream: NodeJS.WriteStream): boolean {
  const env = process.env;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

export function painter(stream: NodeJS.WriteStream) {
  const on = colorEnabled(stream);
  const paint = (style: Style) => (text: string) => (on ? styleText(style, text) : text);
  return {
    bold: paint('bold'),
    dim: paint('dim'),
    red: paint('red'),
    green: paint('green'),
    yellow: paint('yellow'),
    cyan: paint('cyan'),
  };
}

export type Painter = ReturnType<typeof painter>;

/**
 * Results on stdout; logs, prompts and progress on stderr. Every text and JSON a command prints
 * goes through here, and here the user info of every URL in it is masked (src/lib/secrets.ts):
 * the last line of defence, whatever a command forgot.
 */
const line = (text: string) => maskSecrets(text.endsWith('\n') ? text : `${text}\n`);
export const out = (text: string) => process.stdout.write(line(text));
export const err = (text: string) => process.stderr.write(line(text));

export function printJson(value: unknown): void {
  process.stdout.write(maskSecrets(`${JSON.stringify(value, null, 2)}\n`));
}

export { spinner } from '../lib/spinner.js';

/**
 * Node writes to a file (`> out.txt`, /dev/full) with one write(2) per chunk and ignores a short
 * count: on a full disk the output would end early with no error. Here each chunk is written
 * whole, or the write fails. Pipes and terminals (sockets to Node) already write every byte.
 */
function writeWhole(stream: NodeJS.WriteStream): void {
  const fd = (stream as unknown as { fd: number }).fd;
  if (stream instanceof Socket) return;
  const whole = (chunk: Buffer | string, encoding: BufferEncoding, done: (e?: Error | null) => void) => {
    try {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      for (let at = 0; at < bytes.length; ) {
        const n = writeSync(fd, bytes, at, bytes.length - at);
        if (n <= 0) throw Object.assign(new Error('nothing written'), { code: 'EIO' });
        at += n;
      }
      done();
    } catch (e) {
      done(e as Error);
    }
  };
  (stream as unknown as { _write: typeof whole })._write = whole;
}

/**
 * What happens when the output cannot be written. A reader that stops early (`danlu status |
 * head -1`) closes the pipe: the rest has nowhere to go, which is not danlu's error, so it exits
 * quietly, as `cat` and `git` do. Any other failure (a full disk, an I/O error, a descriptor
 * not open for writing) must not pass for success with the output cut short: one line on stderr
 * and exit 1. When stderr itself cannot be written there is nothing to say it with.
 */
export function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    writeWhole(stream);
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (stream !== process.stdout) return;
      try {
        writeSync(2, `danlu: error: cannot write the output: ${fsErrorReason(e)}\n`);
      } catch {
        /* stderr is gone too */
      }
      process.exit(EXIT.failed);
    });
  }
}
