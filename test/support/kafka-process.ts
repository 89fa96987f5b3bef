import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A DEDICATED single-node Kafka broker (KRaft: broker + controller in one JVM) on free loopback
 * ports with its own data directory, for tests that must stop, kill or restart the broker: the
 * shared broker on :9092 (scripts/services/kafka.sh) is used by other test files running at the
 * same time and must never be stopped.
 *
 * It runs the same Maven Central jars as scripts/services/kafka.sh (cached under
 * `${XDG_CACHE_HOME:-~/.cache}/deploysphere/kafka/<version>/lib`) with the machine's Java 17+.
 * `stop('SIGTERM' | 'SIGKILL')` then `start()` brings it back on the same ports and data dir.
 *
 * Start-up (figures in docs/messaging.md, "Crash safety, tested"; bench/test-broker/run.sh):
 *  - the KRaft storage format (a separate JVM, ≈2 s) is done once per configuration into a cached
 *    template directory, then copied;
 *  - the JVM runs with C1 only (`-XX:TieredStopAtLevel=1`) and an application class-data-sharing
 *    archive of Kafka's classes: the first broker ever started without one dumps it when it stops
 *    gracefully (`-XX:ArchiveClassesAtExit`), later starts map it (`-XX:SharedArchiveFile`). A stale
 *    or mismatched archive is ignored by the JVM (`-Xshare:auto`), never fatal.
 *
 * No leaks: a watchdog shell kills the JVM and removes its directory if this Node process dies
 * without calling `destroy()` (a jest worker killed on a timeout).
 */

export const KAFKA_VERSION = process.env.KAFKA_VERSION || '4.4.0';

// base64url of the 16 bytes "ds-test-broker-1": a valid KRaft cluster id, distinct from the shared broker's.
const CLUSTER_ID = Buffer.from('ds-test-broker-1').toString('base64url');

export interface KafkaProcessOptions {
  /** Max heap in MiB (default 384). */
  heapMb?: number;
  /** Bound on one start (default 90 s: the machine may be busy with other suites). */
  startTimeoutMs?: number;
  /** Use the class-data-sharing archive (default true; false to measure without it). */
  classDataSharing?: boolean;
  /**
   * JVM flags: `tuned` (default: serial GC, C1 only) or `kafka.sh` (what scripts/services/kafka.sh
   * runs: G1, both JIT tiers, 256–512 MiB), to measure the difference (bench/test-broker).
   */
  jvm?: 'tuned' | 'kafka.sh';
}

export interface KafkaStartTiming {
  /** Spawn → the broker answers a Metadata request listing itself. */
  readyMs: number;
  /** Whether the JVM mapped a class-data-sharing archive on this start. */
  cds: boolean;
  /** Copy of the formatted storage template (first start only), ms. */
  formatMs: number;
}

export class KafkaProcess {
  readonly port: number;
  readonly controllerPort: number;
  /** `127.0.0.1:<port>` */
  readonly brokers: string;
  readonly dir: string;
  /** One entry per start, for the report. */
  readonly starts: KafkaStartTiming[] = [];

  private child?: ChildProcess;
  private watchdog?: ChildProcess;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly heapMb: number;
  private readonly startTimeoutMs: number;
  private readonly useCds: boolean;
  private readonly jvm: 'tuned' | 'kafka.sh';
  private readonly lib: string;
  private readonly java: string;
  private formatted = false;
  /** This JVM writes the class-data archive when it exits. */
  private dumping = false;
  private readonly onExit = () => this.killNow();

  private constructor(port: number, controllerPort: number, options: KafkaProcessOptions) {
    this.port = port;
    this.controllerPort = controllerPort;
    this.brokers = `127.0.0.1:${port}`;
    this.heapMb = options.heapMb ?? 384;
    this.startTimeoutMs = options.startTimeoutMs ?? 90_000;
    this.useCds = options.classDataSharing ?? true;
    this.jvm = options.jvm ?? 'tuned';
    this.lib = kafkaLibDir();
    this.java = javaBinary();
    this.dir = mkdtempSync(join(tmpdir(), 'ds-kafka-'));
    mkdirSync(join(this.dir, 'data'));
    writeFileSync(join(this.dir, 'server.properties'), serverProperties(this.port, this.controllerPort, join(this.dir, 'data')));
    writeFileSync(join(this.dir, 'log4j2.properties'), LOG4J);
    process.once('exit', this.onExit);
  }

  /** Formats storage, starts the broker on two free loopback ports and waits until it serves. */
  static async launch(options: KafkaProcessOptions = {}): Promise<KafkaProcess> {
    const [port, controllerPort] = await freePorts(2);
    const broker = new KafkaProcess(port, controllerPort, options);
    try {
      await broker.start();
    } catch (err) {
      await broker.destroy();
      throw err;
    }
    return broker;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the broker (again) on the same ports and data dir; resolves once it serves clients. */
  async start(): Promise<KafkaStartTiming> {
    if (this.child) throw new Error('Kafka test broker is already running');
    let formatMs = 0;
    if (!this.formatted) {
      const t = Date.now();
      this.format();
      formatMs = Date.now() - t;
      this.formatted = true;
    }
    const cds = this.useCds ? cdsArchive(this.java, this.classpath()) : undefined;
    const mapArchive = cds !== undefined && existsSync(cds.path);
    const dumpTo = cds && !mapArchive ? `${cds.path}.${process.pid}-${randomBytes(3).toString('hex')}.tmp` : undefined;
    const args = [
      ...(this.jvm === 'tuned'
        ? [`-Xms${Math.min(128, this.heapMb)}m`, `-Xmx${this.heapMb}m`, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData']
        : ['-Xms256m', '-Xmx512m', '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20']),
      '-Xshare:auto',
      ...(mapArchive ? [`-XX:SharedArchiveFile=${cds.path}`] : []),
      ...(dumpTo ? [`-XX:ArchiveClassesAtExit=${dumpTo}`] : []),
      // The JVM's own CDS warnings (classes it cannot archive) would fill the log.
      '-Xlog:cds=off,cds+dynamic=off',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
      `-Dkafka.logs.dir=${join(this.dir, 'logs')}`,
      '-cp',
      this.classpath(),
      'kafka.Kafka',
      join(this.dir, 'server.properties'),
    ];
    this.dumping = dumpTo !== undefined;
    const logFile = join(this.dir, 'kafka.log');
    const t0 = Date.now();
    const child = spawn(this.java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log: Buffer[] = [];
    const keep = (chunk: Buffer) => {
      log.push(chunk);
      if (log.length > 400) log.splice(0, log.length - 400);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(({ signal }) => {
      if (this.child === child) this.child = undefined;
      this.watchdog?.kill('SIGKILL');
      this.watchdog = undefined;
      writeFileSync(logFile, Buffer.concat(log), { flag: 'a' });
      // A graceful exit wrote the class-data archive: publish it for the next starts (atomically).
      if (dumpTo && cds && signal !== 'SIGKILL' && existsSync(dumpTo) && statSync(dumpTo).size > 0) {
        try {
          renameSync(dumpTo, cds.path);
        } catch {
          rmSync(dumpTo, { force: true });
        }
      } else if (dumpTo) rmSync(dumpTo, { force: true });
    });
    // Alive = listed and not a zombie (an unreaped parent still answers kill -0).
    const alive = (pid: number) => `{ s=$(sed 's/.*) //' /proc/${pid}/stat 2>/dev/null | cut -d' ' -f1); [ -n "$s" ] && [ "$s" != Z ]; }`;
    const watch = `while ${alive(process.pid)} && ${alive(child.pid!)}; do sleep 1; done; if ! ${alive(process.pid)}; then kill -9 ${child.pid} 2>/dev/null; rm -rf '${this.dir}'; fi`;
    this.watchdog = spawn('sh', ['-c', watch], { stdio: 'ignore' });
    this.watchdog.unref();

    const deadline = t0 + this.startTimeoutMs;
    let exitedEarly: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    void this.exited.then((e) => (exitedEarly = e));
    for (;;) {
      if (exitedEarly) throw new Error(`Kafka test broker exited during start-up (${JSON.stringify(exitedEarly)}):\n${tail(Buffer.concat(log))}`);
      if (await metadataLiveBrokers(this.port, 1_000).then((n) => n > 0, () => false)) break;
      if (Date.now() > deadline) {
        await this.stop('SIGKILL');
        throw new Error(`Kafka test broker not ready on ${this.brokers} within ${this.startTimeoutMs} ms:\n${tail(Buffer.concat(log))}`);
      }
      await sleep(50);
    }
    // A fresh broker creates its offsets topic on the first group lookup and answers "coordinator
    // not available" while it loads; on a busy machine that outlasts kafkajs' retries and a
    // consumer's first join fails. A real cluster has long had that topic: create it here.
    if (this.starts.length === 0) await this.warmGroupCoordinator(deadline);
    const timing = { readyMs: Date.now() - t0, cds: mapArchive, formatMs };
    this.starts.push(timing);
    return timing;
  }

  private async warmGroupCoordinator(deadline: number): Promise<void> {
    const admin = new Kafka({ clientId: 'ds-test-broker-warmup', brokers: [this.brokers], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
    try {
      for (;;) {
        try {
          await admin.connect();
          await admin.describeGroups(['ds-test-broker-warmup']);
          return;
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`Kafka test broker on ${this.brokers}: no group coordinator within ${this.startTimeoutMs} ms (${(err as Error).message})`);
          await sleep(200);
        }
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Stops the broker: SIGTERM is a controlled shutdown (bounded: SIGKILL after `graceMs`),
   * SIGKILL a crash. Resolves once the process is gone and its ports are free.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM', graceMs?: number): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    // A JVM writing the class-data archive (once per machine) needs longer to exit.
    graceMs ??= this.dumping ? 60_000 : 15_000;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
    this.child = undefined;
  }

  /** Whether the broker answers a Metadata request listing a live broker. */
  isServing(timeoutMs = 1_000): Promise<boolean> {
    return metadataLiveBrokers(this.port, timeoutMs).then(
      (n) => n > 0,
      () => false,
    );
  }

  /** The broker's output (stdout + stderr of every start so far). */
  log(): string {
    const file = join(this.dir, 'kafka.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Stops the broker and removes its data directory. */
  async destroy(): Promise<void> {
      await this.stop('SIGTERM');
    process.removeListener('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private killNow(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  private classpath(): string {
    return readdirSync(this.lib)
      .filter((f) => f.endsWith('.jar'))
      .sort()
      .map((f) => join(this.lib, f))
      .join(':');
  }

  /**
   * KRaft storage format, from a cached template when one exists for this configuration (the
   * format depends on the cluster id, node id and config, not on ports or the data path).
   */
  private format(): void {
    const data = join(this.dir, 'data');
    const key = createHash('sha256')
      .update(`${KAFKA_VERSION}\n${CLUSTER_ID}\n${serverProperties(0, 0, '')}`)
      .digest('hex')
      .slice(0, 16);
    const template = join(cacheDir(), 'kraft-template', key);
    if (!existsSync(join(template, 'meta.properties'))) {
      const staging = `${template}.${process.pid}-${randomBytes(3).toString('hex')}.tmp`;
      mkdirSync(staging, { recursive: true });
      const props = join(this.dir, 'format.properties');
      writeFileSync(props, serverProperties(this.port, this.controllerPort, staging));
      const run = spawnSync(
        this.java,
        [
          '-Xmx256m',
          '-XX:TieredStopAtLevel=1',
          `-Dlog4j2.configurationFile=${join(this.dir, 'log4j2.properties')}`,
          '-cp',
          this.classpath(),
          'kafka.tools.StorageTool',
          'format',
          '--cluster-id',
          CLUSTER_ID,
          '--config',
          props,
          '--ignore-formatted',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (run.status !== 0) {
        rmSync(staging, { recursive: true, force: true });
        throw new Error(`kafka-storage format failed (${run.status ?? run.signal}): ${run.stdout}${run.stderr}`);
      }
      try {
        renameSync(staging, template);
      } catch {
        // Another test process published the same template first.
        rmSync(staging, { recursive: true, force: true });
      }
    }
    cpSync(template, data, { recursive: true });
  }
}

function cacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'deploysphere', 'kafka', KAFKA_VERSION);
}

function kafkaLibDir(): string {
  const lib = join(cacheDir(), 'lib');
  if (!existsSync(join(lib, '.complete'))) {
    throw new Error(`Kafka ${KAFKA_VERSION} jars missing in ${lib}: run \`scripts/services/kafka.sh start\` once (it downloads them; scripts/test.sh does)`);
  }
  return lib;
}

let javaFound: { java: string; version: string } | undefined;

function javaBinary(): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  if (javaFound?.java === java) return java;
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`no Java at '${java}' (Kafka ${KAFKA_VERSION} needs Java 17+; scripts/services/kafka.sh installs it)`);
  javaFound = { java, version: probe.stderr };
  return java;
}

/** Where this JVM + classpath's class-data-sharing archive lives (the key changes with either). */
function cdsArchive(java: string, classpath: string): { path: string } {
  const version = javaFound?.java === java ? javaFound.version : spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr;
  const key = createHash('sha256').update(`${version}\n${classpath}`).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'cds');
  mkdirSync(dir, { recursive: true });
  return { path: join(dir, `kafka-${key}.jsa`) };
}

function serverProperties(port: number, controllerPort: number, dataDir: string): string {
  return `# Generated by test/support/kafka-process.ts
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${dataDir}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
# A small footprint: one test's traffic, on a 2-core machine shared with other suites.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
group.coordinator.threads=1
share.coordinator.threads=1
log.cleaner.threads=1
# After a crash (kill -9) the restarted broker can register only once the controller has expired
# the dead incarnation's session (default 9 s); heartbeats every 0.5 s make that 3 s.
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
`;
}

const LOG4J = `status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka.name = kafka.server.KafkaRaftServer
logger.kafka.level = INFO
`;

/**
 * Sends a Metadata (v4, all topics) request and returns how many live brokers the answer lists:
 * more than zero only once the KRaft controller is up and has unfenced the broker (the same check
 * as scripts/services/kafka.sh).
 */
export function metadataLiveBrokers(port: number, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    const finish = (err?: Error, n?: number) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(n!);
    };
    socket.once('error', (err) => finish(err));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const buf = Buffer.concat(chunks);
      if (buf.length >= 16) finish(undefined, buf.readInt32BE(12));
    });
    socket.once('close', () => finish(new Error('closed before a Metadata answer')));
    socket.connect(port, '127.0.0.1', () => {
      // size 16 | api_key 3 (Metadata) | api_version 4 | correlation_id 1 | client_id "p" | topics null | allow_auto_topic_creation false
      socket.write(Buffer.from([0, 0, 0, 16, 0, 3, 0, 4, 0, 0, 0, 1, 0, 1, 0x70, 0xff, 0xff, 0xff, 0xff, 0]));
    });
  });
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function tail(buf: Buffer, lines = 40): string {
  return buf.toString('utf8').split('\n').slice(-lines).join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
