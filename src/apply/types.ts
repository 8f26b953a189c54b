import type { PyprojectWants } from '../render/pyproject.js';
import type { EnvEntry } from '../render/env.js';
import type { Path, Policy } from './structured-merge.js';

/** How a file is brought up to date. */
export type FileSpec =
  /** Fully generated (Dockerfile, scripts): regenerated while untouched, else a conflict. */
  | { path: string; format: 'generated'; text: string; mode?: number }
  /** YAML or JSONC: regenerated while untouched; once edited, merged format-preserving. */
  | { path: string; format: 'yaml' | 'jsonc'; text: string; data: unknown; policy?: (path: Path) => Policy }
  /** pyproject.toml: always the user's file; danlu adds what is missing. */
  | { path: string; format: 'pyproject'; text: string; projectName: string; wants: PyprojectWants; explicitIndex: boolean; explicitLockMode: boolean; explicitPins?: boolean }
  /** .env: per machine; danlu's keys are updated, the user's edits to `keep` keys win. */
  | { path: string; format: 'env'; text: string; entries: EnvEntry[]; keep: readonly string[] }
  /** Line lists (.gitignore): only missing lines are appended. */
  | { path: string; format: 'lines'; text: string; lines: readonly string[] }
  /** A one-value file (.python-version): created when missing, replaced only when `explicit`. */
  | { path: string; format: 'value'; text: string; same: (existing: string) => boolean; explicit: boolean };

export type FileAction = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface MergeResult {
  action: FileAction;
  /** New content when the file is created or updated (or forced). */
  text: string | null;
  /** What differs from danlu's plan and was left as the user has it. */
  conflicts: string[];
  notes: string[];
}

export interface FileResult {
  path: string;
  action: FileAction;
  conflicts?: string[];
  notes?: string[];
  /** Where the previous content was saved before --force replaced it. */
  backup?: string;
}
