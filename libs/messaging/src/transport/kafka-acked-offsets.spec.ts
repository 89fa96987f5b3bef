import { AckedOffsets, type PartitionOffset } from './kafka-acked-offsets';

describe('AckedOffsets', () => {
  const tracker = () => {
    const commits: PartitionOffset[][] = [];
    const offsets = new AckedOffsets(async (o) => void commits.push(o), () => undefined);
    return { offsets, commits };
  };

  it('commits a partition only up to the last batch acked with every earlier one', async () => {
    const { offsets, commits } = tracker();
    const first = offsets.delivered('t', 0, '9');
    const second = offsets.delivered('t', 0, '19');
    const third = offsets.delivered('t', 0, '29');
    third.ack();
    await offsets.flush();
    expect(commits).toEqual([]);
    first.ack();
    await offsets.flush();
    second.ack();
    await offsets.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '10' }], [{ topic: 't', partition: 0, offset: '30' }]]);
  });

  it('keeps partitions apart, and a forgotten batch (its handler threw) holds nothing back', async () => {
    const { offsets, commits } = tracker();
    const a = offsets.delivered('t', 0, '4');
    const failed = offsets.delivered('t', 1, '7');
    const b = offsets.delivered('t', 1, '12');
    b.ack();
    failed.forget();
    a.ack();
    await offsets.flush();
    expect(commits.flat().sort((x, y) => x.partition - y.partition)).toEqual([
      { topic: 't', partition: 0, offset: '5' },
      { topic: 't', partition: 1, offset: '13' },
    ]);
  });

  it('ignores acks of batches delivered before a rebalance', async () => {
    const { offsets, commits } = tracker();
    const old = offsets.delivered('t', 0, '99');
    offsets.reset();
    old.ack();
    await offsets.flush();
    expect(commits).toEqual([]);
  });

  it('coalesces acks made while a commit is in flight into one more commit', async () => {
    const commits: PartitionOffset[][] = [];
    let release!: () => void;
    const offsets = new AckedOffsets(async (o) => {
      commits.push(o);
      if (commits.length === 1) await new Promise<void>((r) => (release = r));
    }, () => undefined);
    const runs = ['0', '1', '2', '3'].map((o) => offsets.delivered('t', 0, o));
    runs[0].ack();
    runs[1].ack();
    runs[2].ack();
    runs[3].ack();
    release();
    await offsets.flush();
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '1' }], [{ topic: 't', partition: 0, offset: '4' }]]);
  });
});
