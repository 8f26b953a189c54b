import { hasUserInfo } from '../lib/secrets.js';
import { unifiedDiff } from './diff.js';
import { mergeEnv } from './merge-env.js';
import { mergeGenerated } from './merge-generated.js';
import { mergeJsonc } from './merge-jsonc.js';
import { mergeLines, mergeValue } from './merge-lines.js';
import { mergePyproject } from './merge-pyproject.js';
import { mergeYaml } from './merge-yaml.js';
import type { FileResult, FileSpec, MergeResult } from './types.js';
import { withProjectLock } from '../lib/project-lock.js';
import { makePrivate, readTarget, recoverInterruptedWrite, writeAll, type Write } from './write.js';

export interface ApplyOptions {
  force: boolean;
  dryRun: boolean;
}

export interface ApplyOutcome {
  files: FileResult[];
  /** Unified diff of every change (what --dry-run prints). */
  diff: string;
  backupDir: string | null;
  written: boolean;
  /** Files an interrupted earlier run had staged, put in place before this one. */
  recovered: string[];
  /** Entries of a .danlu/journal.json that were not danlu's own (ignored: nothing renamed). */
  journalIgnored: string[];
}

/** Pure: what one spec does to one file's current content. */
export function mergeOne(spec: FileSpec, existing: string | null, force: boolean): MergeResult {
  switch (spec.format) {
    case 'generated':
      return mergeGenerated(existing, spec.text, force);
    case 'yaml':
      return mergeYaml(existing, spec, force);
    case 'jsonc':
      return mergeJsonc(existing, spec, force);
    case 'pyproject':
      return mergePyproject(existing, spec, force);
    case 'env':
      return mergeEnv(existing, spec);
    case 'lines':
      return mergeLines(existing, spec);
    case 'value':
      return mergeValue(existing, spec);
  }
}

/**
 * Reads every target, merges in memory (any bad input throws before anything is written),
 * then writes all changes at once, or prints them as a diff with --dry-run.
 */
export async function applyFiles(root: string, specs: readonly FileSpec[], options: ApplyOptions): Promise<ApplyOutcome> {
  // A dry run only reads; a real one holds the project's lock from the journal to the last rename.
  return options.dryRun ? applyLocked(root, specs, options) : withProjectLock(root, 'init', () => applyLocked(root, specs, options));
}

async function applyLocked(root: string, specs: readonly FileSpec[], options: ApplyOptions): Promise<ApplyOutcome> {
  const recovery = options.dryRun
    ? { done: [], ignored: [] }
    : await recoverInterruptedWrite(
        root,
        specs.map((s) => s.path),
      );
  // Every target is checked against the project folder before anything is read or written.
  const existing = await Promise.all(specs.map((s) => readTarget(root, s.path, options.force)));
  const merged = specs.map((spec, i) => mergeOne(spec, existing[i]!, options.force));
  const writes: Write[] = [];
  const diffs: string[] = [];
  const files: FileResult[] = specs.map((spec, i) => {
    const m = merged[i]!;
    const result: FileResult = { path: spec.path, action: m.action };
    if (m.conflicts.length > 0) result.conflicts = m.conflicts;
    if (m.notes.length > 0) result.notes = m.notes;
    if (m.text !== null && (m.action === 'created' || m.action === 'updated')) {
      // .env: the renderer's mode, and 0600 too for credentials in lines of the user's own that the merge kept.
      const mode = spec.format === 'generated' ? spec.mode : spec.format === 'env' ? (spec.mode ?? (hasUserInfo(m.text) ? 0o600 : undefined)) : undefined;
      writes.push({ path: spec.path, text: m.text, mode, backup: m.conflicts.length > 0, replaceLink: options.force });
      diffs.push(unifiedDiff(spec.path, existing[i]!, m.text));
    }
    return result;
  });
  const base = { files, diff: diffs.join(''), recovered: recovery.done, journalIgnored: recovery.ignored };
  if (options.dryRun) return { ...base, backupDir: null, written: false };
  const backupDir = await writeAll(root, writes);
  if (backupDir) for (const f of files) if (f.conflicts && f.action === 'updated') f.backup = `${backupDir}/${f.path}`;
  // A .env left as it is that holds credentials (a mirror's token the user put there) is made private too.
  for (const [i, spec] of specs.entries()) {
    if (spec.format !== 'env' || files[i]!.action !== 'unchanged' || !hasUserInfo(existing[i] ?? '')) continue;
    if (await makePrivate(root, spec.path)) files[i]!.notes = [...(files[i]!.notes ?? []), 'made readable by its owner only (mode 600): it holds credentials'];
  }
  return { ...base, backupDir, written: writes.length > 0 };
}
