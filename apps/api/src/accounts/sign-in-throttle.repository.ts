import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@deploysphere/database';

/** The `sign_in_throttles` rows: failed sign-ins per key in the current window, and locks. */
@Injectable()
export class SignInThrottleRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Of `keys`, those locked at `now`, with the lock's end. */
  lockedKeys(keys: string[], now: Date): Promise<Array<{ key: string; lockedUntil: Date }>> {
    return this.prisma.query<{ key: string; lockedUntil: Date }>(
      Prisma.sql`SELECT key, locked_until AS "lockedUntil" FROM sign_in_throttles WHERE key IN (${Prisma.join(keys)}) AND locked_until > ${now}`,
    );
  }

  /** One more failure for `key` (a window that began at or before `windowFloor` starts over); the count in the window. Atomic across instances. */
  async countFailure(key: string, now: Date, windowFloor: Date): Promise<number> {
    const [row] = await this.prisma.query<{ failures: number }>(
      Prisma.sql`INSERT INTO sign_in_throttles (key, failures, window_start) VALUES (${key}, 1, ${now})
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN sign_in_throttles.window_start <= ${windowFloor} THEN 1 ELSE sign_in_throttles.failures + 1 END,
                   window_start = CASE WHEN sign_in_throttles.window_start <= ${windowFloor} THEN ${now} ELSE sign_in_throttles.window_start END
                 RETURNING failures`,
    );
    return row.failures;
  }

  /** Locks `key` until `until`; the next window starts when the lock ends. */
  async lock(key: string, until: Date): Promise<void> {
    await this.prisma.signInThrottle.update({ where: { key }, data: { failures: 0, windowStart: until, lockedUntil: until } });
  }

  async clear(key: string): Promise<void> {
    await this.prisma.signInThrottle.deleteMany({ where: { key } });
  }

  /** Drops rows whose window began before `windowFloor` and that hold no running lock. */
  async sweep(now: Date, windowFloor: Date): Promise<void> {
    await this.prisma.signInThrottle.deleteMany({ where: { windowStart: { lt: windowFloor }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] } });
  }
}
