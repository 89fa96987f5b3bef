import { Inject, Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { accountsConfig, type ConfigType } from '@deploysphere/config';

const KEY_BYTES = 64;
const SALT_BYTES = 16;
const R = 8;
const P = 1;
/** `scrypt$ln=15,r=8,p=1$<salt>$<key>`, salt and key base64url (docs/accounts.md). */
const FORMAT = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number, length: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly N=2^15, r=8, too tight.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * Passwords as memory-hard scrypt hashes (N = 2^AUTH_SCRYPT_LOG_N, r=8, p=1, 64-byte key,
 * 16-byte random salt per hash). The parameters are stored with each hash, so raising the cost
 * keeps old hashes verifiable and `needsRehash` tells the caller to upgrade one.
 */
@Injectable()
export class PasswordHasher {
  /** Verified against when the email is unknown, so the answer takes as long as for a real account. */
  private decoy?: Promise<string>;

  constructor(@Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>) {}

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(password, salt, this.accounts.scryptLogN, R, P, KEY_BYTES);
    return `scrypt$ln=${this.accounts.scryptLogN},r=${R},p=${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  async verify(password: string, stored: string): Promise<{ valid: boolean; needsRehash: boolean }> {
    const m = FORMAT.exec(stored);
    if (!m) return { valid: false, needsRehash: false };
    const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const expected = Buffer.from(m[5], 'base64url');
    const key = await derive(password, Buffer.from(m[4], 'base64url'), logN, r, p, expected.length);
    const valid = key.length === expected.length && timingSafeEqual(key, expected);
    return { valid, needsRehash: valid && (logN < this.accounts.scryptLogN || r !== R || p !== P || expected.length !== KEY_BYTES) };
  }

  /** Spends what a verification costs and fails. */
  async verifyNothing(password: string): Promise<void> {
    this.decoy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.decoy);
  }
}
