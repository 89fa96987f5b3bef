import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min } from 'class-validator';
import { emptyToUndefined, readArea, toBool, toInt } from './area.validation';

const RETRY = { message: 'must be an integer from 1 to 604800' };
const POLL = { message: 'must be an integer from 100 to 600000' };
const LEASE = { message: 'must be an integer from 10 to 3600' };

/** Certificates for custom domains from an ACME server (HTTP-01), issued by the orchestrator. */
export class AcmeEnvironment {
  /** Obtain certificates for verified custom domains. */
  @Transform(toBool) @IsBoolean({ message: 'must be true or false' })
  ACME_ENABLED = true;

  @IsUrl({ require_tld: false, protocols: ['https'], require_protocol: true }, { message: 'must be an https:// URL of an ACME directory' }) @MaxLength(500)
  ACME_DIRECTORY_URL = 'https://acme-v02.api.letsencrypt.org/directory';

  /** Contact address given to the ACME server (expiry notices); empty = none. */
  @Transform(emptyToUndefined) @IsOptional() @IsEmail({}, { message: 'must be an e-mail address' })
  ACME_EMAIL?: string;

  /** PEM CA bundle trusted for the directory's HTTPS besides the system's (a private ACME server, Pebble in tests). */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(1024)
  ACME_CA_FILE?: string;

  /** First retry after a failed issuance; doubles on each failure up to ACME_RETRY_MAX_SECONDS. */
  @Transform(toInt) @IsInt(RETRY) @Min(1, RETRY) @Max(604_800, RETRY)
  ACME_RETRY_BASE_SECONDS = 60;

  @Transform(toInt) @IsInt(RETRY) @Min(1, RETRY) @Max(604_800, RETRY)
  ACME_RETRY_MAX_SECONDS = 86_400;

  /** How often the issuer looks for due certificates (new domains also start it at once). */
  @Transform(toInt) @IsInt(POLL) @Min(100, POLL) @Max(600_000, POLL)
  ACME_POLL_MS = 10_000;

  /** How long one orchestrator instance holds a name while it works on it (renewed while it does). */
  @Transform(toInt) @IsInt(LEASE) @Min(10, LEASE) @Max(3_600, LEASE)
  ACME_LEASE_SECONDS = 120;
}

export interface AcmeSettings {
  enabled: boolean;
  directoryUrl: string;
  email: string | undefined;
  caFile: string | undefined;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  leaseSeconds: number;
}

export const acmeConfig = registerAs(
  'acme',
  (): AcmeSettings => {
    const env = readArea(AcmeEnvironment);
    return {
      enabled: env.ACME_ENABLED,
      directoryUrl: env.ACME_DIRECTORY_URL,
      email: env.ACME_EMAIL,
      caFile: env.ACME_CA_FILE,
      retryBaseMs: env.ACME_RETRY_BASE_SECONDS * 1000,
      retryMaxMs: Math.max(env.ACME_RETRY_MAX_SECONDS, env.ACME_RETRY_BASE_SECONDS) * 1000,
      pollMs: env.ACME_POLL_MS,
      leaseSeconds: env.ACME_LEASE_SECONDS,
    };
  },
);
