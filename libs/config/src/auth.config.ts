import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsBase64, IsOptional, Matches } from 'class-validator';
import { emptyToUndefined, readArea } from './area.validation';
import { RuntimeEnvironment } from './runtime.config';

/** The bootstrap admin token and the key that encrypts stored secrets. */
export class AuthEnvironment {
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^[A-Za-z0-9_\-.]{32,200}$/, { message: 'must be 32–200 characters of [A-Za-z0-9_-.]' })
  DEPLOYSPHERE_ADMIN_TOKEN?: string;

  /** 32 random bytes, base64. Required in production; generated into the data dir otherwise. */
  @Transform(emptyToUndefined) @IsOptional() @IsBase64(undefined, { message: 'must be 32 bytes encoded as base64' })
  DEPLOYSPHERE_ENCRYPTION_KEY?: string;
}

/** Rules across variables, checked once every variable alone is valid. */
export function authProblems(env: AuthEnvironment & RuntimeEnvironment): string[] {
  if (env.NODE_ENV === 'production' && !env.DEPLOYSPHERE_ENCRYPTION_KEY) {
    return ['  - DEPLOYSPHERE_ENCRYPTION_KEY: is required when NODE_ENV=production (32 random bytes, base64: `openssl rand -base64 32`)'];
  }
  if (env.DEPLOYSPHERE_ENCRYPTION_KEY && Buffer.from(env.DEPLOYSPHERE_ENCRYPTION_KEY, 'base64').length !== 32) {
    return ['  - DEPLOYSPHERE_ENCRYPTION_KEY: must decode to exactly 32 bytes'];
  }
  return [];
}

export const authConfig = registerAs('auth', () => {
  const env = readArea(AuthEnvironment);
  return {
    adminToken: env.DEPLOYSPHERE_ADMIN_TOKEN,
    encryptionKey: env.DEPLOYSPHERE_ENCRYPTION_KEY,
    production: readArea(RuntimeEnvironment).NODE_ENV === 'production',
  };
});
