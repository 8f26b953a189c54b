import { hasUserInfo, maskSecrets, replaceStringsDeep, stripUserInfo } from '../../lib/secrets.js';
import { warn } from './emit.js';
import type { ImportResult } from './types.js';

/** uv's own ways to get credentials, named wherever danlu leaves them out. */
export const UV_CREDENTIALS_HELP =
  "UV_INDEX_<NAME>_USERNAME and UV_INDEX_<NAME>_PASSWORD for an index (NAME: its [[tool.uv.index]] name in upper case, other characters as _), a netrc file (~/.netrc) or git's credential helper for git and URL sources";

/** `UV_INDEX_PKGS_CORP_EXAMPLE` for the index named `pkgs-corp-example` (uv's spelling). */
export const uvIndexEnvPrefix = (name: string): string => `UV_INDEX_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * User info in the URLs a project's files name (`--index-url https://user:token@host/simple`,
 * `pkg @ git+https://user:token@host/repo`) never reaches pyproject.toml, which is committed, nor
 * anything danlu prints. One pass over the part read from one file: the URLs the model keeps
 * (indexes, git and URL sources) lose it, each listed in `credentials` for the warning that says
 * how uv gets it instead; every other text (the report's lines, warnings, hints) is masked.
 */
export function leaveOutCredentials(r: ImportResult): ImportResult {
  for (const idx of r.indexes) {
    if (!hasUserInfo(idx.url)) continue;
    idx.url = stripUserInfo(idx.url);
    r.credentials.push({ kind: 'index', url: idx.url, origin: { ...idx.origin } });
  }
  for (const q of [...r.requirements, ...r.constraints]) {
    // What pyproject.toml gets besides the source: the requirement string, a checkout's requirements.
    q.raw = stripUserInfo(q.raw);
    if (q.staticMetadata) q.staticMetadata.requiresDist = q.staticMetadata.requiresDist.map(stripUserInfo);
    const s = q.source;
    if (!s || s.kind === 'path' || !hasUserInfo(s.url)) continue;
    s.url = stripUserInfo(s.url);
    r.credentials.push({ kind: 'source', url: s.url, origin: { ...q.origin }, package: q.name });
  }
  // In place: the report lines are found again by object (reportOf), and masked text is only ever shown.
  replaceStringsDeep(r, maskSecrets);
  return r;
}

/** One warning for every URL of the merged result whose credentials were left out. */
export function warnCredentials(r: ImportResult): void {
  const urls = [...new Set(r.credentials.map((c) => (c.package ? `${c.package} (${c.url})` : c.url)))];
  if (urls.length === 0) return;
  warn(
    r,
    'credentials-left-out',
    `user names, passwords and tokens in URLs are left out of pyproject.toml, which is committed: ${urls.slice(0, 3).join(', ')}${urls.length > 3 ? ` and ${urls.length - 3} more` : ''}; uv takes them from each machine instead: ${UV_CREDENTIALS_HELP}`,
    r.credentials[0]!.origin,
  );
}
