import { idKey, parseHost, previewKey } from './host-name';

describe('parseHost', () => {
  const root = 'apps.example.com';

  it.each([
    ['my-app.apps.example.com', 'my-app'],
    ['MY-APP.Apps.Example.COM', 'my-app'],
    ['my-app.apps.example.com:8080', 'my-app'],
    ['my-app.apps.example.com.', 'my-app'],
    ['my-app.apps.example.com.:443', 'my-app'],
    ['01jd8x3k9m2f4q7r8s9t0v1w2x-my-app.apps.example.com', '01jd8x3k9m2f4q7r8s9t0v1w2x-my-app'],
  ])('reads %s as the tenant label %s', (host, label) => {
    expect(parseHost(host, root)).toEqual({ kind: 'tenant', label });
  });

  it.each(['apps.example.com', 'apps.example.com:8080', 'localhost', 'localhost:8080', '127.0.0.1', '127.0.0.1:8080', '10.1.2.3', '[::1]', '[::1]:8080', '[2001:db8::1]'])(
    'treats %s as the platform itself (health endpoints only)',
    (host) => {
      expect(parseHost(host, root)).toEqual({ kind: 'platform' });
    },
  );

  it.each(['www.example.org', 'shop.customer.io', 'a.b.apps.example.com', 'xapps.example.com'])('treats %s as a custom-domain candidate', (host) => {
    expect(parseHost(host, root).kind).toBe('custom');
  });

  it('works with the default root domain localhost', () => {
    expect(parseHost('my-app.localhost:8080', 'localhost')).toEqual({ kind: 'tenant', label: 'my-app' });
    expect(parseHost('localhost:8080', 'localhost')).toEqual({ kind: 'platform' });
  });

  // Hostile Host headers: each must be refused outright, never matched loosely to a tenant.
  const hostile = [
    '',
    ' ',
    'my-app.apps.example.com ',
    ' my-app.apps.example.com',
    'my_app.apps.example.com',
    'my-app..apps.example.com',
    '.apps.example.com',
    '-my-app.apps.example.com',
    'my-app-.apps.example.com',
    'my-app.apps.example.com:99999',
    'my-app.apps.example.com:',
    'my-app.apps.example.com:80:80',
    'my-app.apps.example.com:abc',
    'user@my-app.apps.example.com',
    'my-app.apps.example.com/evil',
    'my-app.apps.example.com\\evil',
    'my-app.apps.example.com%2f',
    'my%2dapp.apps.example.com',
    'my-app.apps.example.com\u0000',
    'my-app.apps.example.com\r\nX-Injected: 1',
    'mу-app.apps.example.com', // Cyrillic у
    'xn--\u00e9.apps.example.com',
    '*.apps.example.com',
    'my-app.apps.example.com,other.apps.example.com',
    '999.1.1.1',
    '[::1',
    '[::1]:99999',
    '[evil.com]',
    'a'.repeat(64) + '.apps.example.com',
    ('a'.repeat(60) + '.').repeat(5) + 'apps.example.com',
  ];

  it.each(hostile.map((h) => [JSON.stringify(h), h]))('refuses the hostile host %s', (_, host) => {
    expect(parseHost(host, root)).toEqual({ kind: 'invalid' });
  });

  it('refuses a missing host', () => {
    expect(parseHost(undefined, root)).toEqual({ kind: 'invalid' });
  });
});

describe('previewKey', () => {
  it('takes the whole 26-character id part before the first hyphen', () => {
    expect(previewKey('01jd8x3k9m2f4q7r8s9t0v1w2x-my-app')).toBe('01jd8x3k9m2f4q7r8s9t0v1w2x');
  });

  it('does not read labels that do not carry a whole deployment id', () => {
    expect(previewKey('my-app')).toBeUndefined();
    expect(previewKey('01jd8x3k9-my-app')).toBeUndefined(); // a prefix: guessable from the creation time
    expect(previewKey('01jd8x3k9m2f4q7r8s9t0v1w2-my-app')).toBeUndefined(); // 25
    expect(previewKey('01jd8x3k9m2f4q7r8s9t0v1w2xy-my-app')).toBeUndefined(); // 27
    expect(previewKey('01jd8x3k9m2f4q7r8s9t0v1w2x-')).toBeUndefined();
  });

  it('takes the 26-character part of an id', () => {
    expect(idKey('dpl_01jd8x3k9m2f4q7r8s9t0v1w2x')).toBe('01jd8x3k9m2f4q7r8s9t0v1w2x');
  });
});
