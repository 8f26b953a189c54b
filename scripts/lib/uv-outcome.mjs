// How `uv lock --offline` ended, read from its exit code and stderr (uv 0.11 messages:
// crates/uv-settings, uv-workspace, uv-client, uv-resolver, uv-python). With no network and an
// empty cache, getting as far as a network request, a cache miss or the interpreter search
// means uv parsed and accepted pyproject.toml; a parse message means it did not.

const PARSE_FAILURES = [
  /Failed to parse/i,
  /TOML parse error/i,
  /unknown field/i,
  /invalid type:/i,
  /missing field/i,
  /references an undeclared index/i,
  /Failed to deserialize/i,
  /is not a valid (package|extra|group) name/i,
];

const AFTER_PARSING = [/Network connectivity is disabled/i, /not found in the cache/i, /No interpreter found for/i, /No solution found when resolving/i];

/** 'parsed' (uv got past reading the project), 'parse-error', or 'unknown' (neither, read the text). */
export function uvLockOutcome(code, stderr) {
  const text = String(stderr ?? '');
  const failure = PARSE_FAILURES.find((re) => re.test(text));
  if (failure) return { outcome: 'parse-error', evidence: firstLine(text, failure) };
  if (code === 0) return { outcome: 'parsed', evidence: 'exit 0' };
  const after = AFTER_PARSING.find((re) => re.test(text));
  if (after) return { outcome: 'parsed', evidence: firstLine(text, after) };
  return { outcome: 'unknown', evidence: text.trim().split('\n').slice(0, 3).join(' | ') };
}

function firstLine(text, re) {
  return (
    text
      .split('\n')
      .find((l) => re.test(l))
      ?.trim() ?? ''
  );
}
