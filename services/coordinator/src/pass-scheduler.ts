/**
 * Runs reconcile passes so that they never overlap and no signal is lost: signals within `debounceMs` share
 * one pass, and a signal that arrives while a pass runs schedules exactly one more after it.
 */
export class PassScheduler {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly runOnce: () => Promise<void>,
    /** Called when a pass started by a signal fails; the next signal retries. */
    private readonly failed: (e: Error) => void,
    private readonly debounceMs = 50,
  ) {}

  /** A change was signalled: a pass starts after the debounce window, unless one is already scheduled. */
  signal(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pass().catch(this.failed);
    }, this.debounceMs);
  }

  /** One full pass; resolves when it and any pass it had to queue are done. */
  async pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.runOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /** No pass is started by a signal after this. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
