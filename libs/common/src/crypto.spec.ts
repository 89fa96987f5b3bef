import { randomBytes } from 'node:crypto';
import { generateToken, hashToken, safeEqual, SecretBox } from './crypto';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips a value and never produces the same ciphertext twice', () => {
    const a = box.seal('sk_live_123', 'prj:KEY:PRODUCTION');
    const b = box.seal('sk_live_123', 'prj:KEY:PRODUCTION');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk_live_123');
    expect(box.open(a, 'prj:KEY:PRODUCTION')).toBe('sk_live_123');
  });

  it('refuses a ciphertext moved to another variable, tampered with, or opened with another key', () => {
    const sealed = box.seal('v', 'prj:A:PREVIEW');
    expect(() => box.open(sealed, 'prj:B:PREVIEW')).toThrow();
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3], 'base64url');
    ciphertext[0] ^= 0x01; // one bit flipped (a fixed replacement equals the ciphertext once in 256 runs)
    parts[3] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'), 'prj:A:PREVIEW')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'prj:A:PREVIEW')).toThrow();
    expect(() => box.open('garbage', 'prj:A:PREVIEW')).toThrow(/format/);
  });

  it('requires a 256-bit key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('API tokens', () => {
  it('are 256-bit random secrets stored only as their SHA-256', () => {
    const t = generateToken();
    expect(t.token).toMatch(/^dsp_[A-Za-z0-9_-]{43}$/);
    expect(t.hash).toBe(hashToken(t.token));
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.token.startsWith(t.displayPrefix)).toBe(true);
    expect(generateToken().token).not.toBe(t.token);
  });

  it('compares in constant time and handles different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
