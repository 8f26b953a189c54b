import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DanluError, EXIT } from '../../lib/errors.js';
import { importFiles, importProject } from '../../project/import/import-project.js';
import { formatReport, summarize } from '../../project/import/report.js';
import type { ImportResult } from '../../project/import/types.js';
import { COMMON_OPTIONS, defineCommand } from '../command.js';
import { out, printJson } from '../output.js';

export default defineCommand({
  name: 'import',
  summary:
    'Read what a repository needs (requirements, conda, pyproject/Poetry, setup files, README install lines) and report every line: what it became, or why it was left out. Writes nothing.',
  usage: 'danlu import [DIR | FILE...] [-C DIR] [--json]',
  options: {
    dir: { type: 'string', short: 'C', value: 'DIR', description: 'the repository (default: this folder)' },
    all: { type: 'string', value: 'DIR', description: 'import every repository folder inside DIR' },
    ...COMMON_OPTIONS,
  },
  details:
    'Without FILE (or with one folder), danlu finds the files itself; files of sub-projects (examples/...) are listed as skipped.\nName them to import them alone. `danlu init` runs the same importers and writes the result into pyproject.toml.',
  async run({ values, positionals }) {
    if (values.all) {
      const parent = resolve(values.all);
      const names = (await readdir(parent, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort();
      const results: Record<string, ImportResult> = {};
      for (const name of names) results[name] = await importProject(join(parent, name));
      if (values.json) printJson(results);
      else for (const [name, r] of Object.entries(results)) out(`${name}: ${summarize(r)}`);
      return EXIT.ok;
    }
    // `danlu import path/to/repo` means the repository, as `init` reads it.
    const only = positionals.length === 1 && !values.dir ? await stat(resolve(positionals[0]!)).catch(() => null) : null;
    const files = only?.isDirectory() ? [] : positionals;
    const dir = resolve(only?.isDirectory() ? positionals[0]! : (values.dir ?? '.'));
    const s = await stat(dir).catch(() => null);
    if (!s?.isDirectory()) throw new DanluError(`no such folder: ${dir}`);
    const result = files.length > 0 ? await importFiles(files, { cwd: dir }) : await importProject(dir);
    if (values.json) {
      printJson(result);
      return EXIT.ok;
    }
    // The report ends with its summary line.
    out(formatReport(result));
    return EXIT.ok;
  },
});
