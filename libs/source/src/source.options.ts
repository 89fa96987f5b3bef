import type { ArchiveLimits } from './archive/archive-limits';

export interface SourceOptions {
  /** Applied to an upload at intake and again when the orchestrator extracts it. */
  limits: ArchiveLimits;
  /** A local directory where an upload is spooled while it is checked (not a tmpfs: it can be large). */
  spoolDir: string;
  /** How long an upload may send nothing (while it is being read) before it fails with BODY_TIMEOUT; UPLOAD_IDLE_TIMEOUT_MS by default. */
  idleTimeoutMs?: number;
  /** Wall-clock limit of one git fetch (all its git commands together). */
  gitTimeoutMs: number;
  /** The git executable; `git` on PATH unless set. */
  gitBinary?: string;
}

/** The same as for a JSON body: 10 s without a byte while the server waits for one. */
export const UPLOAD_IDLE_TIMEOUT_MS = 10_000;

export const SOURCE_OPTIONS = Symbol('SOURCE_OPTIONS');
