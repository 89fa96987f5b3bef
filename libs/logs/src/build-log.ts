import type { LogLinePayload, LogStreamName } from '@deploysphere/contracts';

export type LogStream = LogStreamName;

/** One line of a build's output. `seq` is per deployment, gap-free from 1, assigned by the runner. */
export interface BuildLogLine {
  deploymentId: string;
  seq: number;
  /** ISO-8601 time the line was read from the build. */
  ts: string;
  stream: LogStream;
  message: string;
}

/** A line without its deployment id, as the live channel and the stores hand it out. */
export type LogLine = LogLinePayload;
