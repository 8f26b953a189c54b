import { describe, expect, it } from 'vitest';
import { DanluError } from '../lib/errors.js';
import { defineCommand, parseCommandArgs } from './command.js';

const options = {
  yes: { type: 'boolean', short: 'y', description: 'do not ask' },
  host: { type: 'string', value: 'FILE', description: 'plan for another machine' },
} as const;
const run = async () => 0;

const folderCommand = defineCommand({ name: 'init', summary: '', usage: 'danlu init [DIR] [options]', options, maxOperands: 1, run });
const runner = defineCommand({ name: 'run', summary: '', usage: 'danlu run -- CMD', options, afterDashDash: 'command', run });

function usageError(fn: () => unknown): DanluError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DanluError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('the argument parser every command shares', () => {
  it('takes the word after `--` as the folder, even when it starts with a dash', () => {
    const args = parseCommandArgs(folderCommand, ['--yes', '--host', 'h.json', '--', '-proj']);
    expect(args.positionals).toEqual(['-proj']);
    expect(args.values).toEqual({ yes: true, host: 'h.json' });
    expect(args.rest).toEqual([]);
  });

  it('refuses options written after `--` instead of dropping them', () => {
    const e = usageError(() => parseCommandArgs(folderCommand, ['--', '-proj', '--yes', '--host', 'h.json']));
    expect(e.code).toBe(2);
    expect(e.message).toBe('init: unexpected arguments "--yes" "--host" "h.json"');
    expect(e.hint).toMatch(/after --, every word is an argument, not an option/);
  });

  it('refuses a second folder', () => {
    expect(usageError(() => parseCommandArgs(folderCommand, ['a', 'b'])).message).toBe('init: unexpected argument "b"');
  });

  it('keeps what follows `--` as the command for the commands that run one', () => {
    const args = parseCommandArgs(runner, ['--', 'python', '--yes', 'train.py']);
    expect(args.rest).toEqual(['python', '--yes', 'train.py']);
    expect(args.positionals).toEqual([]);
  });
});
