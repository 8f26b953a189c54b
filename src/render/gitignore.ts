import { EXTEND_FILE } from './compose.js';

/** Lines danlu needs in .gitignore: per-machine files and local environments. uv.lock stays committed. */
export const GITIGNORE_LINES = ['# danlu: per-machine files', '.env', `/${EXTEND_FILE}`, '/.danlu/', '# Python', '.venv/', '__pycache__/', '*.egg-info/'];
