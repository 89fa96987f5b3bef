/** Fargate's valid task sizes: CPU units → memory range (MiB) and step. */
const SIZES: ReadonlyArray<{ cpu: number; min: number; max: number; step: number }> = [
  { cpu: 256, min: 512, max: 2048, step: 512 },
  { cpu: 512, min: 1024, max: 4096, step: 1024 },
  { cpu: 1024, min: 2048, max: 8192, step: 1024 },
  { cpu: 2048, min: 4096, max: 16384, step: 1024 },
  { cpu: 4096, min: 8192, max: 30720, step: 1024 },
  { cpu: 8192, min: 16384, max: 61440, step: 4096 },
  { cpu: 16384, min: 32768, max: 122880, step: 8192 },
];

/**
 * The smallest valid Fargate task size that gives at least `cpus` vCPUs and `memoryMb` MiB
 * (RunTask refuses other combinations). Beyond the largest size, the largest.
 */
export function fargateSize(cpus: number, memoryMb: number): { cpu: string; memory: string } {
  const wantCpu = Math.ceil(cpus * 1024);
  for (const size of SIZES) {
    if (size.cpu < wantCpu || size.max < memoryMb) continue;
    const memory = Math.max(size.min, Math.ceil(memoryMb / size.step) * size.step);
    return { cpu: String(size.cpu), memory: String(memory) };
  }
  const largest = SIZES[SIZES.length - 1];
  return { cpu: String(largest.cpu), memory: String(largest.max) };
}
