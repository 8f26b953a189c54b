import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without types
import { uvLockOutcome } from '../../scripts/lib/uv-outcome.mjs';

// Messages as uv 0.11 prints them (its own test snapshots: crates/uv/tests/it/lock.rs, edit.rs).
describe('reading how uv lock --offline ended', () => {
  it('counts a network stop, a cache miss or the interpreter search as parsed', () => {
    expect(
      uvLockOutcome(
        1,
        "error: Failed to fetch: `https://pypi.org/simple/torch/`\n  Caused by: Network connectivity is disabled, but the requested data wasn't found in the cache for: `https://pypi.org/simple/torch/`\n",
      ).outcome,
    ).toBe('parsed');
    expect(
      uvLockOutcome(
        1,
        "  × No solution found when resolving dependencies:\n  ╰─▶ Because torch was not found in the cache and your project depends on torch, we can conclude that your project's requirements are unsatisfiable.\n",
      ).outcome,
    ).toBe('parsed');
    expect(uvLockOutcome(2, 'error: No interpreter found for Python >=3.12 in virtual environments, managed installations, or search path\n').outcome).toBe(
      'parsed',
    );
    expect(uvLockOutcome(0, 'Resolved 12 packages in 3ms\n').outcome).toBe('parsed');
  });

  it('counts a parse message as a failure, even a warning before a network stop', () => {
    const warning =
      "warning: Failed to parse `pyproject.toml` during settings discovery:\n  TOML parse error at line 9, column 1\n  unknown field `overide-dependencies`\nerror: Failed to fetch: `https://pypi.org/simple/torch/`\n  Caused by: Network connectivity is disabled, but the requested data wasn't found in the cache\n";
    expect(uvLockOutcome(1, warning)).toEqual({ outcome: 'parse-error', evidence: 'warning: Failed to parse `pyproject.toml` during settings discovery:' });
    expect(uvLockOutcome(2, 'error: Failed to parse: `pyproject.toml`\n  Caused by: TOML parse error at line 3, column 16\n').outcome).toBe('parse-error');
    expect(uvLockOutcome(2, 'error: Package `torch` references an undeclared index: `pytorch`\n').outcome).toBe('parse-error');
  });

  it('says unknown when it cannot tell', () => {
    expect(uvLockOutcome(2, 'error: something else entirely\n').outcome).toBe('unknown');
  });
});
