import { MAX_HOSTNAME_LENGTH, normalizeHostname } from './hostname';

const ROOT = 'apps.example.com';
const codeOf = (raw: string, root = ROOT) => {
  const r = normalizeHostname(raw, root);
  return 'error' in r ? r.error.code : r.hostname;
};

describe('normalizeHostname', () => {
  it.each([
    ['www.acme.com', 'www.acme.com'],
    ['WWW.Acme.COM', 'www.acme.com'],
    ['acme.com.', 'acme.com'],
    ['shop.acme.co.uk', 'shop.acme.co.uk'],
    ['Bücher.Example', 'xn--bcher-kva.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['ａｃｍｅ.com', 'acme.com'], // full-width letters map to ASCII (UTS #46)
    ['a。acme.com', 'a.acme.com'], // the ideographic full stop separates labels
    ['0xdeadbeef.com', '0xdeadbeef.com'],
    ['123.acme.com', '123.acme.com'],
    ['my-shop.xn--p1ai', 'my-shop.xn--p1ai'],
    ['apps.example.com.evil.org', 'apps.example.com.evil.org'],
    ['xapps.example.com', 'xapps.example.com'],
  ])('stores %s as %s', (raw, stored) => {
    expect(normalizeHostname(raw, ROOT)).toEqual({ hostname: stored });
  });

  it.each([
    ['1.2.3.4', 'ipAddress'],
    ['127.1', 'ipAddress'],
    ['0x7f.0.0.1', 'ipAddress'],
    ['2130706433', 'ipAddress'],
    ['::1', 'ipAddress'],
    ['[::1]', 'ipAddress'],
    ['[2001:db8::1]', 'ipAddress'],
    ['acme.123', 'invalidHostname'], // a numeric last label makes the URL parser read an IPv4 address, and fail
    ['apps.example.com', 'reservedHostname'],
    ['shop.apps.example.com', 'reservedHostname'],
    ['a.b.APPS.example.com.', 'reservedHostname'],
    ['localhost', 'invalidHostname'],
    ['shop.localhost', 'reservedHostname'],
    ['', 'invalidHostname'],
    ['.', 'invalidHostname'],
    ['com', 'invalidHostname'],
    ['acme', 'invalidHostname'],
    ['acme..com', 'invalidHostname'],
    ['.acme.com', 'invalidHostname'],
    ['acme.com..', 'invalidHostname'],
    ['-acme.com', 'invalidHostname'],
    ['acme-.com', 'invalidHostname'],
    ['*.acme.com', 'invalidHostname'],
    ['my_shop.acme.com', 'invalidHostname'],
    ['ex%61mple.com', 'invalidHostname'], // no percent-decoding into another name
    ['acme.com/path', 'invalidHostname'],
    ['acme.com:443', 'invalidHostname'],
    ['user@acme.com', 'invalidHostname'],
    ['https://acme.com', 'invalidHostname'],
    ['acme.com\\evil', 'invalidHostname'],
    [' acme.com', 'invalidHostname'],
    ['acme .com', 'invalidHostname'],
    ['acme.com\u0000', 'invalidHostname'],
    ['ac\u200bme.com', 'invalidHostname'], // zero-width space
    ['acme.com\r\nX: 1', 'invalidHostname'],
    ['xn--abc.com', 'invalidHostname'], // punycode that does not decode
    ['xn--.com', 'invalidHostname'],
    ['acme.c', 'invalidHostname'],
    ['acme.1a', 'invalidHostname'],
    [`${'a'.repeat(64)}.com`, 'invalidHostname'],
    [`${'a'.repeat(60)}.`.repeat(4) + 'com', 'invalidHostname'],
  ])('refuses %j (%s)', (raw, code) => {
    expect(codeOf(raw)).toBe(code);
  });

  it('keeps the TXT record name within 253 characters', () => {
    const longest = `${'a'.repeat(61)}.`.repeat(3) + 'a'.repeat(MAX_HOSTNAME_LENGTH - 62 * 3 - 4) + '.com';
    expect(longest).toHaveLength(MAX_HOSTNAME_LENGTH);
    expect(codeOf(longest)).toBe(longest);
    expect(codeOf(`a${longest}`)).toBe('invalidHostname');
    expect(`_deploysphere.${longest}`.length).toBeLessThanOrEqual(253);
  });

  it('refuses the default root domain localhost and its subdomains', () => {
    expect(codeOf('my-app.localhost', 'localhost')).toBe('reservedHostname');
    expect(codeOf('www.acme.com', 'localhost')).toBe('www.acme.com');
  });
});
