import { registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { emptyToUndefined, readArea } from './area.validation';

export class RedisEnvironment {
  /** Set: live log fan-out through Redis pub/sub and the Socket.IO Redis adapter. Unset: in process. */
  @Transform(emptyToUndefined) @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;
}

export const redisConfig = registerAs('redis', () => ({
  /** Undefined: in-process channels (embedded mode). */
  url: readArea(RedisEnvironment).REDIS_URL,
}));
