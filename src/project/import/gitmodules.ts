import { record } from './emit.js';
import { emptyResult, type ImportResult, type SubmoduleRef } from './types.js';

/** Reads `.gitmodules`: one submodule per `[submodule "name"]` section, with path, url and branch. Never throws. */
export function parseGitmodules(text: string, file: string): ImportResult {
  const out = emptyResult();
  let current: SubmoduleRef | null = null;
  const flush = () => {
    if (!current) return;
    out.submodules.push(current);
    const where = current.path ?? '?';
    record(
      out,
      current.origin,
      `[submodule "${where}"]`,
      'hint',
      `git submodule ${where}${current.url ? ` from ${current.url}` : ''}`,
      'clone with --recursive (or git submodule update --init) before building',
    );
  };
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const header = /^\s*\[\s*submodule\s+"([^"]*)"\s*\]/.exec(raw);
    if (header) {
      flush();
      current = { origin: { file, line: i + 1 }, path: header[1]! };
      return;
    }
    const kv = /^\s*(path|url|branch)\s*=\s*(.*?)\s*$/.exec(raw);
    if (kv && current) current[kv[1] as 'path' | 'url' | 'branch'] = kv[2]!;
  });
  flush();
  return out;
}
