import type { LogLine } from '../build-log';
import { InMemoryLiveLogBus } from '../live/in-memory-live-log.bus';
import { BuildLogReader } from './build-log.reader';
import type { BuildLogSearch } from './log-query';
import type { LogStore } from './log-store.port';

const DEP = 'dpl_reader';
const line = (seq: number, message = `line ${seq}`, stream: LogLine['stream'] = 'stdout'): LogLine => ({ seq, ts: new Date(1_700_000_000_000 + seq * 1000).toISOString(), stream, message });

/** A log store holding `stored`, answering searches as both real stores do. */
function storeOf(stored: LogLine[]): LogStore {
  return {
    searchBuildLines: async (s: BuildLogSearch) =>
      stored
        .filter((l) => l.seq > s.afterSeq && (!s.stream || l.stream === s.stream) && (!s.contains || l.message.toLowerCase().includes(s.contains.toLowerCase())))
        .filter((l) => (s.fromMs === undefined || Date.parse(l.ts) >= s.fromMs) && (s.toMs === undefined || Date.parse(l.ts) < s.toMs))
        .slice(0, s.limit),
  } as unknown as LogStore;
}

describe('BuildLogReader', () => {
  const all = Array.from({ length: 50 }, (_, i) => line(i + 1, i === 49 ? 'ERROR TS2322: Type mismatch' : undefined, i === 49 ? 'stderr' : 'stdout'));
  let bus: InMemoryLiveLogBus;

  beforeEach(async () => {
    bus = new InMemoryLiveLogBus({ maxLines: 1000, ttlSeconds: 60 });
    await bus.publish(DEP, all);
  });
  afterEach(() => bus.close());

  it('completes the store with the lines only the live buffer holds yet', async () => {
    const reader = new BuildLogReader(storeOf(all.slice(0, 30)), bus);
    expect((await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 100 })).map((l) => l.seq)).toEqual(all.map((l) => l.seq));
    expect((await reader.search({ deploymentId: DEP, afterSeq: 20, limit: 15 })).map((l) => l.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 21));
  });

  it('applies the filters to the buffered lines as the stores do', async () => {
    const reader = new BuildLogReader(storeOf(all.slice(0, 30)), bus);
    expect((await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 100, contains: 'ts2322' })).map((l) => l.seq)).toEqual([50]);
    expect((await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 100, stream: 'stderr' })).map((l) => l.seq)).toEqual([50]);
    const toMs = Date.parse(all[39].ts);
    expect((await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 100, fromMs: Date.parse(all[34].ts), toMs })).map((l) => l.seq)).toEqual([35, 36, 37, 38, 39]);
  });

  it('answers from the store alone when its page is full or the buffer cannot be read', async () => {
    const reader = new BuildLogReader(storeOf(all.slice(0, 30)), bus);
    const spy = jest.spyOn(bus, 'recent');
    expect(await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 10 })).toHaveLength(10);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRejectedValue(new Error('redis down'));
    expect(await reader.search({ deploymentId: DEP, afterSeq: 0, limit: 100 })).toHaveLength(30);
  });
});
