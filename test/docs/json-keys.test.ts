import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanup, danlu, HOST_FILES, jsonOut, REPO, tempProject } from '../support/cli.js';

/** Every top-level key a command prints with --json is documented in README's "JSON output". */
const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## JSON output'), readme.indexOf('## Development'));
const docLine = (command: string) => section.split('\n').find((l) => l.startsWith(`- \`danlu ${command} --json\``)) ?? '';

describe('--json keys are the documented ones', () => {
  const dir = tempProject({ 'requirements.txt': 'numpy\n' });
  const host = join(HOST_FILES, 'h100x2-ubuntu2404.json');
  const cases: Array<[string, string[]]> = [
    ['init', ['init', dir, '--yes', '--json', '--host', host]],
    ['plan', ['plan', dir, '--json', '--host', host]],
    ['host', ['host', '--json']],
    ['doctor', ['doctor', dir, '--json']],
    ['import', ['import', dir, '--json']],
    ['catalog', ['catalog', '--json']],
    ['mirrors', ['mirrors', '--json']],
  ];
  for (const [command, args] of cases) {
    it(command, () => {
      const line = docLine(command);
      expect(line, `README has no line for danlu ${command} --json`).not.toBe('');
      const out = jsonOut(danlu(args));
      for (const key of Object.keys(out)) expect(line, `"${key}" of danlu ${command} --json`).toContain(`"${key}"`);
    });
  }
  it('cleans up', () => cleanup(dir));
});
