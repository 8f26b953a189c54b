import { addAptPackages } from './apt.js';
import { readYamlDoc } from './yaml-doc.js';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { ignored, leftOut, record, reportOf } from './emit.js';
import { parseInstallCommands, type InstallCommandsResult } from './install-commands.js';
import { TORCH_FAMILY } from './pip-command.js';
import { parseRequirementLine } from './requirements.js';
import { appendResult, emptyResult, type Group, type ReadInclude } from './types.js';

export interface CogOptions {
  group?: Group;
  projectNames?: string[];
}

/**
 * Replicate's cog.yaml: `build.python_version` (a Python hint), `build.cuda` (a CUDA hint),
 * `build.system_packages` (apt packages for the image), `build.python_packages` (requirement
 * lines), `build.python_requirements` (a requirements file, read through `readInclude`) and
 * `build.run` (shell lines, read like an install script). Cog's own settings (predict, train,
 * image, gpu) are reported as such. Invalid YAML stops with a DanluError at file:line:column.
 */
export function parseCog(text: string, file: string, readInclude: ReadInclude = () => null, opts: CogOptions = {}): InstallCommandsResult {
  const out: InstallCommandsResult = { ...emptyResult(), includes: [] };
  const group = opts.group ?? 'main';
  const { doc, lineOf } = readYamlDoc(text, file);
  const lines = text.split(/\r\n|\n|\r/);
  const textAt = (node: Node | null | undefined) => (lines[lineOf(node) - 1] ?? '').trim();
  const contents = doc.contents;
  if (!isMap(contents)) return out;
  const ctx = { file, readInclude, group, constraint: false, visited: new Set([file]), stack: [file] };
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const origin = { file, line: lineOf(pair.key as Node) };
    if (key !== 'build' || !isMap(pair.value)) {
      ignored(out, origin, textAt(pair.key as Node), `cog's own setting (${key}); not a dependency`);
      continue;
    }
    for (const item of pair.value.items) {
      const name = isScalar(item.key) ? String(item.key.value) : '';
      const value = item.value as Node | null;
      const o = { file, line: lineOf(item.key as Node) };
      const scalar = isScalar(value) ? String(value.value ?? '').trim() : '';
      if (name === 'python_version' && scalar) {
        out.pythonHints.push({ version: scalar, origin: o, text: textAt(item.key as Node) });
        record(out, o, textAt(item.key as Node), 'hint', `Python hint ${scalar}`, "the Python cog's image runs");
      } else if (name === 'cuda' && scalar) {
        out.cudaHints.push({ cuda: scalar, origin: o, text: textAt(item.key as Node) });
        record(out, o, textAt(item.key as Node), 'hint', `CUDA hint ${scalar}`, "the CUDA cog's image runs");
      } else if (name === 'system_packages' && isSeq(value)) {
        for (const p of value.items as Node[]) {
          const po = { file, line: lineOf(p) };
          const pkg = isScalar(p) ? String(p.value).trim() : '';
          if (!pkg) continue;
          addAptPackages(out, po, textAt(p), [pkg]);
        }
      } else if (name === 'python_packages' && isSeq(value)) {
        for (const p of value.items as Node[]) {
          const po = { file, line: lineOf(p) };
          if (isScalar(p) && (typeof p.value === 'string' || typeof p.value === 'number')) parseRequirementLine(ctx, out, po, String(p.value));
          else leftOut(out, po, textAt(p), 'not a requirement line');
        }
      } else if (name === 'python_requirements' && scalar) {
        parseRequirementLine(ctx, out, o, `-r ${scalar}`);
      } else if (name === 'run' && isSeq(value)) {
        for (const p of value.items as Node[]) {
          const po = { file, line: lineOf(p) };
          const cmd = isScalar(p) ? String(p.value) : isMap(p) ? String((p.get('command') as unknown) ?? '') : '';
          if (!cmd) {
            leftOut(out, po, textAt(p), 'not a command');
            continue;
          }
          const r = parseInstallCommands(cmd, file, { markdown: false, group, projectNames: opts.projectNames ?? [] });
          for (const e of r.report) e.origin = { ...po };
          for (const inc of r.includes) inc.origin = { ...po };
          for (const list of [r.requirements, r.cudaHints, r.pythonHints, r.aptPackages, r.buildTimeTorch, r.noBuildIsolation, r.condaOnly, r.warnings])
            for (const x of list) x.origin = { ...po };
          // The includes travel with the rest (appendResult appends every list, includes too).
          appendResult(out, r);
        }
      } else ignored(out, o, textAt(item.key as Node), `cog build setting (${name}); not a dependency`);
    }
  }
  // torch, torchvision, torchaudio are the environment's own: always main (as in an install guide).
  for (const q of out.requirements) {
    if (q.group === 'main' || !TORCH_FAMILY.has(q.name)) continue;
    const entry = reportOf.get(q);
    if (entry) entry.became = entry.became.replace(` in group ${q.group}`, '');
    q.group = 'main';
    delete q.groupKind;
  }
  return out;
}
