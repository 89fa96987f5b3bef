/** Consumer group and idempotency namespace of the orchestrator. */
export const ORCHESTRATOR_CONSUMER = 'orchestrator';
