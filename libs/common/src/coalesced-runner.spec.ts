import { CoalescedRunner } from './coalesced-runner';

describe('CoalescedRunner', () => {
  it('runs once more after the pass in progress, however many calls came meanwhile', async () => {
    const gates: Array<() => void> = [];
    let passes = 0;
    const runner = new CoalescedRunner(
      () => new Promise<void>((resolve) => (passes++, gates.push(resolve))),
      () => undefined,
    );
    runner.run();
    runner.run();
    runner.run();
    runner.run();
    expect(passes).toBe(1);
    gates.shift()!();
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    expect(passes).toBe(2);
    gates.shift()!();
    await runner.stop();
    expect(passes).toBe(2);
  });

  it('settled() resolves only after the pass in progress and the one it owes', async () => {
    const gates: Array<() => void> = [];
    let passes = 0;
    const runner = new CoalescedRunner(
      () => new Promise<void>((resolve) => (passes++, gates.push(resolve))),
      () => undefined,
    );
    runner.run();
    runner.run();
    let settled = false;
    const waiting = runner.settled().then(() => (settled = true));
    gates.shift()!();
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    gates.shift()!();
    await waiting;
    expect(passes).toBe(2);
    await runner.settled();
  });

  it('hands a failed pass to onError and runs again on the next call', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const runner = new CoalescedRunner(async () => {
      if (++calls === 1) throw new Error('boom');
    }, (err) => errors.push(err));
    runner.run();
    while (errors.length === 0) await new Promise((r) => setImmediate(r));
    runner.run();
    await runner.stop();
    expect(calls).toBe(2);
    expect(String(errors[0])).toBe('Error: boom');
  });

  it('starts nothing after stop() and waits for the pass in progress', async () => {
    let release!: () => void;
    const order: string[] = [];
    const runner = new CoalescedRunner(
      () => new Promise<void>((resolve) => (order.push('pass'), (release = resolve))),
      () => undefined,
    );
    runner.run();
    runner.run();
    const stopped = runner.stop().then(() => order.push('stopped'));
    release();
    await stopped;
    runner.run();
    expect(order).toEqual(['pass', 'stopped']);

    runner.start();
    runner.run();
    expect(order).toEqual(['pass', 'stopped', 'pass']);
    release();
    await runner.stop();
  });
});
