import { describe, expect, it } from 'vitest';
import { DanluError } from '../lib/errors.js';
import { BASE_NO_PROXY, checkNoProxyEntry, noProxyList, parseProxyUrl, redactProxyUrl } from './proxy.js';

function errorOf(fn: () => unknown): DanluError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DanluError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('NO_PROXY entries are checked like the proxy URL', () => {
  it.each([
    '*',
    'localhost',
    'host.corp.example',
    '.corp.example',
    '*.corp.example',
    'svc-1.internal:8080',
    '10.1.2.3',
    '10.0.0.0/8',
    '::1',
    'fd00::/8',
    '[::1]:8080',
  ])('accepts %s', (entry) => {
    expect(checkNoProxyEntry(` ${entry} `)).toBe(entry);
  });

  it.each(['a$(touch pwned)', 'a`id`', 'a"b', "a'b", 'a\\b', 'a b', 'a\nb', 'a;b', '${HOME}', 'http://host'])('refuses %j with exit 2', (entry) => {
    const e = errorOf(() => checkNoProxyEntry(entry));
    expect(e.code).toBe(2);
    expect(e.message).toMatch(/^--no-proxy ".*": expected host names/);
    // The message is one line, whatever the entry holds.
    expect(e.message).not.toContain('\n');
  });

  it('checks every entry of a comma-separated list, after the defaults', () => {
    expect(noProxyList(['.corp.example,10.0.0.0/8', ' ,svc'])).toEqual([...BASE_NO_PROXY, '.corp.example', 'svc']);
    expect(() => noProxyList(['ok.example,a$(touch pwned),b'])).toThrow(/"a\$\(touch pwned\)"/);
  });
});

describe('a rejected proxy URL never shows its password', () => {
  it.each([
    ['http://alice:pa ss@proxy.example:3128', 'http://alice:***@proxy.example:3128'],
    ['http://alice:pa$(x)ss@proxy.example:3128', 'http://alice:***@proxy.example:3128'],
    ['alice:p@ss word@proxy.example:3128', 'alice:***@proxy.example:3128'],
    ['http://to ken@proxy.example', 'http://***@proxy.example'],
  ])('%s', (url, shown) => {
    expect(redactProxyUrl(url)).toBe(shown);
    const e = errorOf(() => parseProxyUrl(url));
    expect(e.message).toContain(shown);
    expect(e.message).not.toMatch(/pa ss|pa\$|p@ss|to ken/);
  });
});
