/**
 * Credentials in URLs (`https://user:token@host/...`): what is masked everywhere danlu prints,
 * and stripped from everything it commits. One place, so every output and file agrees.
 */

/** scheme://userinfo@ at the start of a URL anywhere in a text (git+https, http, https, ssh...). */
const USERINFO = /\b((?:[a-z][a-z0-9+.-]*\+)?[a-z][a-z0-9+.-]*:\/\/)([^\s/@'"`<>]+)@/gi;

/** The text with the password of every URL in it replaced by ***, and a lone user token too: `https://user:***@host`. */
export function maskSecrets(text: string): string {
  return text.replace(USERINFO, (_all, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon >= 0 ? `${auth.slice(0, colon)}:***` : '***'}@`;
  });
}

/** A URL without its user info (for a file that is committed): `https://host/...`. */
export function stripUserInfo(url: string): string {
  return url.replace(USERINFO, (_all, scheme: string) => scheme);
}

/** The URL has user info (a user, a password or a token). */
export function hasUserInfo(url: string): boolean {
  USERINFO.lastIndex = 0;
  const found = USERINFO.test(url);
  USERINFO.lastIndex = 0;
  return found;
}
