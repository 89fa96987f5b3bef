import { fargateSize } from './fargate-size';

describe('fargateSize', () => {
  it.each([
    [0.25, 512, '256', '512'],
    [1, 1024, '1024', '2048'],
    [1, 2048, '1024', '2048'],
    [1, 3000, '1024', '3072'],
    [0.5, 9000, '2048', '9216'],
    [2, 4096, '2048', '4096'],
    [4, 8192, '4096', '8192'],
    [8, 20000, '8192', '20480'],
    [64, 999999, '16384', '122880'],
  ])('%p vCPU, %p MiB → cpu %s, memory %s', (cpus, memory, cpu, mem) => {
    expect(fargateSize(cpus, memory)).toEqual({ cpu, memory: mem });
  });
});
