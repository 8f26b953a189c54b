import { describe, expect, it } from 'vitest';
import { restoreCommentSpacing } from './merge-pyproject.js';

describe('comments of the user keep their spacing after a patch', () => {
  it('puts back lines that differ only in the spaces before their comment', () => {
    const original = 'dependencies = [\n  "numpy",  # 5\n  "torchvision",  # 11\n]\n';
    const patched = 'dependencies = [\n  "numpy",        # 5\n  "torchvision",  # 11\n  "torch==2.14.*",\n]\n';
    expect(restoreCommentSpacing(original, patched)).toBe('dependencies = [\n  "numpy",  # 5\n  "torchvision",  # 11\n  "torch==2.14.*",\n]\n');
  });

  it('leaves changed lines and ambiguous ones alone', () => {
    const original = 'a = 1  # x\nb = [\n  "x",  # same\n  "x",    # same\n]\n';
    const patched = 'a = 2  # x\nb = [\n  "x",     # same\n  "x",     # same\n]\n';
    expect(restoreCommentSpacing(original, patched)).toBe(patched);
  });
});
