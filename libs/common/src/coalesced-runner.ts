/**
 * Runs a pass now, or once more right after the pass in progress: any number of calls made while
 * a pass runs coalesce into one more pass, so a burst of nudges costs at most one extra pass and
 * no nudge is lost. A pass that throws goes to `onError`; the next call runs again.
 */
export class CoalescedRunner {
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  /** Takes calls again after stop() (an owner paused and resumed). */
  start(): void {
    this.stopped = false;
  }

  /** Resolves once no pass runs and none is due (the one in progress and any it owes have finished). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No pass starts after this until start(); resolves when the one in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (err) {
        this.onError(err);
      }
    } while (this.again && !this.stopped);
  }
}
