/** How long an instance that refused or dropped a connection gets no new requests. */
export const EJECT_MS = 10_000;

/**
 * Round robin over a server app's instances with passive ejection: an instance whose connection
 * failed is skipped for `ejectMs`, then tried again (a success clears it at once). When every
 * instance is ejected the one whose ejection ends first is tried rather than refusing outright.
 */
export class UpstreamBalancer {
  private readonly ejectedUntil = new Map<string, number>();
  /** The round-robin position per instance set (a new set after a change starts anew). */
  private readonly cursors = new WeakMap<readonly string[], { next: number }>();

  constructor(private readonly ejectMs = EJECT_MS) {}

  pick(upstreams: readonly string[], exclude: ReadonlySet<string> | undefined, now = Date.now()): string | undefined {
    if (upstreams.length === 0) return undefined;
    let cursor = this.cursors.get(upstreams);
    if (cursor === undefined) this.cursors.set(upstreams, (cursor = { next: Math.floor(Math.random() * upstreams.length) }));
    let fallback: string | undefined;
    let fallbackUntil = Infinity;
    for (let i = 0; i < upstreams.length; i++) {
      const address = upstreams[(cursor.next + i) % upstreams.length];
      if (exclude?.has(address)) continue;
      const until = this.ejectedUntil.get(address);
      if (until === undefined || until <= now) {
        cursor.next = (cursor.next + i + 1) % upstreams.length;
        return address;
      }
      if (until < fallbackUntil) {
        fallback = address;
        fallbackUntil = until;
      }
    }
    return fallback;
  }

  failed(address: string, now = Date.now()): void {
    this.ejectedUntil.set(address, now + this.ejectMs);
  }

  succeeded(address: string): void {
    if (this.ejectedUntil.size > 0) this.ejectedUntil.delete(address);
  }

  isEjected(address: string, now = Date.now()): boolean {
    return (this.ejectedUntil.get(address) ?? 0) > now;
  }
}
