/**
 * Credentials in URLs (`https://user:token@host/...`): what is masked everywhere danlu prints,
 * and stripped from everything it commits. One place, so every output and file agrees.
 */

/**
 * scheme://userinfo@ at the start of a URL anywhere in a text (git+https, http, https, ssh...).
 * The user info runs to the last `@` before the host's end (a `/`, `?`, `#` or space), so an
 * unencoded `@` in a password is masked whole.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"`<>\\@]*(?:@[^\s/?#'"`<>\\@]*)*)@/gi;

/** `git+ssh://git@host`: a user alone in an ssh URL is an account name, not a secret (keys authenticate). */
const isSecret = (scheme: string, auth: string): boolean => auth.includes(':') || !/ssh:\/\/$/i.test(scheme);

/** `http://alice:${DANLU_PROXY_SECRET}@proxy`: a password given as a shell variable is a reference, not a secret (setup-host's script). */
const VARIABLE = /^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)$/;
const isReference = (auth: string): boolean => VARIABLE.test(auth.slice(auth.indexOf(':') + 1));

const masked = (auth: string): string => {
  const colon = auth.indexOf(':');
  return colon >= 0 ? `${auth.slice(0, colon)}:***` : '***';
};

/**
 * The text with the password of every URL in it replaced by ***, and a lone user token too:
 * `https://user:***@host`. A password that is a shell variable (`${SECRET}`) is shown as written.
 */
export function maskSecrets(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(USERINFO, (all, scheme: string, auth: string) => (isSecret(scheme, auth) && !isReference(auth) ? `${scheme}${masked(auth)}@` : all));
}

/**
 * A URL without its user info (for a file that is committed): `https://host/...`. An ssh account
 * name stays; a `${TOKEN}` reference goes too (uv does not expand it in pyproject.toml).
 */
export function stripUserInfo(url: string): string {
  if (!url.includes('@')) return url;
  return url.replace(USERINFO, (all, scheme: string, auth: string) => (isSecret(scheme, auth) ? scheme : all));
}

/** The URL has user info that may be a secret (a user with a password, or a token). */
export function hasUserInfo(url: string): boolean {
  return url.includes('@') && stripUserInfo(url) !== url;
}

/**
 * One URL as given (a proxy, a mirror), valid or not, with or without a scheme, its password (or
 * a lone user token) replaced by ***. Works on text that is not a valid URL too (a space or a `$`
 * in the password): everything up to the last `@` before the host is the user info, whatever it holds.
 */
export function maskUrl(raw: string): string {
  const m = /^(\s*(?:[a-z][a-z0-9+.-]*:)?\/\/|\s*)(.*)@/is.exec(raw);
  if (!m) return raw;
  const [whole, pre, auth] = m as unknown as [string, string, string];
  return `${pre}${masked(auth)}@${raw.slice(whole.length)}`;
}

/**
 * Every string inside `value` (objects and arrays, walked in place) with `fix` applied: a model
 * read from untrusted files is cleaned once, whatever field a URL ended up in.
 */
export function replaceStringsDeep(value: unknown, fix: (s: string) => string): void {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const x = o[key];
      if (typeof x === 'string') {
        const y = fix(x);
        if (y !== x) o[key] = y;
      } else if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
}

/** A value (for JSON output) with every URL's user info masked; the value itself is not changed. */
export function maskSecretsDeep<T>(value: T): T {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes('@')) return value;
  return JSON.parse(maskSecrets(text)) as T;
}
