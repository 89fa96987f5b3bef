import type { ArchiveLimits } from './archive/archive-limits';

export interface SourceOptions {
  /** Applied to an upload at intake and again when the orchestrator extracts it. */
  limits: ArchiveLimits;
  /** A local directory where an upload is spooled while it is checked (not a tmpfs: it can be large). */
  spoolDir: string;
  /** Wall-clock limit of one git fetch (all its git commands together). */
  gitTimeoutMs: number;
  /** The git executable; `git` on PATH unless set. */
  gitBinary?: string;
}

export const SOURCE_OPTIONS = Symbol('SOURCE_OPTIONS');
