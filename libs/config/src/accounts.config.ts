import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { emptyToUndefined, readArea, toInt } from './area.validation';
import { HttpEnvironment } from './http.config';

const POSITIVE = { message: 'must be a positive integer' };

/** Users, sessions, invitations and sign-in throttling (docs/accounts.md). */
export class AccountsEnvironment {
  /** Where people reach the api and dashboard (invitation and setup links); unset = http://localhost:<API_PORT>. */
  @Transform(emptyToUndefined) @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL such as https://deploy.example.com' })
  DEPLOYSPHERE_PUBLIC_URL?: string;

  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE) @Max(24 * 365, { message: 'must be at most 8760 (a year)' })
  AUTH_SESSION_TTL_HOURS = 24 * 14;

  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE) @Max(24 * 90, { message: 'must be at most 2160 (90 days)' })
  AUTH_INVITATION_TTL_HOURS = 24 * 7;

  /** Failed sign-ins of one email within the window that lock it. */
  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE)
  AUTH_SIGN_IN_MAX_FAILURES = 5;

  /** Failed sign-ins from one address within the window after which it is refused (429). */
  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE)
  AUTH_SIGN_IN_ADDRESS_MAX_FAILURES = 50;

  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE)
  AUTH_SIGN_IN_WINDOW_SECONDS = 15 * 60;

  /** How long a locked email or a refused address waits. */
  @Transform(toInt) @IsInt(POSITIVE) @Min(1, POSITIVE)
  AUTH_SIGN_IN_LOCK_SECONDS = 15 * 60;

  /** scrypt's cost N = 2^AUTH_SCRYPT_LOG_N for new hashes (r=8, p=1); raising it re-hashes each password at its next sign-in. */
  @Transform(toInt) @IsInt({ message: 'must be an integer from 15 to 17' }) @Min(15, { message: 'must be at least 15 (N = 32768)' }) @Max(17, { message: 'must be at most 17 (128 MiB per hash)' })
  AUTH_SCRYPT_LOG_N = 15;
}

export const accountsConfig = registerAs('accounts', () => {
  const env = readArea(AccountsEnvironment);
  const apiPort = readArea(HttpEnvironment).API_PORT;
  return {
    publicUrl: (env.DEPLOYSPHERE_PUBLIC_URL ?? `http://localhost:${apiPort}`).replace(/\/+$/, ''),
    sessionTtlMs: env.AUTH_SESSION_TTL_HOURS * 3_600_000,
    invitationTtlMs: env.AUTH_INVITATION_TTL_HOURS * 3_600_000,
    signIn: {
      maxFailures: env.AUTH_SIGN_IN_MAX_FAILURES,
      addressMaxFailures: env.AUTH_SIGN_IN_ADDRESS_MAX_FAILURES,
      windowMs: env.AUTH_SIGN_IN_WINDOW_SECONDS * 1000,
      lockMs: env.AUTH_SIGN_IN_LOCK_SECONDS * 1000,
    },
    scryptLogN: env.AUTH_SCRYPT_LOG_N,
  };
});
