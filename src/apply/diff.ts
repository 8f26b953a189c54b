import { createTwoFilesPatch } from 'diff';
import { maskSecrets } from '../lib/secrets.js';

/**
 * A unified diff of one file, as `git diff` would show a creation or a change. A diff is only
 * ever shown: the user info of URLs in it (a mirror's token in .env) is masked.
 */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  return maskSecrets(createTwoFilesPatch(before === null ? '/dev/null' : `a/${path}`, `b/${path}`, before ?? '', after, '', '', { context: 3 }));
}
