import { encodePath, MAX_PATH_LENGTH, normalizeRequestPath, RejectedPath } from './request-path';

describe('normalizeRequestPath', () => {
  it.each([
    ['/', ''],
    ['/index.html', 'index.html'],
    ['/assets/app.3f9a1c.css', 'assets/app.3f9a1c.css'],
    ['/docs/', 'docs/'],
    ['/docs', 'docs'],
    ['/docs?x=1&y=../../etc', 'docs'],
    ['//docs//guide//', 'docs/guide/'],
    ['/./docs/./guide', 'docs/guide'],
    ['/docs/.', 'docs/'],
    ['/.well-known/security.txt', '.well-known/security.txt'],
    ['/a%20b.html', 'a b.html'],
    ['/caf%C3%A9.html', 'café.html'],
    ['/%2e/docs', 'docs'],
    ['/file..name.txt', 'file..name.txt'],
    ['/..file', '..file'],
  ])('%s → %j', (url, expected) => {
    expect(normalizeRequestPath(url)).toBe(expected);
  });

  // Every one of these must be refused, never turned into a lookup that could leave the deployment.
  const hostile: Array<[string, string]> = [
    ['/..', 'PATH_TRAVERSAL'],
    ['/../etc/passwd', 'PATH_TRAVERSAL'],
    ['/docs/../../etc/passwd', 'PATH_TRAVERSAL'],
    ['/docs/..', 'PATH_TRAVERSAL'],
    ['/docs/../', 'PATH_TRAVERSAL'],
    ['/%2e%2e/etc/passwd', 'PATH_TRAVERSAL'],
    ['/%2E%2E/etc/passwd', 'PATH_TRAVERSAL'],
    ['/.%2e/etc/passwd', 'PATH_TRAVERSAL'],
    ['/%2e./etc/passwd', 'PATH_TRAVERSAL'],
    ['/docs/%2e%2e/%2e%2e/secret', 'PATH_TRAVERSAL'],
    ['/...', 'PATH_TRAVERSAL'],
    ['/docs/.../x', 'PATH_TRAVERSAL'],
    ['/..%2fetc/passwd', 'PATH_ENCODED_DELIMITER'],
    ['/..%2Fetc/passwd', 'PATH_ENCODED_DELIMITER'],
    ['/%2e%2e%2fetc%2fpasswd', 'PATH_ENCODED_DELIMITER'],
    ['/docs%2f..%2f..%2fsecret', 'PATH_ENCODED_DELIMITER'],
    ['/..%5cetc%5cpasswd', 'PATH_ENCODED_DELIMITER'],
    ['/%5c..%5c..%5cwindows', 'PATH_ENCODED_DELIMITER'],
    ['/%252e%252e/etc/passwd', 'PATH_ENCODED_DELIMITER'],
    ['/%25%32%65%25%32%65/etc', 'PATH_ENCODED_DELIMITER'],
    ['/index.html%00.png', 'PATH_ENCODED_DELIMITER'],
    ['/..\\etc\\passwd', 'PATH_FORBIDDEN_CHARACTER'],
    ['/docs\\..\\..\\secret', 'PATH_FORBIDDEN_CHARACTER'],
    ['/index.html\u0000', 'PATH_FORBIDDEN_CHARACTER'],
    ['/a%0d%0aSet-Cookie:x=1', 'PATH_FORBIDDEN_CHARACTER'],
    ['/a%09b', 'PATH_FORBIDDEN_CHARACTER'],
    ['/a%7f', 'PATH_FORBIDDEN_CHARACTER'],
    ['/%c0%ae%c0%ae/etc/passwd', 'PATH_BAD_ENCODING'],
    ['/%c0%af', 'PATH_BAD_ENCODING'],
    ['/%c1%9c', 'PATH_BAD_ENCODING'],
    ['/%e0%80%ae%e0%80%ae/x', 'PATH_BAD_ENCODING'],
    ['/%f0%80%80%ae', 'PATH_BAD_ENCODING'],
    ['/%ed%a0%80', 'PATH_BAD_ENCODING'],
    ['/%', 'PATH_BAD_ENCODING'],
    ['/%zz', 'PATH_BAD_ENCODING'],
    ['/%e2%82', 'PATH_BAD_ENCODING'],
    ['*', 'PATH_NOT_ORIGIN_FORM'],
    ['', 'PATH_NOT_ORIGIN_FORM'],
    ['http://evil.com/index.html', 'PATH_NOT_ORIGIN_FORM'],
    ['../etc/passwd', 'PATH_NOT_ORIGIN_FORM'],
    ['/' + 'a'.repeat(MAX_PATH_LENGTH), 'PATH_TOO_LONG'],
  ];

  it.each(hostile)('refuses %j (%s)', (url, code) => {
    const result = normalizeRequestPath(url);
    expect(result).toBeInstanceOf(RejectedPath);
    expect((result as RejectedPath).code).toBe(code);
  });

  it('never yields a key with a dot-dot segment, backslash, NUL or leading slash for any accepted input', () => {
    const pieces = ['..', '.', '%2e', '%2E', '%2e%2e', '/', '//', '%2f', '\\', '%5c', '%00', 'a', 'é', '%c3%a9', '%c0%ae', '%25', '?', '#'];
    for (let i = 0; i < 20_000; i++) {
      let url = '/';
      const n = 1 + (i % 7);
      for (let j = 0; j < n; j++) url += pieces[(i * 7919 + j * 104729) % pieces.length];
      const result = normalizeRequestPath(url);
      if (result instanceof RejectedPath) continue;
      expect(result.split('/').some((s) => /^\.+$/.test(s))).toBe(false);
      expect(result).not.toMatch(/[\\\u0000]/);
      expect(result.startsWith('/')).toBe(false);
    }
  });
});

describe('encodePath', () => {
  it('builds a same-origin path, never a protocol-relative one', () => {
    expect(encodePath('')).toBe('/');
    expect(encodePath('docs/')).toBe('/docs/');
    expect(encodePath('a b/café')).toBe('/a%20b/caf%C3%A9');
    expect(encodePath('evil.com/x')).toBe('/evil.com/x');
  });
});
