import { EXTEND_FILE } from './compose.js';

/** Lines danlu needs in .gitignore: per-machine files and local environments. uv.lock stays committed. */
export const GITIGNORE_LINES = [
  '# danlu: per-machine files',
  '.env',
  `/${EXTEND_FILE}`,
  '/.danlu/',
  // A write killed while staging leaves `<file>.danlu-XXXXXXXX.tmp` until the next run (a copy of .env among them).
  '*.danlu-*.tmp',
  '# Python',
  '.venv/',
  '__pycache__/',
  '*.egg-info/',
];
