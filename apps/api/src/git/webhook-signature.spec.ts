import { signatureMatches, signBody } from './webhook-signature';

describe('webhook signature', () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');

  it('accepts the HMAC-SHA256 of the exact body, in either hex case', () => {
    const header = signBody('secret-secret-secret', body);
    expect(signatureMatches('secret-secret-secret', body, header)).toBe(true);
    expect(signatureMatches('secret-secret-secret', body, header.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
  });

  it('refuses another secret, another body, a missing or malformed header', () => {
    const header = signBody('secret-secret-secret', body);
    expect(signatureMatches('other-secret-secret', body, header)).toBe(false);
    expect(signatureMatches('secret-secret-secret', Buffer.from(`${body} `), header)).toBe(false);
    expect(signatureMatches('secret-secret-secret', body, undefined)).toBe(false);
    expect(signatureMatches('secret-secret-secret', body, header.replace('sha256=', 'sha1='))).toBe(false);
    expect(signatureMatches('secret-secret-secret', body, `${header}00`)).toBe(false);
    expect(signatureMatches('secret-secret-secret', body, `sha256=${'0'.repeat(64)}`)).toBe(false);
  });
});
