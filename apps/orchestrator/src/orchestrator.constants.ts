/** Consumer group and idempotency namespace of the orchestrator. */
export const ORCHESTRATOR_CONSUMER = 'orchestrator';

/**
 * pg_advisory_xact_lock key held while claiming queued builds, so instances count running builds
 * one at a time and the global limit holds (72707369 is Prisma's migration lock).
 */
export const BUILD_CLAIM_LOCK = 72707370;
