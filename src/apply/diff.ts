import { createTwoFilesPatch } from 'diff';

/** A unified diff of one file, as `git diff` would show a creation or a change. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  return createTwoFilesPatch(before === null ? '/dev/null' : `a/${path}`, `b/${path}`, before ?? '', after, '', '', { context: 3 });
}
