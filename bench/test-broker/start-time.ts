// How fast test/support/kafka-process.ts brings up a dedicated KRaft broker: spawn → a Metadata
// answer listing the broker, for a fresh broker (storage copied from the formatted template) and
// for restarts on the same data dir after a controlled stop (SIGTERM) and after a crash (SIGKILL),
// with the JVM flags scripts/services/kafka.sh uses, with the tuned flags, and with the tuned flags
// plus the class-data-sharing archive. Prints each figure and the medians.
//   RUNS (default 3)
import { KafkaProcess } from '../../test/support/kafka-process';

const RUNS = Number(process.env.RUNS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const loadavg = (await import('node:os')).loadavg()[0].toFixed(2);
  console.log(`Kafka test broker start-up, ${RUNS} runs per mode (1-min load ${loadavg} at start)`);
  const modes = [
    { name: 'kafka.sh flags', jvm: 'kafka.sh' as const, cds: false },
    { name: 'tuned, no CDS', jvm: 'tuned' as const, cds: false },
    { name: 'tuned + CDS', jvm: 'tuned' as const, cds: true },
  ];
  for (const { name, jvm, cds } of modes) {
    const fresh: number[] = [];
    const afterTerm: number[] = [];
    const afterKill: number[] = [];
    const stopTerm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = Date.now();
      const broker = await KafkaProcess.launch({ classDataSharing: cds, jvm });
      const launchMs = Date.now() - t0;
      fresh.push(launchMs);
      const s0 = Date.now();
      await broker.stop('SIGTERM');
      stopTerm.push(Date.now() - s0);
      afterTerm.push((await broker.start()).readyMs);
      await broker.stop('SIGKILL');
      afterKill.push((await broker.start()).readyMs);
      const mapped = broker.starts.map((s) => s.cds);
      await broker.destroy();
      console.log(`  ${name} run ${i + 1}: fresh ${launchMs} ms (format copy ${broker.starts[0].formatMs} ms), stop(SIGTERM) ${stopTerm.at(-1)} ms, restart after SIGTERM ${afterTerm.at(-1)} ms, after SIGKILL ${afterKill.at(-1)} ms; archive mapped ${mapped.join('/')}`);
    }
    console.log(`${name}: median fresh ${median(fresh)} ms | stop(SIGTERM) ${median(stopTerm)} ms | restart after SIGTERM ${median(afterTerm)} ms | after SIGKILL ${median(afterKill)} ms`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
