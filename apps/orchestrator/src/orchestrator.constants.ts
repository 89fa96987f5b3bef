/** Consumer group and idempotency namespace of the orchestrator. */
export const ORCHESTRATOR_CONSUMER = 'orchestrator';

/**
 * pg_advisory_xact_lock key held while claiming queued builds, so instances count running builds
 * one at a time and the global limit holds (72707369 is Prisma's migration lock).
 */
export const BUILD_CLAIM_LOCK = 72707370;

/**
 * Options of the lifecycle's transactions. Waiting for a pooled connection is what a busy
 * orchestrator does (hundreds of builds share DATABASE_POOL_SIZE connections); Prisma's default
 * of 2 s would instead fail a transition, and a build that had succeeded would end FAILED.
 */
export const TRANSITION_TX = { maxWait: 30_000, timeout: 15_000 };
