import { describe, expect, it } from 'vitest';
import { checkCookieName, checkHost, checkPath, checkPort, checkSecretName, checkUrl } from './validators.js';

describe('checkHost', () => {
  it.each([
    ['Example.ORG', 'example.org'],
    ['  shop.example.org ', 'shop.example.org'],
    ['*.apps.example.org', '*.apps.example.org'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['a-b.c0', 'a-b.c0'],
  ])('accepts %j as %j', (raw, want) => {
    expect(checkHost(raw)).toEqual({ ok: true, value: want });
  });
  it.each([
    '',
    'a..b',
    '-a.example',
    'a-.example',
    'a.example;',
    'a.example}',
    'a b',
    'a.exa\nmple',
    '$host',
    'a.example#x',
    "a'b",
    'a\\b',
    'a\0b',
    'x'.repeat(64),
    `${'a.'.repeat(127)}a`,
    '10.0.0.1',
    'a.*.example',
    'user@a.example',
  ])('rejects %j', (raw) => {
    expect(checkHost(raw).ok).toBe(false);
  });
});

describe('checkPort', () => {
  it.each([
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535],
    [' 80 ', 80],
  ])('accepts %j', (raw, want) => {
    expect(checkPort(raw)).toEqual({ ok: true, value: want });
  });
  it.each(['0', '65536', '-1', '80a', '8.0', '', '1e3', '0x50'])('rejects %j', (raw) => {
    expect(checkPort(raw).ok).toBe(false);
  });
});

describe('checkPath', () => {
  it.each([
    ['/', '/'],
    ['/app', '/app'],
    ['/app/', '/app'],
    ['/a/b-c_d.e~f', '/a/b-c_d.e~f'],
  ])('accepts %j', (raw, want) => {
    expect(checkPath(raw)).toEqual({ ok: true, value: want });
  });
  it.each([
    'app',
    '/a b',
    '/a;b',
    '/a{b',
    '/a}b',
    '/$uri',
    '/a#b',
    "/a'",
    '/a"',
    '/a\\b',
    '/a\nb',
    '/a//b',
    '/a/../b',
    '/./a',
    '/a?b',
    '/%2e',
  ])('rejects %j', (raw) => {
    expect(checkPath(raw).ok).toBe(false);
  });
});

describe('checkCookieName', () => {
  it.each(['session', 'connect.sid', 'JSESSIONID', 'a!*+-._~z', 'c'.repeat(256)])(
    'accepts RFC 6265 token %j',
    (raw) => {
      expect(checkCookieName(raw).ok).toBe(true);
    },
  );
  it.each([
    '',
    'a b',
    'a;b',
    'a=b',
    'a"b',
    'a,b',
    'a(b',
    'a{b',
    'ä',
    'c'.repeat(257),
    // RFC 6265 tokens that nginx or Lua read specially: variables, comments, patterns, quotes.
    'a%b',
    'a$b',
    'a#b',
    "a'b",
    'a`b',
    'a&b',
    'a^b',
    'a|b',
  ])('rejects %j', (raw) => {
    expect(checkCookieName(raw).ok).toBe(false);
  });
});

describe('checkSecretName', () => {
  it.each(['example.com.cert', 'demo_app.example.org.cert', 'a'])('accepts %j', (raw) => {
    expect(checkSecretName(raw).ok).toBe(true);
  });
  it.each(['', '.hidden', 'a/b', '../x', 'a b', 'x'.repeat(65), 'a;b'])('rejects %j', (raw) => {
    expect(checkSecretName(raw).ok).toBe(false);
  });
});

describe('checkUrl', () => {
  it('parses scheme, host, port and path', () => {
    expect(checkUrl('HTTPS://New.Example.org:8443/x')).toEqual({
      ok: true,
      value: { scheme: 'https', host: 'new.example.org', port: 8443, path: '/x' },
    });
  });
  it.each([
    'ftp://a.example',
    'http://',
    'http://a.example/$x',
    'http://a.example/?q=1',
    'http://u@a.example',
    'http://a.example:0',
    'javascript:alert(1)',
  ])('rejects %j', (raw) => {
    expect(checkUrl(raw).ok).toBe(false);
  });
});
