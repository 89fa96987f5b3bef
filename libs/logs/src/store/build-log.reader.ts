import { Logger } from '@nestjs/common';
import type { LogLine } from '../build-log';
import type { LiveLogBus } from '../live/live-log-bus.port';
import type { BuildLogSearch } from './log-query';
import type { LogStore } from './log-store.port';

/** Lines per read of the live buffer. */
const LIVE_PAGE = 1_000;

/**
 * A deployment's build log as the API serves it: the log store, read through the live buffer.
 * The store is filled in batches (log-ingest waits up to LOG_BATCH_MAX_AGE_MS), so right after a
 * build ends its last lines may only be on the live channel; the orchestrator publishes every line
 * there before the final status, so store ∪ buffer is the whole log as soon as the status says it
 * ended. The store holds a prefix of a deployment's lines (ingest keeps their order), so the buffer
 * is only read when the store's page is short, and lines are told apart by seq.
 */
export class BuildLogReader {
  private readonly logger = new Logger('BuildLogReader');

  constructor(
    private readonly store: LogStore,
    private readonly bus: LiveLogBus,
  ) {}

  async search(search: BuildLogSearch): Promise<LogLine[]> {
    const stored = await this.store.searchBuildLines(search);
    if (stored.length >= search.limit) return stored;
    const filtered = search.stream !== undefined || search.fromMs !== undefined || search.toMs !== undefined || !!search.contains;
    // Unfiltered, the store's answer is contiguous: the buffer is read after it. Filtered, the
    // store's last line says nothing of the lines it left out, so the buffer is read from the start.
    let from = (filtered ? search.afterSeq : (stored.at(-1)?.seq ?? search.afterSeq)) + 1;
    const seen = new Set(stored.map((l) => l.seq));
    const live: LogLine[] = [];
    try {
      for (;;) {
        const { lines } = await this.bus.recent(search.deploymentId, from, LIVE_PAGE);
        for (const line of lines) if (!seen.has(line.seq) && matches(line, search)) live.push(line);
        if (lines.length < LIVE_PAGE || stored.length + live.length >= search.limit) break;
        from = lines[lines.length - 1].seq + 1;
      }
    } catch (err) {
      // The store's answer stands; it is complete once ingest catches up.
      this.logger.warn({ deploymentId: search.deploymentId, err: String(err) }, 'live log buffer unreadable; answering from the log store alone');
      return stored;
    }
    if (live.length === 0) return stored;
    return [...stored, ...live].sort((a, b) => a.seq - b.seq).slice(0, search.limit);
  }
}

/** The stores' filters, in memory: stream, [fromMs, toMs) on the line's time, substring with ASCII letters case-insensitive. */
function matches(line: LogLine, search: BuildLogSearch): boolean {
  if (search.stream !== undefined && line.stream !== search.stream) return false;
  if (search.fromMs !== undefined || search.toMs !== undefined) {
    const ms = Date.parse(line.ts);
    if (search.fromMs !== undefined && ms < search.fromMs) return false;
    if (search.toMs !== undefined && ms >= search.toMs) return false;
  }
  return !search.contains || asciiLower(line.message).includes(asciiLower(search.contains));
}

const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
