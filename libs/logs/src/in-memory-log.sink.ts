import type { BuildLogLine } from './build-log';
import type { LogSink } from './log-sink.port';

/** Keeps lines per deployment in memory: a LogSink for tests (the platform's is BuildLogPublisher). */
export class InMemoryLogSink implements LogSink {
  private readonly lines = new Map<string, BuildLogLine[]>();

  async write(lines: BuildLogLine[]): Promise<void> {
    for (const line of lines) {
      const list = this.lines.get(line.deploymentId) ?? [];
      list.push(line);
      this.lines.set(line.deploymentId, list);
    }
  }

  read(deploymentId: string, fromSeq = 1): BuildLogLine[] {
    return (this.lines.get(deploymentId) ?? []).filter((l) => l.seq >= fromSeq);
  }
}
