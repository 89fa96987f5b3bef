import { PasswordHasher } from './password-hasher';

const hasher = (scryptLogN: number) => new PasswordHasher({ scryptLogN } as ConstructorParameters<typeof PasswordHasher>[0]);

describe('PasswordHasher', () => {
  it('stores scrypt with its parameters, a per-hash salt and a 64-byte key', async () => {
    const a = await hasher(15).hash('correct horse battery staple');
    const b = await hasher(15).hash('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(a).not.toBe(b);
  });

  it('verifies the password and nothing else', async () => {
    const stored = await hasher(15).hash('correct horse battery staple');
    expect(await hasher(15).verify('correct horse battery staple', stored)).toEqual({ valid: true, needsRehash: false });
    expect(await hasher(15).verify('correct horse battery stapler', stored)).toEqual({ valid: false, needsRehash: false });
    expect(await hasher(15).verify('correct horse battery staple', stored.replace('ln=15', 'ln=16'))).toEqual({ valid: false, needsRehash: false });
    expect(await hasher(15).verify('x', 'not a hash')).toEqual({ valid: false, needsRehash: false });
  });

  it('keeps older, cheaper hashes valid and asks for a re-hash once the cost is raised', async () => {
    const old = await hasher(15).hash('correct horse battery staple');
    expect(await hasher(16).verify('correct horse battery staple', old)).toEqual({ valid: true, needsRehash: true });
    expect(await hasher(16).hash('x')).toMatch(/^scrypt\$ln=16,/);
  });
});
