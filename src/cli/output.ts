import { styleText } from 'node:util';

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

/** Results on stdout; logs, prompts and progress on stderr. */
export const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const err = (text: string) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export { spinner } from '../lib/spinner.js';
