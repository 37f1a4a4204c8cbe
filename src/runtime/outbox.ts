/**
 * Messages produced during one turn of the event loop leave together: one postMessage or
 * one pipe write per turn instead of one per message, because the cost of a hop between
 * threads or processes dominates a WebSocket echo.
 */
export class Outbox<T> {
  private batch: T[] = [];
  private scheduled = false;
  private held = false;

  /** `deliver` gets each non-empty batch, in order. */
  constructor(private readonly deliver: (batch: T[]) => void) {}

  push(message: T): void {
    this.batch.push(message);
    if (!this.scheduled && !this.held) this.schedule();
  }

  /** Messages wait until `resume`: the receiver has not taken the last batch yet. */
  hold(): void {
    this.held = true;
  }

  resume(): void {
    this.held = false;
    if (this.batch.length > 0 && !this.scheduled) this.schedule();
  }

  /** Delivers what is waiting now (also before an exit), unless held. */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.batch;
    if (batch.length === 0 || this.held) return;
    this.batch = [];
    this.deliver(batch);
  };

  private schedule(): void {
    this.scheduled = true;
    setImmediate(this.flush);
  }
}
