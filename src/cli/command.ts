import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest } from '../lib/suggest.js';
import { DanluError, quoted } from '../lib/errors.js';

export interface OptionDef {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Shown in help as the value's name: --cuda VERSION. */
  value?: string;
  multiple?: boolean;
}

export interface CommandDef<O extends Record<string, OptionDef> = Record<string, OptionDef>> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  /** Extra help text after the options. */
  details?: string;
  /**
   * What follows a literal `--`: by default more operands (`danlu init --yes -- -proj` names the
   * folder -proj, as in every POSIX tool); `command` for the commands that run one after it.
   */
  afterDashDash?: 'operands' | 'command';
  /** The most operands (DIR, FILE...) the command takes; more is a usage error. */
  maxOperands?: number;
  run: (args: ParsedArgs<O>) => Promise<number>;
}

export type ParsedArgs<O extends Record<string, OptionDef>> = {
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string };
  positionals: string[];
  /** Everything after a literal `--`, for a command with `afterDashDash: 'command'` (else empty). */
  rest: string[];
};

export function defineCommand<O extends Record<string, OptionDef>>(def: CommandDef<O>): CommandDef<O> {
  return def;
}

export const COMMON_OPTIONS = {
  json: { type: 'boolean', description: 'print machine-readable JSON on stdout' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionDef>;

/**
 * `--gpus -1`: a value that looks like a negative number is the option's value, so the
 * option's own check answers ("expected a whole number..."), not the parser's "ambiguous".
 */
function joinNegativeValues(def: { options: Record<string, OptionDef> }, argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([^=]+)$/.exec(a);
    const next = argv[i + 1];
    if (m && def.options[m[1]!]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parseCommandArgs<O extends Record<string, OptionDef>>(def: CommandDef<O>, argv: string[]): ParsedArgs<O> {
  const dashdash = argv.indexOf('--');
  const mine = joinNegativeValues(def, dashdash >= 0 ? argv.slice(0, dashdash) : argv);
  const rest = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(def.options)) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: mine, options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /Unknown option '--([^'=]+)'/.exec(message)?.[1];
    const guess = unknown ? closest(unknown, Object.keys(def.options)) : null;
    throw new DanluError(`${def.name}: ${message}`, { hint: `${guess ? `did you mean --${guess}? ` : ''}see \`danlu ${def.name} --help\`` });
  }
  const command = def.afterDashDash === 'command';
  const positionals = command ? parsed.positionals : [...parsed.positionals, ...rest];
  if (def.maxOperands !== undefined && positionals.length > def.maxOperands) {
    const extra = positionals.slice(def.maxOperands);
    throw new DanluError(`${def.name}: unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map(quoted).join(' ')}`, {
      hint: `usage: ${def.usage.split('\n')[0]}${dashdash >= 0 ? ' (after --, every word is an argument, not an option: put the options before --)' : ''}`,
    });
  }
  return { values: parsed.values as ParsedArgs<O>['values'], positionals, rest: command ? rest : [] };
}

export function commandHelp(def: CommandDef): string {
  const lines = [`${def.summary}`, '', `Usage: ${def.usage}`, '', 'Options:'];
  const rows = Object.entries(def.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  for (const [flag, desc] of rows) lines.push(`  ${flag.padEnd(width)}  ${desc}`);
  if (def.details) lines.push('', def.details.trim());
  return `${lines.join('\n')}\n`;
}
