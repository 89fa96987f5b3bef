import { UpstreamBalancer } from './upstream-balancer';

describe('UpstreamBalancer', () => {
  const A = '10.0.0.1:3000';
  const B = '10.0.0.2:3000';
  const C = '10.0.0.3:3000';

  it('takes the instances in turn', () => {
    const balancer = new UpstreamBalancer(1_000);
    const set = [A, B, C];
    const picks = Array.from({ length: 6 }, () => balancer.pick(set, undefined, 0));
    expect(new Set(picks.slice(0, 3))).toEqual(new Set(set));
    expect(picks.slice(3)).toEqual(picks.slice(0, 3));
  });

  it('skips an ejected instance until its ejection ends, and a success clears it', () => {
    const balancer = new UpstreamBalancer(1_000);
    const set = [A, B];
    balancer.failed(A, 0);
    expect(Array.from({ length: 4 }, () => balancer.pick(set, undefined, 500))).toEqual([B, B, B, B]);
    expect(new Set(Array.from({ length: 2 }, () => balancer.pick(set, undefined, 1_000)))).toEqual(new Set([A, B]));
    balancer.failed(B, 2_000);
    balancer.succeeded(B);
    expect(balancer.isEjected(B, 2_001)).toBe(false);
  });

  it('skips the instances already tried, and tries the one whose ejection ends first when all are out', () => {
    const balancer = new UpstreamBalancer(1_000);
    expect(balancer.pick([A, B], new Set([A]), 0)).toBe(B);
    expect(balancer.pick([A, B], new Set([A, B]), 0)).toBeUndefined();
    balancer.failed(A, 100);
    balancer.failed(B, 50);
    expect(balancer.pick([A, B], undefined, 200)).toBe(B);
    expect(balancer.pick([], undefined, 0)).toBeUndefined();
  });
});
