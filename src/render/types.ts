import type { PyprojectPlan } from '../plan/pyproject/types.js';
import type { EnvEntry } from './env.js';

/** A place in a YAML/JSON document: keys and array indexes. */
export type Path = (string | number)[];

/** own: a different existing value is the user's choice (a conflict); update: danlu's to change. */
export type Policy = 'own' | 'update';

/** One file render produces and how apply brings it up to date (apply carries it out, no more). */
export type FileSpec =
  /** Fully generated (Dockerfile, scripts): regenerated while untouched, else a conflict. */
  | { path: string; format: 'generated'; text: string; mode?: number }
  /** YAML or JSONC: regenerated while untouched; once edited, merged format-preserving. */
  | { path: string; format: 'yaml' | 'jsonc'; text: string; data: unknown; policy?: (path: Path) => Policy }
  /** pyproject.toml: always the user's file; danlu adds what the plan says is missing. */
  | { path: string; format: 'pyproject'; text: string; pyproject: PyprojectPlan }
  /** .env: per machine; danlu's keys are updated, the user's edits to `keep` keys win; mode 0600 when it holds credentials. */
  | { path: string; format: 'env'; text: string; entries: EnvEntry[]; keep: readonly string[]; mode?: number }
  /** Line lists (.gitignore): only missing lines are appended. */
  | { path: string; format: 'lines'; text: string; lines: readonly string[] }
  /** A one-value file (.python-version): created when missing, replaced only when `replace`. */
  | { path: string; format: 'value'; text: string; same: (existing: string) => boolean; replace: boolean };
