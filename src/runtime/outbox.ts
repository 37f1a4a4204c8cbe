/**
 * Messages produced during one turn of the event loop leave together: one postMessage or
 * one pipe write per turn instead of one per message, because the cost of a hop between
 * threads or processes dominates a WebSocket echo.
 */
export class Outbox<T> {
  private batch: T[] = [];
  private scheduled = false;

  /** `deliver` gets each non-empty batch, in order. */
  constructor(private readonly deliver: (batch: T[]) => void) {}

  push(message: T): void {
    this.batch.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Delivers what is waiting now (also before an exit). */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    this.deliver(batch);
  };
}
