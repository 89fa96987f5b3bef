import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@deploysphere/common';
import { accountsConfig, type ConfigType } from '@deploysphere/config';
import { Prisma, PrismaService } from '@deploysphere/database';

/** One in this many failures also sweeps rows whose window and lock are over. */
const SWEEP_EVERY = 50;

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string) => `address:${address}`;

/**
 * Failed sign-ins counted per email and per client address in PostgreSQL, so every api instance
 * sees the same counts. An email is keyed whether or not an account has it: a locked email
 * answers the same for an unknown address as for a real one.
 */
@Injectable()
export class SignInThrottle {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>,
  ) {}

  /** Throws 429 while the address is refused, 423 while the email is locked. */
  async check(email: string, address: string): Promise<void> {
    const rows = await this.prisma.query<{ key: string; lockedUntil: Date }>(
      Prisma.sql`SELECT key, locked_until AS "lockedUntil" FROM sign_in_throttles
                 WHERE key IN (${addressKey(address)}, ${accountKey(email)}) AND locked_until > ${new Date()}`,
    );
    const refused = rows.find((r) => r.key === addressKey(address));
    if (refused) throw rateLimited(refused.lockedUntil);
    const account = rows.find((r) => r.key === accountKey(email));
    if (account) throw locked(account.lockedUntil);
  }

  /** Counts a failure for both keys; throws what the failure triggered (lock or refusal), if anything. */
  async fail(email: string, address: string): Promise<void> {
    const { maxFailures, addressMaxFailures } = this.accounts.signIn;
    const accountLock = await this.count(accountKey(email), maxFailures);
    const addressLock = await this.count(addressKey(address), addressMaxFailures);
    if (Math.random() < 1 / SWEEP_EVERY) await this.sweep();
    if (addressLock) throw rateLimited(addressLock);
    if (accountLock) throw locked(accountLock);
  }

  /** A successful sign-in clears the email's count (not the address's: one good account must not unlock guessing at others). */
  async succeed(email: string): Promise<void> {
    await this.prisma.signInThrottle.deleteMany({ where: { key: accountKey(email) } });
  }

  /** One more failure in the key's window; returns the lock's end when this failure reached the limit. */
  private async count(key: string, max: number): Promise<Date | undefined> {
    const now = new Date();
    const windowFloor = new Date(now.getTime() - this.accounts.signIn.windowMs);
    const lockedUntil = new Date(now.getTime() + this.accounts.signIn.lockMs);
    const [row] = await this.prisma.query<{ locked: boolean }>(
      Prisma.sql`INSERT INTO sign_in_throttles (key, failures, window_start) VALUES (${key}, 1, ${now})
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN sign_in_throttles.window_start <= ${windowFloor} THEN 1 ELSE sign_in_throttles.failures + 1 END,
                   window_start = CASE WHEN sign_in_throttles.window_start <= ${windowFloor} THEN ${now} ELSE sign_in_throttles.window_start END
                 RETURNING failures >= ${max} AS locked`,
    );
    if (!row?.locked) return undefined;
    // The lock starts a fresh window: after it, the email gets the full number of attempts again.
    await this.prisma.signInThrottle.update({ where: { key }, data: { failures: 0, windowStart: lockedUntil, lockedUntil } });
    return lockedUntil;
  }

  private async sweep(): Promise<void> {
    const now = new Date();
    await this.prisma.signInThrottle.deleteMany({
      where: { windowStart: { lt: new Date(now.getTime() - this.accounts.signIn.windowMs) }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    });
  }
}

const retryAfterSeconds = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));

/** The same words for every email, known or not. */
const locked = (until: Date) =>
  new DomainError('locked', 'ACCOUNT_LOCKED', 'Too many failed sign-ins for this email: it is locked for a while', { retryAfterSeconds: retryAfterSeconds(until) });

const rateLimited = (until: Date) =>
  new DomainError('rate_limited', 'SIGN_IN_RATE_LIMITED', 'Too many failed sign-ins from this address: try again later', { retryAfterSeconds: retryAfterSeconds(until) });
