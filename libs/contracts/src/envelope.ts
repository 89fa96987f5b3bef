/**
 * What travels on a topic: an integration event with its metadata. The payload is a plain
 * object on the wire; consumers rebuild and validate it against the contract class.
 */
export interface EventEnvelope<P = unknown> {
  /** Unique per event; consumers record it to stay idempotent. */
  id: string;
  /** `<EventName>.v<version>`, e.g. `DeploymentRequested.v1`. */
  type: string;
  /** Message key: the aggregate id (deployment id), so one aggregate's events stay ordered. */
  key: string;
  occurredAt: string;
  /** The request or event that started the chain. */
  correlationId: string;
  /** The message that directly caused this one. */
  causationId?: string;
  /** W3C trace context of the span that raised it (set only while tracing is on), so consumers continue its trace. */
  traceparent?: string;
  payload: P;
}

/** A contract class names its topic and type; topics are versioned and a version is kept while anything produces it. */
export interface IntegrationEventClass<P extends object = object> {
  new (): P;
  readonly topic: string;
  readonly type: string;
}
