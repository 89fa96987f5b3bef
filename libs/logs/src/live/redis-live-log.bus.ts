import { Logger } from '@nestjs/common';
import { DEPLOYMENT_STATUSES, type DeploymentStatusName } from '@deploysphere/contracts';
import Redis from 'ioredis';
import type { LogLine } from '../build-log';
import type { LiveBufferOptions } from './in-memory-live-log.bus';
import type { LiveEnd, LiveEvent, LiveListener, LiveLogBus, LiveSubscription, RecentLines } from './live-log-bus.port';

export interface RedisLiveLogBusOptions extends LiveBufferOptions {
  url: string;
  /** Prefix of every key and channel, so installations (and tests) can share a server. */
  keyPrefix?: string;
  /** CLIENT SETNAME of its connections (`<name>-commands`, `<name>-subscriber`), to find them in CLIENT LIST. */
  connectionName?: string;
}

// Keys of one deployment share a hash tag, so the scripts also run on Redis Cluster:
//   <p>{<id>}:lines   sorted set, score = seq, member = the line's JSON (it contains the seq, so members are unique)
//   <p>{<id>}:meta    hash: last (highest accepted seq), end (JSON of LiveEnd)
//   <p>{<id>}:live    pub/sub channel: {"k":"l","l":[lines]} or {"k":"e","e":end}
// Appending and publishing happen in one script, so a line is in the buffer before anyone can
// receive it: subscribe first, read the buffer second, and nothing falls between the two.

const PUBLISH_SCRIPT = `
local last = tonumber(redis.call('HGET', KEYS[2], 'last') or '0')
local out = {}
for i = 4, #ARGV, 2 do
  local seq = tonumber(ARGV[i])
  if seq > last then
    redis.call('ZADD', KEYS[1], seq, ARGV[i + 1])
    last = seq
    out[#out + 1] = ARGV[i + 1]
  end
end
if #out > 0 then
  redis.call('HSET', KEYS[2], 'last', last)
  local max = tonumber(ARGV[2])
  local n = redis.call('ZCARD', KEYS[1])
  if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  redis.call('PUBLISH', ARGV[1], '{"k":"l","l":[' .. table.concat(out, ',') .. ']}')
end
return #out
`;

const END_SCRIPT = `
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
local e = '{"lastSeq":' .. last .. ',"status":"' .. ARGV[3] .. '"}'
redis.call('HSET', KEYS[1], 'end', e)
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[1], '{"k":"e","e":' .. e .. '}')
return e
`;

interface ChannelState {
  listeners: Set<LiveListener>;
  ready: Promise<unknown>;
}

type LiveMessage = { k: 'l'; l: LogLine[] } | { k: 'e'; e: LiveEnd };

/**
 * The distributed live channel over Redis: one command connection (buffer writes and reads,
 * publishes) and one subscriber connection per process, shared by every subscription and
 * reference-counted per channel. Connections open on first use.
 */
export class RedisLiveLogBus implements LiveLogBus {
  readonly name = 'redis';
  private readonly logger = new Logger('LiveLogBus');
  private readonly prefix: string;
  private readonly client: Redis;
  private subscriber?: Redis;
  private readonly channels = new Map<string, ChannelState>();
  private readonly resyncListeners = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: RedisLiveLogBusOptions) {
    this.prefix = options.keyPrefix ?? 'ds:logs:';
    this.client = this.connect('commands');
    this.client.defineCommand('dsLogPublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    this.client.defineCommand('dsLogEnd', { numberOfKeys: 1, lua: END_SCRIPT });
  }

  async publish(deploymentId: string, lines: readonly LogLine[]): Promise<number> {
    if (lines.length === 0) return 0;
    const args: (string | number)[] = [this.channelName(deploymentId), this.options.maxLines, this.options.ttlSeconds];
    for (const l of lines) args.push(l.seq, JSON.stringify({ seq: l.seq, ts: l.ts, stream: l.stream, message: l.message }));
    const run = (this.client as unknown as ScriptCommands).dsLogPublish;
    return run.call(this.client, this.key(deploymentId, 'lines'), this.key(deploymentId, 'meta'), ...args);
  }

  async end(deploymentId: string, status: DeploymentStatusName): Promise<LiveEnd> {
    // The script splices `status` into JSON, so it must be one of the known names.
    if (!(DEPLOYMENT_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown deployment status ${status}`);
    const run = (this.client as unknown as ScriptCommands).dsLogEnd;
    const json: string = await run.call(this.client, this.key(deploymentId, 'meta'), this.channelName(deploymentId), this.options.ttlSeconds, status);
    return JSON.parse(json) as LiveEnd;
  }

  async subscribe(deploymentId: string, listener: LiveListener): Promise<LiveSubscription> {
    const name = this.channelName(deploymentId);
    let state = this.channels.get(name);
    if (!state) {
      state = { listeners: new Set(), ready: this.subscriberConnection().subscribe(name) };
      this.channels.set(name, state);
    }
    state.listeners.add(listener);
    try {
      await state.ready;
    } catch (err) {
      state.listeners.delete(listener);
      if (state.listeners.size === 0 && this.channels.get(name) === state) this.channels.delete(name);
      throw err;
    }
    return { close: () => this.unsubscribe(name, listener) };
  }

  async recent(deploymentId: string, fromSeq: number, limit: number): Promise<RecentLines> {
    const lines = this.key(deploymentId, 'lines');
    const result = await this.client
      .multi()
      .zrangebyscore(lines, String(fromSeq), '+inf', 'LIMIT', '0', String(limit))
      .zrange(lines, '0', '0', 'WITHSCORES')
      .hmget(this.key(deploymentId, 'meta'), 'last', 'end')
      .exec();
    if (!result) throw new Error('redis transaction aborted');
    for (const [err] of result) if (err) throw err;
    const members = result[0][1] as string[];
    const first = result[1][1] as string[];
    const [last, end] = result[2][1] as (string | null)[];
    return {
      lines: members.map((m) => JSON.parse(m) as LogLine),
      firstSeq: first.length === 2 ? Number(first[1]) : null,
      lastSeq: last ? Number(last) : null,
      end: end ? (JSON.parse(end) as LiveEnd) : null,
    };
  }

  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async isReady(): Promise<boolean> {
    return (await this.client.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.client, this.subscriber].map((redis) => (redis ? quit(redis) : undefined)));
  }

  private async unsubscribe(name: string, listener: LiveListener): Promise<void> {
    const state = this.channels.get(name);
    if (!state || !state.listeners.delete(listener) || state.listeners.size > 0) return;
    this.channels.delete(name);
    if (!this.closed) await this.subscriber?.unsubscribe(name).catch(() => undefined);
  }

  private subscriberConnection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.connect('subscriber');
    let connectedBefore = false;
    // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is gone,
    // so subscribers are told to re-read the buffers.
    sub.on('ready', () => {
      if (connectedBefore) this.resyncListeners.forEach((fn) => fn());
      connectedBefore = true;
    });
    sub.on('message', (channel: string, text: string) => this.deliver(channel, text));
    this.subscriber = sub;
    return sub;
  }

  private deliver(channel: string, text: string): void {
    const state = this.channels.get(channel);
    if (!state) return;
    let event: LiveEvent;
    try {
      const message = JSON.parse(text) as LiveMessage;
      event = message.k === 'l' ? { kind: 'lines', lines: message.l } : { kind: 'end', end: message.e };
    } catch (err) {
      this.logger.warn({ channel, err: String(err) }, 'unreadable live log message ignored');
      return;
    }
    for (const listener of state.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err }, 'live log listener failed');
      }
    }
  }

  private connect(role: string): Redis {
    const redis = new Redis(this.options.url, { lazyConnect: true, maxRetriesPerRequest: 3, enableAutoPipelining: true, connectionName: `${this.options.connectionName ?? 'deploysphere-logs'}-${role}` });
    redis.on('error', (err) => this.logger.warn({ role, err: err.message }, 'redis connection error'));
    return redis;
  }

  private key(deploymentId: string, part: 'lines' | 'meta'): string {
    return `${this.prefix}{${deploymentId}}:${part}`;
  }

  private channelName(deploymentId: string): string {
    return `${this.prefix}{${deploymentId}}:live`;
  }
}

/** QUIT a connection that was used; just drop one that never connected (it would connect to say goodbye). */
async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}

interface ScriptCommands {
  dsLogPublish(...args: (string | number)[]): Promise<number>;
  dsLogEnd(...args: (string | number)[]): Promise<string>;
}
