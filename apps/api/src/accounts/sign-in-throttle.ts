import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@deploysphere/common';
import { accountsConfig, type ConfigType } from '@deploysphere/config';
import { SignInThrottleRepository } from './sign-in-throttle.repository';

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
    private readonly throttles: SignInThrottleRepository,
    @Inject(accountsConfig.KEY) private readonly accounts: ConfigType<typeof accountsConfig>,
  ) {}

  /** Throws 429 while the address is refused, 423 while the email is locked. */
  async check(email: string, address: string): Promise<void> {
    const rows = await this.throttles.lockedKeys([addressKey(address), accountKey(email)], new Date());
    const refused = rows.find((r) => r.key === addressKey(address));
    if (refused) throw rateLimited(refused.lockedUntil);
    const locked = rows.find((r) => r.key === accountKey(email));
    if (locked) throw accountLocked(locked.lockedUntil);
  }

  /** Counts a failure for both keys; throws what the failure triggered (lock or refusal), if anything. */
  async fail(email: string, address: string): Promise<void> {
    const { maxFailures, addressMaxFailures } = this.accounts.signIn;
    const accountLock = await this.count(accountKey(email), maxFailures);
    const addressLock = await this.count(addressKey(address), addressMaxFailures);
    if (Math.random() < 1 / SWEEP_EVERY) await this.throttles.sweep(new Date(), new Date(Date.now() - this.accounts.signIn.windowMs));
    if (addressLock) throw rateLimited(addressLock);
    if (accountLock) throw accountLocked(accountLock);
  }

  /** A successful sign-in clears the email's count (not the address's: one good account must not unlock guessing at others). */
  async succeed(email: string): Promise<void> {
    await this.throttles.clear(accountKey(email));
  }

  /** One more failure in the key's window; the lock's end when this failure reached the limit. */
  private async count(key: string, max: number): Promise<Date | undefined> {
    const now = new Date();
    const failures = await this.throttles.countFailure(key, now, new Date(now.getTime() - this.accounts.signIn.windowMs));
    if (failures < max) return undefined;
    const until = new Date(now.getTime() + this.accounts.signIn.lockMs);
    await this.throttles.lock(key, until);
    return until;
  }
}

const retryAfterSeconds = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));

/** The same words for every email, known or not. */
const accountLocked = (until: Date) =>
  new DomainError('locked', 'ACCOUNT_LOCKED', 'Too many failed sign-ins for this email: it is locked for a while', { retryAfterSeconds: retryAfterSeconds(until) });

const rateLimited = (until: Date) =>
  new DomainError('rate_limited', 'SIGN_IN_RATE_LIMITED', 'Too many failed sign-ins from this address: try again later', { retryAfterSeconds: retryAfterSeconds(until) });
