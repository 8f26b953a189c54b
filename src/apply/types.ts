import type { FileSpec } from '../render/types.js';

export type { FileSpec };

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
