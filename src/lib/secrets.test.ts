import { describe, expect, it } from 'vitest';
import { hasUserInfo, maskSecrets, maskSecretsDeep, maskUrl, replaceStringsDeep, stripUserInfo } from './secrets.js';

describe('credentials in URLs', () => {
  it.each([
    [
      '--index-url https://alice:TOKENidx@pypi.corp.example/simple',
      '--index-url https://alice:***@pypi.corp.example/simple',
      '--index-url https://pypi.corp.example/simple',
    ],
    ['pkg @ git+https://eve:TOKENgit@github.com/o/g.git@v1', 'pkg @ git+https://eve:***@github.com/o/g.git@v1', 'pkg @ git+https://github.com/o/g.git@v1'],
    ['https://ghp_TOKEN@github.com/o/r', 'https://***@github.com/o/r', 'https://github.com/o/r'],
    [
      'PYPI_MIRROR=https://__token__:pypi-TOKEN@mirror.example/simple',
      'PYPI_MIRROR=https://__token__:***@mirror.example/simple',
      'PYPI_MIRROR=https://mirror.example/simple',
    ],
    // An unencoded @ in the password: the user info runs to the last @ before the path.
    ['https://u:p@ssTOKEN@host.example/x', 'https://u:***@host.example/x', 'https://host.example/x'],
    ['"url": "http://u:secretPX@127.0.0.1:9"', '"url": "http://u:***@127.0.0.1:9"', '"url": "http://127.0.0.1:9"'],
  ])('%s', (text, masked, stripped) => {
    expect(maskSecrets(text)).toBe(masked);
    expect(stripUserInfo(text)).toBe(stripped);
    expect(hasUserInfo(text)).toBe(true);
  });

  it('leaves URLs without user info, e-mail addresses, paths with @ and an ssh account name alone', () => {
    for (const text of [
      'https://pypi.org/simple',
      'mail me@example.com',
      'https://host.example/pkg@1.0',
      'git+ssh://git@github.com/o/r.git',
      'gitpkg @ git+https://github.com/o/g.git@v1',
    ]) {
      expect(maskSecrets(text)).toBe(text);
      expect(stripUserInfo(text)).toBe(text);
      expect(hasUserInfo(text)).toBe(false);
    }
    expect(maskSecrets('ssh://git:TOKEN@host/r')).toBe('ssh://git:***@host/r');
    // A script that reads the password from a variable (setup-host) prints as it is.
    expect(maskSecrets('PROXY_URL="http://alice:${DANLU_PROXY_SECRET}@proxy.example:3128"')).toBe(
      'PROXY_URL="http://alice:${DANLU_PROXY_SECRET}@proxy.example:3128"',
    );
    expect(stripUserInfo('--index-url https://${USER}:${TOKEN}@host/simple')).toBe('--index-url https://host/simple');
  });

  it('masks one URL as given, valid or not, with or without a scheme (proxies)', () => {
    expect(maskUrl('http://alice:pa ss@proxy.example:3128')).toBe('http://alice:***@proxy.example:3128');
    expect(maskUrl('alice:p@ss word@proxy.example:3128')).toBe('alice:***@proxy.example:3128');
    expect(maskUrl('http://to ken@proxy.example')).toBe('http://***@proxy.example');
    expect(maskUrl('http://proxy.example:3128')).toBe('http://proxy.example:3128');
  });

  it('masks every string of a value, in place or as a copy', () => {
    const value = { a: ['x https://u:TOKEN@h/s'], b: { c: 'https://TOKEN@h', n: 1 } };
    expect(JSON.stringify(maskSecretsDeep(value))).not.toContain('TOKEN');
    expect(value.b.c).toBe('https://TOKEN@h');
    replaceStringsDeep(value, maskSecrets);
    expect(value).toEqual({ a: ['x https://u:***@h/s'], b: { c: 'https://***@h', n: 1 } });
  });
});
