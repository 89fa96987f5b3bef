/** One served request. Plain data: the sink may hold it until its next flush. */
export interface AccessLogRecord {
  /** Epoch milliseconds when the request arrived. */
  time: number;
  /** The `Host` header as received (truncated), also for unknown or invalid hosts. */
  host: string;
  deploymentId: string | null;
  projectId: string | null;
  method: string;
  /** Path without the query string (queries may carry tokens), truncated. */
  path: string;
  status: number;
  /** Body bytes sent (0 for HEAD, 304 and bodiless answers). */
  bytes: number;
  durationMs: number;
  userAgent: string | null;
  /** The peer address of the connection; client-sent X-Forwarded-For is not trusted. */
  clientIp: string | null;
}

/**
 * Where access records go. `record` is called on the request path, so it must return at once
 * and never throw: adapters buffer and ship in batches (Kafka in the log pipeline).
 */
export interface AccessLogSink {
  record(entry: AccessLogRecord): void;
  /** Ships whatever is buffered (on shutdown, and in tests). */
  flush(): Promise<void>;
  stats(): AccessLogStats;
}

export interface AccessLogStats {
  buffered: number;
  written: number;
  /** Records refused because the buffer was full (the writer could not keep up). */
  dropped: number;
  failedBatches: number;
}

export const ACCESS_LOG_SINK = Symbol('ACCESS_LOG_SINK');
